package tlsinspect

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. A *HandshakeError matches the sentinel of its Reason
// under errors.Is, so callers can branch without errors.As.
var (
	// ErrInvalidTarget: Inspect was given an empty host or a port outside
	// 1–65535.
	ErrInvalidTarget = errors.New("tlsinspect: invalid host or port")
	// ErrTimeout: the connection or handshake did not finish in time.
	ErrTimeout = errors.New("tlsinspect: timed out")
	// ErrRefused: the server refused the TCP connection.
	ErrRefused = errors.New("tlsinspect: connection refused")
	// ErrClosed: the server closed or reset the connection mid-handshake.
	ErrClosed = errors.New("tlsinspect: connection closed during handshake")
	// ErrNotTLS: the server answered with something other than TLS.
	ErrNotTLS = errors.New("tlsinspect: server does not speak TLS")
	// ErrLegacyTLSOnly: the server speaks only protocol versions below TLS 1.2
	// that this client cannot negotiate (SSL 3.0 and older). A server that
	// speaks TLS 1.0 or 1.1 gives a report, not an error (see Inspect).
	ErrLegacyTLSOnly = errors.New("tlsinspect: server speaks only legacy TLS")
	// ErrTooLarge: the server sent more than Inspector.MaxHandshakeBytes
	// during the handshake, or a handshake message over crypto/tls's limit.
	ErrTooLarge = errors.New("tlsinspect: handshake too large")
	// ErrNoCertificate: the handshake completed without a certificate.
	ErrNoCertificate = errors.New("tlsinspect: server presented no certificate")
)

// Reason classifies why no TLS handshake completed.
type Reason int

// The reasons.
const (
	ReasonOther         Reason = iota // anything else: a TLS alert, a protocol error
	ReasonDial                        // the dialer failed (an egress guard's refusal, no route, DNS)
	ReasonRefused                     // connection refused
	ReasonTimeout                     // the deadline passed
	ReasonClosed                      // the server closed or reset the connection
	ReasonNotTLS                      // the server's bytes are not TLS
	ReasonLegacyOnly                  // the server speaks only versions this client cannot
	ReasonTooLarge                    // the handshake exceeded the byte limit
	ReasonNoCertificate               // no certificate was presented
)

var reasonNames = [...]string{
	ReasonOther: "handshake failed", ReasonDial: "dial failed", ReasonRefused: "connection refused",
	ReasonTimeout: "timeout", ReasonClosed: "connection closed", ReasonNotTLS: "not TLS",
	ReasonLegacyOnly: "legacy TLS only", ReasonTooLarge: "too large", ReasonNoCertificate: "no certificate",
}

var reasonSentinels = [...]error{
	ReasonRefused: ErrRefused, ReasonTimeout: ErrTimeout, ReasonClosed: ErrClosed, ReasonNotTLS: ErrNotTLS,
	ReasonLegacyOnly: ErrLegacyTLSOnly, ReasonTooLarge: ErrTooLarge, ReasonNoCertificate: ErrNoCertificate,
}

// String returns a short lower-case description such as "timeout".
func (r Reason) String() string {
	if r < 0 || int(r) >= len(reasonNames) {
		return "handshake failed"
	}
	return reasonNames[r]
}

// MarshalText implements encoding.TextMarshaler.
func (r Reason) MarshalText() ([]byte, error) {
	if r < 0 || int(r) >= len(reasonNames) {
		return nil, fmt.Errorf("tlsinspect: invalid Reason %d", int(r))
	}
	return []byte(reasonNames[r]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Reason) UnmarshalText(b []byte) error {
	for i, n := range reasonNames {
		if string(b) == n {
			*r = Reason(i)
			return nil
		}
	}
	return fmt.Errorf("tlsinspect: unknown reason %q", b)
}

// HandshakeError is returned by Inspect when no TLS handshake completed.
type HandshakeError struct {
	Host   string
	Port   int
	Reason Reason
	Err    error // the underlying error, if any
	// Deadline is the time the connection and handshake had: Timeout, or
	// less when the context's deadline came sooner. A timeout's message
	// states it.
	Deadline time.Duration
}

func (e *HandshakeError) Error() string {
	msg := fmt.Sprintf("tlsinspect: %s:%d: %s", e.Host, e.Port, e.Reason)
	if e.Reason == ReasonTimeout && e.Deadline > 0 {
		msg += " after " + e.Deadline.Round(time.Millisecond).String()
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *HandshakeError) Unwrap() error { return e.Err }

// Is matches the sentinel of e's Reason (ErrTimeout for ReasonTimeout, ...).
func (e *HandshakeError) Is(target error) bool {
	if e.Reason < 0 || int(e.Reason) >= len(reasonSentinels) {
		return false
	}
	s := reasonSentinels[e.Reason]
	return s != nil && s == target
}
