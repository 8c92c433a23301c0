package dnsverify

import (
	"context"
	"strings"
)

// Verifier checks that a name carries a cerner-client-id TXT record for a
// client id. Its zero value works; it is safe for concurrent use.
type Verifier struct {
	// Resolver looks the records up. If nil, a Client with the system's
	// servers (/etc/resolv.conf). Through a Client, the Result reports the
	// TTL, the AD bit and the server, and each record's character-strings
	// are kept apart.
	Resolver Resolver
}

// Verify looks up the TXT records at name (the eTLD+1, with or without a
// trailing dot; it is queried fully qualified, so no search domain applies)
// and checks them for clientID with Match.
//
// The Result's Status is StatusVerified, StatusMismatch or StatusNotFound
// when the lookup answered (NXDOMAIN and NODATA are answers: StatusNotFound,
// Err set to the not-found error), and StatusError with Err set for any other
// failure: a resolver that fails never makes a record look absent.
//
// Verify returns when ctx is done even if the Resolver does not honour ctx
// (*net.Resolver does not abort a query in flight); the Resolver's call then
// ends in the background, bounded by its own timeouts.
func (v *Verifier) Verify(ctx context.Context, name, clientID string) Result {
	res := Result{Name: name, Want: clientID, Found: []string{}}
	a, err := v.Lookup(ctx, name)
	if err != nil {
		res.Status, res.Err = StatusError, err
		if IsNotFound(err) {
			res.Status = StatusNotFound
		}
		return res
	}
	res.TTL, res.Authenticated, res.Server = a.TTL, a.Authenticated, a.Server
	res.Status, res.Found = Match(a.Records, clientID)
	return res
}

// Lookup returns the TXT records at name (the eTLD+1, with or without a
// trailing dot; it is queried fully qualified, so no search domain applies),
// for Match to check for any number of client ids. The error is a
// *LookupError; a name without TXT records is one for which IsNotFound
// reports true.
//
// Lookup returns when ctx is done even if the Resolver does not honour ctx
// (*net.Resolver does not abort a query in flight); the Resolver's call then
// ends in the background, bounded by its own timeouts.
func (v *Verifier) Lookup(ctx context.Context, name string) (*Answer, error) {
	name = strings.TrimSpace(name)
	fqdn, err := checkName(name)
	if err != nil {
		return nil, err
	}
	switch r := v.Resolver.(type) {
	case nil:
		return (&Client{}).lookup(ctx, name)
	case *Client:
		return r.lookup(ctx, name)
	}
	type result struct {
		txt []string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		txt, err := v.Resolver.LookupTXT(ctx, fqdn)
		ch <- result{txt, err}
	}()
	var res result
	select {
	case res = <-ch:
	case <-ctx.Done():
		res.err = ctx.Err()
	}
	if res.err != nil {
		return nil, resolverError(name, v.Resolver, res.err)
	}
	a := &Answer{Name: strings.TrimSuffix(fqdn, "."), Records: make([][]string, len(res.txt))}
	for i, t := range res.txt {
		a.Records[i] = []string{t}
	}
	return a, nil
}
