package dnsverify

import (
	"errors"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

const qid = 0x4242

var testQ = question{name: "example.com.", id: qid}

func txtRR(name string, ttl uint32, s ...string) dns.RR {
	return &dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: ttl}, Txt: s}
}

func cnameRR(name, target string) dns.RR {
	return &dns.CNAME{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300}, Target: target}
}

// reply returns a well-formed answer to testQ, changed by edit, as it
// arrives: packed and unpacked again.
func reply(edit func(m *dns.Msg), rrs ...dns.RR) *dns.Msg {
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
	m = new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		panic(err)
	}
	return m
}

func TestParseAnswer(t *testing.T) {
	ok := txtRR("example.com.", 300, "cerner-client-id=abc")
	for _, tc := range []struct {
		name    string
		msg     *dns.Msg
		kind    Kind // when an error is wanted
		records int
	}{
		{"ok", reply(nil, ok), 0, 1},
		{"name case differs", reply(func(m *dns.Msg) { m.Question[0].Name = "EXAMPLE.com." }, txtRR("Example.COM.", 1, "x")), 0, 1},
		{"other owner ignored", reply(nil, txtRR("evil.com.", 300, "cerner-client-id=abc")), KindNotFound, 0},
		{"other class ignored", reply(nil, &dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}, Txt: []string{"x"}}), KindNotFound, 0},
		{"cname followed", reply(nil, cnameRR("example.com.", "t.example.net."), txtRR("t.example.net.", 60, "x"), txtRR("example.com.", 60, "not at the end of the chain")), 0, 1},
		{"cname order free", reply(nil, txtRR("b.test.", 60, "x"), cnameRR("a.test.", "b.test."), cnameRR("example.com.", "a.test.")), 0, 1},
		{"cname loop", reply(nil, cnameRR("example.com.", "a.test."), cnameRR("a.test.", "example.com.")), KindMalformed, 0},
		{"nxdomain", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeNameError }), KindNotFound, 0},
		{"nodata", reply(nil), KindNotFound, 0},
		{"servfail", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeServerFailure }), KindServFail, 0},
		{"refused without question", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeRefused; m.Question = nil }), KindRefused, 0},
		{"formerr", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeFormatError }), KindRcode, 0},
		{"truncated (over TCP)", reply(func(m *dns.Msg) { m.Truncated = true }, ok), KindMalformed, 0},

		// Not an answer to our question.
		{"wrong id", reply(func(m *dns.Msg) { m.Id = qid + 1 }, ok), KindMalformed, 0},
		{"not a response", reply(func(m *dns.Msg) { m.Response = false }, ok), KindMalformed, 0},
		{"other opcode", reply(func(m *dns.Msg) { m.Opcode = dns.OpcodeNotify }, ok), KindMalformed, 0},
		{"other name", reply(func(m *dns.Msg) { m.Question[0].Name = "example.org." }, txtRR("example.org.", 1, "x")), KindMalformed, 0},
		{"other type", reply(func(m *dns.Msg) { m.Question[0].Qtype = dns.TypeA }, ok), KindMalformed, 0},
		{"other class", reply(func(m *dns.Msg) { m.Question[0].Qclass = dns.ClassCHAOS }, ok), KindMalformed, 0},
		{"no question", reply(func(m *dns.Msg) { m.Question = nil }, ok), KindMalformed, 0},
		{"nxdomain without question", reply(func(m *dns.Msg) { m.Rcode = dns.RcodeNameError; m.Question = nil }), KindMalformed, 0},
		{"two questions", reply(func(m *dns.Msg) { m.Question = append(m.Question, m.Question[0]) }, ok), KindMalformed, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := parseAnswer(tc.msg, testQ, defaultLimits)
			if tc.records > 0 {
				if err != nil || len(a.Records) != tc.records {
					t.Fatalf("parseAnswer = %+v, %v; want %d records", a, err, tc.records)
				}
			} else if err == nil || err.Kind != tc.kind {
				t.Fatalf("err = %v, want kind %v", err, tc.kind)
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
	if _, err := parseAnswer(reply(nil, many...), testQ, limits{records: 19, cnames: 1}); err == nil || err.Kind != KindMalformed {
		t.Errorf("20 records, limit 19: %v", err)
	}
	if a, err := parseAnswer(reply(nil, many...), testQ, limits{records: 20, cnames: 1}); err != nil || len(a.Records) != 20 {
		t.Errorf("20 records, limit 20: %v", err)
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

// FuzzParseAnswer feeds arbitrary bytes as the answer to testQ: bytes that
// do not unpack must fail with a *dns.Error (which the Client classifies as
// malformed), and parseAnswer must never panic, nor return records unless
// the message is a response to testQ.
func FuzzParseAnswer(f *testing.F) {
	pack := func(m *dns.Msg) []byte {
		b, err := m.Pack()
		if err != nil {
			panic(err)
		}
		return b
	}
	ok := txtRR("example.com.", 300, "cerner-client-id=abc")
	f.Add(pack(reply(nil, ok)))
	f.Add(pack(reply(nil, cnameRR("example.com.", "a.test."), txtRR("a.test.", 1, "x", "y"))))
	f.Add(pack(reply(func(m *dns.Msg) { m.Rcode = dns.RcodeNameError })))
	f.Add(pack(reply(func(m *dns.Msg) { m.Truncated = true }, ok)))
	f.Add(pack(reply(func(m *dns.Msg) { m.Question[0].Name = "example.org." }, ok)))
	f.Add(pack(reply(func(m *dns.Msg) { m.SetEdns0(1232, true) }, ok)))
	f.Add([]byte{0x42, 0x42})
	f.Fuzz(func(t *testing.T, wire []byte) {
		m := new(dns.Msg)
		if err := m.Unpack(wire); err != nil {
			var de *dns.Error
			if !errors.As(err, &de) {
				t.Fatalf("unpack error %T %v is not a *dns.Error", err, err)
			}
			return
		}
		a, err := parseAnswer(m, testQ, limits{records: 16, cnames: 4})
		if err != nil {
			if a != nil {
				t.Fatalf("Answer with error %v", err)
			}
			return
		}
		if a == nil || len(a.Records) == 0 || len(a.Records) > 16 {
			t.Fatalf("Answer %+v without error", a)
		}
		m = new(dns.Msg)
		if err := m.Unpack(wire); err != nil {
			t.Fatal(err)
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
