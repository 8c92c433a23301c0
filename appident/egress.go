package appident

import (
	"errors"
	"strings"

	"github.com/consenttrust/appverify/internal/egress"
	"github.com/consenttrust/appverify/tlsinspect"
)

// ErrRefused is matched (errors.Is) by the error of every dial the egress
// guard refused: an address on loopback, in a private, link-local or other
// special-purpose range, or a port other than 443 (80 and 443 for OCSP and
// CRL fetches), unless Config.AllowPrivate is set. An Assessment's TLSErr
// matches it when the redirect host's connection was refused.
var ErrRefused = egress.ErrRefused

// Ports the egress guard allows without AllowPrivate.
var (
	handshakePorts = []uint16{443}
	fetchPorts     = []uint16{80, 443}
)

// guarded returns d behind an egress guard allowing ports: a *net.Dialer
// (or nil) is copied with the guard in its Control, checking the address
// actually dialled before connecting, so DNS rebinding cannot get around
// it; any other Dialer is checked on the address it connected to, before
// a byte is sent.
func guarded(d tlsinspect.Dialer, allowPrivate bool, ports []uint16) tlsinspect.Dialer {
	var ed egress.Dialer
	if d != nil {
		ed = d
	}
	return egress.Wrap(ed, egress.Guard{AllowPrivate: allowPrivate, Ports: ports})
}

// refusalOf reports the address and reason of a dial the guard refused.
func refusalOf(err error) (addr, reason string, ok bool) {
	var re *egress.RefusedError
	if !errors.As(err, &re) {
		return "", "", false
	}
	addr = re.Raw
	if re.Address.IsValid() {
		addr = re.Address.String()
	}
	reason = strings.TrimPrefix(re.Error(), "egress: refused ")
	if _, after, found := strings.Cut(reason, ": "); found {
		reason = after
	}
	return addr, reason, true
}
