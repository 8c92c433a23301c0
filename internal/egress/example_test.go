package egress_test

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/consenttrust/appverify/internal/egress"
)

func ExampleGuard_Check() {
	var g egress.Guard // port 443, public addresses only
	for _, s := range []string{"93.184.216.34:443", "169.254.169.254:443", "[64:ff9b::a00:1]:443", "93.184.216.34:22"} {
		err := g.Check(netip.MustParseAddrPort(s))
		fmt.Println(s, "→", err, errors.Is(err, egress.ErrRefused))
	}
	// Output:
	// 93.184.216.34:443 → <nil> false
	// 169.254.169.254:443 → egress: refused 169.254.169.254:443: link-local (RFC 3927) true
	// [64:ff9b::a00:1]:443 → egress: refused [64:ff9b::a00:1]:443: NAT64 well-known prefix (RFC 6052), embedding 10.0.0.1: private-use (RFC 1918) true
	// 93.184.216.34:22 → egress: refused 93.184.216.34:22: port 22 not allowed (allowed: 443) true
}

func ExampleGuard_Dialer() {
	// The dialer for OCSP and CRL fetches: ports 80 and 443.
	d := egress.Guard{Ports: []uint16{80, 443}}.Dialer(&net.Dialer{})
	_, err := d.Dial("tcp", "127.0.0.1:80")
	fmt.Println(errors.Is(err, egress.ErrAddressRefused))
	// Output:
	// true
}
