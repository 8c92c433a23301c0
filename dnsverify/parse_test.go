package dnsverify

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestClientIDs(t *testing.T) {
	for _, tc := range []struct {
		name string
		txt  []string
		want []string
	}{
		// The forms the platform's guidance and DOMAIN.md accept.
		{"one", []string{"cerner-client-id=abc"}, []string{"abc"}},
		{"published example", []string{"cerner-client-id=bxdcd0ff-5der-4c15-b2tf-r28b105aa845"}, []string{"bxdcd0ff-5der-4c15-b2tf-r28b105aa845"}},
		{"split across strings", []string{"cerner-client-id=abcd", "ef-1234"}, []string{"abcdef-1234"}},
		{"split inside the key", []string{"cerner-cli", "ent-id=abc"}, []string{"abc"}},
		{"two strings two pairs", []string{"cerner-client-id=a", "cerner-client-id=b"}, []string{"a", "b"}},
		{"newline", []string{"cerner-client-id=a\ncerner-client-id=b"}, []string{"a", "b"}},
		{"crlf", []string{"cerner-client-id=a\r\ncerner-client-id=b\r\n"}, []string{"a", "b"}},
		{"space", []string{"cerner-client-id=a cerner-client-id=b"}, []string{"a", "b"}},
		{"semicolon", []string{"cerner-client-id=a;cerner-client-id=b"}, []string{"a", "b"}},
		{"comma", []string{"cerner-client-id=a,cerner-client-id=b"}, []string{"a", "b"}},
		{"separator at string end", []string{"cerner-client-id=a;", "cerner-client-id=b"}, []string{"a", "b"}},
		{"case and spaces", []string{"Cerner-Client-ID = a"}, []string{"a"}},
		{"tabs around =", []string{"CERNER-CLIENT-ID\t=\ta"}, []string{"a"}},
		{"quoted", []string{`cerner-client-id="abc"`}, []string{"abc"}},
		{"single quoted", []string{`cerner-client-id='abc'`}, []string{"abc"}},
		{"lone quote kept", []string{`cerner-client-id="abc`}, []string{`"abc`}},
		{"duplicates", []string{"cerner-client-id=a cerner-client-id=b cerner-client-id=a"}, []string{"a", "b"}},
		{"case of ids kept", []string{"cerner-client-id=ABC cerner-client-id=abc"}, []string{"ABC", "abc"}},
		{"among other pairs", []string{"v=1; cerner-client-id=a; other=b"}, []string{"a"}},
		{"empty then one", []string{"cerner-client-id= cerner-client-id=b"}, []string{"b"}},
		{"empty directly followed", []string{"cerner-client-id=cerner-client-id=b"}, []string{"b"}},
		{"equals inside id", []string{"cerner-client-id=a=b"}, []string{"a=b"}},
		{"key without = inside id", []string{"cerner-client-id=xcerner-client-id"}, []string{"xcerner-client-id"}},

		// Nothing to find.
		{"spf", []string{"v=spf1 -all"}, nil},
		{"other vendor", []string{"google-site-verification=x"}, nil},
		{"empty id", []string{"cerner-client-id="}, nil},
		{"empty quotes", []string{`cerner-client-id=""`}, nil},
		{"key only", []string{"cerner-client-id"}, nil},
		{"key without =", []string{"cerner-client-id abc"}, nil},
		{"no strings", nil, nil},
		{"empty string", []string{""}, nil},
		{"colon instead of =", []string{"cerner-client-id:abc"}, nil},
		{"key truncated", []string{"cerner-client-i=abc"}, nil},

		// Hostile and broken input.
		{"NUL ends the id", []string{"cerner-client-id=ab\x00cd"}, []string{"ab"}},
		{"DEL ends the id", []string{"cerner-client-id=ab\x7fcd"}, []string{"ab"}},
		{"non-ASCII ends the id", []string{"cerner-client-id=ab\xc3\xa9cd"}, []string{"ab"}},
		{"invalid UTF-8 first", []string{"cerner-client-id=\xffab"}, nil},
		{"bidi control", []string{"cerner-client-id=\u202eab"}, nil},
		{"NUL before key", []string{"\x00cerner-client-id=a"}, []string{"a"}},
		{"newline in the middle of =", []string{"cerner-client-id\n=a"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ClientIDs(tc.txt)
			if !slices.Equal(got, tc.want) {
				t.Errorf("ClientIDs(%q) = %q, want %q", tc.txt, got, tc.want)
			}
			if len(tc.want) == 0 && got != nil {
				t.Errorf("ClientIDs(%q) = %#v, want nil", tc.txt, got)
			}
		})
	}
}

func TestClientIDsBounds(t *testing.T) {
	// 10,000 distinct pairs: every id in the first 64 KiB returned, quickly.
	var b strings.Builder
	for i := range 10000 {
		b.WriteString("cerner-client-id=id")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(itoa(i))
		b.WriteByte('\n')
	}
	start := time.Now()
	got := ClientIDs([]string{b.String()})
	var want []string // the pairs in the first maxRecordBytes, the last one cut
	for _, line := range strings.Split(b.String()[:maxRecordBytes], "\n") {
		if id, ok := strings.CutPrefix(line, "cerner-client-id="); ok && id != "" {
			want = append(want, id)
		}
	}
	if len(want) < 2000 || !slices.Equal(got, want) {
		t.Errorf("10,000 pairs: %d ids, want the %d in the first %d bytes", len(got), len(want), maxRecordBytes)
	}
	if got[0] != "ida0" || got[1] != "idxb1" {
		t.Errorf("first ids %q", got[:2])
	}
	// 64 KiB of one repeated key: bounded.
	big := strings.Repeat("cerner-client-id=a;", 20000) // 380 KB
	if got := ClientIDs([]string{big}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("repeated: %q", got)
	}
	// An id past maxRecordBytes is not examined.
	far := strings.Repeat(" ", maxRecordBytes) + "cerner-client-id=late"
	if got := ClientIDs([]string{far}); got != nil {
		t.Errorf("id beyond maxRecordBytes: %q", got)
	}
	parts := make([]string, 0, 300)
	for range 300 {
		parts = append(parts, strings.Repeat(" ", 255))
	}
	parts = append(parts, "cerner-client-id=late")
	if got := ClientIDs(parts); got != nil {
		t.Errorf("id beyond maxRecordBytes across strings: %q", got)
	}
	// Right at the limit: examined up to the last byte.
	edge := strings.Repeat(" ", maxRecordBytes-len("cerner-client-id=ok")) + "cerner-client-id=ok"
	if got := ClientIDs([]string{edge[:100], edge[100:]}); !slices.Equal(got, []string{"ok"}) {
		t.Errorf("id ending at maxRecordBytes: %q", got)
	}
	// Worst case for the key search: 64 KiB of near-keys.
	near := strings.Repeat("cerner-client-iX=", maxRecordBytes/17+1)
	if got := ClientIDs([]string{near}); got != nil {
		t.Errorf("near keys: %q", got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("bounds took %v", d)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestMatch(t *testing.T) {
	spf := []string{"v=spf1 -all"}
	for _, tc := range []struct {
		name    string
		records [][]string
		want    string
		status  Status
		found   []string
	}{
		{"verified", [][]string{spf, {"cerner-client-id=abc"}}, "abc", StatusVerified, []string{"abc"}},
		{"verified among several records", [][]string{{"cerner-client-id=x"}, {"cerner-client-id=abc"}}, "abc", StatusVerified, []string{"x", "abc"}},
		{"verified in a shared record", [][]string{{"cerner-client-id=x\ncerner-client-id=abc"}}, "abc", StatusVerified, []string{"x", "abc"}},
		{"want trimmed", [][]string{{"cerner-client-id=abc"}}, " abc\n", StatusVerified, []string{"abc"}},
		{"exact comparison", [][]string{{"cerner-client-id=ABC"}}, "abc", StatusMismatch, []string{"ABC"}},
		{"mismatch", [][]string{spf, {"cerner-client-id=other"}}, "abc", StatusMismatch, []string{"other"}},
		{"prefix is not a match", [][]string{{"cerner-client-id=abcd"}}, "abc", StatusMismatch, []string{"abcd"}},
		{"not found: other records", [][]string{spf, {"google-site-verification=x"}}, "abc", StatusNotFound, []string{}},
		{"not found: empty id", [][]string{{"cerner-client-id="}}, "abc", StatusNotFound, []string{}},
		{"not found: no records", nil, "abc", StatusNotFound, []string{}},
		{"empty want never verifies", [][]string{{"cerner-client-id=abc"}}, "", StatusMismatch, []string{"abc"}},
		{"dedup across records", [][]string{{"cerner-client-id=a"}, {"cerner-client-id=a"}}, "b", StatusMismatch, []string{"a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, found := Match(tc.records, tc.want)
			if status != tc.status || !slices.Equal(found, tc.found) || found == nil {
				t.Errorf("Match(%q, %q) = %v, %#v; want %v, %q", tc.records, tc.want, status, found, tc.status, tc.found)
			}
		})
	}
	// However many ids: every one is found, in order, and the last verifies.
	var recs [][]string
	var ids []string
	for i := range 200 {
		ids = append(ids, "id"+itoa(i))
		recs = append(recs, []string{"cerner-client-id=" + ids[i]})
	}
	status, found := Match(recs, "id199")
	if status != StatusVerified || !slices.Equal(found, ids) {
		t.Errorf("200 records: %v, %d ids", status, len(found))
	}
}

func TestStatusText(t *testing.T) {
	for s, want := range map[Status]string{
		StatusVerified: "verified", StatusNotFound: "not_found", StatusMismatch: "mismatch", StatusError: "error",
	} {
		b, err := json.Marshal(s)
		if err != nil || string(b) != `"`+want+`"` {
			t.Errorf("json.Marshal(%d) = %s, %v; want %q", int(s), b, err, want)
		}
		if s.String() != want {
			t.Errorf("String() = %q, want %q", s.String(), want)
		}
		var back Status
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("round trip %q: %v, %v", want, back, err)
		}
	}
	if _, err := json.Marshal(Status(99)); err == nil {
		t.Error("Marshal(Status(99)): no error")
	}
	var s Status
	if err := s.UnmarshalText([]byte("Verified")); err == nil {
		t.Error("UnmarshalText(Verified): no error")
	}
	if got := Status(-1).String(); got != "Status(-1)" {
		t.Errorf("Status(-1).String() = %q", got)
	}
}

func TestKindText(t *testing.T) {
	for k := range Kind(len(kindNames)) {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Kind
		if err := back.UnmarshalText(b); err != nil || back != k || k.String() != string(b) {
			t.Errorf("Kind %d: %q round trip %v, %v", int(k), b, back, err)
		}
	}
	if _, err := Kind(42).MarshalText(); err == nil {
		t.Error("Kind(42).MarshalText: no error")
	}
	var k Kind
	if err := k.UnmarshalText([]byte("bogus")); err == nil {
		t.Error("UnmarshalText(bogus): no error")
	}
}

func FuzzClientIDs(f *testing.F) {
	for _, seed := range [][]string{
		{"cerner-client-id=abc"},
		{"cerner-client-id=abcd", "ef-1234"},
		{"cerner-client-id=a", "cerner-client-id=b"},
		{"cerner-client-id=a\ncerner-client-id=b"},
		{"Cerner-Client-ID = a"},
		{"v=spf1 -all"},
		{`cerner-client-id="q"`},
		{"cerner-client-id=\xff\x00"},
	} {
		f.Add(strings.Join(seed, "\x00\x01"))
	}
	f.Fuzz(func(t *testing.T, in string) {
		// The fuzzer's string is split into character-strings at "\x00\x01".
		txt := strings.Split(in, "\x00\x01")
		joined := strings.Join(txt, "")
		if len(joined) > maxRecordBytes {
			joined = joined[:maxRecordBytes]
		}
		ids := ClientIDs(txt)
		seen := map[string]bool{}
		for _, id := range ids {
			if id == "" {
				t.Fatalf("empty id in %q", ids)
			}
			for i := 0; i < len(id); i++ {
				if id[i] < 0x21 || id[i] > 0x7e {
					t.Fatalf("id %q has byte %#x", id, id[i])
				}
			}
			if !strings.Contains(joined, id) {
				t.Fatalf("id %q is not in %q", id, joined)
			}
			if seen[id] {
				t.Fatalf("duplicate id %q", id)
			}
			seen[id] = true
		}
		// Every id found must verify; an id-free record never verifies.
		if len(ids) > 0 {
			if s, _ := Match([][]string{txt}, ids[len(ids)-1]); s != StatusVerified {
				t.Fatalf("Match of a found id = %v", s)
			}
		} else if s, _ := Match([][]string{txt}, "x"); s != StatusNotFound {
			t.Fatalf("Match without ids = %v", s)
		}
	})
}

func BenchmarkClientIDs(b *testing.B) {
	txt := []string{"cerner-client-id=bxdcd0ff-5der-4c15-b2tf-r28b105aa845"}
	b.ReportAllocs()
	for b.Loop() {
		if ids := ClientIDs(txt); len(ids) != 1 {
			b.Fatal(ids)
		}
	}
}

func BenchmarkClientIDsSplit(b *testing.B) {
	txt := []string{"cerner-client-id=bxdcd0ff-5der-4c15-", "b2tf-r28b105aa845 cerner-client-id=other"}
	b.ReportAllocs()
	for b.Loop() {
		if ids := ClientIDs(txt); len(ids) != 2 {
			b.Fatal(ids)
		}
	}
}
