package appidenttest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/tlsinspect"
)

func TestSiteServesItsCertificate(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(appidenttest.SiteOptions{
		Host: "App.KitHealth.com.", Type: tlsinspect.EV, Organization: "Kit Health, Inc.", Country: "US",
		ClientIDs: []string{"id-1", "id-2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if site.Host != "app.kithealth.com" || site.ETLDPlusOne != "kithealth.com" || site.URI != "https://app.kithealth.com/callback" {
		t.Errorf("site %+v: want a normalized host, its eTLD+1 and a redirect URI", site)
	}
	if w.TLSAddr("app.kithealth.com") != site.Addr || w.TLSAddr("nope.com") != "" {
		t.Errorf("TLSAddr: %q, %q", w.TLSAddr("app.kithealth.com"), w.TLSAddr("nope.com"))
	}
	// The world's dialer reaches the site by name; its root verifies it.
	conn, err := w.Dialer().DialContext(context.Background(), "tcp", "app.kithealth.com:443")
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Client(conn, &tls.Config{ServerName: site.Host, RootCAs: w.Roots()})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	leaf := tc.ConnectionState().PeerCertificates[0]
	// A request answered means the server has counted the handshake.
	if _, err := io.WriteString(tc, "GET / HTTP/1.1\r\nHost: app.kithealth.com\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(tc); err != nil {
		t.Fatal(err)
	}
	tc.Close()
	if got := tlsinspect.Classify(leaf); got != tlsinspect.EV || leaf.Subject.Organization[0] != "Kit Health, Inc." {
		t.Errorf("leaf %v %v: want EV, O=Kit Health, Inc.", got, leaf.Subject.Organization)
	}
	if site.Handshakes() != 1 || w.Handshakes() != 1 {
		t.Errorf("handshakes: site %d, world %d; want 1", site.Handshakes(), w.Handshakes())
	}
	// The TXT records are at the eTLD+1.
	r := (&dnsverify.Verifier{Resolver: w.Resolver()}).Verify(context.Background(), "kithealth.com", "id-2")
	if r.Status != dnsverify.StatusVerified || len(r.Found) != 2 || w.DNSQueries("kithealth.com") != 1 {
		t.Errorf("Verify = %+v, %d queries; want verified among 2 ids, 1 query", r, w.DNSQueries("kithealth.com"))
	}
	// RootPEM is the root of Roots.
	block, _ := pem.Decode(w.RootPEM())
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(root)
	if !pool.Equal(w.Roots()) {
		t.Error("RootPEM does not hold the root of Roots")
	}
}

func TestDialerNeverLeavesTheWorld(t *testing.T) {
	w := appidenttest.New(t)
	if _, err := w.AddSite(appidenttest.SiteOptions{Host: "app.kithealth.com"}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, addr := range []string{"example.com:443", "8.8.8.8:53", "[2001:4860:4860::8888]:443", "app.kithealth.com:8443", "garbage"} {
		conn, err := w.Dialer().DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			t.Errorf("DialContext(%q) succeeded; want an error: nothing outside the world", addr)
		}
	}
	var dnsErr *net.DNSError
	if _, err := w.Dialer().DialContext(ctx, "tcp", "unknown.com:443"); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Errorf("unknown name: %v; want a not-found *net.DNSError", err)
	}
}

func TestFaultsAndClock(t *testing.T) {
	w := appidenttest.New(t)
	down, err := w.AddSite(appidenttest.SiteOptions{Host: "app.downhealth.com", TLSFault: appidenttest.TLSDown, DNSFault: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Dialer().DialContext(context.Background(), "tcp", "app.downhealth.com:443"); err == nil {
		t.Error("a TLSDown site accepted a connection")
	}
	v := &dnsverify.Verifier{Resolver: w.Resolver()}
	if r := v.Verify(context.Background(), down.ETLDPlusOne, "x"); r.Status != dnsverify.StatusError {
		t.Errorf("SERVFAIL site: %v, want error", r.Status)
	}
	w.SetTXT(down.ETLDPlusOne, []string{"cerner-client-id=x"})
	w.SetDNSFault(down.ETLDPlusOne, 0)
	if r := v.Verify(context.Background(), down.ETLDPlusOne, "x"); r.Status != dnsverify.StatusVerified {
		t.Errorf("after clearing the fault: %v, want verified", r.Status)
	}
	if _, err := w.AddSite(appidenttest.SiteOptions{Host: "app.downhealth.com"}); err == nil {
		t.Error("a site added twice")
	}
	if _, err := w.AddSite(appidenttest.SiteOptions{Host: "com"}); err == nil {
		t.Error("a public suffix added as a site")
	}
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	w.SetNow(at)
	w.Advance(time.Hour)
	if got := w.Now(); !got.Equal(at.Add(time.Hour)) {
		t.Errorf("Now = %v, want %v", got, at.Add(time.Hour))
	}
	if cfg := w.Config(); !cfg.AllowPrivate || cfg.Now == nil || cfg.Roots == nil || cfg.Resolver == nil || cfg.Dialer == nil {
		t.Errorf("Config %+v: want every part wired to the world", cfg)
	}
	if !strings.HasPrefix(w.DNSAddr(), "127.0.0.1:") || !strings.HasPrefix(w.RevocationAddr(), "127.0.0.1:") {
		t.Errorf("addresses %q %q: want loopback", w.DNSAddr(), w.RevocationAddr())
	}
}

func TestCloseTwice(t *testing.T) {
	w, err := appidenttest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	w.Close()
	if _, err := w.AddSite(appidenttest.SiteOptions{Host: "app.late.com"}); err == nil {
		t.Error("AddSite after Close succeeded")
	}
}
