package appident_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
)

// slowDialer is the world's dialer, slowed down so that a second caller
// surely joins the first one's handshake.
type slowDialer struct {
	w     *appidenttest.World
	delay time.Duration
}

func (d slowDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	select {
	case <-time.After(d.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return d.w.Dialer().DialContext(ctx, network, address)
}

// TestStatsCountEachEvent: every counter moves where it should, and
// Coalesced counts the callers that joined another's lookup, not the one
// that started it.
func TestStatsCountEachEvent(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.statshealth.com"))
	if err != nil {
		t.Fatal(err)
	}
	w.SetDNSDelay(site.ETLDPlusOne, 300*time.Millisecond)
	cfg := w.Config()
	cfg.Dialer = slowDialer{w: w, delay: 300 * time.Millisecond}
	c := newChecker(t, cfg)
	app := site.App(clientID, "Stats Health")

	// Two callers at once: one lookup of each kind, the second caller
	// joins both.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assess(t, c, app)
		}()
	}
	wg.Wait()
	want := appident.Stats{Assessments: 2, CacheMisses: 4, Coalesced: 2, DNSLookups: 1, Handshakes: 1}
	if st := c.Stats(); st != want {
		t.Fatalf("after two concurrent assessments: Stats %+v\nwant %+v", st, want)
	}
	// From the cache: two hits.
	assess(t, c, app)
	want.Assessments, want.CacheHits = 3, 2
	if st := c.Stats(); st != want {
		t.Fatalf("after a cached assessment: Stats %+v\nwant %+v", st, want)
	}
	// An error.
	if _, err := c.Assess(context.Background(), appident.App{}); err == nil {
		t.Fatal("Assess of an empty app: no error")
	}
	want.Assessments, want.Errors = 4, 1
	if st := c.Stats(); st != want {
		t.Fatalf("after an error: Stats %+v\nwant %+v", st, want)
	}
}
