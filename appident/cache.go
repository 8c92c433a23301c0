package appident

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/tlsinspect"
)

// Cache stores evidence entries by key, so that apps on one site share one
// DNS lookup and one TLS handshake. The default is an in-memory LRU
// ([NewLRU]); a fleet of authorization servers can share one store by
// implementing Cache over it: an Entry marshals to JSON and back.
//
// Keys are "dns:" followed by a name, or "tls:" followed by host:port.
// A Cache need not judge freshness: the Checker reads the times in the
// Entry. It may drop an entry at any time, and should keep it no longer
// than its Until time. Entries are immutable once stored: a Cache may
// return the same *Entry to many callers, who must not modify it.
//
// Get and Set must be safe for concurrent use and should be fast: Get is on
// the path of every assessment. A store that fails reports a miss (Get) or
// drops the entry (Set); the Checker then looks the evidence up again.
type Cache interface {
	Get(ctx context.Context, key string) (*Entry, bool)
	Set(ctx context.Context, key string, e *Entry)
}

// Entry is one piece of cached evidence: the TXT records at one name (DNS),
// or the TLS inspection of one host:port (TLS).
type Entry struct {
	// Obtained is when the evidence was looked up.
	Obtained time.Time `json:"obtained"`
	// Expires is when the evidence should next be looked up.
	Expires time.Time `json:"expires"`
	// StaleUntil is how long the evidence may still be served when a
	// refresh fails transiently; zero for failures, which are never
	// served stale.
	StaleUntil time.Time `json:"stale_until,omitzero"`
	// Stale reports that a refresh failed and this older evidence is
	// served meanwhile.
	Stale bool `json:"stale,omitempty"`

	DNS *DNSEvidence `json:"dns,omitempty"`
	TLS *TLSEvidence `json:"tls,omitempty"`
}

// Until is the time after which the entry is of no use.
func (e *Entry) Until() time.Time {
	if e.StaleUntil.After(e.Expires) {
		return e.StaleUntil
	}
	return e.Expires
}

// usable reports whether e is an entry of the kind key names: a shared
// store that returns something else is treated as a miss.
func (e *Entry) usable(key string) bool {
	if e == nil {
		return false
	}
	if strings.HasPrefix(key, "dns:") {
		return e.DNS != nil
	}
	return e.TLS != nil
}

// failed reports whether the entry records a failed lookup.
func (e *Entry) failed() bool {
	if e.DNS != nil {
		return e.DNS.Status == dnsverify.StatusError
	}
	return e.TLS == nil || !e.TLS.ok()
}

// DNSEvidence is the outcome of looking up the TXT records at one name,
// independent of any client id: the match with an app's id is made per app.
type DNSEvidence struct {
	// Status is StatusError (the lookup failed), StatusNotFound (no
	// cerner-client-id record) or StatusMismatch (Found lists the ids there).
	Status        dnsverify.Status `json:"status"`
	Name          string           `json:"name"`
	Found         []string         `json:"found"`
	TTL           time.Duration    `json:"ttl,omitempty"`
	Authenticated bool             `json:"authenticated,omitempty"`
	Server        string           `json:"server,omitempty"`
	// Error is the lookup error's message; Temporary reports a transient one.
	Error     string `json:"error,omitempty"`
	Temporary bool   `json:"temporary,omitempty"`

	err error // the original error, in memory only
}

// TLSEvidence is the outcome of inspecting one host:port.
type TLSEvidence struct {
	// Report is the inspection's report; when no handshake completed
	// (Error is set) it is partial or nil.
	Report *tlsinspect.Report `json:"report,omitempty"`
	// Error is the inspection error's message; Temporary reports a
	// transient one (a timeout, a network error).
	Error     string `json:"error,omitempty"`
	Temporary bool   `json:"temporary,omitempty"`
	// Refused lists the connections the egress guard refused during the
	// inspection, handshake and revocation fetches alike.
	Refused []Refusal `json:"refused,omitempty"`

	err error
}

// Refusal is one connection the egress guard refused.
type Refusal struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
	// Fetch reports an OCSP or CRL fetch rather than the handshake.
	Fetch bool `json:"fetch,omitempty"`
}

// LRU is an in-memory Cache holding at most a fixed number of entries, the
// least recently used dropped first. Entries past their Until time are
// dropped when read. It is safe for concurrent use.
type LRU struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
	now   func() time.Time
}

type lruItem struct {
	key string
	e   *Entry
}

// NewLRU returns an LRU holding at most size entries (at least 1).
func NewLRU(size int) *LRU {
	return newLRU(size, nil)
}

func newLRU(size int, now func() time.Time) *LRU {
	if size < 1 {
		size = 1
	}
	return &LRU{max: size, ll: list.New(), items: make(map[string]*list.Element), now: now}
}

// Get implements Cache.
func (c *LRU) Get(_ context.Context, key string) (*Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	it := el.Value.(*lruItem)
	if c.now != nil && c.now().After(it.e.Until()) {
		c.ll.Remove(el)
		delete(c.items, key)
		return nil, false
	}
	c.ll.MoveToFront(el)
	return it.e, true
}

// Set implements Cache.
func (c *LRU) Set(_ context.Context, key string, e *Entry) {
	if e == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*lruItem).e = e
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&lruItem{key: key, e: e})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*lruItem).key)
	}
}

// Len returns the number of entries held.
func (c *LRU) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// ok reports whether a handshake completed.
func (ev *TLSEvidence) ok() bool { return ev.Report != nil && ev.Error == "" && ev.err == nil }
