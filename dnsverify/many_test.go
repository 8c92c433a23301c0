package dnsverify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// appIDs returns n client ids of one vendor's apps, from first on.
func appIDs(first, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("app-%03d-%s", first+i, testID[:8])
	}
	return ids
}

// oneRecord returns one TXT record carrying ids, one pair per line, cut
// into character-strings of at most 255 bytes wherever the cut falls.
func oneRecord(ids []string) []string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString("cerner-client-id=" + id + "\n")
	}
	var strs []string
	for s := b.String(); s != ""; {
		n := min(len(s), 255)
		strs, s = append(strs, s[:n]), s[n:]
	}
	return strs
}

// TestEveryAppVerified: whatever else a site's answer holds and in whatever
// order, every app whose id is in a record there is verified, through the
// Client and *net.Resolver alike; no cap on ids hides one.
func TestEveryAppVerified(t *testing.T) {
	srv := newServer(t)
	spf := []string{"v=spf1 -all"}

	// 100 ids in one record.
	hundred := appIDs(0, 100)
	srv.SetTXT("one-record.test", spf, oneRecord(hundred))
	// 100 records, one id each, among other vendors' records.
	var records [][]string
	for _, id := range hundred {
		records = append(records, []string{"cerner-client-id=" + id})
	}
	srv.SetTXT("many-records.test", append(bigSet(5), records...)...)
	// A record of 64 ids listed first, then this app's own record.
	first64, own := appIDs(0, 64), appIDs(500, 1)[0]
	srv.SetTXT("after-64.test", oneRecord(first64), []string{"cerner-client-id=" + own})
	// The same 100 records, in a new order on every query.
	srv.SetTXT("shuffled.test", records...)
	srv.SetShuffle("shuffled.test", 42)

	for _, tc := range []struct {
		name string
		ids  []string // every id at the name, in the order published
	}{
		{"one-record.test", hundred},
		{"many-records.test", hundred},
		{"after-64.test", append(slices.Clone(first64), own)},
		{"shuffled.test", hundred},
	} {
		for _, fl := range flavours {
			t.Run(fl.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				v := &Verifier{Resolver: fl.resolver(srv, 2*time.Second)}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				orders := map[string]bool{}
				for _, id := range tc.ids { // one query per app
					res := v.Verify(ctx, tc.name, id)
					if res.Status != StatusVerified {
						t.Fatalf("Verify(%s, %s) = %v (%v), found %d ids", tc.name, id, res.Status, res.Err, len(res.Found))
					}
					found := slices.Clone(res.Found)
					orders[strings.Join(found, ",")] = true
					slices.Sort(found)
					if want := slices.Sorted(slices.Values(tc.ids)); !slices.Equal(found, want) {
						t.Fatalf("Verify(%s, %s) found %d ids, want all %d", tc.name, id, len(found), len(want))
					}
				}
				// One lookup serves every app: Match verifies each, and
				// reports the ids in the order published (unless shuffled).
				a, err := v.Lookup(ctx, tc.name)
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range tc.ids {
					if s, found := Match(a.Records, id); s != StatusVerified || len(found) != len(tc.ids) {
						t.Fatalf("Match(%s) = %v, %d ids", id, s, len(found))
					}
				}
				if s, _ := Match(a.Records, "app-999-not-here"); s != StatusMismatch {
					t.Errorf("an id not published: %v", s)
				}
				if tc.name == "shuffled.test" {
					if len(orders) < 2 {
						t.Errorf("%d orders seen in %d queries: the records were not shuffled", len(orders), len(tc.ids))
					}
				} else if _, found := Match(a.Records, ""); !slices.Equal(found, tc.ids) {
					t.Errorf("found %q, want %q", found, tc.ids)
				}
			})
		}
	}
}
