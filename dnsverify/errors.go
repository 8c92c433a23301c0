package dnsverify

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/miekg/dns"
)

// Sentinels for the outcomes of a lookup, for errors.Is. A *LookupError
// matches the sentinel of its Kind.
var (
	// ErrNotFound: the name does not exist (NXDOMAIN) or has no TXT records (NODATA).
	ErrNotFound = errors.New("dnsverify: no TXT records")
	// ErrServFail: the server answered SERVFAIL.
	ErrServFail = errors.New("dnsverify: server failure")
	// ErrRefused: the server answered REFUSED.
	ErrRefused = errors.New("dnsverify: query refused")
	// ErrRcode: the server answered another error rcode (FORMERR, NOTIMP, ...).
	ErrRcode = errors.New("dnsverify: error response")
	// ErrTimeout: no answer within the time allowed (a try's Timeout or the
	// context's deadline).
	ErrTimeout = errors.New("dnsverify: timeout")
	// ErrNetwork: the query could not be sent or the answer not read.
	ErrNetwork = errors.New("dnsverify: network error")
	// ErrMalformed: the answer does not parse, does not match the question
	// or exceeds the limits.
	ErrMalformed = errors.New("dnsverify: malformed answer")
	// ErrCanceled: the caller's context was canceled.
	ErrCanceled = errors.New("dnsverify: lookup canceled")
	// ErrDisagreement: the resolvers of a Quorum gave different answers.
	ErrDisagreement = errors.New("dnsverify: resolvers disagree")
	// ErrInvalidName: the name to look up is not a domain name.
	ErrInvalidName = errors.New("dnsverify: invalid name")
)

// Kind classifies a failed lookup.
type Kind int

const (
	// KindNetwork: the query could not be sent or the answer not read.
	KindNetwork Kind = iota
	// KindNXDomain: the name does not exist.
	KindNXDomain
	// KindNoData: the name exists without TXT records.
	KindNoData
	// KindServFail: the server answered SERVFAIL.
	KindServFail
	// KindRefused: the server answered REFUSED.
	KindRefused
	// KindRcode: the server answered another error rcode.
	KindRcode
	// KindTimeout: no answer in time.
	KindTimeout
	// KindMalformed: the answer does not parse, does not match the question
	// or exceeds the limits.
	KindMalformed
	// KindCanceled: the caller's context was canceled.
	KindCanceled
)

var kindNames = [...]string{
	KindNetwork:   "network",
	KindNXDomain:  "nxdomain",
	KindNoData:    "nodata",
	KindServFail:  "servfail",
	KindRefused:   "refused",
	KindRcode:     "rcode",
	KindTimeout:   "timeout",
	KindMalformed: "malformed",
	KindCanceled:  "canceled",
}

var kindErrs = [...]error{
	KindNetwork:   ErrNetwork,
	KindNXDomain:  ErrNotFound,
	KindNoData:    ErrNotFound,
	KindServFail:  ErrServFail,
	KindRefused:   ErrRefused,
	KindRcode:     ErrRcode,
	KindTimeout:   ErrTimeout,
	KindMalformed: ErrMalformed,
	KindCanceled:  ErrCanceled,
}

// String returns the kind's name: network, nxdomain, nodata, servfail,
// refused, rcode, timeout, malformed or canceled.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(kindNames) {
		return nil, fmt.Errorf("dnsverify: invalid Kind %d", int(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("dnsverify: unknown Kind %q", b)
}

// LookupError is a failed lookup of the TXT records at Name.
type LookupError struct {
	// Name is the name looked up.
	Name string
	// Server is the server whose answer (or silence) decided the outcome,
	// host:port; empty when no server was asked.
	Server string
	// Kind classifies the failure.
	Kind Kind
	// Rcode is the response code of the answer, when there was one.
	Rcode int
	// Err is the underlying error, if any (a network error, a parse error,
	// the context's error).
	Err error
}

func (e *LookupError) Error() string {
	msg := "dnsverify: lookup TXT " + e.Name
	if e.Server != "" {
		msg += " on " + e.Server
	}
	switch e.Kind {
	case KindNXDomain:
		msg += ": no such name (NXDOMAIN)"
	case KindNoData:
		msg += ": no TXT records (NODATA)"
	case KindServFail, KindRefused, KindRcode:
		msg += ": " + rcodeName(e.Rcode)
	default:
		msg += ": " + e.Kind.String()
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func rcodeName(rc int) string {
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rc)
}

// Unwrap returns the underlying error.
func (e *LookupError) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's Kind.
func (e *LookupError) Is(target error) bool {
	return int(e.Kind) >= 0 && int(e.Kind) < len(kindErrs) && kindErrs[e.Kind] == target
}

// DisagreementError reports that the resolvers of a Quorum answered
// differently. It matches ErrDisagreement.
type DisagreementError struct {
	// Name is the name looked up.
	Name string
	// Answers holds, per resolver in order, its records (each record's
	// strings joined), nil when it found none or failed.
	Answers [][]string
	// Errs holds, per resolver in order, its error (nil when it answered).
	Errs []error
}

func (e *DisagreementError) Error() string {
	return fmt.Sprintf("dnsverify: resolvers disagree on the TXT records of %s", e.Name)
}

// Is reports whether target is ErrDisagreement.
func (e *DisagreementError) Is(target error) bool { return target == ErrDisagreement }

// KindOf classifies err: the Kind of a *LookupError, or the closest Kind for
// a *net.DNSError (from *net.Resolver) and for context errors. ok is false
// for nil and for errors it cannot classify.
func KindOf(err error) (k Kind, ok bool) {
	if err == nil {
		return 0, false
	}
	var le *LookupError
	if errors.As(err, &le) {
		return le.Kind, true
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		switch {
		case de.IsNotFound:
			return KindNXDomain, true
		case de.IsTimeout:
			return KindTimeout, true
		case de.IsTemporary:
			return KindServFail, true
		case de.Err == "server misbehaving":
			return KindRefused, true // REFUSED and other error rcodes
		case de.Err == "cannot unmarshal DNS message", de.Err == "invalid DNS response":
			return KindMalformed, true
		case errors.Is(err, context.Canceled):
			return KindCanceled, true
		default:
			return KindNetwork, true
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return KindCanceled, true
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout, true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return KindTimeout, true
		}
		return KindNetwork, true
	}
	return 0, false
}

// IsNotFound reports whether err means the name has no TXT records: it does
// not exist (NXDOMAIN) or has none (NODATA). It is true for ErrNotFound, a
// *LookupError of Kind KindNXDomain or KindNoData, and a *net.DNSError with
// IsNotFound set. Every other error is a failed lookup that says nothing
// about the records.
func IsNotFound(err error) bool {
	if errors.Is(err, ErrNotFound) {
		return true
	}
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// IsTemporary reports whether err is a failure that asking again later may
// cure: SERVFAIL, REFUSED, a timeout, a network error or a canceled lookup
// (also from *net.Resolver). A cache should keep serving what it knew before
// such a failure. It is false for nil, not-found, malformed answers, other
// rcodes and disagreement of a Quorum.
func IsTemporary(err error) bool {
	if err == nil || IsNotFound(err) || errors.Is(err, ErrDisagreement) {
		return false
	}
	k, ok := KindOf(err)
	if !ok {
		return false
	}
	switch k {
	case KindServFail, KindRefused, KindTimeout, KindNetwork, KindCanceled:
		return true
	}
	return false
}
