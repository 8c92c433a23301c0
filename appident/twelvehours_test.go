package appident_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
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

// TLS evidence expires CacheTTL after the revocation status it rests on
// was produced (Report.RevocationAt): a CRL's fetch, a staple's thisUpdate.
// A site that stops answering keeps it until then, not a second longer.
func TestTLSEvidenceExpiresFromRevocationAt(t *testing.T) {
	for _, tt := range []struct {
		name     string
		staple   bool
		stapleAt time.Duration // how old the staple is
		source   string
	}{
		{"leaf status from its CRL", false, 0, tlsinspect.SourceCRL},
		{"leaf status stapled a minute ago", true, time.Minute, tlsinspect.SourceStapled},
		{"leaf status stapled 11 hours ago", true, 11 * time.Hour, tlsinspect.SourceStapled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := appidenttest.New(t)
			w.SetNow(t0)
			site, err := w.AddSite(ovSite("app.crlage.com"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.staple {
				if err := site.SetRevocationTimes(appidenttest.RevocationTimes{Age: tt.stapleAt}); err != nil {
					t.Fatal(err)
				}
				if err := site.SetStaple(true); err != nil {
					t.Fatal(err)
				}
			}
			w.SetDNSTTL(site.ETLDPlusOne, 24*time.Hour)
			c := newChecker(t, w.Config())
			app := site.App(clientID, "X")
			a := assess(t, c, app)
			if a.TLS == nil || a.TLS.RevocationSource != tt.source || a.TLS.RevocationAt.IsZero() || a.TLS.RevocationAt.After(t0) {
				t.Fatalf("TLS %+v: want the revocation status from %s, dated", a.TLS, tt.source)
			}
			if tt.staple && !a.TLS.RevocationAt.Equal(t0.Add(-tt.stapleAt)) {
				t.Fatalf("RevocationAt %v, want the staple's thisUpdate %v", a.TLS.RevocationAt, t0.Add(-tt.stapleAt))
			}
			expires := a.TLS.RevocationAt.Add(12 * time.Hour)
			site.SetDown(true)
			w.SetNow(expires.Add(-time.Second))
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

// A staple the CA produced more than CacheTTL ago does not count: a
// revocation since is seen through the CRL, and a staple produced within
// CacheTTL is believed for CacheTTL after it was produced, no longer.
func TestStaleStapleDoesNotHideARevocation(t *testing.T) {
	for _, tt := range []struct {
		name  string
		age   time.Duration
		after time.Duration // when the revocation must show
	}{
		{"staple 13 hours old", 13 * time.Hour, 0},
		{"staple 11 hours old", 11 * time.Hour, time.Hour + time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, site := clockWorld(t, "app.stalestaple.com")
			if err := site.SetRevocationTimes(appidenttest.RevocationTimes{Age: tt.age, Validity: 10 * 24 * time.Hour}); err != nil {
				t.Fatal(err)
			}
			if err := site.SetStaple(true); err != nil { // says good, and keeps saying it
				t.Fatal(err)
			}
			site.Revoke()
			c := newChecker(t, w.Config())
			app := site.App(clientID, "Stale Staple")
			w.Advance(tt.after)
			a := assess(t, c, app)
			if a.TLS == nil || a.TLS.Revocation != tlsinspect.RevocationRevoked || a.Described {
				t.Fatalf("TLS %+v, described %v: want the revocation seen past the staple", a.TLS, a.Described)
			}
		})
	}
}

// The 12-hour promise under a misbehaving network: half the DNS queries
// and 30% of the TLS connections fail, at random (seeded). A change is
// seen within 12 hours, and no transient fault ever downgrades a
// described app before the change.
func TestPromiseHoldsUnderRandomFaults(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(w *appidenttest.World, s *appidenttest.Site) error
		seen   func(a *appident.Assessment) bool
	}{
		{"txt removed", func(w *appidenttest.World, s *appidenttest.Site) error { w.SetTXT(s.ETLDPlusOne); return nil },
			func(a *appident.Assessment) bool { return a.DNS.Status == dnsverify.StatusNotFound }},
		{"certificate revoked", func(_ *appidenttest.World, s *appidenttest.Site) error { s.Revoke(); return nil },
			func(a *appident.Assessment) bool {
				return a.TLS != nil && a.TLS.Revocation == tlsinspect.RevocationRevoked
			}},
		{"certificate replaced", func(_ *appidenttest.World, s *appidenttest.Site) error {
			dv := ovSite(s.Host)
			dv.Type, dv.Organization = tlsinspect.DV, ""
			return s.Reissue(dv)
		}, func(a *appident.Assessment) bool { return a.TLS != nil && a.TLS.Type == tlsinspect.DV }},
	} {
		for seed := range uint64(8) {
			t.Run(fmt.Sprintf("%s/seed %d", tt.name, seed), func(t *testing.T) {
				w, site := clockWorld(t, "app.flakynet.com")
				c := newChecker(t, w.Config())
				app := site.App(clientID, "Flaky Net")
				if a := assess(t, c, app); !a.Described {
					t.Fatalf("not described: %v", codes(a.Findings))
				}
				if err := site.SetFaults(appidenttest.Faults{DNS: 0.5, TLS: 0.3, Seed: seed}); err != nil {
					t.Fatal(err)
				}
				const step = 10 * time.Minute
				changeAt, end := 5*time.Hour, 30*time.Hour
				seenAt := time.Duration(-1)
				for now := step; now <= end; now += step {
					w.Advance(step)
					if now == changeAt {
						if err := tt.change(w, site); err != nil {
							t.Fatal(err)
						}
					}
					a := assess(t, c, app)
					settle(t, c)
					switch {
					case now < changeAt && !a.Described:
						t.Fatalf("at %v, before the change: downgraded by a transient fault: %v", now, codes(a.Findings))
					case now >= changeAt && tt.seen(a) && seenAt < 0:
						seenAt = now
					case now >= changeAt+12*time.Hour && a.Described:
						t.Fatalf("at %v, %v after the change: still described", now, now-changeAt)
					}
				}
				if seenAt < 0 || seenAt-changeAt > 12*time.Hour {
					t.Errorf("change seen %v after it was made: want within 12 hours", seenAt-changeAt)
				}
				if n := site.FailedDNSQueries() + site.FailedTLSConns(); n == 0 {
					t.Errorf("no fault injected")
				}
				t.Logf("seen %v after the change; %d DNS queries and %d TLS connections failed", seenAt-changeAt, site.FailedDNSQueries(), site.FailedTLSConns())
			})
		}
	}
}

// A site that resets every connection after its revocation cannot keep
// its organization on screen: it loses it within 12 hours.
func TestResettingSiteLosesItsOrganization(t *testing.T) {
	w, site := clockWorld(t, "app.resetter.com")
	c := newChecker(t, w.Config())
	app := site.App(clientID, "Resetter")
	if a := assess(t, c, app); !a.Described || a.Display.Organization == "" {
		t.Fatalf("display %+v: want described with its organization", a.Display)
	}
	w.Advance(3 * time.Hour)
	site.Revoke()
	if err := site.SetFaults(appidenttest.Faults{TLS: 1, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	for elapsed := time.Duration(0); elapsed <= 12*time.Hour; elapsed += 15 * time.Minute {
		a := assess(t, c, app)
		settle(t, c)
		if elapsed == 12*time.Hour && (a.Described || a.Display.Organization != "") {
			t.Fatalf("display %+v, findings %v 12 hours after the revocation: want the organization gone", a.Display, codes(a.Findings))
		}
		w.Advance(15 * time.Minute)
	}
}

// Refresh looks up now: when that fails, the assessment says so.
func TestRefreshAfterFailureSaysItFailed(t *testing.T) {
	w, site := clockWorld(t, "app.refreshfail.com")
	c := newChecker(t, w.Config())
	app := site.App(clientID, "Refresh Fail")
	first := assess(t, c, app)
	w.Advance(time.Hour)
	site.SetDown(true)
	w.SetDNSFault(site.ETLDPlusOne, 2)
	a, err := c.Refresh(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	if !hasFinding(a.Findings, "refresh.failed") {
		t.Fatalf("findings %v: want the failed refresh said", codes(a.Findings))
	}
	if a.Described != first.Described {
		t.Errorf("described %v: a transient failure within CacheTTL changes nothing but the finding", a.Described)
	}
	for _, f := range a.Findings {
		if f.Code == "refresh.failed" && !strings.Contains(f.Message, t0.Format(time.RFC3339)) {
			t.Errorf("finding %q: want the date of the evidence shown", f.Message)
		}
	}
}
