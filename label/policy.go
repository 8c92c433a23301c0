package label

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/consenttrust/appverify/tlsinspect"
)

// Decision is the outcome of applying a Policy to Evidence.
type Decision struct {
	Display Display
	// Described reports that the app is described in full (no "Unknown App").
	Described bool
	// Findings are every rule's findings, most severe first. Never nil.
	Findings []Finding
}

// Meta describes a rule, in the manner of zlint's lint metadata.
type Meta struct {
	// Name identifies the rule, such as "r6_txt". Stable.
	Name string
	// Code is the prefix of the codes of the rule's findings, such as "dns".
	Code string
	// Requirement is "R1" … "R8", or "" for a rule about the assessment.
	Requirement string
	// Level is the requirement's RFC 2119 level for patient-facing apps:
	// Must (MUST), Should (SHOULD) or Info (MAY, or a note).
	Level Severity
	// Citation is the requirement's text.
	Citation string
	// Source is where the requirement comes from.
	Source string
}

// Rule is one requirement check.
//
// Check returns the rule's findings for ev (nil when it has none), each with
// its Severity as for a patient-facing app: the Policy lowers it for other
// personas. A finding that keeps the app from being described sets
// Withholds. Check must not modify ev. A panic in Check becomes a
// withholding "rule.panic" finding.
type Rule interface {
	Meta() Meta
	Check(ev Evidence) []Finding
}

// NewRule returns a Rule with metadata m whose Check is check.
func NewRule(m Meta, check func(Evidence) []Finding) Rule {
	return funcRule{m: m, check: check}
}

type funcRule struct {
	m     Meta
	check func(Evidence) []Finding
}

func (r funcRule) Meta() Meta                  { return r.m }
func (r funcRule) Check(ev Evidence) []Finding { return r.check(ev) }

// defaultRules is shared by every Policy whose Rules is nil; the rules are
// stateless values.
var defaultRules = []Rule{
	devRule{},
	httpsRule{},
	portRule{},
	tlsVersionRule{},
	certificateRule{},
	ovEVRule{},
	txtRule{},
	nameRule{},
	nativeRule{},
	tlsReportRule{},
}

// DefaultRules returns the rules of the default policy, in the order they
// run: development target, R1 … R8, then the TLS report's remaining
// findings. The slice is new: replace or extend it freely.
func DefaultRules() []Rule {
	return slices.Clone(defaultRules)
}

// Policy is the list of rules that decide what the patient sees.
type Policy struct {
	// Rules run in order. If Rules is nil, DefaultRules is used; an empty
	// non-nil slice runs no rule at all.
	Rules []Rule
}

// DefaultPolicy returns the platform's default policy.
func DefaultPolicy() *Policy { return &Policy{Rules: DefaultRules()} }

// Decide applies p to ev. A nil *Policy is the default policy.
//
// The app is described in full when no finding withholds and the TLS report
// carries an organization to show; otherwise the Display shows only the
// domain, with the "Unknown App" label. Decide never panics on account of a
// rule: a panicking rule yields a withholding "rule.panic" finding.
func (p *Policy) Decide(ev Evidence) Decision {
	rules := defaultRules
	if p != nil && p.Rules != nil {
		rules = p.Rules
	}
	findings := []Finding{}
	for _, r := range rules {
		for _, f := range runRule(r, ev) {
			findings = addFinding(findings, f, ev.Persona)
		}
	}

	// Whatever the rules say, an organization is shown only when the
	// certificate associates a legal entity with the site: a replaced or
	// extended rule list can never show a CDN's, an untrusted or a revoked
	// certificate's organization.
	org, loc := "", ""
	if name, l, ok := ev.TLS.LegalEntity(); ok {
		org, loc = Sanitize(name), location(l)
	}
	described := true
	for i := range findings {
		if findings[i].Withholds {
			described = false
			break
		}
	}
	if described && org == "" {
		// Nothing names a legal entity: there is nothing to describe,
		// whatever the rules said (a custom list may lack R5).
		described = false
		findings = addFinding(findings, Finding{
			Code:      "label.no_organization",
			Severity:  Must,
			Message:   "no certificate names an organization for " + siteName(ev) + ": the app cannot be described; serve an OV or EV certificate naming the legal entity",
			Withholds: true,
		}, ev.Persona)
	}
	slices.SortStableFunc(findings, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })

	d := Decision{Described: described, Findings: findings}
	d.Display.Domain = displayDomain(ev)
	if described {
		d.Display.AppName = Sanitize(ev.AppName)
		d.Display.Organization = org
		d.Display.Location = loc
		d.Display.Labels = []string{}
		if ev.Validated {
			d.Display.Labels = []string{Validated}
		}
	} else {
		d.Display.Labels = []string{UnknownApp}
		if ev.Validated {
			d.Display.Labels = []string{UnknownApp, Validated}
		}
	}
	return d
}

// runRule runs r, turning a panic into a withholding finding.
func runRule(r Rule, ev Evidence) (fs []Finding) {
	defer func() {
		if v := recover(); v != nil {
			msg := fmt.Sprint(v)
			fs = []Finding{{
				Code:      "rule.panic",
				Severity:  Must,
				Message:   "rule " + ruleName(r) + " failed (" + bound(msg, 200) + "): the app is not described; report this to the policy's maintainer",
				Withholds: true,
			}}
		}
	}()
	return r.Check(ev)
}

// ruleName returns r's name, or a placeholder when Meta itself panics.
func ruleName(r Rule) (name string) {
	defer func() {
		if recover() != nil {
			name = fmt.Sprintf("%T", r)
		}
	}()
	if r == nil {
		return "<nil>"
	}
	if n := r.Meta().Name; n != "" {
		return n
	}
	return fmt.Sprintf("%T", r)
}

// addFinding appends f with its severity adjusted for the persona, or merges
// it into an earlier finding with the same code (the earlier message wins;
// Withholds and Severity are the stronger of the two).
func addFinding(fs []Finding, f Finding, persona Persona) []Finding {
	f.Severity = forPersona(f.Severity, f.Requirement, persona)
	for i := range fs {
		if fs[i].Code == f.Code {
			fs[i].Withholds = fs[i].Withholds || f.Withholds
			fs[i].Severity = max(fs[i].Severity, f.Severity)
			return fs
		}
	}
	return append(fs, f)
}

// ForPersona returns the severity a finding about requirement ("R1" …
// "R8", or "" for a finding about the assessment itself) has for persona p,
// given its severity s for a patient-facing app: the rule Decide applies to
// every finding, for callers that add findings of their own. For provider
// and system apps must becomes should and should becomes info; findings
// without a Requirement keep their severity.
func ForPersona(s Severity, requirement string, p Persona) Severity {
	return forPersona(s, requirement, p)
}

// forPersona lowers a requirement's severity for provider and system apps,
// for which the requirements are recommendations: must becomes should and
// should becomes info. Findings about the assessment itself (no
// Requirement) keep their severity.
func forPersona(s Severity, requirement string, p Persona) Severity {
	if p == Patient || requirement == "" {
		return s
	}
	if s >= Must {
		return Should
	}
	return Info
}

func displayDomain(ev Evidence) string {
	if ev.Site.DisplayDomain != "" {
		return Sanitize(ev.Site.DisplayDomain)
	}
	return Sanitize(ev.Site.Host)
}

// location joins the certificate subject's C, ST and L, skipping empty parts.
func location(l tlsinspect.Location) string {
	var buf [3]string
	parts := buf[:0]
	for _, p := range [...]string{l.Country, l.State, l.Locality} {
		if p = Sanitize(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// siteName names the site in messages: the eTLD+1, else the host.
func siteName(ev Evidence) string {
	if ev.Site.ETLDPlusOne != "" {
		return ev.Site.ETLDPlusOne
	}
	if ev.Site.Host != "" {
		return ev.Site.Host
	}
	return "the redirect URI's host"
}

// bound cuts s to n bytes (on a rune boundary) for a message, with "…".
func bound(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// quote quotes a third-party string for a message, bounded.
func quote(s string) string {
	return strconv.Quote(bound(s, 256))
}

// isLoopback reports whether host names the loopback interface.
func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}
