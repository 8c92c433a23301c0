package appident

import (
	"sync"
	"time"

	"github.com/consenttrust/appverify/label"
)

// memo remembers each app's last assessment with the cache entries it
// rests on. Entries are immutable, so while the cache returns the same
// entries the decision is the same, and an assessment at consent time
// costs two cache reads and a copy. It holds at most max apps; past that
// it starts afresh.
type memo struct {
	mu  sync.Mutex
	max int
	m   map[memoKey]*memoEntry
}

// memoKey is everything about an app that the assessment depends on.
type memoKey struct {
	clientID, name, uri string
	validated           bool
	persona             label.Persona
}

type memoEntry struct {
	dnsKey, tlsKey string
	dnsE, tlsE     *Entry
	stale          uint64
	a              Assessment
}

func (m *memo) get(k memoKey) *memoEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[k]
}

func (m *memo) put(k memoKey, e *memoEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= max(m.max, 1) {
		m.m = make(map[memoKey]*memoEntry)
	}
	m.m[k] = e
}

// assessment returns a copy of the remembered assessment, made at now. Its
// slices are shared: Assessments are read-only.
func (e *memoEntry) assessment(now time.Time) *Assessment {
	a := e.a
	a.AssessedAt = now
	return &a
}
