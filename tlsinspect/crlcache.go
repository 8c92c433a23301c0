package tlsinspect

import (
	"container/list"
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// CRLCache keeps fetched CRLs, checked and reduced, per URL and issuer until
// their nextUpdate (or MaxAge, whichever is sooner), so that inspecting many
// hosts whose certificates share a CA fetches its CRL once; concurrent
// misses for one CRL share one fetch. It is bounded in entries and bytes,
// evicting the least recently used CRL. The zero value is ready to use; it is
// safe for concurrent use. A cached CRL serves only certificates of the
// issuer whose key verified it, and is still checked against each
// certificate and the time of each use.
type CRLCache struct {
	// MaxEntries bounds the number of CRLs kept. If zero, 64.
	MaxEntries int
	// MaxBytes bounds the memory the CRLs kept take. If zero, 64 MiB. A CRL
	// is kept reduced to its revoked serial numbers, sorted (16 bytes per
	// entry beside the serial number's own, less than its DER size); one
	// that would take more than MaxBytes is not cached.
	MaxBytes int64
	// MaxAge bounds how long a CRL is kept, whatever its nextUpdate. If
	// zero, 12 hours: a revocation is then seen within 12 hours even when a
	// CA publishes CRLs valid for a week.
	MaxAge time.Duration

	flight singleflight.Group

	mu    sync.Mutex
	lru   list.List // of *crlEntry, most recently used first
	byKey map[string]*list.Element
	bytes int64
}

type crlEntry struct {
	key     string
	set     *crlSet
	expires time.Time
}

// defaultCRLCache is used by Inspectors whose CRLCache is nil.
var defaultCRLCache = &CRLCache{}

// crlKey names the CRL at url as verified by issuer's key.
func crlKey(url string, issuer *x509.Certificate) string {
	h := sha256.Sum256(issuer.Raw)
	return string(h[:]) + url
}

func (c *CRLCache) limits() (int, int64, time.Duration) {
	return int(orDefault(int64(c.MaxEntries), 64)), orDefault(c.MaxBytes, 64<<20), orDefault(c.MaxAge, 12*time.Hour)
}

// get returns the CRL cached under key if it is still fresh at now, or nil.
func (c *CRLCache) get(key string, now time.Time) *crlSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	e := el.Value.(*crlEntry)
	if !now.Before(e.expires) {
		c.removeLocked(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return e.set
}

// put caches set, fetched at now, under key.
func (c *CRLCache) put(key string, set *crlSet, now time.Time) {
	maxEntries, maxBytes, maxAge := c.limits()
	expires := set.header.NextUpdate
	if limit := now.Add(maxAge); expires.IsZero() || expires.After(limit) {
		expires = limit
	}
	if set.size > maxBytes || !now.Before(expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = make(map[string]*list.Element)
	}
	if old, ok := c.byKey[key]; ok {
		c.removeLocked(old)
	}
	for c.lru.Len() > 0 && (c.lru.Len() >= maxEntries || c.bytes+set.size > maxBytes) {
		c.removeLocked(c.lru.Back())
	}
	c.byKey[key] = c.lru.PushFront(&crlEntry{key: key, set: set, expires: expires})
	c.bytes += set.size
}

func (c *CRLCache) removeLocked(el *list.Element) {
	e := c.lru.Remove(el).(*crlEntry)
	delete(c.byKey, e.key)
	c.bytes -= e.set.size
}

// Len returns the number of CRLs cached.
func (c *CRLCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
