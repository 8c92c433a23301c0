package appident_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/tlsinspect"
)

// switchDialer is the world's dialer, except that host:443 goes to another
// server once set: the site's certificate replaced, as a deployment would.
type switchDialer struct {
	w    *appidenttest.World
	host string
	mu   sync.Mutex
	to   string
	d    net.Dialer
}

func (s *switchDialer) set(addr string) { s.mu.Lock(); s.to = addr; s.mu.Unlock() }

func (s *switchDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	s.mu.Lock()
	to := s.to
	s.mu.Unlock()
	if to != "" && address == net.JoinHostPort(s.host, "443") {
		return s.d.DialContext(ctx, network, to)
	}
	return s.w.Dialer().DialContext(ctx, network, address)
}

// TestChangesAreSeenWithin12Hours: a TXT record removed, a certificate
// revoked or replaced is seen by an assessment 12 hours after the change.
func TestChangesAreSeenWithin12Hours(t *testing.T) {
	t.Run("txt removed and certificate revoked", func(t *testing.T) {
		w, site := clockWorld(t, "app.change12.com")
		c := newChecker(t, w.Config())
		app := site.App(clientID, "Change Health")
		if a := assess(t, c, app); !a.Described {
			t.Fatalf("not described: %v", codes(a.Findings))
		}
		w.Advance(time.Hour)
		w.SetTXT(site.ETLDPlusOne) // the record is gone (NODATA)
		site.Revoke()
		w.Advance(12 * time.Hour)
		a := assess(t, c, app)
		if a.DNS.Status != dnsverify.StatusNotFound || a.TLS == nil || a.TLS.Revocation != tlsinspect.RevocationRevoked ||
			a.Described || hasFinding(a.Findings, "cache.stale") {
			t.Fatalf("DNS %v, TLS %+v, described %v, findings %v: want not found, revoked, Unknown App",
				a.DNS.Status, a.TLS, a.Described, codes(a.Findings))
		}
	})
	t.Run("certificate replaced", func(t *testing.T) {
		w, site := clockWorld(t, "app.replaced12.com")
		dv := ovSite("www.replaced12.com")
		dv.Type, dv.Organization, dv.ClientIDs = tlsinspect.DV, "", nil
		dv.DNSNames = []string{site.Host}
		repl, err := w.AddSite(dv)
		if err != nil {
			t.Fatal(err)
		}
		sw := &switchDialer{w: w, host: site.Host}
		cfg := w.Config()
		cfg.Dialer = sw
		c := newChecker(t, cfg)
		app := site.App(clientID, "Replaced Health")
		if a := assess(t, c, app); !a.Described {
			t.Fatalf("not described: %v", codes(a.Findings))
		}
		w.Advance(time.Hour)
		sw.set(repl.Addr)
		w.Advance(12 * time.Hour)
		if a := assess(t, c, app); a.TLS == nil || a.TLS.Type != tlsinspect.DV || a.Described {
			t.Fatalf("TLS %+v, described %v: want the replacing DV certificate, Unknown App", a.TLS, a.Described)
		}
	})
	t.Run("after serving stale", func(t *testing.T) {
		// Stale DNS evidence (MaxStale) covers a transient failure
		// only: once the resolver and the site answer again, their
		// answer wins, also when it is "not found" or "revoked". TLS
		// evidence is never served stale.
		w, site := clockWorld(t, "app.stale12.com")
		cfg := w.Config()
		cfg.MaxStale = 24 * time.Hour
		c := newChecker(t, cfg)
		app := site.App(clientID, "Stale Health")
		assess(t, c, app)
		w.Advance(12*time.Hour + time.Minute)
		w.SetDNSFault(site.ETLDPlusOne, 2)
		site.SetDown(true)
		if a := assess(t, c, app); a.Described || a.DNS.Status != dnsverify.StatusVerified || !hasFinding(a.Findings, "cache.stale") ||
			!hasFinding(a.Findings, "evidence.not_renewed") {
			t.Fatalf("described %v, findings %v: want stale DNS evidence served, the TLS evidence not renewed", a.Described, codes(a.Findings))
		}
		w.SetTXT(site.ETLDPlusOne)
		w.SetDNSFault(site.ETLDPlusOne, 0)
		site.Revoke()
		site.SetDown(false)
		w.Advance(12 * time.Hour)
		a := assess(t, c, app)
		if a.DNS.Status != dnsverify.StatusNotFound || a.TLS == nil || a.TLS.Revocation != tlsinspect.RevocationRevoked ||
			a.Described || hasFinding(a.Findings, "cache.stale") {
			t.Fatalf("DNS %v, TLS %+v, described %v, findings %v: want not found, revoked, not stale",
				a.DNS.Status, a.TLS, a.Described, codes(a.Findings))
		}
	})
	t.Run("revoked before a refresh", func(t *testing.T) {
		// A Refresh an hour after the revocation looks the evidence up
		// again: it must not rest on revocation information older than
		// the revocation, which would keep the certificate good for
		// another 12 hours.
		w, site := clockWorld(t, "app.refresh12.com")
		c := newChecker(t, w.Config())
		app := site.App(clientID, "Refresh Health")
		assess(t, c, app)
		w.Advance(time.Hour)
		site.Revoke()
		w.Advance(time.Hour)
		if _, err := c.Refresh(context.Background(), app); err != nil {
			t.Fatal(err)
		}
		w.Advance(11 * time.Hour)
		if a := assess(t, c, app); a.TLS == nil || a.TLS.Revocation != tlsinspect.RevocationRevoked || a.Described {
			t.Fatalf("TLS %+v, described %v, 12 hours after the revocation: want revoked", a.TLS, a.Described)
		}
	})
	t.Run("revocation information from another checker", func(t *testing.T) {
		// A Checker's evidence must not rest on revocation information
		// another Checker fetched earlier, before the revocation.
		w, site := clockWorld(t, "app.twochecks12.com")
		app := site.App(clientID, "Two Checkers")
		assess(t, newChecker(t, w.Config()), app)
		w.Advance(time.Hour)
		site.Revoke()
		w.Advance(time.Hour)
		c := newChecker(t, w.Config())
		assess(t, c, app)
		w.Advance(11 * time.Hour)
		if a := assess(t, c, app); a.TLS == nil || a.TLS.Revocation != tlsinspect.RevocationRevoked || a.Described {
			t.Fatalf("TLS revocation %v, described %v, 12 hours after the revocation: want revoked", a.TLS.Revocation, a.Described)
		}
	})
}

// TLS evidence expires CacheTTL/12 early, so that a revocation a CRL shows
// is seen within CacheTTL although the Checker may have cached that CRL for
// up to CacheTTL/12: the leaf's CRL, or, when the leaf's status is stapled,
// the intermediates' CRLs, which tlsinspect checks too.
func TestEvidenceLeavesRoomForTheCRLsAge(t *testing.T) {
	for _, tt := range []struct {
		name   string
		staple bool
		source string
	}{
		{"leaf status from its CRL", false, tlsinspect.SourceCRL},
		{"leaf status stapled", true, tlsinspect.SourceStapled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := appidenttest.New(t)
			w.SetNow(t0)
			o := ovSite("app.crlage.com")
			o.Staple = tt.staple
			site, err := w.AddSite(o)
			if err != nil {
				t.Fatal(err)
			}
			w.SetDNSTTL(site.ETLDPlusOne, 24*time.Hour)
			c := newChecker(t, w.Config())
			app := site.App(clientID, "X")
			if a := assess(t, c, app); a.TLS == nil || a.TLS.RevocationSource != tt.source {
				t.Fatalf("TLS %+v: want the revocation status from %s", a.TLS, tt.source)
			}
			// The site stops answering: the evidence is served until it
			// expires (its renewals failing), and not a second longer.
			site.SetDown(true)
			const ttl = 12 * time.Hour
			w.Advance(ttl - ttl/12 - time.Second)
			if a := assess(t, c, app); !a.Described {
				t.Fatalf("findings %v: want the TLS evidence still served", codes(a.Findings))
			}
			settle(t, c)
			if a := assess(t, c, app); !a.Described {
				t.Fatalf("findings %v: want the TLS evidence still served after a failed renewal", codes(a.Findings))
			}
			w.Advance(2 * time.Second)
			if a := assess(t, c, app); a.Described || !hasFinding(a.Findings, "evidence.not_renewed") {
				t.Fatalf("described %v, findings %v: want the TLS evidence expired", a.Described, codes(a.Findings))
			}
		})
	}
}
