package dnsverify

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestQuorum(t *testing.T) {
	a, b, c := newServer(t), newServer(t), newServer(t)
	id := []string{"cerner-client-id=" + testID}
	other := []string{"cerner-client-id=attacker"}
	spf := []string{"v=spf1 -all"}
	// agree.test: the same records everywhere, in different orders and splits.
	a.SetTXT("agree.test", spf, id)
	b.SetTXT("agree.test", id, spf)
	c.SetTXT("agree.test", []string{"v=spf1", " -all"}, id)
	a.SetTTL("agree.test", 60*time.Second)
	b.SetTTL("agree.test", 30*time.Second)
	// split.test: one perspective sees a different record.
	a.SetTXT("split.test", id)
	b.SetTXT("split.test", id)
	c.SetTXT("split.test", other)
	// half.test: found at one, absent at the others.
	a.SetTXT("half.test", id)
	// flaky.test: one resolver fails.
	a.SetTXT("flaky.test", id)
	b.SetTXT("flaky.test", id)
	c.SetRcode("flaky.test", dns.RcodeServerFailure)
	// gone.test: NXDOMAIN at two, NODATA at the third: all not found.
	c.SetTXT("gone.test")

	client := func(s interface{ Addr() string }) Resolver {
		return &Client{Servers: []string{s.Addr()}, Timeout: time.Second, Attempts: 1}
	}
	all := []Resolver{client(a), client(b), client(c)}
	mixed := []Resolver{client(a), b.Resolver(), c.Resolver()} // RecordResolver and plain

	ctx := context.Background()
	for _, rs := range [][]Resolver{all, mixed} {
		q := &Quorum{Resolvers: rs}
		ans, err := q.LookupTXTRecords(ctx, "agree.test")
		if err != nil {
			t.Fatalf("agree: %v", err)
		}
		if len(ans.Records) != 2 || ans.Name != "agree.test" {
			t.Errorf("agree: %+v", ans)
		}
		if res := (&Verifier{Resolver: q}).Verify(ctx, "agree.test", testID); res.Status != StatusVerified {
			t.Errorf("Verify through quorum: %v %v", res.Status, res.Err)
		}

		_, err = q.LookupTXT(ctx, "split.test")
		var de *DisagreementError
		if !errors.As(err, &de) || !errors.Is(err, ErrDisagreement) || len(de.Answers) != 3 ||
			!slices.Equal(de.Answers[2], []string{"cerner-client-id=attacker"}) {
			t.Errorf("split: %#v", err)
		}
		if res := (&Verifier{Resolver: q}).Verify(ctx, "split.test", testID); res.Status != StatusError || IsNotFound(res.Err) {
			t.Errorf("Verify split: %v %v", res.Status, res.Err)
		}
		if _, err := q.LookupTXT(ctx, "half.test"); !errors.Is(err, ErrDisagreement) {
			t.Errorf("half: %v", err)
		}
		// Disagreement wins over Min.
		if _, err := (&Quorum{Resolvers: rs, Min: 1}).LookupTXT(ctx, "split.test"); !errors.Is(err, ErrDisagreement) {
			t.Errorf("split with Min 1: %v", err)
		}
		if _, err := q.LookupTXT(ctx, "gone.test"); !IsNotFound(err) {
			t.Errorf("gone: %v", err)
		}
		// By default all must answer: one SERVFAIL fails the quorum.
		if _, err := q.LookupTXT(ctx, "flaky.test"); err == nil || !IsTemporary(err) || errors.Is(err, ErrDisagreement) {
			t.Errorf("flaky: %v", err)
		}
		// With Min 2, the two that answered and agree are enough.
		if txt, err := (&Quorum{Resolvers: rs, Min: 2}).LookupTXT(ctx, "flaky.test"); err != nil || len(txt) != 1 {
			t.Errorf("flaky with Min 2: %q %v", txt, err)
		}
	}
	// Details of an agreed answer from Clients.
	ans, err := (&Quorum{Resolvers: all}).LookupTXTRecords(ctx, "agree.test")
	if err != nil {
		t.Fatal(err)
	}
	if ans.TTL != 30*time.Second || ans.Server != a.Addr()+","+b.Addr()+","+c.Addr() {
		t.Errorf("agree: TTL %v, Server %q", ans.TTL, ans.Server)
	}
	if _, err := (&Quorum{}).LookupTXT(ctx, "x.test"); err == nil {
		t.Error("empty Quorum: no error")
	}
}

func TestQuorumConcurrent(t *testing.T) {
	a, b := newServer(t), newServer(t)
	for _, s := range []interface {
		SetTXT(string, ...[]string)
		SetDelay(string, time.Duration)
	}{a, b} {
		s.SetTXT("slow.test", []string{"cerner-client-id=x"})
		s.SetDelay("slow.test", 400*time.Millisecond)
	}
	q := &Quorum{Resolvers: []Resolver{&Client{Servers: []string{a.Addr()}}, &Client{Servers: []string{b.Addr()}}}}
	start := time.Now()
	if _, err := q.LookupTXT(context.Background(), "slow.test"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 750*time.Millisecond {
		t.Errorf("two 400ms resolvers took %v: not asked concurrently", d)
	}
}
