package label

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/tlsinspect"
)

// good returns Evidence for an app that meets every requirement: it is
// described in full.
func good() Evidence {
	return Evidence{
		Site: etld.Site{
			Scheme: "https", Host: "app.examplehealth.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "examplehealth.com", ICANN: true,
			DisplayDomain: "examplehealth.com",
		},
		DNS: &dnsverify.Result{
			Status: dnsverify.StatusVerified, Name: "examplehealth.com",
			Want: "c1d2", Found: []string{"c1d2"},
		},
		TLS: &tlsinspect.Report{
			Host: "app.examplehealth.com", Port: 443, Address: "93.184.216.34:443",
			Version:      tls.VersionTLS13,
			Leaf:         &x509.Certificate{},
			Chain:        []tlsinspect.CertInfo{{Subject: "CN=app.examplehealth.com"}},
			Type:         tlsinspect.OV,
			Organization: "Example Health, Inc.",
			Location:     tlsinspect.Location{Country: "US", State: "MO", Locality: "Kansas City"},
			Trusted:      true, TrustedWithinValidity: true, HostnameMatch: true,
			NotBefore:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:   time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			Revocation: tlsinspect.RevocationGood, RevocationSource: "crl",
		},
		AppName:  "Example Health Companion",
		ClientID: "c1d2",
	}
}

func TestGoodIsDescribed(t *testing.T) {
	d := DefaultPolicy().Decide(good())
	if !d.Described {
		t.Fatalf("good evidence not described: %+v", d.Findings)
	}
	want := Display{
		AppName: "Example Health Companion", Organization: "Example Health, Inc.",
		Location: "US, MO, Kansas City", Domain: "examplehealth.com", Labels: []string{},
	}
	if d.Display.AppName != want.AppName || d.Display.Organization != want.Organization ||
		d.Display.Location != want.Location || d.Display.Domain != want.Domain ||
		d.Display.Labels == nil || len(d.Display.Labels) != 0 {
		t.Errorf("Display = %#v, want %#v", d.Display, want)
	}
	if d.Findings == nil || len(d.Findings) != 0 {
		t.Errorf("Findings = %#v, want empty non-nil", d.Findings)
	}
}

// Each condition of the default policy, alone, turns a described app into
// an Unknown App, with a finding of the given code.
func TestEachConditionWithholds(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Evidence)
		code   string
		sev    Severity // for a patient app
	}{
		{"plain http", func(e *Evidence) { e.Site.Scheme = "http"; e.Site.Port = 80 }, "uri.not_https", Must},
		{"port 8443", func(e *Evidence) { e.Site.Port = 8443 }, "uri.port", Should},
		{"development target", func(e *Evidence) {
			e.Site.Development = etld.DevReservedName
		}, "site.development", Info},
		{"dns not attempted", func(e *Evidence) { e.DNS = nil }, "dns.not_assessed", Should},
		{"txt missing", func(e *Evidence) {
			e.DNS.Status = dnsverify.StatusNotFound
			e.DNS.Found = []string{}
		}, "dns.txt_missing", Should},
		{"txt mismatch", func(e *Evidence) {
			e.DNS.Status = dnsverify.StatusMismatch
			e.DNS.Found = []string{"other"}
		}, "dns.txt_mismatch", Should},
		{"dns lookup failed", func(e *Evidence) {
			e.DNS.Status = dnsverify.StatusError
			e.DNS.Err = errors.New("SERVFAIL")
		}, "dns.lookup_failed", Should},
		{"dns unknown status", func(e *Evidence) { e.DNS.Status = dnsverify.Status(99) }, "dns.lookup_failed", Should},
		{"dns for another client id", func(e *Evidence) { e.DNS.Want = "someone-else" }, "dns.wrong_client_id", Should},
		{"dns at another name", func(e *Evidence) { e.DNS.Name = "evil.com" }, "dns.wrong_name", Should},
		{"tls not attempted", func(e *Evidence) { e.TLS = nil }, "tls.not_assessed", Should},
		{"tls failed", func(e *Evidence) { e.TLS = nil; e.TLSErr = errors.New("connection refused") }, "tls.not_assessed", Should},
		{"handshake failed", func(e *Evidence) { e.TLS.Version = 0 }, "tls.handshake_failed", Should},
		{"TLS 1.1", func(e *Evidence) { e.TLS.Version = tls.VersionTLS11 }, "tls.version_legacy", Should},
		{"TLS 1.0", func(e *Evidence) { e.TLS.Version = tls.VersionTLS10 }, "tls.version_legacy", Should},
		{"no certificate", func(e *Evidence) { e.TLS.Leaf = nil; e.TLS.Chain = nil }, "cert.none", Should},
		{"untrusted", func(e *Evidence) { e.TLS.Trusted = false; e.TLS.TrustError = "x509: unknown authority" }, "cert.untrusted", Should},
		{"hostname mismatch", func(e *Evidence) { e.TLS.HostnameMatch = false }, "cert.hostname_mismatch", Should},
		{"self-signed", func(e *Evidence) { e.TLS.SelfSigned = true }, "cert.self_signed", Should},
		{"expired", func(e *Evidence) { e.TLS.Expired = true }, "cert.expired", Should},
		{"not yet valid", func(e *Evidence) { e.TLS.NotYetValid = true }, "cert.not_yet_valid", Should},
		{"revoked", func(e *Evidence) { e.TLS.Revocation = tlsinspect.RevocationRevoked }, "cert.revoked", Should},
		{"DV", func(e *Evidence) { e.TLS.Type = tlsinspect.DV }, "cert.dv", Should},
		{"IV", func(e *Evidence) { e.TLS.Type = tlsinspect.IV }, "cert.iv", Should},
		{"unknown type", func(e *Evidence) { e.TLS.Type = tlsinspect.Unknown }, "cert.type_unknown", Should},
		{"no organization", func(e *Evidence) { e.TLS.Organization = "" }, "cert.ov_missing_org", Should},
		{"organization only invisible", func(e *Evidence) { e.TLS.Organization = "\u200b\u202e " }, "cert.ov_missing_org", Should},
		{"CDN certificate", func(e *Evidence) { e.TLS.CDN = true; e.TLS.CDNReason = "Cloudflare, Inc." }, "cert.cdn", Should},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := good()
			tt.change(&ev)
			d := DefaultPolicy().Decide(ev)
			if d.Described {
				t.Fatalf("described despite %s", tt.name)
			}
			if !slices.Equal(d.Display.Labels, []string{UnknownApp}) {
				t.Errorf("Labels = %q, want [Unknown App]", d.Display.Labels)
			}
			if d.Display.AppName != "" || d.Display.Organization != "" || d.Display.Location != "" {
				t.Errorf("Display shows more than the domain: %#v", d.Display)
			}
			if d.Display.Domain != "examplehealth.com" {
				t.Errorf("Domain = %q", d.Display.Domain)
			}
			f, ok := find(d, tt.code)
			if !ok {
				t.Fatalf("no %s finding in %+v", tt.code, d.Findings)
			}
			if !f.Withholds || f.Severity != tt.sev || f.Message == "" {
				t.Errorf("%s: %+v, want withholding %v", tt.code, f, tt.sev)
			}
		})
	}
}

func find(d Decision, code string) (Finding, bool) {
	for _, f := range d.Findings {
		if f.Code == code {
			return f, true
		}
	}
	return Finding{}, false
}

func TestRevocationUnknownAllowed(t *testing.T) {
	ev := good()
	ev.TLS.Revocation = tlsinspect.RevocationUnknown
	ev.TLS.RevocationReason = "OCSP responder unreachable"
	d := DefaultPolicy().Decide(ev)
	if !d.Described {
		t.Fatalf("unknown revocation withheld the description: %+v", d.Findings)
	}
	f, ok := find(d, "cert.revocation_unknown")
	if !ok || f.Withholds || f.Severity != Info || !strings.Contains(f.Message, "unreachable") {
		t.Errorf("revocation finding = %+v, %v", f, ok)
	}
}

// A CDN's certificate reaches label with its organization withheld (as
// tlsinspect reports it): the finding is the CDN, not a missing organization.
func TestCDNIsNotAMissingOrganization(t *testing.T) {
	ev := good()
	ev.TLS.CDN = true
	ev.TLS.CDNReason = "certificate organization is the CDN operator Cloudflare"
	ev.TLS.Organization = ""
	d := DefaultPolicy().Decide(ev)
	if d.Described {
		t.Fatal("a CDN's certificate described the app")
	}
	if _, ok := find(d, "cert.cdn"); !ok {
		t.Errorf("no cert.cdn finding in %+v", d.Findings)
	}
	if f, ok := find(d, "cert.ov_missing_org"); ok {
		t.Errorf("CDN certificate also reported as %+v", f)
	}
}

// An expired or not yet valid certificate whose chain verifies within its
// dates is reported by its dates alone, without cert.untrusted (from R4 or
// carried over from the report's findings); a chain that would not verify
// within the dates either is also cert.untrusted.
func TestUntrustedOnlyByDates(t *testing.T) {
	const expiredErr = "certificate has expired or is not yet valid: current time 2026-12-02T00:00:00Z is after 2026-12-01T00:00:00Z"
	const unknownCA = "certificate signed by unknown authority"
	tests := []struct {
		name          string
		change        func(*tlsinspect.Report)
		want, notWant []string
	}{
		{"expired, chain valid within its dates", func(r *tlsinspect.Report) {
			r.Trusted, r.TrustedWithinValidity, r.TrustError, r.Expired = false, true, expiredErr, true
		}, []string{"cert.expired"}, []string{"cert.untrusted"}},
		{"not yet valid, chain valid within its dates", func(r *tlsinspect.Report) {
			r.Trusted, r.TrustedWithinValidity, r.TrustError, r.NotYetValid = false, true, expiredErr, true
		}, []string{"cert.not_yet_valid"}, []string{"cert.untrusted"}},
		{"expired, unknown CA", func(r *tlsinspect.Report) {
			r.Trusted, r.TrustedWithinValidity, r.TrustError, r.Expired = false, false, expiredErr, true
		}, []string{"cert.expired", "cert.untrusted"}, nil},
		{"not yet valid, unknown CA", func(r *tlsinspect.Report) {
			r.Trusted, r.TrustedWithinValidity, r.TrustError, r.NotYetValid = false, false, expiredErr, true
		}, []string{"cert.not_yet_valid", "cert.untrusted"}, nil},
		{"expired and self-signed", func(r *tlsinspect.Report) {
			r.Trusted, r.TrustedWithinValidity, r.TrustError, r.Expired, r.SelfSigned = false, false, expiredErr, true, true
		}, []string{"cert.expired", "cert.self_signed", "cert.untrusted"}, nil},
		{"unknown CA within its dates", func(r *tlsinspect.Report) {
			r.Trusted, r.TrustedWithinValidity, r.TrustError = false, false, unknownCA
		}, []string{"cert.untrusted"}, []string{"cert.expired", "cert.not_yet_valid"}},
		{"chain valid, revocation unknown (hard-fail)", func(r *tlsinspect.Report) {
			r.Trusted, r.TrustedWithinValidity, r.TrustError = false, true, "revocation unknown (hard-fail)"
		}, []string{"cert.untrusted"}, []string{"cert.expired", "cert.not_yet_valid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := good()
			tt.change(ev.TLS)
			// The report's own findings, as tlsinspect lists them.
			for code, on := range map[string]bool{
				code.Untrusted:   !ev.TLS.Trusted,
				code.Expired:     ev.TLS.Expired,
				code.NotYetValid: ev.TLS.NotYetValid,
				code.SelfSigned:  ev.TLS.SelfSigned,
			} {
				if on {
					ev.TLS.Findings = append(ev.TLS.Findings, tlsinspect.Finding{Code: code, Message: "the chain does not verify to the trusted roots: " + ev.TLS.TrustError})
				}
			}
			d := DefaultPolicy().Decide(ev)
			if d.Described {
				t.Fatalf("described: %+v", d.Findings)
			}
			for _, code := range tt.want {
				if f, ok := find(d, code); !ok || !f.Withholds || f.Severity != Should {
					t.Errorf("%s = %+v, %v; want a withholding should finding", code, f, ok)
				}
			}
			for _, code := range tt.notWant {
				if f, ok := find(d, code); ok {
					t.Errorf("unexpected %+v", f)
				}
			}
			if f, ok := find(d, "cert.untrusted"); ok && ev.TLS.TrustError != "" && !strings.Contains(f.Message, ev.TLS.TrustError) {
				t.Errorf("cert.untrusted message %q lacks the trust error", f.Message)
			}
		})
	}
}

// However an embedder replaces the rules, an organization reaches the
// patient only from a certificate that associates a legal entity with the
// site: never a CDN's, an untrusted, a revoked or a DV certificate's.
func TestOrganizationNeedsALegalEntityWhateverTheRules(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*Evidence)
	}{
		{"CDN", func(e *Evidence) { e.TLS.CDN = true }},
		{"untrusted", func(e *Evidence) { e.TLS.Trusted = false }},
		{"revoked", func(e *Evidence) { e.TLS.Revocation = tlsinspect.RevocationRevoked }},
		{"DV", func(e *Evidence) { e.TLS.Type = tlsinspect.DV }},
		{"hostname mismatch", func(e *Evidence) { e.TLS.HostnameMatch = false }},
		{"no TLS", func(e *Evidence) { e.TLS = nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev := good()
			tt.change(&ev)
			d := (&Policy{Rules: []Rule{}}).Decide(ev) // no rules at all
			if d.Described || d.Display.Organization != "" || d.Display.Location != "" {
				t.Errorf("described with %s: %#v", tt.name, d.Display)
			}
			if _, ok := find(d, "label.no_organization"); !ok {
				t.Errorf("no label.no_organization finding: %+v", d.Findings)
			}
		})
	}
	// The same evidence, untouched, is described by the empty policy.
	if d := (&Policy{Rules: []Rule{}}).Decide(good()); !d.Described || d.Display.Organization == "" {
		t.Errorf("good evidence not described by the empty policy: %#v", d)
	}
}
