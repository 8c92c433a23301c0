package appident

import (
	"context"
	"testing"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
)

// An older flight that ends after a newer one (a Refresh started beside it)
// must not overwrite the newer evidence with its failure; evidence obtained
// before the flight started is replaced as usual.
func TestStoreKeepsNewerEvidence(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c, err := New(Config{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const key = "dns:examplehealth.com"
	fresh := &Entry{Obtained: t0.Add(time.Second), Expires: t0.Add(12 * time.Hour),
		DNS: &DNSEvidence{Status: dnsverify.StatusMismatch, Name: "examplehealth.com", Found: []string{"abc"}}}
	failure := &Entry{Obtained: t0.Add(2 * time.Second), Expires: t0.Add(time.Minute),
		DNS: &DNSEvidence{Status: dnsverify.StatusError, Name: "examplehealth.com", Found: []string{}, Error: "timeout"}}

	c.cache.Set(ctx, key, fresh)
	if got := c.store(ctx, key, failure, t0); got != fresh {
		t.Errorf("store returned %+v, want the newer evidence", got)
	}
	if got, _ := c.cache.Get(ctx, key); got != fresh {
		t.Errorf("cache holds %+v, want the newer evidence kept", got)
	}

	// A flight that started after the cached evidence was obtained replaces it.
	if got := c.store(ctx, key, failure, t0.Add(time.Second)); got != failure {
		t.Errorf("store returned %+v, want its own entry", got)
	}
	if got, _ := c.cache.Get(ctx, key); got != failure {
		t.Errorf("cache holds %+v, want the flight's entry", got)
	}
}
