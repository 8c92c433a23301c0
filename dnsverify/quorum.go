package dnsverify

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
)

// Quorum is a Resolver (and RecordResolver) that asks several resolvers at
// once and accepts their answer only when they agree, as multi-perspective
// validation does: an attacker must then fool every vantage point, not one.
//
// Resolvers agree when they return the same set of TXT records (compared
// with each record's strings joined, in any order), or all report not-found.
// If the resolvers that answered disagree, the lookup fails with a
// *DisagreementError (errors.Is ErrDisagreement), whatever Min says.
//
// A resolver that fails (timeout, SERVFAIL, ...) does not count towards the
// quorum: by default (Min zero) every resolver must answer, so one failing
// resolver fails the lookup with its error (the first in order), which keeps
// IsTemporary meaningful. With Min set, that many must answer and agree.
type Quorum struct {
	// Resolvers are the resolvers asked, concurrently.
	Resolvers []Resolver
	// Min is how many resolvers must answer and agree. If zero or more than
	// len(Resolvers), all of them.
	Min int
}

var (
	_ Resolver       = (*Quorum)(nil)
	_ RecordResolver = (*Quorum)(nil)
)

// LookupTXT implements Resolver. Errors are as for LookupTXTRecords.
func (q *Quorum) LookupTXT(ctx context.Context, name string) ([]string, error) {
	a, err := q.LookupTXTRecords(ctx, name)
	if err != nil {
		return nil, err
	}
	return a.Joined(), nil
}

// LookupTXTRecords implements RecordResolver. On agreement it returns the
// first agreeing resolver's records, the smallest TTL reported, the AD bit
// only if every agreeing answer had it, and Server listing the servers that
// agreed, comma-separated. Resolvers that do not implement RecordResolver
// report each record as one string and no TTL.
//
// The error is a *DisagreementError, the first not-found error when all
// agree there are no records, or the first failure when too few answered.
func (q *Quorum) LookupTXTRecords(ctx context.Context, name string) (*Answer, error) {
	n := len(q.Resolvers)
	if n == 0 {
		return nil, errors.New("dnsverify: Quorum has no resolvers")
	}
	need := q.Min
	if need <= 0 || need > n {
		need = n
	}
	type outcome struct {
		a   *Answer
		key []string // sorted joined records
		err error
	}
	outs := make([]outcome, n)
	var wg sync.WaitGroup
	for i, r := range q.Resolvers {
		wg.Go(func() {
			a, err := lookupRecords(ctx, r, name)
			o := outcome{a: a, err: err}
			if err == nil {
				o.key = make([]string, len(a.Records))
				for j, rec := range a.Records {
					o.key[j] = strings.Join(rec, "")
				}
				slices.Sort(o.key)
			}
			outs[i] = o
		})
	}
	wg.Wait()

	var first *outcome
	var firstNotFound, firstFail error
	answered, notFound := 0, 0
	disagree := false
	for i := range outs {
		o := &outs[i]
		switch {
		case o.err == nil:
			answered++
			if first == nil {
				first = o
			} else if !slices.Equal(first.key, o.key) {
				disagree = true
			}
		case IsNotFound(o.err):
			notFound++
			if firstNotFound == nil {
				firstNotFound = o.err
			}
		default:
			if firstFail == nil {
				firstFail = o.err
			}
		}
	}
	if disagree || (answered > 0 && notFound > 0) {
		de := &DisagreementError{Name: name, Answers: make([][]string, n), Errs: make([]error, n)}
		for i, o := range outs {
			de.Answers[i], de.Errs[i] = o.key, o.err
		}
		return nil, de
	}
	if answered+notFound < need {
		return nil, firstFail
	}
	if answered == 0 {
		return nil, firstNotFound
	}
	res := *first.a
	res.Authenticated = true
	var servers []string
	for _, o := range outs {
		if o.err != nil {
			continue
		}
		if o.a.TTL > 0 && (res.TTL == 0 || o.a.TTL < res.TTL) {
			res.TTL = o.a.TTL
		}
		res.Authenticated = res.Authenticated && o.a.Authenticated
		if o.a.Server != "" {
			servers = append(servers, o.a.Server)
		}
	}
	res.Server = strings.Join(servers, ",")
	return &res, nil
}

// lookupRecords asks r for the records at name, through RecordResolver when
// r implements it. It returns when ctx is done even if r does not honour ctx
// (*net.Resolver does not abort a query in flight when its context is
// canceled): r's call then finishes in the background, bounded by r's own
// timeouts.
func lookupRecords(ctx context.Context, r Resolver, name string) (*Answer, error) {
	switch r.(type) {
	case *Client, *Quorum: // they honour ctx themselves
		return lookupRecordsSync(ctx, r, name)
	}
	if ctx.Done() == nil {
		return lookupRecordsSync(ctx, r, name)
	}
	type result struct {
		a   *Answer
		err error
	}
	ch := make(chan result, 1)
	go func() {
		a, err := lookupRecordsSync(ctx, r, name)
		ch <- result{a, err}
	}()
	select {
	case res := <-ch:
		return res.a, res.err
	case <-ctx.Done():
		return nil, contextError(name, "", ctx.Err())
	}
}

func lookupRecordsSync(ctx context.Context, r Resolver, name string) (*Answer, error) {
	if rr, ok := r.(RecordResolver); ok {
		a, err := rr.LookupTXTRecords(ctx, name)
		if err == nil && a == nil {
			err = &LookupError{Name: name, Kind: KindMalformed, Err: errors.New("nil Answer without error")}
		}
		return a, err
	}
	txt, err := r.LookupTXT(ctx, name)
	if err != nil {
		return nil, err
	}
	a := &Answer{Name: strings.TrimSuffix(name, "."), Records: make([][]string, len(txt))}
	for i, t := range txt {
		a.Records[i] = []string{t}
	}
	return a, nil
}
