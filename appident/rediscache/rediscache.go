package rediscache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consenttrust/appverify/appident"
)

// Defaults of the options.
const (
	// DefaultNamespace prefixes every key.
	DefaultNamespace = "appverify"
	// DefaultTimeout bounds each Redis call.
	DefaultTimeout = 100 * time.Millisecond
	// DefaultBackoff is how long calls fail at once after a call failed.
	DefaultBackoff = time.Second
	// DefaultMaxValueSize bounds the Checker's bytes in one value.
	DefaultMaxValueSize = 256 << 10
)

// keyVersion is the version of the key layout and of the value envelope.
// A change to either bumps it, so that replicas of two versions sharing a
// Redis never read each other's values.
const keyVersion = "v1"

// Errors returned by the Cache besides the miss.
var (
	// ErrUnavailable is returned without calling Redis while the Cache
	// backs off after a failed call (see WithBackoff).
	ErrUnavailable = errors.New("rediscache: redis unavailable, backing off")
	// ErrTooLarge is returned by Put for data over the size bound (see
	// WithMaxValueSize); nothing is stored.
	ErrTooLarge = errors.New("rediscache: value over the size bound")
)

var (
	_ appident.Cache  = (*Cache)(nil)
	_ appident.Leaser = (*Cache)(nil)
)

// Cache is an evidence cache in Redis shared by a fleet of Checkers. It
// implements appident.Cache and appident.Leaser; see the package doc. It
// is safe for concurrent use.
type Cache struct {
	rdb       redis.UniversalClient
	namespace string
	timeout   time.Duration
	backoff   time.Duration
	maxValue  int
	macKey    []byte
	now       func() time.Time
	// ctxDeadlines reports that rdb honours context deadlines itself
	// (ContextTimeoutEnabled).
	ctxDeadlines bool

	mu        sync.Mutex
	downUntil time.Time // calls fail at once until then

	stats struct {
		hits, misses, rejected, errors, skipped atomic.Uint64
	}
}

// Option configures a Cache.
type Option func(*Cache)

// WithNamespace sets the first part of every key (default "appverify"), so
// that deployments sharing one Redis (staging and production, say) keep
// apart. Prefer a Redis, or at least a database, of their own.
func WithNamespace(ns string) Option { return func(c *Cache) { c.namespace = ns } }

// WithTimeout bounds each Redis call: past it the call fails, the Checker
// looks the evidence up itself, and the Cache backs off. If d <= 0,
// DefaultTimeout (100ms). The bound holds whatever the client's own
// timeouts are.
func WithTimeout(d time.Duration) Option { return func(c *Cache) { c.timeout = d } }

// WithBackoff sets how long, after a Redis call failed (a network error,
// the timeout), every call fails at once with ErrUnavailable, so that a
// Redis that is down costs one timeout per backoff period, not one per
// call. The first call after the period tries Redis again: recovery needs
// nothing else. If d <= 0, DefaultBackoff (1s). An error that Redis
// answered (out of memory, a refused command) does not start a backoff.
func WithBackoff(d time.Duration) Option { return func(c *Cache) { c.backoff = d } }

// WithMaxValueSize bounds the Checker's bytes in one value: Put refuses
// more (ErrTooLarge), and Get reads at most that much (a longer value is a
// miss). If n <= 0, DefaultMaxValueSize (256 KiB).
func WithMaxValueSize(n int) Option { return func(c *Cache) { c.maxValue = n } }

// WithHMACKey signs every value stored with HMAC-SHA256 under key, bound to
// its Redis key and expiry, and accepts only values that verify: a value
// that does not (unsigned, forged, moved from another key, signed with
// another key) is a miss, counted in Stats.Rejected. Use at least 32
// random bytes, the same on every replica, kept outside Redis. A nil or
// empty key signs nothing.
func WithHMACKey(key []byte) Option {
	return func(c *Cache) { c.macKey = append([]byte(nil), key...) }
}

// withNow sets the clock that judges a value's expiry (tests).
func withNow(now func() time.Time) Option { return func(c *Cache) { c.now = now } }

// New returns a Cache storing evidence in rdb. A *redis.Client,
// *redis.ClusterClient or *redis.Ring all do; rdb's own connection pool
// and timeouts apply below the Cache's per-call timeout. Build rdb with
// ContextTimeoutEnabled: true: the Cache then calls it directly; without
// it, each call takes a goroutine hop to keep the timeout.
func New(rdb redis.UniversalClient, opts ...Option) *Cache {
	c := &Cache{rdb: rdb, namespace: DefaultNamespace}
	for _, o := range opts {
		o(c)
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.backoff <= 0 {
		c.backoff = DefaultBackoff
	}
	if c.maxValue <= 0 {
		c.maxValue = DefaultMaxValueSize
	}
	if c.now == nil {
		c.now = time.Now
	}
	switch rdb := rdb.(type) {
	case *redis.Client:
		c.ctxDeadlines = rdb.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		c.ctxDeadlines = rdb.Options().ContextTimeoutEnabled
	case *redis.Ring:
		c.ctxDeadlines = rdb.Options().ContextTimeoutEnabled
	}
	return c
}

// DataKey returns the Redis key that holds the evidence stored under key:
// "<namespace>:v1:e:<key>".
func (c *Cache) DataKey(key string) string { return c.namespace + ":" + keyVersion + ":e:" + key }

// LeaseKey returns the Redis key of the lease on key: "<namespace>:v1:l:<key>".
func (c *Cache) LeaseKey(key string) string { return c.namespace + ":" + keyVersion + ":l:" + key }

// Get returns the data stored under key, or [appident.ErrCacheMiss] when
// there is none, or
// none that is usable: expired, malformed, of another format version, over
// the size bound or failing the HMAC (those count as Stats.Rejected).
// Other errors mean Redis could not be asked (down, slow past the timeout,
// backing off: ErrUnavailable); the caller should then look the evidence
// up itself.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	rkey := c.DataKey(key)
	limit := int64(headerLen + macLen + c.maxValue)
	// GETRANGE reads at most limit+1 bytes, whatever was stored, and
	// answers "" for a missing key, which no envelope is.
	v, err := call(c, ctx, func(ctx context.Context) (string, error) {
		return c.rdb.GetRange(ctx, rkey, 0, limit).Result()
	})
	if err != nil {
		return nil, err
	}
	if v == "" {
		c.stats.misses.Add(1)
		return nil, appident.ErrCacheMiss
	}
	if int64(len(v)) > limit {
		c.stats.rejected.Add(1)
		return nil, fmt.Errorf("%w: %s: %w", appident.ErrCacheMiss, rkey, ErrTooLarge)
	}
	data, err := open(rkey, []byte(v), c.now(), c.macKey)
	if err == nil && len(data) > c.maxValue {
		err = ErrTooLarge
	}
	if err != nil {
		if errors.Is(err, errExpired) {
			c.stats.misses.Add(1)
		} else {
			c.stats.rejected.Add(1)
		}
		return nil, fmt.Errorf("%w: %s: %w", appident.ErrCacheMiss, rkey, err)
	}
	c.stats.hits.Add(1)
	return data, nil
}

// Put stores data under key until expires, which also becomes the Redis
// key's expiry (SET PXAT): Redis drops it then by itself. Data already
// expired is not stored. Data over the size bound is refused with
// ErrTooLarge.
func (c *Cache) Put(ctx context.Context, key string, data []byte, expires time.Time) error {
	if len(data) > c.maxValue {
		c.stats.errors.Add(1)
		return fmt.Errorf("%w: %d bytes for %q, the bound is %d", ErrTooLarge, len(data), key, c.maxValue)
	}
	if !expires.After(c.now()) {
		return nil
	}
	rkey := c.DataKey(key)
	v := seal(rkey, data, expires, c.macKey)
	_, err := call(c, ctx, func(ctx context.Context) (string, error) {
		return c.rdb.Do(ctx, "SET", rkey, v, "PXAT", expires.UnixMilli()).Text()
	})
	return err
}

// releaseScript deletes a lease only while it still holds the token it was
// taken with: a lease that expired and was taken by another replica is not
// released by the first.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// Lease takes the lease on key for ttl (SET NX PX with a random token), if
// no other replica holds it. held reports whether this call took it;
// release, never nil, gives it back early, if it is still this caller's,
// and may be called more than once. A holder that dies or stalls loses the
// lease when ttl ends; another replica may then take it. An error means
// Redis could not be asked: the caller should look the evidence up itself.
func (c *Cache) Lease(ctx context.Context, key string, ttl time.Duration) (held bool, release func(), err error) {
	noop := func() {}
	ttl = max(ttl, time.Millisecond)
	var b [16]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	lkey := c.LeaseKey(key)
	held, err = call(c, ctx, func(ctx context.Context) (bool, error) {
		return c.rdb.SetNX(ctx, lkey, token, ttl).Result()
	})
	if err != nil || !held {
		return false, noop, err
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			// The caller's context may have ended with its lookup;
			// releasing still deserves its own short call.
			call(c, context.WithoutCancel(ctx), func(ctx context.Context) (any, error) {
				return releaseScript.Run(ctx, c.rdb, []string{lkey}, token).Result()
			})
		})
	}
	return true, release, nil
}

// Stats are a Cache's counters since New. All only grow.
type Stats struct {
	// Hits counts Gets that returned data; Misses those that found none
	// (or an expired value).
	Hits   uint64 `json:"hits"`
	Misses uint64 `json:"misses"`
	// Rejected counts values read and refused: malformed, of another
	// format version, over the size bound, or failing the HMAC. Each was
	// a miss to the caller. A growing count with an HMAC key set means
	// something other than this fleet writes to its keys.
	Rejected uint64 `json:"rejected"`
	// Errors counts calls that failed: Redis down, slower than the
	// timeout, out of memory, or a value over the bound at Put.
	Errors uint64 `json:"errors"`
	// Skipped counts calls not made while backing off after an error.
	Skipped uint64 `json:"skipped"`
}

// Stats returns a snapshot of the Cache's counters.
func (c *Cache) Stats() Stats {
	s := &c.stats
	return Stats{Hits: s.hits.Load(), Misses: s.misses.Load(), Rejected: s.rejected.Load(), Errors: s.errors.Load(), Skipped: s.skipped.Load()}
}

// errTimeout is the cause of a call's context ending at the Cache's timeout.
var errTimeout = errors.New("rediscache: redis call timed out")

// call runs f, one Redis call, bounded by the Cache's timeout. A client
// built with ContextTimeoutEnabled bounds its own reads and writes by the
// context's deadline, and f is simply called; other clients ignore it for
// reads, so f then runs in a goroutine of its own, left to finish on the
// client's timeouts when abandoned (that hop costs about a tenth of a
// loopback round trip). A failure that was not Redis's answer starts the
// backoff.
func call[T any](c *Cache, ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	var zero T
	if c.backingOff() {
		c.stats.skipped.Add(1)
		return zero, ErrUnavailable
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, errTimeout)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	var r result
	if c.ctxDeadlines {
		r.v, r.err = f(ctx)
		if r.err != nil && context.Cause(ctx) == errTimeout {
			r.err = errTimeout
		}
	} else {
		done := make(chan result, 1)
		go func() {
			v, err := f(ctx)
			done <- result{v, err}
		}()
		select {
		case r = <-done:
		case <-ctx.Done():
			r.err = context.Cause(ctx)
		}
	}
	if r.err == nil || errors.Is(r.err, redis.Nil) {
		return r.v, r.err
	}
	c.stats.errors.Add(1)
	var reply redis.Error
	if !errors.As(r.err, &reply) && !(ctx.Err() != nil && context.Cause(ctx) != errTimeout) {
		// Not Redis's answer, nor the caller giving up: Redis is down
		// or slow.
		c.startBackoff()
	}
	return zero, fmt.Errorf("rediscache: %w", r.err)
}

func (c *Cache) backingOff() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.downUntil.IsZero() && time.Now().Before(c.downUntil)
}

func (c *Cache) startBackoff() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.downUntil = time.Now().Add(c.backoff)
}
