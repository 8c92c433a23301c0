package tlsinspect

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"time"
)

// CRLCache keeps fetched CRLs, parsed, per URL until their nextUpdate (or
// MaxAge, whichever is sooner), so that inspecting many hosts whose
// certificates share a CA fetches its CRL once. It is bounded in entries and
// bytes, evicting the least recently used CRL. The zero value is ready to
// use; it is safe for concurrent use. A cached CRL serves only certificates
// of the issuer whose key verified it, and is still checked against each
// certificate and the time of each use.
type CRLCache struct {
	// MaxEntries bounds the number of CRLs kept. If zero, 64.
	MaxEntries int
	// MaxBytes bounds the memory the CRLs kept take. If zero, 64 MiB. A CRL
	// is kept reduced to its revoked serial numbers, sorted (about 32 bytes
	// per entry beside the serial number's own, less than its DER size); one
	// that would take more than MaxBytes is not cached.
	MaxBytes int64
	// MaxAge bounds how long a CRL is kept, whatever its nextUpdate. If
	// zero, 12 hours: a revocation is then seen within 12 hours even when a
	// CA publishes CRLs valid for a week.
	MaxAge time.Duration

	mu       sync.Mutex
	entries  map[string]*crlEntry
	inflight map[string]chan struct{} // closed when the fetch of a URL ends
	bytes    int64
	tick     uint64
}

type crlEntry struct {
	set      *crlSet
	size     int64
	expires  time.Time
	used     uint64
	verified [sha256.Size]byte // hash of the issuer certificate whose key verified crl
}

// defaultCRLCache is used by Inspectors whose CRLCache is nil.
var defaultCRLCache = &CRLCache{}

func (c *CRLCache) limits() (int, int64, time.Duration) {
	n, b, age := c.MaxEntries, c.MaxBytes, c.MaxAge
	if n <= 0 {
		n = 64
	}
	if b <= 0 {
		b = 64 << 20
	}
	if age <= 0 {
		age = 12 * time.Hour
	}
	return n, b, age
}

// get returns the CRL cached for url if it is still fresh at now and its
// signature was verified with issuer, or nil.
func (c *CRLCache) get(url string, issuer *x509.Certificate, now time.Time) *crlSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[url]
	if !ok {
		return nil
	}
	if !now.Before(e.expires) {
		c.removeLocked(url, e)
		return nil
	}
	if e.verified != sha256.Sum256(issuer.Raw) {
		return nil
	}
	c.tick++
	e.used = c.tick
	return e.set
}

// put caches set, a CRL whose signature issuer verified, fetched from url at
// now.
func (c *CRLCache) put(url string, set *crlSet, issuer *x509.Certificate, now time.Time) {
	maxEntries, maxBytes, maxAge := c.limits()
	size := set.size
	expires := set.header.NextUpdate
	if limit := now.Add(maxAge); expires.IsZero() || expires.After(limit) {
		expires = limit
	}
	if size > maxBytes || !now.Before(expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]*crlEntry)
	}
	if old, ok := c.entries[url]; ok {
		c.removeLocked(url, old)
	}
	for len(c.entries) >= maxEntries || c.bytes+size > maxBytes {
		var lruURL string
		var lru *crlEntry
		for u, e := range c.entries {
			if lru == nil || e.used < lru.used {
				lruURL, lru = u, e
			}
		}
		if lru == nil {
			break
		}
		c.removeLocked(lruURL, lru)
	}
	c.tick++
	c.entries[url] = &crlEntry{set: set, size: size, expires: expires, used: c.tick, verified: sha256.Sum256(issuer.Raw)}
	c.bytes += size
}

// join registers a fetch of url. The first caller leads: it fetches and must
// call done when it has put the result (or failed). Later callers get the
// leader's channel, closed when it is done, and then look in the cache again.
func (c *CRLCache) join(url string) (leader bool, wait <-chan struct{}, done func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.inflight[url]; ok {
		return false, ch, nil
	}
	if c.inflight == nil {
		c.inflight = make(map[string]chan struct{})
	}
	ch := make(chan struct{})
	c.inflight[url] = ch
	return true, ch, func() {
		c.mu.Lock()
		delete(c.inflight, url)
		c.mu.Unlock()
		close(ch)
	}
}

func (c *CRLCache) removeLocked(url string, e *crlEntry) {
	delete(c.entries, url)
	c.bytes -= e.size
}

// Len returns the number of CRLs cached.
func (c *CRLCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
