package label

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/tlsinspect"
)

// consistent checks what Decide promises about d's requirements: R1 … R8
// in order, each with its level; a met or not applicable requirement has
// only info findings; a requirement not met has a finding at its level for
// the persona, and says what to fix. It returns "" or what is wrong.
func consistent(d Decision, p Persona) string {
	if len(d.Requirements) != 8 {
		return fmt.Sprintf("%d requirements, want 8", len(d.Requirements))
	}
	for i, r := range d.Requirements {
		id := fmt.Sprintf("R%d", i+1)
		if r.Requirement != id {
			return fmt.Sprintf("requirement %d is %q", i, r.Requirement)
		}
		level := Should
		if id == "R1" {
			level = Must
		}
		if r.Level != level {
			return fmt.Sprintf("%s level %v, want %v", id, r.Level, level)
		}
		if r.Findings == nil || r.Detail == "" {
			return fmt.Sprintf("%s: nil findings or no detail: %+v", id, r)
		}
		atLevel := false
		for _, f := range r.Findings {
			if f.Requirement != id && f.Code != "rule.panic" {
				return fmt.Sprintf("%s carries a finding about %q: %+v", id, f.Requirement, f)
			}
			if (r.Status == Met || r.Status == NotApplicable) && f.Severity > Info {
				return fmt.Sprintf("%s %v with a %v finding %s", id, r.Status, f.Severity, f.Code)
			}
			atLevel = atLevel || f.Severity >= forPersona(level, id, p)
		}
		if r.Status == NotMet && (!atLevel || r.Fix == "") {
			return fmt.Sprintf("%s not met without a %v finding or a fix: %+v", id, forPersona(level, id, p), r)
		}
	}
	return ""
}

// statuses writes d's statuses as a string, one letter per requirement:
// M met, N not met, A not assessable, - not applicable.
func statuses(d Decision) string {
	var b strings.Builder
	for _, r := range d.Requirements {
		b.WriteByte(map[Status]byte{Met: 'M', NotMet: 'N', NotAssessable: 'A', NotApplicable: '-'}[r.Status])
	}
	return b.String()
}

// Every requirement's status through the policy, for each way it can turn
// out, for every persona.
func TestRequirementStatuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Evidence)
		want   string // R1 … R8
	}{
		{"all met", func(*Evidence) {}, "MMMMMMMM"},
		{"plain http on a public host", func(e *Evidence) { e.Site.Scheme, e.Site.Port = "http", 80 }, "NNMMMMM-"},
		{"http loopback", func(e *Evidence) {
			e.Site.Scheme, e.Site.Host, e.Site.Port, e.Site.Development = "http", "localhost", 8080, etld.DevLocalhost|etld.DevPlainHTTP|etld.DevPort
			e.Site.ETLDPlusOne, e.Site.DisplayDomain, e.Site.PublicSuffix = "", "localhost", ""
			e.DNS, e.TLS = nil, nil
		}, "NNAAAAAN"},
		{"port 8443", func(e *Evidence) { e.Site.Port = 8443 }, "MNMMMMMM"},
		{"TLS 1.1", func(e *Evidence) { e.TLS.Version = tls.VersionTLS11 }, "MMNMMMMM"},
		{"weak cipher from the report", func(e *Evidence) {
			e.TLS.Findings = []tlsinspect.Finding{{Code: code.CipherWeak, Message: "3DES"}}
		}, "MMNMMMMM"},
		{"handshake failed", func(e *Evidence) {
			e.TLS = &tlsinspect.Report{Host: e.Site.Host, Port: 443}
			e.TLSErr = fmt.Errorf("tlsinspect: %s:443: %w", e.Site.Host, tlsinspect.ErrTimeout)
		}, "MMAAAMMM"},
		{"not dialled", func(e *Evidence) { e.TLS = nil }, "MMAAAMMM"},
		{"expired", func(e *Evidence) { e.TLS.Expired = true }, "MMMNMMMM"},
		{"revoked", func(e *Evidence) { e.TLS.Revocation = tlsinspect.RevocationRevoked }, "MMMNMMMM"},
		{"revocation unknown is allowed", func(e *Evidence) { e.TLS.Revocation = tlsinspect.RevocationUnknown }, "MMMMMMMM"},
		{"weak key from the report", func(e *Evidence) {
			e.TLS.Findings = []tlsinspect.Finding{{Code: code.KeyWeak, Message: "RSA 1024"}}
		}, "MMMNMMMM"},
		{"untrusted", func(e *Evidence) { e.TLS.Trusted, e.TLS.TrustedWithinValidity = false, false }, "MMMNMMMM"},
		{"DV", func(e *Evidence) { e.TLS.Type = tlsinspect.DV }, "MMMMNMMM"},
		{"CDN", func(e *Evidence) { e.TLS.CDN = true }, "MMMMNMMM"},
		{"TXT missing", func(e *Evidence) { e.DNS.Status = dnsverify.StatusNotFound }, "MMMMMNMM"},
		{"TXT mismatch", func(e *Evidence) { e.DNS.Status, e.DNS.Found = dnsverify.StatusMismatch, []string{"other"} }, "MMMMMNMM"},
		{"TXT lookup failed", func(e *Evidence) {
			e.DNS.Status = dnsverify.StatusError
			e.DNS.Err = &dnsverify.LookupError{Name: "examplehealth.com", Server: "192.0.2.53:53", Kind: dnsverify.KindServFail}
		}, "MMMMMAMM"},
		{"TXT not looked up", func(e *Evidence) { e.DNS = nil }, "MMMMMAMM"},
		{"name misaligned", func(e *Evidence) { e.AppName = "Zebra Tracker" }, "MMMMMMNM"},
		{"no name", func(e *Evidence) { e.AppName = "" }, "MMMMMMAM"},
	}
	for _, tt := range tests {
		for _, p := range []Persona{Patient, Provider, System} {
			ev := good()
			tt.change(&ev)
			ev.Persona = p
			d := DefaultPolicy().Decide(ev)
			if got := statuses(d); got != tt.want {
				t.Errorf("%s (%v): statuses %s, want %s", tt.name, p, got, tt.want)
				for _, r := range d.Requirements {
					t.Logf("  %s %v: %s", r.Requirement, r.Status, r.Detail)
				}
			}
			if err := consistent(d, p); err != "" {
				t.Errorf("%s (%v): %s", tt.name, p, err)
			}
		}
	}
}

// Details and fixes are for people: no Go error chain, no package prefix,
// even when the evidence carries errors.
func TestDetailsCarryNoGoErrors(t *testing.T) {
	ev := good()
	ev.DNS.Status = dnsverify.StatusError
	ev.DNS.Err = fmt.Errorf("wrapped: %w", &dnsverify.LookupError{Name: "examplehealth.com", Server: "192.0.2.53:53", Kind: dnsverify.KindTimeout, Err: errors.New("read udp 127.0.0.1:5353: i/o timeout")})
	ev.TLS = nil
	ev.TLSErr = fmt.Errorf("%w: dial tcp 192.0.2.1:443: connect: connection refused", tlsinspect.ErrRefused)
	d := DefaultPolicy().Decide(ev)
	for _, r := range d.Requirements {
		for _, s := range []string{r.Detail, r.Fix} {
			for _, bad := range []string{"dnsverify:", "tlsinspect:", "dial tcp", "i/o timeout", "wrapped"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s: %q contains %q", r.Requirement, s, bad)
				}
			}
		}
	}
	if got := d.Requirements[5].Detail; !strings.Contains(got, "no answer in time from 192.0.2.53:53") {
		t.Errorf("R6 detail %q, want the kind and the server in words", got)
	}
	if got := d.Requirements[2].Detail; !strings.Contains(got, "the connection was refused") {
		t.Errorf("R3 detail %q, want the reason in words", got)
	}
}

// A custom rule's result is made consistent with its findings; a policy
// without a rule for a requirement leaves it not assessable.
func TestResultsMadeConsistent(t *testing.T) {
	liar := funcResultRule{Meta{Name: "liar", Requirement: "R2"}, Result{Status: Met, Detail: "fine",
		Findings: []Finding{{Code: "custom.bad", Severity: Should, Message: "not fine"}}}}
	silent := funcResultRule{Meta{Name: "silent", Requirement: "R3"}, Result{Status: NotMet, Detail: "bad"}}
	d := (&Policy{Rules: []Rule{liar, silent}}).Decide(good())
	if got := statuses(d); got != "ANNAAAAA" {
		t.Errorf("statuses %s, want ANNAAAAA", got)
	}
	if err := consistent(d, Patient); err != "" {
		t.Error(err)
	}
	if f := d.Requirements[2].Findings; len(f) != 1 || f[0].Code != "requirement.not_met" || f[0].Severity != Should {
		t.Errorf("R3 findings %+v, want one requirement.not_met at should", f)
	}
}

type funcResultRule struct {
	m Meta
	r Result
}

func (r funcResultRule) Meta() Meta            { return r.m }
func (r funcResultRule) Check(Evidence) Result { return r.r }

func TestNotice(t *testing.T) {
	ev := good()
	d := DefaultPolicy().Decide(ev)
	if d.Display.Notice != NewNotice(NoticeDescribed) {
		t.Errorf("described: %+v", d.Display.Notice)
	}
	ev.DNS.Status = dnsverify.StatusNotFound
	d = DefaultPolicy().Decide(ev)
	if d.Display.Notice.Key != NoticeUnknownApp || !strings.HasPrefix(d.Display.Notice.Text, "We could not confirm who makes this app.") {
		t.Errorf("unknown: %+v", d.Display.Notice)
	}
	if n := NewNotice("no such key"); n.Key != NoticeUnknownApp {
		t.Errorf("unknown key gave %+v", n)
	}
	for _, k := range []string{NoticeDescribed, NoticeUnknownApp, NoticeDevelopment} {
		n := NewNotice(k)
		if n.Key != k || n.Text == "" || strings.ContainsAny(n.Text, "§:") || strings.Contains(n.Text, "RFC") {
			t.Errorf("%s: %+v", k, n)
		}
	}
}

func TestPersonaFromScopes(t *testing.T) {
	tests := []struct {
		scopes []string
		want   Persona
	}{
		{[]string{"patient/Observation.read"}, Patient},
		{[]string{"openid fhirUser launch/patient patient/*.rs"}, Patient},
		{[]string{"user/Patient.read", "offline_access"}, Provider},
		{[]string{"system/*.read"}, System},
		{[]string{"system/*.read", "user/Observation.rs"}, Provider},          // mixed: the stricter
		{[]string{"user/*.read", "system/*.read", "patient/*.read"}, Patient}, // mixed: patient binds
		{[]string{"openid", "fhirUser"}, Patient},                             // none: patient
		{nil, Patient},
		{[]string{"launch/patient"}, Patient},
		{[]string{"User/Patient.read"}, Patient}, // prefixes are case-sensitive
		{[]string{"  system/Patient.read  "}, System},
		{[]string{"patient"}, Patient},
		{[]string{"usersystem/x"}, Patient},
	}
	for _, tt := range tests {
		if got := PersonaFromScopes(tt.scopes); got != tt.want {
			t.Errorf("PersonaFromScopes(%q) = %v, want %v", tt.scopes, got, tt.want)
		}
	}
}

func TestStatusText(t *testing.T) {
	for s, want := range map[Status]string{Met: "met", NotMet: "not_met", NotApplicable: "not_applicable", NotAssessable: "not_assessable"} {
		b, err := s.MarshalText()
		if err != nil || string(b) != want || s.String() != want {
			t.Errorf("%d: %q %v %q", s, b, err, s.String())
		}
		var back Status
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip %q: %v %v", b, back, err)
		}
	}
	if _, err := Status(9).MarshalText(); err == nil {
		t.Error("Status(9) marshalled")
	}
	var s Status
	if err := s.UnmarshalText([]byte("met!")); err == nil {
		t.Error("unmarshalled met!")
	}
}
