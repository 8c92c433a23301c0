package dnsverify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/miekg/dns"
)

// Kind classifies a failed lookup.
type Kind int

const (
	// KindUnreachable: no server answered at all: every try timed out (by
	// Client.Timeout or the caller's deadline) or failed at the transport
	// (connection refused, network unreachable).
	// It is the zero Kind, so that a LookupError never claims an answer by
	// default.
	KindUnreachable Kind = iota
	// KindNotFound: the name does not exist (NXDOMAIN, Rcode
	// dns.RcodeNameError) or has no TXT records (NODATA, Rcode
	// dns.RcodeSuccess). It is an answer, not a failure: see IsNotFound.
	KindNotFound
	// KindServFail: a server answered SERVFAIL. Through a *net.Resolver,
	// also a failure it flags temporary without saying more (a socket error).
	KindServFail
	// KindRefused: a server answered REFUSED.
	KindRefused
	// KindRcode: a server answered another error rcode (FORMERR, NOTIMP,
	// ...). Through a *net.Resolver or another Resolver, also any failure
	// it does not classify (REFUSED included: *net.Resolver does not tell).
	KindRcode
	// KindMalformed: an answer did not parse, did not match the question or
	// exceeded the limits.
	KindMalformed
	// KindTimeout: the caller's deadline had passed before any server was
	// asked; through a *net.Resolver, any timeout.
	KindTimeout
	// KindCanceled: the caller's context was canceled.
	KindCanceled
	// KindInvalidName: the name to look up is not a domain name; nothing
	// was asked.
	KindInvalidName
)

var kindNames = [...]string{
	KindNotFound:    "not_found",
	KindServFail:    "servfail",
	KindRefused:     "refused",
	KindRcode:       "rcode",
	KindMalformed:   "malformed",
	KindUnreachable: "unreachable",
	KindTimeout:     "timeout",
	KindCanceled:    "canceled",
	KindInvalidName: "invalid_name",
}

// String returns the kind's name: not_found, servfail, refused, rcode,
// malformed, unreachable, timeout, canceled or invalid_name.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText implements encoding.TextMarshaler with the names of String.
func (k Kind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(kindNames) {
		return nil, fmt.Errorf("dnsverify: invalid Kind %d", int(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with the names of String.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("dnsverify: unknown Kind %q", b)
}

// temporary reports whether asking again later may cure a failure of kind k.
func (k Kind) temporary() bool {
	switch k {
	case KindServFail, KindRefused, KindUnreachable, KindTimeout, KindCanceled:
		return true
	}
	return false
}

// LookupError is a failed lookup of the TXT records at Name: the one error
// type of this package, for every Resolver (errors of other Resolvers are
// wrapped in it by the Verifier).
type LookupError struct {
	// Name is the name looked up.
	Name string
	// Kind classifies the failure.
	Kind Kind
	// Rcode is the response code of the answer that decided, when there was one.
	Rcode int
	// Server is the server whose answer (or silence) decided the outcome,
	// host:port; empty when unknown.
	Server string
	// Servers are the servers asked, in the order first asked, each once;
	// empty when nothing was asked or the Resolver does not say.
	Servers []string
	// Resolver describes what was asked when it was not a Client: the
	// *net.Resolver and the configuration it used, or another Resolver's type.
	Resolver string
	// Err is the underlying error, if any: the most telling cause when every
	// try failed (an answer such as SERVFAIL beats a later timeout), a
	// network or parse error, the context's error, another Resolver's error.
	Err error
}

func (e *LookupError) Error() string {
	var b strings.Builder
	b.WriteString("dnsverify: lookup TXT ")
	b.WriteString(e.Name)
	if e.Resolver != "" {
		b.WriteString(" via ")
		b.WriteString(e.Resolver)
	}
	if e.Server != "" {
		b.WriteString(" on ")
		b.WriteString(e.Server)
	}
	b.WriteString(": ")
	switch {
	case e.Kind == KindNotFound && e.Rcode == dns.RcodeNameError:
		b.WriteString("no such name (NXDOMAIN)")
	case e.Kind == KindNotFound && e.Resolver == "":
		b.WriteString("no TXT records (NODATA)")
	case e.Kind == KindNotFound:
		b.WriteString("no such name or no TXT records")
	case e.Kind == KindUnreachable:
		b.WriteString("no server answered")
	case (e.Kind == KindServFail || e.Kind == KindRefused || e.Kind == KindRcode) && e.Rcode != 0:
		b.WriteString(rcodeName(e.Rcode))
	default:
		b.WriteString(e.Kind.String())
	}
	if len(e.Servers) > 0 {
		b.WriteString(" (asked ")
		b.WriteString(strings.Join(e.Servers, ", "))
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func rcodeName(rc int) string {
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rc)
}

// Unwrap returns the underlying error.
func (e *LookupError) Unwrap() error { return e.Err }

// kindOf classifies err by its type and flags, never its text: the Kind of
// a *LookupError, the flags of a *net.DNSError, context errors and
// net.Error timeouts. ok is false for nil and errors it cannot classify.
func kindOf(err error) (k Kind, ok bool) {
	if err == nil {
		return 0, false
	}
	var le *LookupError
	if errors.As(err, &le) {
		return le.Kind, true
	}
	switch {
	case errors.Is(err, context.Canceled):
		return KindCanceled, true
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout, true
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		switch {
		case de.IsNotFound:
			return KindNotFound, true
		case de.IsTimeout:
			return KindTimeout, true
		case de.IsTemporary:
			return KindServFail, true
		default:
			return KindRcode, true
		}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return KindTimeout, true
		}
		return KindUnreachable, true
	}
	return 0, false
}

// IsNotFound reports whether err means the name has no TXT records: it does
// not exist (NXDOMAIN) or has none (NODATA). It is true for a *LookupError
// of Kind KindNotFound and a *net.DNSError with IsNotFound set. Every other
// error is a failed lookup that says nothing about the records.
func IsNotFound(err error) bool {
	k, ok := kindOf(err)
	return ok && k == KindNotFound
}

// IsTemporary reports whether err is a failure that asking again later may
// cure: SERVFAIL, REFUSED, no server answering, a timeout or a canceled
// lookup (also from a *net.Resolver, by its error's flags). A cache should
// keep serving what it knew before such a failure. It is false for nil,
// not-found, malformed answers, other rcodes and invalid names.
func IsTemporary(err error) bool {
	k, ok := kindOf(err)
	return ok && k.temporary()
}

// resolverError wraps the error of a Resolver other than Client in a
// *LookupError, classified by kindOf (an unclassified error is KindRcode).
func resolverError(name string, r Resolver, err error) *LookupError {
	var le *LookupError
	if errors.As(err, &le) {
		return le
	}
	k, ok := kindOf(err)
	if !ok {
		k = KindRcode
	}
	le = &LookupError{Name: name, Kind: k, Resolver: describe(r), Err: err}
	var de *net.DNSError
	if errors.As(err, &de) && de.Server != "" {
		le.Server = de.Server
	}
	return le
}

// describe names a Resolver other than Client and, for a *net.Resolver, the
// configuration it uses.
func describe(r Resolver) string {
	nr, ok := r.(*net.Resolver)
	if !ok {
		return fmt.Sprintf("%T", r)
	}
	if nr != nil && nr.Dial != nil {
		return "*net.Resolver (Go resolver, custom Dial: servers are its own)"
	}
	how := "system resolver (Go or cgo, per GODEBUG netdns)"
	if nr != nil && nr.PreferGo {
		how = "Go resolver"
	}
	return "*net.Resolver (" + how + ", servers of /etc/resolv.conf)"
}
