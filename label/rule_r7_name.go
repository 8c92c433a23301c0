package label

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/consenttrust/appverify/internal/code"
)

// nameRule checks R7: the app's registered name aligns with its website
// and/or its legal entity. A misaligned name is reported but does not keep
// the app from being described: the organization shown next to it tells
// the patient who is behind it.
type nameRule struct{}

func (nameRule) Meta() Meta {
	return Meta{
		Name:        "r7_name",
		Requirement: "R7",
		Citation:    "The app's name SHOULD align with its website and/or legal entity.",
		Source:      "Registration prerequisites",
	}
}

func (nameRule) Check(ev Evidence) Result {
	if Sanitize(ev.AppName) == "" {
		return Result{Status: NotAssessable, Detail: "no name was registered", Fix: "register the app's name",
			Findings: []Finding{{Code: code.NameMissing, Severity: Info,
				Message: "register the app's name: none was given, so none can be shown"}}}
	}
	org := ""
	if ev.TLS != nil && !ev.TLS.CDN {
		org = ev.TLS.Organization
	}
	// Only a registrable domain names anyone: not localhost, nor an IP
	// address.
	var domains [2]string
	if ev.Site.ETLDPlusOne != "" {
		domains = [2]string{domainLabel(ev.Site.ETLDPlusOne, ev.Site.PublicSuffix), domainLabel(ev.Site.DisplayDomain, "")}
	}
	if domains[1] == domains[0] {
		domains[1] = ""
	}
	if org == "" && domains[0] == "" && domains[1] == "" {
		return Result{Status: NotAssessable, Detail: "there is no organization or domain to compare the name with"}
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
	name := quote(Sanitize(ev.AppName))
	if nameAligned(ev.AppName, org, domains[:]...) {
		return Result{Status: Met, Detail: "the name " + name + " shares a word with " + with}
	}
	fix := "align the app's name " + name + " with " + with
	return Result{Status: NotMet, Detail: "the name " + name + " shares no word with " + with, Fix: fix,
		Findings: []Finding{should(code.NameMisaligned, false, fix+": they share no word")}}
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

// The words R7 ignores: legal forms and stop words (ignored everywhere),
// and words too generic in health apps to tie a name to an entity (ignored
// except in initials).
const (
	ignoredWord = 1 + iota
	genericWord
)

var wordKinds = func() map[string]uint8 {
	m := map[string]uint8{}
	for _, w := range strings.Fields(`inc incorporated llc ltd limited corp corporation co company gmbh
		plc llp lp pllc pc sa ag bv nv pty pvt srl sas ab oy kg se spa
		the an and of for by my app apps application mobile online`) {
		m[w] = ignoredWord
	}
	for _, w := range strings.Fields(`health healthcare medical care clinic patient portal services
		service solutions systems group technologies technology software digital labs`) {
		m[w] = genericWord
	}
	return m
}()

// maxNameBytes bounds the text R7 compares: longer names are cut (display
// names are bounded to MaxRunes runes anyway).
const maxNameBytes = 256

// words is a name split into lowercase alphanumeric words of two runes or
// more, held in a fixed buffer so that comparing names does not allocate.
type words struct {
	buf   [maxNameBytes]byte
	n     int
	spans [32]span
	count int
}

type span struct {
	start, end uint16
	ignored    bool // a legal form or a stop word
	generic    bool // a generic word
}

// parse fills w from s after NFKC normalization and lowercasing.
func (w *words) parse(s string) {
	if isASCII(s) {
		n := copy(w.buf[:], s)
		for i := 0; i < n; i++ {
			if c := w.buf[i]; 'A' <= c && c <= 'Z' {
				w.buf[i] = c + ('a' - 'A')
			}
		}
		w.n = n
	} else {
		t := strings.ToLower(norm.NFKC.String(s))
		if len(t) > maxNameBytes {
			cut := maxNameBytes
			for cut > 0 && !utf8.RuneStart(t[cut]) {
				cut--
			}
			t = t[:cut]
		}
		w.n = copy(w.buf[:], t)
	}
	w.count = 0
	start := -1
	for i := 0; i < w.n; {
		r, size := rune(w.buf[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(w.buf[i:w.n])
		}
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			w.add(start, i)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		w.add(start, w.n)
	}
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func (w *words) add(start, end int) {
	t := w.buf[start:end]
	if w.count == len(w.spans) || utf8.RuneCount(t) < 2 {
		return
	}
	kind := wordKinds[string(t)]
	w.spans[w.count] = span{start: uint16(start), end: uint16(end), ignored: kind == ignoredWord, generic: kind == genericWord}
	w.count++
}

func (w *words) word(i int) []byte { return w.buf[w.spans[i].start:w.spans[i].end] }

// meaningful reports whether word i counts for alignment: neither ignored
// nor generic, unless the name has no other words.
func (w *words) meaningful(i int) bool {
	sp := w.spans[i]
	return !sp.ignored && !sp.generic || !w.anyMeaningful()
}

func (w *words) anyMeaningful() bool {
	for i := 0; i < w.count; i++ {
		if !w.spans[i].ignored && !w.spans[i].generic {
			return true
		}
	}
	return false
}

// strictMeaningful is meaningful without the fallback (for organizations).
func (w *words) strictMeaningful(i int) bool {
	return !w.spans[i].ignored && !w.spans[i].generic
}

// initials appends the first runes of the words that are not legal forms or
// stop words, when there are two or more.
func (w *words) initials(dst []byte) []byte {
	n := 0
	for i := 0; i < w.count; i++ {
		if !w.spans[i].ignored {
			n++
		}
	}
	if n < 2 {
		return dst
	}
	for i := 0; i < w.count; i++ {
		if w.spans[i].ignored {
			continue
		}
		wd := w.word(i)
		_, size := utf8.DecodeRune(wd)
		dst = append(dst, wd[:size]...)
	}
	return dst
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// nameAligned reports whether an app's name aligns with its organization
// or its domain labels (such as "examplehealth" for examplehealth.com), the
// test of R7. Names are compared by word after NFKC normalization and
// lowercasing, ignoring legal forms (Inc, LLC, GmbH …), stop words (the,
// app …) and generic words (health, medical …; a name made only of such
// words is compared as it is). A word aligns when it equals an organization
// word, when one is a prefix of the other (four bytes or more), or when it
// occurs in a domain label (three bytes or more) or the label in the name;
// the initials of the name or of the organization count as a word. Empty
// organization and domain labels are ignored.
func nameAligned(appName, organization string, domainLabels ...string) bool {
	var app, org words
	app.parse(appName)
	if app.count == 0 {
		return false
	}
	org.parse(organization)
	var ib1, ib2 [32]byte
	appInitials := app.initials(ib1[:0])
	orgInitials := org.initials(ib2[:0])

	for i := 0; i < app.count; i++ {
		if !app.meaningful(i) {
			continue
		}
		a := app.word(i)
		for j := 0; j < org.count; j++ {
			if !org.strictMeaningful(j) {
				continue
			}
			o := org.word(j)
			if bytes.Equal(a, o) || (min(len(a), len(o)) >= 4 && (bytes.HasPrefix(a, o) || bytes.HasPrefix(o, a))) {
				return true
			}
		}
		if len(orgInitials) >= 2 && bytes.Equal(a, orgInitials) {
			return true
		}
	}
	if len(appInitials) >= 2 {
		for j := 0; j < org.count; j++ {
			if bytes.Equal(org.word(j), appInitials) {
				return true
			}
		}
	}
	var jb [maxNameBytes]byte
	joined := jb[:0]
	for i := 0; i < app.count; i++ {
		if app.meaningful(i) {
			joined = append(joined, app.word(i)...)
		}
	}
	var label words
	for _, d := range domainLabels {
		if d == "" {
			continue
		}
		label.parse(d)
		var lb [maxNameBytes]byte
		l := lb[:0]
		for j := 0; j < label.count; j++ {
			l = append(l, label.word(j)...)
		}
		if len(l) == 0 {
			continue
		}
		if len(l) >= 3 && bytes.Contains(joined, l) {
			return true
		}
		if len(appInitials) >= 2 && bytes.Equal(l, appInitials) {
			return true
		}
		for i := 0; i < app.count; i++ {
			if a := app.word(i); app.meaningful(i) && len(a) >= 3 && bytes.Contains(l, a) {
				return true
			}
		}
	}
	return false
}
