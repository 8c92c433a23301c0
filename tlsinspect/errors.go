package tlsinspect

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. A *HandshakeError matches the sentinel of its failReason
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

// failReason classifies why no TLS handshake completed.
type failReason int

// The reasons.
const (
	reasonOther         failReason = iota // anything else: a TLS alert, a protocol error
	reasonDial                            // the dialer failed (an egress guard's refusal, no route, DNS)
	reasonRefused                         // connection refused
	reasonTimeout                         // the deadline passed
	reasonClosed                          // the server closed or reset the connection
	reasonNotTLS                          // the server's bytes are not TLS
	reasonLegacyOnly                      // the server speaks only versions this client cannot
	reasonTooLarge                        // the handshake exceeded the byte limit
	reasonNoCertificate                   // no certificate was presented
)

var reasonNames = [...]string{
	reasonOther: "handshake failed", reasonDial: "dial failed", reasonRefused: "connection refused",
	reasonTimeout: "timeout", reasonClosed: "connection closed", reasonNotTLS: "not TLS",
	reasonLegacyOnly: "legacy TLS only", reasonTooLarge: "too large", reasonNoCertificate: "no certificate",
}

var reasonSentinels = [...]error{
	reasonRefused: ErrRefused, reasonTimeout: ErrTimeout, reasonClosed: ErrClosed, reasonNotTLS: ErrNotTLS,
	reasonLegacyOnly: ErrLegacyTLSOnly, reasonTooLarge: ErrTooLarge, reasonNoCertificate: ErrNoCertificate,
}

// String returns a short lower-case description such as "timeout".
func (r failReason) String() string {
	if r < 0 || int(r) >= len(reasonNames) {
		return "handshake failed"
	}
	return reasonNames[r]
}

// MarshalText implements encoding.TextMarshaler.
func (r failReason) MarshalText() ([]byte, error) {
	if r < 0 || int(r) >= len(reasonNames) {
		return nil, fmt.Errorf("tlsinspect: invalid reason %d", int(r))
	}
	return []byte(reasonNames[r]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *failReason) UnmarshalText(b []byte) error {
	for i, n := range reasonNames {
		if string(b) == n {
			*r = failReason(i)
			return nil
		}
	}
	return fmt.Errorf("tlsinspect: unknown reason %q", b)
}

// HandshakeError is returned by Inspect when no TLS handshake completed.
// Why is told by errors.Is with the sentinels above (ErrTimeout, ErrRefused,
// ErrClosed, ErrNotTLS, ErrLegacyTLSOnly, ErrTooLarge, ErrNoCertificate); a
// dial failure or a TLS alert matches none of them.
type HandshakeError struct {
	Host   string
	Port   int
	reason failReason
	Err    error // the underlying error, if any
	// Deadline is the time the connection and handshake had: Timeout, or
	// less when the context's deadline came sooner. A timeout's message
	// states it.
	Deadline time.Duration
}

func (e *HandshakeError) Error() string {
	msg := fmt.Sprintf("tlsinspect: %s:%d: %s", e.Host, e.Port, e.reason)
	if e.reason == reasonTimeout && e.Deadline > 0 {
		msg += " after " + e.Deadline.Round(time.Millisecond).String()
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *HandshakeError) Unwrap() error { return e.Err }

// Is matches the sentinel of e's reason (ErrTimeout for reasonTimeout, ...).
func (e *HandshakeError) Is(target error) bool {
	if e.reason < 0 || int(e.reason) >= len(reasonSentinels) {
		return false
	}
	s := reasonSentinels[e.reason]
	return s != nil && s == target
}
