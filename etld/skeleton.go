package etld

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// topDomainsList is Chromium's list of top domains (domains.list), whose
// lookalikes Chromium shows as punycode.
//
//go:embed internal/idndata/domains.list
var topDomainsList string

// topSkeletons maps the skeletons of the top domains to the domains. It is
// built on the first IDN DisplayDomain shows (BenchmarkBuildTopSkeletons).
var topSkeletons = sync.OnceValue(buildTopSkeletons)

func buildTopSkeletons() map[string]string {
	m := make(map[string]string, 9000)
	for line := range strings.SplitSeq(topDomainsList, "\n") {
		d := strings.TrimSpace(line)
		if d == "" || strings.HasPrefix(d, "#") {
			continue
		}
		u := d
		if strings.Contains(d, "xn--") {
			if v, err := lookup.ToUnicode(d); err == nil {
				u = v
			}
		}
		for _, sk := range skeletons(u) {
			if _, dup := m[sk]; !dup {
				m[sk] = d
			}
		}
	}
	return m
}

// maxTopLabels is the most labels a top domain has.
const maxTopLabels = 4

// similarTopDomain returns the top domain whose skeleton the name (its
// A-label and Unicode forms) shares, unless the name is that domain or
// under it, as Chromium's IDNSpoofChecker::GetSimilarTopDomain does: the
// skeleton's last four labels, then its last three, down to two.
func similarTopDomain(ascii, unicodeName string) (string, bool) {
	top := topSkeletons()
	for _, sk := range skeletons(unicodeName) {
		labels := strings.Split(sk, ".")
		if len(labels) > maxTopLabels {
			labels = labels[len(labels)-maxTopLabels:]
		}
		for ; len(labels) >= 2; labels = labels[1:] {
			if d, ok := top[strings.Join(labels, ".")]; ok {
				if ascii == d || strings.HasSuffix(ascii, "."+d) {
					return "", false
				}
				return d, true
			}
		}
	}
	return "", false
}

// skeletons returns the skeletons Chromium compares with the top domains':
// the UTS #39 skeleton of the name, and of the name after Chromium's
// diacritic removal (Latin, Greek and Cyrillic names only), its extra
// confusable mappings, and its alternatives for þ (b, p), œ (ce, oe) and
// ӏ (l).
func skeletons(name string) []string {
	if isASCII(name) {
		// NFD, diacritic removal and Chromium's extra mappings leave ASCII
		// as it is: one skeleton.
		return []string{asciiSkeleton(name)}
	}
	out := []string{uts39Skeleton(name)}
	add := func(s string) {
		sk := uts39Skeleton(s)
		for _, have := range out {
			if have == sk {
				return
			}
		}
		out = append(out, sk)
	}
	for _, alt := range alternatives(removeDiacritics(name)) {
		alt = mapExtraConfusables(alt)
		add(alt)
		if strings.ContainsRune(alt, 'ӏ') {
			add(strings.ReplaceAll(alt, "ӏ", "l"))
		}
	}
	return out
}

// uts39Skeleton is skeleton(X) of UTS #39 §4: NFD, each character replaced
// by its prototype, NFD again.
func uts39Skeleton(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if p, ok := confusables[r]; ok {
			b.WriteString(p)
		} else {
			b.WriteRune(r)
		}
	}
	return norm.NFD.String(b.String())
}

// asciiSkeleton is uts39Skeleton of an ASCII string.
func asciiSkeleton(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		if p, ok := confusables[rune(s[i])]; ok {
			b.WriteString(p)
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// removeDiacritics drops the nonspacing marks of a name written only in
// Latin, Greek, Cyrillic, ASCII digits, ".", "-", "_" and the combining
// diacritics, and maps ł, ø, đ to l, o, d.
func removeDiacritics(s string) string {
	for _, r := range s {
		if !isLGC(r) && !isDiacritic(r) && !strings.ContainsRune("0123456789.-_", r) {
			return s
		}
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("ł", "l", "ø", "o", "đ", "d").Replace(norm.NFC.String(b.String()))
}

// extraConfusables are Chromium's additions to confusables.txt.
var extraConfusables = func() map[rune]string {
	m := map[rune]string{}
	for _, e := range []struct{ from, to string }{
		{"æӕ", "ae"}, {"ϼҏ", "p"}, {"ħнћңҥӈӊԋԧԩ", "h"}, {"ĸκкқҝҟҡӄԟ", "k"},
		{"ŋпԥกח", "n"}, {"ŧтҭԏ七丅丆丁", "t"}, {"ƅьҍв", "b"}, {"ωшщพฟພຟ", "w"},
		{"мӎ", "m"}, {"єҽҿၔ", "e"}, {"ґ", "r"}, {"ғӻ", "f"}, {"ҫင", "c"},
		{"ұ丫", "y"}, {"χҳӽӿ乂", "x"}, {"ԃძ", "d"}, {"ԍဌ", "g"}, {"ടรຣຮ", "s"},
		{"၂", "j"}, {"०০੦૦ଠ୦೦", "o"}, {"৭੧૧", "q"}, {"บບ", "u"}, {"θ", "0"},
		{"२২੨૨೩೭շ", "2"}, {"зҙӡउওਤ੩૩౩ဒვპ", "3"}, {"੫丩ㄐ", "4"}, {"ճ", "6"},
		{"৪੪୫", "8"}, {"૭୨౨", "9"}, {"—一―⸺⸻", "-"},
	} {
		for _, r := range e.from {
			m[r] = e.to
		}
	}
	return m
}()

func mapExtraConfusables(s string) string {
	var b strings.Builder
	for _, r := range s {
		if to, ok := extraConfusables[r]; ok {
			b.WriteString(to)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Chromium's alternatives for characters that read as two things, and its
// limits on generating them.
var multiSkeleton = map[rune][]string{'þ': {"b", "p"}, 'œ': {"ce", "oe"}}

const (
	maxAltLength = 32
	maxAltChars  = 5
)

// alternatives returns s and, for a short s with few such characters, each
// spelling with þ and œ replaced by one of their readings.
func alternatives(s string) []string {
	out := []string{s}
	if len([]rune(s)) > maxAltLength || strings.Count(s, "þ")+strings.Count(s, "œ") > maxAltChars {
		return out
	}
	for c, readings := range multiSkeleton {
		var next []string
		for _, alt := range out {
			next = append(next, alt)
			if !strings.ContainsRune(alt, c) {
				continue
			}
			for _, rd := range readings {
				next = append(next, strings.ReplaceAll(alt, string(c), rd))
			}
		}
		out = next
	}
	return out
}
