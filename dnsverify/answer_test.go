package dnsverify

import (
	"errors"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

const qid = 0x4242

var testQ = question{name: "example.com.", id: qid}

var testLimits = limits{records: DefaultMaxRecords, cnames: DefaultMaxCNAMEs}

func txtRR(name string, ttl uint32, s ...string) dns.RR {
	return &dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: ttl}, Txt: s}
}

func cnameRR(name, target string) dns.RR {
	return &dns.CNAME{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300}, Target: target}
}

// reply returns a well-formed answer to testQ, changed by edit.
func reply(edit func(m *dns.Msg), rrs ...dns.RR) []byte {
	m := new(dns.Msg)
	m.SetQuestion(testQ.name, dns.TypeTXT)
	m.Id = qid
	m.Response = true
	m.Answer = rrs
	if edit != nil {
		edit(m)
	}
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseAnswer(t *testing.T) {
	ok := txtRR("example.com.", 300, "cerner-client-id=abc")
	for _, tc := range []struct {
		name    string
		wire    []byte
		tcp     bool
		kind    Kind  // when err is a *LookupError
		err     error // other errors
		records int
	}{
		{"ok", reply(nil, ok), false, 0, nil, 1},
		{"name case differs", reply(func(m *dns.Msg) { m.Question[0].Name = "EXAMPLE.com." }, txtRR("Example.COM.", 1, "x")), false, 0, nil, 1},
		{"other owner ignored", reply(nil, txtRR("evil.com.", 300, "cerner-client-id=abc")), false, KindNoData, nil, 0},
		{"other class ignored", reply(nil, &dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}, Txt: []string{"x"}}), false, KindNoData, nil, 0},
		{"cname followed", reply(nil, cnameRR("example.com.", "t.example.net."), txtRR("t.example.net.", 60, "x"), txtRR("example.com.", 60, "not at the end of the chain")), false, 0, nil, 1},
		{"cname order free", reply(nil, txtRR("b.test.", 60, "x"), cnameRR("a.test.", "b.test."), cnameRR("example.com.", "a.test.")), false, 0, nil, 1},
		{"cname loop", reply(nil, cnameRR("example.com.", "a.test."), cnameRR("a.test.", "example.com.")), false, KindMalformed, nil, 0},
		{"nxdomain", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeNameError }), false, KindNXDomain, nil, 0},
		{"nodata", reply(nil), false, KindNoData, nil, 0},
		{"servfail", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeServerFailure }), false, KindServFail, nil, 0},
		{"refused without question", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeRefused; m.Question = nil }), false, KindRefused, nil, 0},
		{"formerr", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeFormatError }), false, KindRcode, nil, 0},
		{"truncated udp", reply(func(m *dns.Msg) { m.Truncated = true }, ok), false, 0, errTruncated, 0},
		{"truncated tcp", reply(func(m *dns.Msg) { m.Truncated = true }, ok), true, KindMalformed, nil, 0},

		// Not an answer to our question.
		{"wrong id", reply(func(m *dns.Msg) { m.Id = qid + 1 }, ok), false, KindMalformed, nil, 0},
		{"not a response", reply(func(m *dns.Msg) { m.Response = false }, ok), false, KindMalformed, nil, 0},
		{"other opcode", reply(func(m *dns.Msg) { m.Opcode = dns.OpcodeNotify }, ok), false, KindMalformed, nil, 0},
		{"other name", reply(func(m *dns.Msg) { m.Question[0].Name = "example.org." }, txtRR("example.org.", 1, "x")), false, KindMalformed, nil, 0},
		{"other type", reply(func(m *dns.Msg) { m.Question[0].Qtype = dns.TypeA }, ok), false, KindMalformed, nil, 0},
		{"other class", reply(func(m *dns.Msg) { m.Question[0].Qclass = dns.ClassCHAOS }, ok), false, KindMalformed, nil, 0},
		{"no question", reply(func(m *dns.Msg) { m.Question = nil }, ok), false, KindMalformed, nil, 0},
		{"nxdomain without question", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeNameError; m.Question = nil }), false, KindMalformed, nil, 0},
		{"two questions", reply(func(m *dns.Msg) { m.Question = append(m.Question, m.Question[0]) }, ok), false, KindMalformed, nil, 0},
		{"empty", nil, false, KindMalformed, nil, 0},
		{"short header", []byte{0x42, 0x42, 0x80}, false, KindMalformed, nil, 0},
		{"cut short", reply(nil, ok)[:40], false, KindMalformed, nil, 0},
		{"garbage", []byte("\x42\x42 this is not a DNS message at all"), false, KindMalformed, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := parseAnswer(tc.wire, testQ, tc.tcp, testLimits)
			switch {
			case tc.err != nil:
				if err != tc.err {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
			case tc.records > 0:
				if err != nil || len(a.Records) != tc.records {
					t.Fatalf("parseAnswer = %+v, %v; want %d records", a, err, tc.records)
				}
			default:
				var le *LookupError
				if !errors.As(err, &le) || le.Kind != tc.kind {
					t.Fatalf("err = %v, want kind %v", err, tc.kind)
				}
			}
			if err != nil && a != nil {
				t.Errorf("records with an error: %+v", a)
			}
		})
	}
	var many []dns.RR
	for range 20 {
		many = append(many, txtRR("example.com.", 1, strings.Repeat("x", 10)))
	}
	if _, err := parseAnswer(reply(nil, many...), testQ, false, limits{records: 19, cnames: 1}); !errors.Is(err, ErrMalformed) {
		t.Errorf("20 records, limit 19: %v", err)
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:        "plain",
		`a\"b`:         `a"b`,
		`a\\b`:         `a\b`,
		`\000\255\126`: "\x00\xff~",
		`\999`:         "999",
		`\12`:          "12",
		`end\`:         `end\`,
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseAnswer feeds arbitrary bytes as the answer to testQ: it must never
// panic, and never return records unless the message is a response to it.
func FuzzParseAnswer(f *testing.F) {
	ok := txtRR("example.com.", 300, "cerner-client-id=abc")
	f.Add(reply(nil, ok), false)
	f.Add(reply(nil, cnameRR("example.com.", "a.test."), txtRR("a.test.", 1, "x", "y")), false)
	f.Add(reply(func(m *dns.Msg) { m.Rcode = dns.RcodeNameError }), false)
	f.Add(reply(func(m *dns.Msg) { m.Truncated = true }, ok), true)
	f.Add(reply(func(m *dns.Msg) { m.Question[0].Name = "example.org." }, ok), false)
	f.Add(reply(func(m *dns.Msg) { m.SetEdns0(1232, true) }, ok), false)
	f.Add([]byte{0x42, 0x42}, false)
	f.Fuzz(func(t *testing.T, wire []byte, tcp bool) {
		a, err := parseAnswer(wire, testQ, tcp, limits{records: 16, cnames: 4})
		if err != nil {
			if a != nil {
				t.Fatalf("Answer with error %v", err)
			}
			var le *LookupError
			if err != errTruncated && !errors.As(err, &le) {
				t.Fatalf("untyped error %T %v", err, err)
			}
			return
		}
		if a == nil || len(a.Records) == 0 || len(a.Records) > 16 {
			t.Fatalf("Answer %+v without error", a)
		}
		m := new(dns.Msg)
		if err := m.Unpack(wire); err != nil {
			t.Fatalf("records from a message that does not parse: %v", err)
		}
		if m.Id != qid || !m.Response || m.Truncated || m.Rcode != dns.RcodeSuccess || len(m.Question) != 1 {
			t.Fatalf("records from a message that does not answer the query: %v", m)
		}
		q := m.Question[0]
		if !strings.EqualFold(q.Name, testQ.name) || q.Qtype != dns.TypeTXT || q.Qclass != dns.ClassINET {
			t.Fatalf("records for another question %v", q)
		}
	})
}
