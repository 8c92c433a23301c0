package dnsverify

import (
	"context"
	"errors"
	"time"
)

// Client is the default Resolver, built on github.com/miekg/dns.
// (Skeleton: to be completed.)
type Client struct {
	// Servers are the DNS servers to ask, host:port. If empty, the servers of
	// /etc/resolv.conf are used.
	Servers []string
	// Timeout bounds each try. If zero, 2 seconds.
	Timeout time.Duration
}

// LookupTXT implements Resolver. (Skeleton.)
func (c *Client) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return nil, errors.New("dnsverify: not implemented")
}

// Verifier checks that a name carries a cerner-client-id TXT record for a client id.
type Verifier struct {
	// Resolver looks the records up. If nil, a Client with the system's servers.
	Resolver Resolver
}

// Verify looks up the TXT records at name and checks them for clientID. (Skeleton.)
func (v *Verifier) Verify(ctx context.Context, name, clientID string) Result {
	return Result{Status: StatusError, Name: name, Want: clientID, Found: []string{}, Err: errors.New("dnsverify: not implemented")}
}
