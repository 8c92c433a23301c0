package label

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nameRule checks R7: the app's registered name aligns with its website
// and/or its legal entity. A misaligned name is reported but does not keep
// the app from being described: the organization shown next to it tells
// the patient who is behind it.
type nameRule struct{}

func (nameRule) Meta() Meta {
	return Meta{
		Name:        "r7_name",
		Code:        "name",
		Requirement: "R7",
		Level:       Should,
		Citation:    "The app's name SHOULD align with its website and/or legal entity.",
		Source:      "Registration prerequisites",
	}
}

func (nameRule) Check(ev Evidence) []Finding {
	if Sanitize(ev.AppName) == "" {
		return []Finding{{Code: "name.missing", Severity: Info, Requirement: "R7",
			Message: "register the app's name: none was given, so none can be shown"}}
	}
	org := ""
	if ev.TLS != nil && !ev.TLS.CDN {
		org = ev.TLS.Organization
	}
	domains := [2]string{domainLabel(ev.Site.ETLDPlusOne, ev.Site.PublicSuffix), domainLabel(ev.Site.DisplayDomain, "")}
	if org == "" && domains[0] == "" && domains[1] == "" {
		return nil // nothing to compare with
	}
	if NameAligned(ev.AppName, org, domains[:]...) {
		return nil
	}
	with := ""
	switch {
	case org != "" && ev.Site.ETLDPlusOne != "":
		with = "the organization " + quote(Sanitize(org)) + " or the domain " + ev.Site.ETLDPlusOne
	case org != "":
		with = "the organization " + quote(Sanitize(org))
	default:
		with = "the domain " + siteName(ev)
	}
	return []Finding{should("name.misaligned", "R7", false,
		"align the app's name "+quote(Sanitize(ev.AppName))+" with "+with+": they share no word")}
}

// domainLabel returns the label of a registrable domain before its public
// suffix: "examplehealth" for "examplehealth.com" with suffix "com". Without
// a suffix it returns the first label.
func domainLabel(domain, suffix string) string {
	domain = strings.TrimSuffix(domain, ".")
	if suffix != "" && strings.HasSuffix(domain, "."+suffix) {
		domain = strings.TrimSuffix(domain, "."+suffix)
		if i := strings.LastIndexByte(domain, '.'); i >= 0 {
			domain = domain[i+1:]
		}
		return domain
	}
	if i := strings.IndexByte(domain, '.'); i >= 0 {
		return domain[:i]
	}
	return domain
}

// The words R7 ignores: legal forms, stop words, and words too generic in
// health apps to tie a name to an entity (ignored except in initials).
var (
	legalWords = map[string]bool{
		"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true,
		"corp": true, "corporation": true, "co": true, "company": true, "gmbh": true,
		"plc": true, "llp": true, "lp": true, "pllc": true, "pc": true, "sa": true, "ag": true,
		"bv": true, "nv": true, "pty": true, "pvt": true, "srl": true, "sas": true, "ab": true,
		"oy": true, "kg": true, "se": true, "spa": true,
	}
	stopWords = map[string]bool{
		"the": true, "an": true, "and": true, "of": true, "for": true, "by": true, "my": true,
		"app": true, "apps": true, "application": true, "mobile": true, "online": true,
	}
	genericWords = map[string]bool{
		"health": true, "healthcare": true, "medical": true, "care": true, "clinic": true,
		"patient": true, "portal": true, "services": true, "service": true, "solutions": true,
		"systems": true, "group": true, "technologies": true, "technology": true, "software": true,
		"digital": true, "labs": true,
	}
)

// Which words nameTokens keeps.
const (
	allWords       = iota
	noLegalStop    // drop legal forms and stop words
	meaningfulOnly // drop generic words too
)

// nameTokens splits s into lowercase alphanumeric tokens of two runes or
// more after NFKC normalization, keeping the words keep says.
func nameTokens(s string, keep int) []string {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	s = strings.ToLower(s)
	var out []string
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		out = addToken(out, s, start, i, keep)
		start = -1
	}
	if start >= 0 {
		out = addToken(out, s, start, len(s), keep)
	}
	return out
}

func addToken(out []string, s string, start, end int, keep int) []string {
	if start < 0 {
		return out
	}
	t := s[start:end]
	if utf8.RuneCountInString(t) < 2 ||
		(keep >= noLegalStop && (legalWords[t] || stopWords[t])) ||
		(keep >= meaningfulOnly && genericWords[t]) {
		return out
	}
	return append(out, t)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// NameAligned reports whether an app's name aligns with its organization
// or its domain labels (such as "examplehealth" for examplehealth.com), the
// test of R7. Names are compared by word after NFKC normalization and
// lowercasing, ignoring legal forms (Inc, LLC, GmbH …), stop words (the,
// app …) and generic words (health, medical …). A word aligns when it equals
// an organization word, when one is a prefix of the other (four letters or
// more), or when it occurs in a domain label (three letters or more) or the
// label in it; the initials of the name or of the organization count as a
// word. Empty organization and domain labels are ignored.
func NameAligned(appName, organization string, domainLabels ...string) bool {
	app := nameTokens(appName, meaningfulOnly)
	if len(app) == 0 {
		app = nameTokens(appName, allWords)
	}
	if len(app) == 0 {
		return false
	}
	org := nameTokens(organization, meaningfulOnly)
	appInitials := initials(nameTokens(appName, noLegalStop))
	orgInitials := initials(nameTokens(organization, noLegalStop))
	for _, a := range app {
		for _, o := range org {
			if a == o || (min(len(a), len(o)) >= 4 && (strings.HasPrefix(a, o) || strings.HasPrefix(o, a))) {
				return true
			}
		}
		if len(orgInitials) >= 2 && a == orgInitials {
			return true
		}
	}
	if len(appInitials) >= 2 {
		for _, o := range org {
			if o == appInitials {
				return true
			}
		}
	}
	joined := strings.Join(app, "")
	for _, d := range domainLabels {
		if d == "" {
			continue
		}
		label := strings.ReplaceAll(strings.Join(nameTokens(d, allWords), ""), "-", "")
		if label == "" {
			continue
		}
		if len(label) >= 3 && strings.Contains(joined, label) {
			return true
		}
		if len(appInitials) >= 2 && label == appInitials {
			return true
		}
		for _, a := range app {
			if len(a) >= 3 && strings.Contains(label, a) {
				return true
			}
		}
	}
	return false
}

// initials returns the first letters of the words, "ehs" for "Example
// Health Systems"; "" for a single word.
func initials(words []string) string {
	if len(words) < 2 {
		return ""
	}
	var b strings.Builder
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		b.WriteRune(r)
	}
	return b.String()
}
