// Package rediscache lets a fleet of authorization servers share one view
// of the evidence about third-party apps' sites, in Redis.
//
// Each replica of an EHR platform's authorization server embeds an
// appident.Checker. On its own, each looks every site up again (a TXT
// lookup, a TLS handshake), and two replicas can show one patient
// different descriptions of the same app for a while: one has seen a
// certificate change, the other not yet. With a [Cache] as Config.Cache,
// the fleet looks each site up once and every replica shows what that
// lookup found:
//
//	rdb := redis.NewClient(&redis.Options{
//		Addr: "redis.internal:6380", Username: "appverify", Password: secret,
//		DB: 3, TLSConfig: &tls.Config{ServerName: "redis.internal"},
//		ContextTimeoutEnabled: true,
//	})
//	checker, err := appident.New(appident.Config{
//		Cache: rediscache.New(rdb, rediscache.WithHMACKey(hmacKey)),
//	})
//
// Each Checker keeps its own bounded in-memory cache in front: Redis is
// read when a replica meets a site it does not hold, and written when a
// replica looked a site up.
//
// # Fleet-wide coalescing
//
// The Cache is also an appident.Leaser. A replica about to look a site up
// first takes a short lease on it ([Cache.Lease]: SET NX PX with a random
// token); replicas that find the lease taken wait for the holder's result
// (they poll Get) instead of looking the site up too. The holder releases
// the lease when it has stored the result, by a script that deletes it only
// while it still holds its token. A holder that dies or stalls loses the
// lease when it ends (the Checker asks for its DNS or TLS timeout plus a
// second) and another replica takes over. So N replicas assessing one cold
// site make one TXT lookup and one handshake between them.
//
// # Failing open, fast
//
// Redis is a help, never a dependency. Each Redis call is bounded by a
// short timeout ([WithTimeout], 100ms by default); a call that fails (Redis
// down, slower than the timeout, or out of memory) returns an error, the
// Checker counts it in Stats.SharedCacheErrors, logs it at debug level and
// looks the evidence up itself. After a failure that was not Redis's own
// answer, the Cache fails every call at once with [ErrUnavailable] for a
// backoff period ([WithBackoff], 1s), so a dead Redis costs one timeout per
// period, not one per call; the first call after it tries Redis again, so
// the fleet shares again as soon as Redis is back, without a restart. A
// replica waiting on another's lease stops waiting at the first failed
// read. An assessment thus slows down by at most about one timeout while
// Redis fails.
//
// Build the go-redis client with ContextTimeoutEnabled: true, so that it
// bounds its own reads by the context's deadline; for a client without it,
// the Cache runs each call in a goroutine of its own to keep the bound.
//
// A value that does not decode (another format version, a truncated or
// corrupted value, another type under the key) is a miss, never a panic;
// [Cache.Stats] counts such values as Rejected.
//
// # Security considerations
//
// What is read from Redis is evidence about other people's sites, and it
// decides what patients are told. Whoever can write to the Redis the fleet
// uses can change what patients see: mark an impostor's site as verified,
// give it another organization's name. Run it accordingly:
//
//   - A Redis, or at least a database (DB), of its own for appverify, not
//     shared with other applications.
//   - Authentication: a Redis 6 ACL user for the fleet, allowed only its
//     keys and the commands it uses, for example
//     "ACL SETUSER appverify on >secret ~appverify:* +get +getrange +set
//     +evalsha +eval +del"; nobody else with write access.
//   - TLS between the replicas and Redis (rediss://, Options.TLSConfig),
//     unless both sit on a private network no one else reaches.
//   - [WithHMACKey]: every value is signed with HMAC-SHA256 under a key the
//     embedder keeps outside Redis (at least 32 random bytes, the same on
//     every replica), bound to its Redis key and its expiry. A value that
//     does not verify is a miss and counted (Stats.Rejected): someone who
//     can write to Redis but does not hold the key cannot forge a
//     description, nor move a good one to another site, nor make one live
//     longer. They can still delete values (the fleet then looks sites up
//     again) or replay a site's own older value before its expiry; the
//     Checker judges freshness from the times inside it. A replica without
//     a key reads signed values without checking them.
//
// Values are bounded ([WithMaxValueSize], 256 KiB of the Checker's bytes):
// Put refuses more, and Get reads no further than the bound (GETRANGE), so
// a huge value planted in Redis costs no replica its memory.
//
// # Operator notes
//
// Key layout, with the namespace of [WithNamespace] ("appverify" by
// default) and the version of the layout and value format (v1):
//
//	appverify:v1:e:dns:<eTLD+1>            TXT answer at a site, e.g. appverify:v1:e:dns:examplehealth.com
//	appverify:v1:e:tls:<host>:<port>       TLS inspection, e.g. appverify:v1:e:tls:app.examplehealth.com:443
//	appverify:v1:l:<dns:…|tls:…>           lease while a replica looks that up (seconds)
//
// Every value expires in Redis when the evidence does (SET PXAT): at most
// Config.CacheTTL (12 hours) after it was looked up, sooner for a short DNS
// TTL or a failure (a minute); nothing needs cleaning. A value is a 10-byte
// header (format version, flags, expiry), the HMAC if set (32 bytes), and
// the Checker's own versioned encoding (JSON). A site (one TXT answer, one
// TLS inspection) measured about 1.8 KB of Redis memory in all (MEMORY
// USAGE: 424 bytes for the TXT answer, 1,400 for the inspection, with an
// HMAC); allow 2 KB a site, so 10,000 sites need about 20 MB. Leases add
// about 100 bytes per lookup in flight. A Redis with maxmemory should use
// volatile-ttl or allkeys-lru eviction: evicting a value only costs a
// lookup. Under noeviction a full Redis refuses writes, which fail open.
//
// Replicas of two versions of this package that use another key layout
// never read each other's values (the v1 in the key); two versions of the
// Checker's encoding see each other's values as misses and overwrite them.
//
// # Figures
//
// Measured on this repository's 2-core test machine under load, Redis on
// loopback (see the README for the benchmark and how to run it):
//
//   - An Assess whose evidence comes from Redis (two values read one after
//     the other) against raw go-redis GETs of the same two values,
//     alternated in one run: 1.08x to 1.56x over eight runs, six of them
//     within the goal of 1.5x; the difference is mostly the Checker's
//     decoding of its JSON. An Assess served from the Checker's memory:
//     about 1.5-3µs.
//   - One site (TXT answer and TLS inspection, signed): 1,824 bytes of Redis
//     memory.
//   - Redis killed under a fleet of three replica processes: no assessment
//     failed or was Pending (slowest 0.97s with DNS answers delayed 0.3s);
//     the fleet shared again after Redis restarted.
//   - A replica killed while holding a lease: another finished the lookup
//     3.0s after the kill, with a 3s lease (DNSTimeout 2s + 1s).
package rediscache
