package dnsverify_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/internal/dnstest"
	"github.com/miekg/dns"
)

func ExampleClientIDs() {
	// One record, its character-strings as published.
	fmt.Println(dnsverify.ClientIDs([]string{"cerner-client-id=bxdcd0ff-5der-4c15-b2tf-r28b105aa845"}))
	// An id split across strings is rejoined.
	fmt.Println(dnsverify.ClientIDs([]string{"cerner-client-id=abcd", "ef-1234"}))
	// Several ids in one record, one per line.
	fmt.Println(dnsverify.ClientIDs([]string{"cerner-client-id=app-one\nCerner-Client-ID = app-two"}))
	// Other vendors' records carry none.
	fmt.Println(dnsverify.ClientIDs([]string{"v=spf1 -all"}) == nil)
	// Output:
	// [bxdcd0ff-5der-4c15-b2tf-r28b105aa845]
	// [abcdef-1234]
	// [app-one app-two]
	// true
}

func ExampleMatch() {
	records := [][]string{
		{"v=spf1 include:_spf.example.com -all"},
		{"google-site-verification=abc123"},
		{"cerner-client-id=app-one"},
	}
	status, found := dnsverify.Match(records, "app-one")
	fmt.Println(status, found)
	status, found = dnsverify.Match(records, "app-two")
	fmt.Println(status, found)
	status, found = dnsverify.Match(records[:2], "app-one")
	fmt.Println(status, found)
	// Output:
	// verified [app-one]
	// mismatch [app-one]
	// not_found []
}

func ExampleVerifier() {
	// A DNS server on the loopback interface stands in for the Internet.
	srv, err := dnstest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SetTXT("example.com", []string{"v=spf1 -all"}, []string{"cerner-client-id=app-one"})
	srv.SetTTL("example.com", time.Hour)
	srv.SetRcode("broken.example", dns.RcodeServerFailure)

	v := &dnsverify.Verifier{Resolver: &dnsverify.Client{Servers: []string{srv.Addr()}, Attempts: 1}}
	ctx := context.Background()

	res := v.Verify(ctx, "example.com", "app-one")
	fmt.Println(res.Status, res.Found, res.TTL)

	res = v.Verify(ctx, "example.com", "app-two")
	fmt.Println(res.Status, res.Found)

	res = v.Verify(ctx, "nowhere.example", "app-one")
	fmt.Println(res.Status, dnsverify.IsNotFound(res.Err))

	res = v.Verify(ctx, "broken.example", "app-one")
	fmt.Println(res.Status, dnsverify.IsTemporary(res.Err))
	// Output:
	// verified [app-one] 1h0m0s
	// mismatch [app-one]
	// not_found true
	// error true
}

func ExampleVerifier_Lookup() {
	srv, err := dnstest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	// One vendor, many apps: several ids in one record, more in others.
	srv.SetTXT("vendor.example",
		[]string{"cerner-client-id=app-one\ncerner-client-id=app-two"},
		[]string{"cerner-client-id=app-three"},
		[]string{"v=spf1 -all"})

	v := &dnsverify.Verifier{Resolver: &dnsverify.Client{Servers: []string{srv.Addr()}}}
	// One lookup for the site, then Match for each app.
	a, err := v.Lookup(context.Background(), "vendor.example")
	if err != nil {
		log.Fatal(err)
	}
	for _, app := range []string{"app-one", "app-three", "app-four"} {
		status, _ := dnsverify.Match(a.Records, app)
		fmt.Println(app, status)
	}
	// A server that fails: the error says what, and whom it asked.
	srv.SetRcode("broken.example", dns.RcodeServerFailure)
	_, err = v.Lookup(context.Background(), "broken.example")
	var le *dnsverify.LookupError
	if errors.As(err, &le) {
		fmt.Println(le.Kind, len(le.Servers), dnsverify.IsTemporary(err))
	}
	// Output:
	// app-one verified
	// app-three verified
	// app-four mismatch
	// servfail 1 true
}
