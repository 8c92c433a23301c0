package appident

import (
	"time"

	"github.com/consenttrust/appverify/label"
)

// memoKey is everything about an app that its assessment depends on.
type memoKey struct {
	clientID, name, uri, registered string
	validated                       bool
	persona                         label.Persona
}

// memoEntry is an app's last assessment with the evidence it rests on.
// Entries are immutable, so while memory holds the same entries the
// decision is the same, and an assessment at consent time costs two cache
// reads and a copy.
type memoEntry struct {
	dnsK, tlsK evKey
	dnsE, tlsE *entry
	a          Assessment
}

// fromMemo returns m's assessment, made at now, if its evidence is still
// the one in memory and unexpired; it starts renewals that are due.
func (c *Checker) fromMemo(m *memoEntry, now time.Time) *Assessment {
	if m.a.Site.Development == 0 {
		dnsE, _ := c.mem.get(m.dnsK.key)
		tlsE, _ := c.mem.get(m.tlsK.key)
		if dnsE != m.dnsE || tlsE != m.tlsE || !now.Before(dnsE.expires) || !now.Before(tlsE.expires) {
			return nil
		}
		c.stats.cacheHits.Add(2)
		c.renewIfDue(m.dnsK, dnsE, now)
		c.renewIfDue(m.tlsK, tlsE, now)
	}
	a := m.a
	a.assessedAt = now
	return &a
}

// renewIfDue starts renewing e in the background once it is due.
func (c *Checker) renewIfDue(k evKey, e *entry, now time.Time) {
	if !e.failed && !now.Before(e.refreshAt) && !now.Before(e.retryAt) {
		c.background(k)
	}
}
