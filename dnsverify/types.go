package dnsverify

import (
	"context"
	"time"
)

// Resolver looks up the TXT records at a name. *net.Resolver satisfies it:
// each string returned is one TXT record, its character-strings joined.
//
// A name that does not exist, or has no TXT records, must be reported as an
// error for which IsNotFound reports true (a *net.DNSError with IsNotFound
// set does); any other error is a failed lookup, never "not found". The
// Verifier wraps a Resolver's errors in a *LookupError, classified by their
// type and flags (see Kind).
//
// The Verifier passes names fully qualified, with a trailing dot, so that no
// search domain applies. It may return before LookupTXT does when its context
// is done (see Verifier.Verify).
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Answer is the TXT RRset found at a name, with details of the response.
// Through a Resolver other than Client, each record is one string and only
// Name and Records are set.
type Answer struct {
	// Name is the owner name of the records, after following CNAMEs.
	Name string
	// Records holds one element per TXT record: its character-strings.
	Records [][]string
	// TTL is the smallest TTL of the records.
	TTL time.Duration
	// Authenticated reports the DNSSEC AD bit of the response.
	Authenticated bool
	// Server is the address (host:port) of the server that answered.
	Server string
}

// Status is the outcome of a verification.
type Status int

const (
	// StatusError means the lookup failed (timeout, SERVFAIL, REFUSED, a
	// network error or a malformed answer): nothing is known about the record.
	StatusError Status = iota
	// StatusVerified means a TXT record at the name carries the wanted client id.
	StatusVerified
	// StatusNotFound means the name does not exist, has no TXT records, or has
	// no cerner-client-id record.
	StatusNotFound
	// StatusMismatch means cerner-client-id records exist, none with the wanted id.
	StatusMismatch
)

// Result is the outcome of verifying one client id at one name.
type Result struct {
	Status Status
	// Name is the name queried (the eTLD+1).
	Name string
	// Want is the client id looked for.
	Want string
	// Found lists the client ids found at Name, in order, deduplicated. Never nil.
	Found []string
	// TTL is the smallest TTL of the TXT records, when the resolver reports it.
	TTL time.Duration
	// Authenticated reports a DNSSEC-authenticated answer, when the resolver reports it.
	Authenticated bool
	// Server is the server that answered, when the resolver reports it.
	Server string
	// Err is the lookup error when Status is StatusError (and the not-found
	// error when Status is StatusNotFound because the name has no records).
	Err error
}
