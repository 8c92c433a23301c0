package tlsinspect

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"

	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/internal/pki"
)

// TestInspectCDNOperatorsOwnSite: a CDN operator's organization on a host of
// a registrable domain the operator owns is the site's own (Microsoft's
// login.microsoftonline.com, Cloudflare's dash.cloudflare.com); on any other
// host, including a customer's subdomain of the operator's hosting domains
// (which the Public Suffix List's private section makes a site of its own),
// it is the CDN's and is never shown.
func TestInspectCDNOperatorsOwnSite(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		host, org string
		cdn       bool
	}{
		{"login.microsoftonline.com", "Microsoft Corporation", false},
		{"www.microsoft.com", "Microsoft Corporation", false},
		{"dash.cloudflare.com", "Cloudflare, Inc.", false},
		{"app.fitpulse.co", "Cloudflare, Inc.", true},
		{"fitpulse.azurewebsites.net", "Microsoft Corporation", true},
		{"dash.cloudflare.com", "Microsoft Corporation", true}, // another operator's domain
		{"contoso.sharepoint.com", "Microsoft Corporation", true},
	}
	for _, tt := range tests {
		l := w.leaf(t, func(o *pki.LeafOptions) {
			o.DNSNames = []string{tt.host}
			o.Subject = pkix.Name{Organization: []string{tt.org}, Country: []string{"US"}, Province: []string{"WA"}, Locality: []string{"Redmond"}}
			o.Policies = []x509.OID{pki.OIDOV}
		})
		srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
		r, err := w.inspector(srv.Addr()).Inspect(context.Background(), tt.host, 443)
		if err != nil {
			t.Fatal(err)
		}
		org, _, ok := r.LegalEntity()
		if r.CDN != tt.cdn || ok == tt.cdn || r.has(code.CDN) != tt.cdn {
			t.Errorf("%s, O=%s: CDN %v (%s), LegalEntity %q %v", tt.host, tt.org, r.CDN, r.CDNReason, org, ok)
		}
		if !tt.cdn && org != tt.org {
			t.Errorf("%s: organization %q, want %q", tt.host, org, tt.org)
		}
	}
}

func TestDetectCDNForHost(t *testing.T) {
	ms := &x509.Certificate{Subject: pkix.Name{Organization: []string{"Microsoft Corporation"}}}
	for i := range 12 {
		ms.DNSNames = append(ms.DNSNames, "login.site"+strings.Repeat("x", i)+".com")
	}
	tests := []struct {
		host string
		want bool
	}{
		{"login.microsoftonline.com", false}, // its own site, however many others it names
		{"LOGIN.MicrosoftOnline.com.", false},
		{"app.fitpulse.co", true},
		{"microsoftonline.com.evil.example", true},
		{"", true},
		{"127.0.0.1", true},
	}
	for _, tt := range tests {
		if got, why := DetectCDN(ms, tt.host); got != tt.want || (got && why == "") {
			t.Errorf("%q: %v, %q", tt.host, got, why)
		}
	}
	if got, _ := DetectCDN(ms, ""); !got {
		t.Error("DetectCDN without a host: not a CDN")
	}
	mixed := &x509.Certificate{Subject: pkix.Name{Organization: []string{"Microsoft Corporation", "Cloudflare, Inc."}}}
	if got, _ := DetectCDN(mixed, "www.microsoft.com"); !got {
		t.Error("a second operator's organization on Microsoft's site: not a CDN")
	}
}

// An operator's name counts as whole words: a health company whose name
// merely begins like a CDN operator's keeps its organization.
func TestDetectCDNWholeWords(t *testing.T) {
	for _, tt := range []struct {
		org  string
		want bool
	}{
		{"Cloudflare, Inc.", true},
		{"Amazon.com, Inc.", true},
		{"Amazon Web Services", true},
		{"Akamai Technologies, Inc.", true},
		{"BunnyWay d.o.o.", true},
		{"Limelight Networks, Inc.", true},
		{"Fastly", true},
		{"Amazonia Health, Inc.", false},
		{"Limelight Health LLC", false},
		{"Bunny Health Ltd", false},
		{"Fastlyne Clinics", false},
		{"Googleplex Dental", false},
	} {
		cert := &x509.Certificate{Subject: pkix.Name{Organization: []string{tt.org}}}
		if got, why := DetectCDN(cert, "app.examplehealth.com"); got != tt.want {
			t.Errorf("O=%q: CDN %v (%s), want %v", tt.org, got, why, tt.want)
		}
	}
}
