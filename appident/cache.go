package appident

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"time"
)

// Cache stores evidence as opaque bytes by key, as autocert.Cache does, so
// that a fleet of authorization servers can share what one of them looked
// up. The Checker owns the encoding (versioned: bytes it cannot decode are
// a miss) and judges freshness itself; a Cache only keeps bytes, and should
// keep them no longer than expires.
//
// Keys are "dns:" followed by a name, or "tls:" followed by host:port.
//
// Get returns ErrCacheMiss when it holds nothing under key. Get and Put must
// be safe for concurrent use. Any other error fails open: the Checker looks
// the evidence up itself and counts the error in Stats.SharedCacheErrors.
//
// A Cache is consulted behind the Checker's own bounded in-memory cache,
// which always serves first.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Put(ctx context.Context, key string, data []byte, expires time.Time) error
}

// ErrCacheMiss is returned by a Cache's Get when it holds nothing under key.
var ErrCacheMiss = errors.New("appident: cache miss")

// Leaser is an optional interface of a Cache shared by several processes:
// one process looks a key up while the others wait for its result instead
// of looking it up too.
//
// Lease tries to take the lease on key for ttl. held reports that the
// caller took it; it must then call release once it has stored the
// evidence (or given up). A caller that did not take it polls Get until the
// evidence appears or ttl passes, then tries again. An error fails open:
// the Checker looks the evidence up itself.
type Leaser interface {
	Lease(ctx context.Context, key string, ttl time.Duration) (held bool, release func(), err error)
}

// lru is a bounded map that drops keys not used lately first: a hit only
// marks its key used, and eviction gives a used key a second chance (the
// CLOCK approximation of least-recently-used), so that hits, the common
// case, touch no other key's memory. It is safe for concurrent use.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[K]*list.Element
}

type lruItem[K comparable, V any] struct {
	key  K
	val  V
	used bool
}

func newLRU[K comparable, V any](size int) *lru[K, V] {
	return &lru[K, V]{max: max(size, 1), ll: list.New(), items: make(map[K]*list.Element)}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	it := el.Value.(*lruItem[K, V])
	it.used = true
	return it.val, true
}

func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(k, v)
}

func (c *lru[K, V]) putLocked(k K, v V) {
	if el, ok := c.items[k]; ok {
		it := el.Value.(*lruItem[K, V])
		it.val, it.used = v, true
		return
	}
	for c.ll.Len() >= c.max {
		last := c.ll.Back()
		if it := last.Value.(*lruItem[K, V]); it.used {
			it.used = false // a second chance
			c.ll.MoveToFront(last)
			continue
		}
		c.ll.Remove(last)
		delete(c.items, last.Value.(*lruItem[K, V]).key)
	}
	c.items[k] = c.ll.PushFront(&lruItem[K, V]{key: k, val: v})
}

// update stores f(old, present) under k, atomically, and returns it. f must
// be quick: it runs under the lock.
func (c *lru[K, V]) update(k K, f func(old V, present bool) V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	var old V
	el, ok := c.items[k]
	if ok {
		old = el.Value.(*lruItem[K, V]).val
	}
	v := f(old, ok)
	c.putLocked(k, v)
	return v
}

func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
