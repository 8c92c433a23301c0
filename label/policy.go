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
	// Requirements holds one Result per requirement, R1 … R8 in order.
	Requirements []Result
	// Findings are every rule's findings, most severe first, each code
	// once. Never nil.
	Findings []Finding
}

// Meta describes a rule, in the manner of zlint's lint metadata.
type Meta struct {
	// Name identifies the rule, such as "r6_txt". Stable.
	Name string
	// Requirement is "R1" … "R8", or "" for a rule about the assessment.
	Requirement string
	// Citation is the requirement's text.
	Citation string
	// Source is where the requirement comes from.
	Source string
}

// Rule checks one requirement.
//
// Check returns its Result for ev: a Status, the evidence in words, the fix
// and the findings, each finding with its Severity as for a patient-facing
// app (the Policy lowers it for other personas). A finding that keeps the
// app from being described sets Withholds. Check must not modify ev. A
// panic in Check becomes a NotAssessable result with a withholding
// "rule.panic" finding.
type Rule interface {
	Meta() Meta
	Check(ev Evidence) Result
}

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
}

// DefaultRules returns the rules of the default policy, in the order they
// run: development target, then R1 … R8. The slice is new: replace or
// extend it freely.
func DefaultRules() []Rule {
	return slices.Clone(defaultRules)
}

// Policy is the list of rules that decide what the patient sees.
type Policy struct {
	// Rules run in order. If Rules is nil, DefaultRules is used; an empty
	// non-nil slice runs no rule at all (every requirement is then
	// NotAssessable, and nothing is described).
	Rules []Rule
}

// DefaultPolicy returns the platform's default policy.
func DefaultPolicy() *Policy { return &Policy{Rules: DefaultRules()} }

// Decide applies p to ev. A nil *Policy is the default policy.
//
// The app is described in full when no finding withholds and the TLS report
// carries an organization to show; otherwise the Display shows only the
// domain, with the "Unknown App" label. Requirements holds R1 … R8 in
// order: where several rules check one requirement their results are
// combined (the worst status: not met, then not assessable, met, not
// applicable); where none does, it is NotAssessable. Decide never panics
// on account of a rule: a panicking rule yields a withholding "rule.panic"
// finding.
func (p *Policy) Decide(ev Evidence) Decision {
	rules := defaultRules
	if p != nil && p.Rules != nil {
		rules = p.Rules
	}
	var byReq [len(requirementIDs)]*Result
	findings := []Finding{}
	for _, r := range rules {
		res := runRule(r, ev)
		if i := slices.Index(requirementIDs[:], res.Requirement); i >= 0 {
			if byReq[i] == nil {
				byReq[i] = &res
			} else {
				combine(byReq[i], res)
			}
		}
		for _, f := range res.Findings {
			findings = addFinding(findings, f)
		}
	}
	reqs := make([]Result, len(requirementIDs))
	for i, id := range requirementIDs {
		if byReq[i] == nil {
			reqs[i] = Result{Requirement: id, Level: requirementLevel(id), Status: NotAssessable,
				Detail: "no rule of this policy checks " + id, Findings: []Finding{}}
			continue
		}
		reqs[i] = *byReq[i]
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
		})
	}
	slices.SortStableFunc(findings, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })

	d := Decision{Described: described, Requirements: reqs, Findings: findings}
	d.Display.Domain = displayDomain(ev)
	switch {
	case described:
		d.Display.AppName = Sanitize(ev.AppName)
		d.Display.Organization = org
		d.Display.Location = loc
		d.Display.Labels = []string{}
		if ev.Validated {
			d.Display.Labels = []string{Validated}
		}
		d.Display.Notice = NewNotice(NoticeDescribed)
	default:
		d.Display.Labels = []string{UnknownApp}
		if ev.Validated {
			d.Display.Labels = []string{UnknownApp, Validated}
		}
		d.Display.Notice = NewNotice(NoticeUnknownApp)
		if ev.Site.Development != 0 {
			d.Display.Notice = NewNotice(NoticeDevelopment)
		}
	}
	return d
}

// runRule runs r and completes its result: the requirement and level from
// its Meta, the severities for ev's persona, and a status consistent with
// the findings. A panic becomes a NotAssessable result with a withholding
// "rule.panic" finding.
func runRule(r Rule, ev Evidence) (res Result) {
	req := ruleRequirement(r)
	defer func() {
		if v := recover(); v != nil {
			msg := fmt.Sprint(v)
			res = Result{
				Status: NotAssessable,
				Detail: "the rule " + ruleName(r) + " failed",
				Fix:    "report this to the policy's maintainer",
				Findings: []Finding{{
					Code:      "rule.panic",
					Severity:  Must,
					Message:   "rule " + ruleName(r) + " failed (" + bound(msg, 200) + "): the app is not described; report this to the policy's maintainer",
					Withholds: true,
				}},
			}
		}
		res = complete(r, res, req, ev.Persona)
	}()
	return r.Check(ev)
}

// complete fills in res's requirement and level, lowers its findings'
// severities for persona, and keeps its status consistent with them: a
// Met or NotApplicable result with a must or should finding is NotMet, and
// a NotMet result has a finding at the requirement's level.
func complete(r Rule, res Result, req string, persona Persona) Result {
	res.Requirement = req
	res.Level = Info
	if req != "" {
		res.Level = requirementLevel(req)
	}
	level := forPersona(res.Level, req, persona)
	fs := make([]Finding, 0, len(res.Findings)+1)
	for _, f := range res.Findings {
		if f.Requirement == "" && f.Code != "rule.panic" {
			f.Requirement = req
		}
		f.Severity = forPersona(f.Severity, f.Requirement, persona)
		fs = append(fs, f)
	}
	if req != "" {
		atLevel := false
		for _, f := range fs {
			if f.Requirement != req {
				continue
			}
			if (res.Status == Met || res.Status == NotApplicable) && f.Severity > Info {
				res.Status = NotMet
			}
			atLevel = atLevel || f.Severity >= level
		}
		if res.Status == NotMet && res.Fix == "" {
			for _, f := range fs {
				if f.Requirement == req && f.Severity > Info {
					res.Fix = f.Message
					break
				}
			}
		}
		if res.Status == NotMet && !atLevel {
			msg := res.Fix
			if msg == "" {
				msg = res.Detail
			}
			if msg == "" {
				msg = req + " is not met"
			}
			fs = append(fs, Finding{Code: "requirement.not_met", Severity: level, Message: msg, Requirement: req})
			if res.Fix == "" {
				res.Fix = msg
			}
		}
		if res.Detail == "" {
			res.Detail = "the rule " + ruleName(r) + " gave no detail"
		}
	}
	if res.Status < NotAssessable || res.Status > NotApplicable {
		res.Status = NotAssessable
	}
	res.Findings = fs
	return res
}

// combine merges the result of another rule for the same requirement into
// r: the worse status wins, details, fixes and findings are joined.
func combine(r *Result, other Result) {
	if statusRank(other.Status) > statusRank(r.Status) {
		r.Status = other.Status
	}
	r.Detail = joinText(r.Detail, other.Detail)
	r.Fix = joinText(r.Fix, other.Fix)
	r.Findings = append(r.Findings, other.Findings...)
}

// statusRank orders statuses from the best to the worst.
func statusRank(s Status) int {
	switch s {
	case NotApplicable:
		return 0
	case Met:
		return 1
	case NotAssessable:
		return 2
	}
	return 3
}

func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || a == b:
		return a
	}
	return a + "; " + b
}

// ruleRequirement returns r's requirement, or "" when Meta panics or names
// none of R1 … R8.
func ruleRequirement(r Rule) (req string) {
	defer func() {
		if recover() != nil {
			req = ""
		}
	}()
	if r == nil {
		return ""
	}
	if req = r.Meta().Requirement; !slices.Contains(requirementIDs[:], req) {
		return ""
	}
	return req
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

// addFinding appends f, or merges it into an earlier finding with the same
// code (the earlier message wins; Withholds and Severity are the stronger
// of the two).
func addFinding(fs []Finding, f Finding) []Finding {
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
