package appident_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
)

const clientID = "bxdcd0ff-5der-4c15-b2tf-r28b105aa845"

// ovSite is a site that earns a full description: an OV certificate naming
// the legal entity and the TXT record for clientID.
func ovSite(host string) appidenttest.SiteOptions {
	return appidenttest.SiteOptions{
		Host: host, Type: tlsinspect.OV,
		Organization: "Example Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
		ClientIDs: []string{clientID},
	}
}

func newChecker(t testing.TB, cfg appident.Config) *appident.Checker {
	t.Helper()
	c, err := appident.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestDisplayTable runs every row of the display table and every condition
// of the default policy through a Checker against the loopback servers.
func TestDisplayTable(t *testing.T) {
	w := appidenttest.New(t)
	type want struct {
		described bool
		labels    []string
		dns       string // dns.status
		tlsStatus string
		finding   string // a finding code that must be present ("" for none)
		revoked   string // tls.revocation, if set
	}
	described := func(labels ...string) want {
		return want{described: true, labels: append([]string{}, labels...), dns: "verified", tlsStatus: "ok"}
	}
	unknown := func(finding string) want {
		return want{labels: []string{label.UnknownApp}, dns: "verified", tlsStatus: "ok", finding: finding}
	}
	cases := []struct {
		name      string
		site      appidenttest.SiteOptions
		validated bool
		persona   label.Persona
		clientID  string
		want      want
	}{
		{name: "described OV", site: ovSite("app.ovhealth.com"), want: described()},
		{name: "described EV", site: func() appidenttest.SiteOptions {
			o := ovSite("app.evhealth.com")
			o.Type = tlsinspect.EV
			return o
		}(), want: described()},
		{name: "described and validated", site: ovSite("app.validhealth.com"), validated: true, want: described(label.Validated)},
		{name: "DV is unknown", site: func() appidenttest.SiteOptions {
			o := ovSite("app.dvhealth.com")
			o.Type, o.Organization = tlsinspect.DV, ""
			return o
		}(), want: unknown("cert.dv")},
		{name: "DV validated keeps Validated", validated: true, site: func() appidenttest.SiteOptions {
			o := ovSite("app.dvvalid.com")
			o.Type, o.Organization = tlsinspect.DV, ""
			return o
		}(), want: want{labels: []string{label.UnknownApp, label.Validated}, dns: "verified", tlsStatus: "ok", finding: "cert.dv"}},
		{name: "IV is unknown", site: func() appidenttest.SiteOptions {
			o := ovSite("app.ivhealth.com")
			o.Type = tlsinspect.IV
			return o
		}(), want: unknown("cert.iv")},
		{name: "no TXT record", site: func() appidenttest.SiteOptions {
			o := ovSite("app.notxt.com")
			o.ClientIDs = nil
			return o
		}(), want: want{labels: []string{label.UnknownApp}, dns: "not_found", tlsStatus: "ok", finding: "dns.txt_missing"}},
		{name: "other TXT records only", site: func() appidenttest.SiteOptions {
			o := ovSite("app.othertxt.com")
			o.ClientIDs, o.TXT = nil, [][]string{{"v=spf1 -all"}, {"google-site-verification=abc"}}
			return o
		}(), want: want{labels: []string{label.UnknownApp}, dns: "not_found", tlsStatus: "ok", finding: "dns.txt_missing"}},
		{name: "someone else's id", site: func() appidenttest.SiteOptions {
			o := ovSite("app.wrongid.com")
			o.ClientIDs = []string{"someone-else"}
			return o
		}(), want: want{labels: []string{label.UnknownApp}, dns: "mismatch", tlsStatus: "ok", finding: "dns.txt_mismatch"}},
		{name: "several ids in one record", site: func() appidenttest.SiteOptions {
			o := ovSite("app.multiid.com")
			o.ClientIDs, o.TXT = nil, [][]string{{"cerner-client-id=a1\ncerner-client-id=" + clientID}}
			return o
		}(), want: described()},
		{name: "self-signed", site: func() appidenttest.SiteOptions {
			o := ovSite("app.selfsigned.com")
			o.SelfSigned = true
			return o
		}(), want: unknown("cert.self_signed")},
		{name: "untrusted CA", site: func() appidenttest.SiteOptions {
			o := ovSite("app.untrusted.com")
			o.Untrusted = true
			return o
		}(), want: unknown("cert.untrusted")},
		{name: "expired", site: func() appidenttest.SiteOptions {
			o := ovSite("app.expired.com")
			o.Expired = true
			return o
		}(), want: unknown("cert.expired")},
		{name: "revoked", site: func() appidenttest.SiteOptions {
			o := ovSite("app.revoked.com")
			o.Revoked = true
			return o
		}(), want: func() want { w := unknown("cert.revoked"); w.revoked = "revoked"; return w }()},
		{name: "revoked, stapled", site: func() appidenttest.SiteOptions {
			o := ovSite("app.revokedstaple.com")
			o.Revoked, o.Staple = true, true
			return o
		}(), want: func() want { w := unknown("cert.revoked"); w.revoked = "revoked"; return w }()},
		{name: "good, stapled", site: func() appidenttest.SiteOptions {
			o := ovSite("app.goodstaple.com")
			o.Staple = true
			return o
		}(), want: func() want { w := described(); w.revoked = "good"; return w }()},
		{name: "revocation unknown is still described", site: func() appidenttest.SiteOptions {
			o := ovSite("app.norevinfo.com")
			o.NoRevocationInfo = true
			return o
		}(), want: func() want { w := described(); w.finding, w.revoked = "cert.revocation_unknown", "unknown"; return w }()},
		{name: "hostname mismatch", site: func() appidenttest.SiteOptions {
			o := ovSite("app.mismatch.com")
			o.DNSNames = []string{"other.mismatch.com"}
			return o
		}(), want: unknown("cert.hostname_mismatch")},
		{name: "TLS 1.1 only", site: func() appidenttest.SiteOptions {
			o := ovSite("app.legacytls.com")
			o.MaxVersion = tls.VersionTLS11
			return o
		}(), want: unknown("tls.version_legacy")},
		{name: "CDN certificate", site: func() appidenttest.SiteOptions {
			o := ovSite("app.behindcdn.com")
			o.CDN = true
			return o
		}(), want: unknown("cert.cdn")},
		{name: "OV without O", site: func() appidenttest.SiteOptions {
			o := ovSite("app.ovnoorg.com")
			o.Organization = ""
			return o
		}(), want: unknown("cert.ov_missing_org")},
		{name: "OV with O of dots", site: func() appidenttest.SiteOptions {
			o := ovSite("app.ovdots.com")
			o.Organization = " . "
			return o
		}(), want: unknown("cert.ov_missing_org")},
		{name: "no policy OID", site: func() appidenttest.SiteOptions {
			o := ovSite("app.nooid.com")
			o.Type = tlsinspect.Unknown
			return o
		}(), want: unknown("cert.type_unknown")},
		{name: "DNS SERVFAIL", site: func() appidenttest.SiteOptions {
			o := ovSite("app.servfail.com")
			o.DNSFault = 2
			return o
		}(), want: want{labels: []string{label.UnknownApp}, dns: "error", tlsStatus: "ok", finding: "dns.lookup_failed"}},
		{name: "TLS down", site: func() appidenttest.SiteOptions {
			o := ovSite("app.tlsdown.com")
			o.TLSFault = appidenttest.TLSDown
			return o
		}(), want: want{labels: []string{label.UnknownApp}, dns: "verified", tlsStatus: "error", finding: "tls.handshake_failed"}},
		{name: "TLS garbage", site: func() appidenttest.SiteOptions {
			o := ovSite("app.tlsgarbage.com")
			o.TLSFault = appidenttest.TLSGarbage
			return o
		}(), want: want{labels: []string{label.UnknownApp}, dns: "verified", tlsStatus: "error", finding: "tls.handshake_failed"}},
	}
	c := newChecker(t, w.Config())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			site, err := w.AddSite(tc.site)
			if err != nil {
				t.Fatal(err)
			}
			app := site.App(clientID, "Example Health")
			app.Validated, app.Persona = tc.validated, tc.persona
			a, err := c.Assess(context.Background(), app)
			if err != nil {
				t.Fatalf("Assess: %v", err)
			}
			m := decode(t, a)
			if a.Described != tc.want.described || !slices.Equal(a.Display.Labels, tc.want.labels) {
				t.Errorf("described %v, labels %q; want %v, %q (findings %v)", a.Described, a.Display.Labels,
					tc.want.described, tc.want.labels, a.Findings)
			}
			if a.Display.Domain != site.ETLDPlusOne {
				t.Errorf("domain %q, want %q: the domain is always shown", a.Display.Domain, site.ETLDPlusOne)
			}
			if tc.want.described {
				d := a.Display
				if d.AppName != "Example Health" || d.Organization != tc.site.Organization || d.Location != "US, MO, Kansas City" {
					t.Errorf("display %+v: want the app name, organization and location", d)
				}
			} else if d := a.Display; d.AppName != "" || d.Organization != "" || d.Location != "" {
				t.Errorf("display %+v: an Unknown App shows only its domain", d)
			}
			checkField(t, m, tc.want.dns, "dns", "status")
			checkField(t, m, tc.want.tlsStatus, "tls", "status")
			if tc.want.revoked != "" {
				checkField(t, m, tc.want.revoked, "tls", "revocation")
			}
			if tc.want.finding != "" && !hasFinding(a.Findings, tc.want.finding) {
				t.Errorf("findings %v: want %s", codes(a.Findings), tc.want.finding)
			}
			if tc.want.dns == "verified" && !slices.Contains(a.DNS.Found, clientID) {
				t.Errorf("dns found %q, want %q among them", a.DNS.Found, clientID)
			}
		})
	}
}

func TestDNSStatusIsPerApp(t *testing.T) {
	// Apps on one domain share the DNS evidence, but the match is per app.
	w := appidenttest.New(t)
	o := ovSite("app.shared.com")
	o.ClientIDs = []string{"app-one", "app-two"}
	site, err := w.AddSite(o)
	if err != nil {
		t.Fatal(err)
	}
	c := newChecker(t, w.Config())
	for _, tc := range []struct {
		id   string
		want dnsverify.Status
	}{{"app-one", dnsverify.StatusVerified}, {"app-two", dnsverify.StatusVerified}, {"app-three", dnsverify.StatusMismatch}} {
		a, err := c.Assess(context.Background(), site.App(tc.id, "X"))
		if err != nil {
			t.Fatal(err)
		}
		if a.DNS.Status != tc.want || a.DNS.Want != tc.id {
			t.Errorf("%s: DNS %v want %q; want %v", tc.id, a.DNS.Status, a.DNS.Want, tc.want)
		}
	}
	if n := w.DNSQueries(site.ETLDPlusOne); n != 1 {
		t.Errorf("%d TXT queries for three apps on one domain, want 1", n)
	}
}

func TestPartialEvidenceStillShowsDomain(t *testing.T) {
	w := appidenttest.New(t)
	o := ovSite("app.partial.com")
	o.TLSFault, o.DNSFault = appidenttest.TLSSilent, 5
	site, err := w.AddSite(o)
	if err != nil {
		t.Fatal(err)
	}
	cfg := w.Config()
	cfg.Timeout = 200 * time.Millisecond
	c := newChecker(t, cfg)
	a, err := c.Assess(context.Background(), site.App(clientID, "X"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Display.Domain != "partial.com" || a.Described || a.TLSErr == nil || a.DNS.Status != dnsverify.StatusError {
		t.Fatalf("display %+v, TLSErr %v, DNS %v: want the domain as Unknown App, both failures as evidence", a.Display, a.TLSErr, a.DNS.Status)
	}
	if errors.Is(a.TLSErr, appident.ErrRefused) || !strings.Contains(a.TLSErr.Error(), "") {
		t.Errorf("TLSErr %v: a timeout is not a refusal", a.TLSErr)
	}
}

// Every app on a site is verified, whatever else its answer holds and in
// whatever order (issue 11): one record of 100 ids, 100 records, a record
// of 64 ids listed before the app's own. The site is looked up once.
func TestEveryAppOfASiteIsVerified(t *testing.T) {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("app-%03d", i)
	}
	oneRecord := func() [][]string {
		var lines []string
		for _, id := range ids {
			lines = append(lines, "cerner-client-id="+id+"\n")
		}
		return [][]string{lines}
	}
	manyRecords := func() [][]string {
		var rs [][]string
		for _, id := range ids {
			rs = append(rs, []string{"cerner-client-id=" + id})
		}
		return rs
	}
	sixtyFourFirst := func() [][]string {
		var lines []string
		for i := range 64 {
			lines = append(lines, fmt.Sprintf("cerner-client-id=other-%d\n", i))
		}
		return append([][]string{lines, {"v=spf1 -all"}}, manyRecords()...)
	}
	for name, records := range map[string]func() [][]string{"100 ids in one record": oneRecord, "100 records": manyRecords, "64 ids first": sixtyFourFirst} {
		t.Run(name, func(t *testing.T) {
			w := appidenttest.New(t)
			site, err := w.AddSite(ovSite("app.manyapps.com"))
			if err != nil {
				t.Fatal(err)
			}
			w.SetTXT(site.ETLDPlusOne, records()...)
			c := newChecker(t, w.Config())
			for _, id := range ids {
				if a := assess(t, c, site.App(id, "Many")); a.DNS.Status != dnsverify.StatusVerified || !a.Described {
					t.Fatalf("%s: DNS %v, described %v: want verified", id, a.DNS.Status, a.Described)
				}
			}
			if s := c.Stats(); s.DNSLookups != 1 {
				t.Errorf("Stats %+v: want the site looked up once", s)
			}
		})
	}
}
