package appident_test

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
)

// decode marshals a and decodes it generically, as a consumer of the
// contract's JSON would.
func decode(t *testing.T, a *appident.Assessment) map[string]any {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", b, err)
	}
	return m
}

func field(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var v any = m
	for _, p := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: not an object at %q", path, p)
		}
		if v, ok = obj[p]; !ok {
			t.Fatalf("JSON report lacks %v", path)
		}
	}
	return v
}

func TestReportJSONMatchesContract(t *testing.T) {
	nb := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CST", -6*3600))
	na := nb.AddDate(1, 0, 0)
	a := &appident.Assessment{
		ClientID:    "bxdcd0ff-5der-4c15-b2tf-r28b105aa845",
		RedirectURI: "https://app.examplehealth.com/callback",
		Site: etld.Site{Scheme: "https", Host: "app.examplehealth.com", Port: 443, PublicSuffix: "com",
			ETLDPlusOne: "examplehealth.com", ICANN: true, DisplayDomain: "examplehealth.com"},
		DNS: &dnsverify.Result{Status: dnsverify.StatusVerified, Name: "examplehealth.com",
			Want: "bxdcd0ff-5der-4c15-b2tf-r28b105aa845", Found: []string{"other", "bxdcd0ff-5der-4c15-b2tf-r28b105aa845"},
			TTL: 300 * time.Second, Server: "127.0.0.1:53"},
		TLS: &tlsinspect.Report{Host: "app.examplehealth.com", Port: 443, Address: "192.0.2.1:443",
			Version: tls.VersionTLS13, CipherSuite: "TLS_AES_128_GCM_SHA256",
			Type: tlsinspect.OV, Organization: "Example Health, Inc.",
			Location: tlsinspect.Location{Country: "US", State: "MO", Locality: "Kansas City"},
			Trusted:  true, HostnameMatch: true, NotBefore: nb, NotAfter: na,
			Revocation: tlsinspect.RevocationGood, RevocationSource: "crl"},
		Display: label.Display{AppName: "Example Health", Organization: "Example Health, Inc.",
			Location: "US, MO, Kansas City", Domain: "examplehealth.com", Labels: []string{label.Validated}},
		Described: true,
		Findings: []label.Finding{
			{Code: "tls.revocation_unknown", Severity: label.Should, Message: "m1", Requirement: "R4"},
			{Code: "cache.stale", Severity: label.Info, Message: "m2"},
			{Code: "tls.version_legacy", Severity: label.Must, Message: "m3"},
		},
	}
	m := decode(t, a)
	want := map[string]any{
		"client_id":    "bxdcd0ff-5der-4c15-b2tf-r28b105aa845",
		"redirect_uri": "https://app.examplehealth.com/callback",
	}
	wantSite := map[string]any{"host": "app.examplehealth.com", "port": 443.0, "etld_plus_one": "examplehealth.com",
		"display_domain": "examplehealth.com", "development": false}
	wantDNS := map[string]any{"name": "examplehealth.com", "status": "verified",
		"client_ids": []any{"other", "bxdcd0ff-5der-4c15-b2tf-r28b105aa845"}, "ttl_seconds": 300.0}
	wantTLS := map[string]any{"status": "ok", "version": "TLS1.3", "certificate_type": "OV", "trusted": true,
		"self_signed": false, "hostname_match": true, "not_before": "2026-01-02T09:04:05Z",
		"not_after": "2027-01-02T09:04:05Z", "expired": false, "revocation": "good",
		"organization": "Example Health, Inc.", "cipher_suite": "TLS_AES_128_GCM_SHA256", "revocation_source": "crl",
		"location": map[string]any{"country": "US", "state": "MO", "locality": "Kansas City"}}
	wantDisplay := map[string]any{"app_name": "Example Health", "organization": "Example Health, Inc.",
		"location": "US, MO, Kansas City", "domain": "examplehealth.com", "labels": []any{"Validated"}}
	for k, v := range want {
		checkField(t, m, v, k)
	}
	for k, v := range wantSite {
		checkField(t, m, v, "site", k)
	}
	for k, v := range wantDNS {
		checkField(t, m, v, "dns", k)
	}
	for k, v := range wantTLS {
		checkField(t, m, v, "tls", k)
	}
	for k, v := range wantDisplay {
		checkField(t, m, v, "display", k)
	}
	fs := field(t, m, "findings").([]any)
	wantFs := []map[string]any{
		{"code": "tls.revocation_unknown", "severity": "should", "message": "m1", "requirement": "R4"},
		{"code": "cache.stale", "severity": "info", "message": "m2"},
		{"code": "tls.version_legacy", "severity": "must", "message": "m3"},
	}
	if len(fs) != len(wantFs) {
		t.Fatalf("findings = %v, want %d", fs, len(wantFs))
	}
	for i, w := range wantFs {
		for k, v := range w {
			if got := fs[i].(map[string]any)[k]; !reflect.DeepEqual(got, v) {
				t.Errorf("findings[%d].%s = %#v, want %#v", i, k, got, v)
			}
		}
	}
	checkField(t, m, true, "described")
}

func checkField(t *testing.T, m map[string]any, want any, path ...string) {
	t.Helper()
	if got := field(t, m, path...); !reflect.DeepEqual(got, want) {
		t.Errorf("%v = %#v, want %#v", path, got, want)
	}
}

func TestReportJSONNeverNullLists(t *testing.T) {
	a := &appident.Assessment{
		ClientID: "id", RedirectURI: "https://app.examplehealth.com/",
		Site: etld.Site{Scheme: "https", Host: "app.examplehealth.com", Port: 443, ETLDPlusOne: "examplehealth.com",
			DisplayDomain: "examplehealth.com"},
		DNS:     &dnsverify.Result{Status: dnsverify.StatusError, Name: "examplehealth.com", Err: errors.New("appident: boom")},
		TLSErr:  errors.New("tlsinspect: connection refused"),
		Display: label.Display{Domain: "examplehealth.com"},
	}
	m := decode(t, a)
	checkField(t, m, []any{}, "dns", "client_ids")
	checkField(t, m, "error", "dns", "status")
	checkField(t, m, "appident: boom", "dns", "error")
	checkField(t, m, []any{}, "display", "labels")
	checkField(t, m, []any{}, "findings")
	checkField(t, m, "error", "tls", "status")
	checkField(t, m, "unknown", "tls", "certificate_type")
	checkField(t, m, "unknown", "tls", "revocation")
	checkField(t, m, nil, "tls", "not_before")
	checkField(t, m, nil, "tls", "not_after")
	checkField(t, m, map[string]any{"country": "", "state": "", "locality": ""}, "tls", "location")
	checkField(t, m, "tlsinspect: connection refused", "tls", "error")

	for _, tc := range []struct {
		s    dnsverify.Status
		want string
	}{
		{dnsverify.StatusVerified, "verified"}, {dnsverify.StatusNotFound, "not_found"},
		{dnsverify.StatusMismatch, "mismatch"}, {dnsverify.StatusError, "error"},
	} {
		a.DNS = &dnsverify.Result{Status: tc.s}
		checkField(t, decode(t, a), tc.want, "dns", "status")
	}
	for _, tc := range []struct {
		ct   tlsinspect.CertType
		want string
	}{
		{tlsinspect.EV, "EV"}, {tlsinspect.OV, "OV"}, {tlsinspect.IV, "IV"}, {tlsinspect.DV, "DV"}, {tlsinspect.Unknown, "unknown"},
	} {
		a.TLS, a.TLSErr = &tlsinspect.Report{Type: tc.ct, Version: tls.VersionTLS11, Revocation: tlsinspect.RevocationRevoked}, nil
		m := decode(t, a)
		checkField(t, m, tc.want, "tls", "certificate_type")
		checkField(t, m, "TLS1.1", "tls", "version")
		checkField(t, m, "revoked", "tls", "revocation")
		checkField(t, m, "ok", "tls", "status")
	}
}

func TestReportJSONDevelopmentTarget(t *testing.T) {
	a := &appident.Assessment{
		ClientID: "id", RedirectURI: "http://localhost:8080/cb",
		Site:     etld.Site{Scheme: "http", Host: "localhost", Port: 8080, Development: etld.DevLocalhost},
		Display:  label.Display{Domain: "localhost", Labels: []string{label.UnknownApp}},
		Findings: []label.Finding{{Code: "site.development", Severity: label.Info, Message: "cannot be assessed"}},
	}
	m := decode(t, a)
	checkField(t, m, true, "site", "development")
	checkField(t, m, etld.DevLocalhost.String(), "site", "development_reason")
	// Not looked up, yet the objects the contract names are present, so a
	// script reading dns.status or tls.status never meets a null.
	checkField(t, m, "error", "dns", "status")
	checkField(t, m, []any{}, "dns", "client_ids")
	checkField(t, m, "error", "tls", "status")
	checkField(t, m, "unknown", "tls", "certificate_type")
	checkField(t, m, "unknown", "tls", "revocation")
	checkField(t, m, "not dialled: the redirect URI is a development target", "tls", "error")
	checkField(t, m, []any{"Unknown App"}, "display", "labels")
}
