package etld

//go:generate go run ./internal/gentables

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// DisplayDomain returns the lowercase A-label name as a patient should see
// it: in Unicode when Chromium's IDN spoof checker would show it in Unicode,
// otherwise the A-label form. A name without an "xn--" label is returned as
// it is, at no cost; a name that is not valid IDNA is returned as it is, with
// any non-ASCII character escaped.
//
// The policy is Chromium's (components/url_formatter/spoof_checks/
// idn_spoof_checker.cc), each check a rule of labelRules, applied to each
// label with the TLD: see the package documentation for the list. Where this
// package and Chromium differ, it shows the A-label where Chromium would show
// Unicode, never the reverse: one bad label hides the whole name (Chromium
// keeps the good labels in Unicode), and Chromium's few exceptions (its list
// of allowed whole-script-confusable words, its Linux/other font split for
// Thai: the larger Linux set is used) are not made.
func DisplayDomain(name string) string {
	if !strings.Contains(name, "xn--") {
		if isASCII(name) {
			return name
		}
		a, err := lookup.ToASCII(name)
		if err != nil {
			return strings.Trim(strconv.QuoteToASCII(name), `"`)
		}
		name = a
	}
	u, err := lookup.ToUnicode(name)
	if err != nil {
		return name
	}
	labels := strings.Split(u, ".")
	tldUnicode := labels[len(labels)-1]
	tld := name[strings.LastIndexByte(name, '.')+1:]
	for _, l := range labels {
		if unsafeLabel(l, tld, tldUnicode) != "" {
			return name
		}
	}
	if _, ok := similarTopDomain(name, u); ok {
		return name
	}
	return u
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// A label under examination, in Unicode (NFC, lowercase).
type label struct {
	s          string
	r          []rune
	tld        string          // the name's TLD in ASCII ("com", "xn--p1ai")
	tldUnicode string          // and in Unicode ("com", "рф")
	scripts    map[string]bool // the scripts of its characters
}

// singleScript reports whether Chromium takes its single-script path: one
// script (Common and Inherited characters aside), no Kana letter that
// reads like another, and no combining diacritic.
func (l *label) singleScript() bool {
	return len(l.scripts) <= 1 && !l.hasAny(isKanaException) && !l.hasAny(isDiacritic)
}

func (l *label) hasAny(f func(rune) bool) bool {
	for _, r := range l.r {
		if f(r) {
			return true
		}
	}
	return false
}

// labelRules are Chromium's checks, in its order. Each reports whether the
// label must not be shown in Unicode.
var labelRules = []struct {
	name   string
	unsafe func(*label) bool
}{
	{"character not allowed in identifiers", hasDisallowedChar},
	{"invisible repeated mark", hasRepeatedMark},
	{"mixed numbering systems", mixesNumberSystems},
	{"mixed scripts", mixesScripts},
	{"Icelandic letter outside .is and .fo", hasIcelandicLetter},
	{"schwa outside .az", hasSchwa},
	{"middle dot outside l·l in .cat", hasUnsafeMiddleDot},
	{"whole-script confusable", isWholeScriptConfusable},
	{"digit lookalikes", isDigitLookalike},
	{"non-ASCII Latin mixed with another script", mixesNonASCIILatin},
	{"dangerous pattern", hasDangerousPattern},
}

// unsafeLabel returns the name of the first rule the Unicode label fails,
// or "" when it may be shown.
func unsafeLabel(s, tld, tldUnicode string) string {
	if isASCII(s) {
		return ""
	}
	l := &label{s: s, r: []rune(s), tld: tld, tldUnicode: tldUnicode, scripts: map[string]bool{}}
	for _, r := range l.r {
		if sc := scriptOf(r); sc != "" {
			l.scripts[sc] = true
		}
	}
	for _, rule := range labelRules {
		if rule.unsafe(l) {
			return rule.name
		}
	}
	return ""
}

// scriptRange is a run of allowed characters of one script (tables.go).
type scriptRange struct {
	lo, hi rune
	script string
}

// allowedScript returns the script of an allowed non-ASCII character, or
// false when the character is not allowed.
func allowedScript(r rune) (string, bool) {
	i := sort.Search(len(allowedRanges), func(i int) bool { return allowedRanges[i].hi >= r })
	if i < len(allowedRanges) && allowedRanges[i].lo <= r {
		return allowedRanges[i].script, true
	}
	return "", false
}

// scriptOf returns the script a character counts for when scripts are
// mixed, or "" for characters shared by scripts (digits, hyphen, the
// combining diacritics, U+00B7, U+30FB, U+30FC). Arabic vowel marks count
// as Arabic, U+3006 as Han: their Script_Extensions.
func scriptOf(r rune) string {
	switch {
	case 'a' <= r && r <= 'z':
		return "Latin"
	case r < utf8.RuneSelf:
		return ""
	case 0x064B <= r && r <= 0x0670:
		return "Arabic"
	case r == 0x3006:
		return "Han"
	}
	sc, _ := allowedScript(r)
	if sc == "Common" || sc == "Inherited" {
		return ""
	}
	return sc
}

func isLDH(r rune) bool { return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' }

// hasDisallowedChar: a character outside UTS #39's Identifier_Status=Allowed
// set less Chromium's removals (ICU's character limit). This refuses Hangul
// Jamo, Hebrew points, IPA, symbols, invisible characters.
func hasDisallowedChar(l *label) bool {
	for _, r := range l.r {
		if _, ok := allowedScript(r); !ok && !isLDH(r) {
			return true
		}
	}
	return false
}

// hasRepeatedMark: the same nonspacing mark twice in a row once decomposed
// (NFD), which renders as one (ICU's invisible check): "é\u0301".
func hasRepeatedMark(l *label) bool {
	var prev rune
	for _, r := range norm.NFD.String(l.s) {
		if r == prev && unicode.Is(unicode.Mn, r) {
			return true
		}
		prev = r
	}
	return false
}

// mixesNumberSystems: decimal digits of more than one system, such as
// ASCII and Bengali (ICU's mixed-numbers check).
func mixesNumberSystems(l *label) bool {
	zero := rune(-1)
	for _, r := range l.r {
		z, ok := digitZero(r)
		if !ok {
			continue
		}
		if zero >= 0 && z != zero {
			return true
		}
		zero = z
	}
	return false
}

// digitZero returns the zero of the decimal digit r's system.
func digitZero(r rune) (rune, bool) {
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); lo <= r && r <= hi {
			return lo + (r-lo)/10*10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); lo <= r && r <= hi {
			return lo + (r-lo)/10*10, true
		}
	}
	return 0, false
}

// mixesScripts: more than one script, except ASCII Latin with one CJK
// combination: Han with Hiragana and Katakana, with Bopomofo, or with
// Hangul (UTS #39 "highly restrictive", as Chromium sets ICU).
func mixesScripts(l *label) bool {
	if len(l.scripts) <= 1 {
		return false
	}
	for _, cjk := range [][]string{
		{"Latin", "Han", "Hiragana", "Katakana"},
		{"Latin", "Han", "Bopomofo"},
		{"Latin", "Han", "Hangul"},
	} {
		within := true
		for sc := range l.scripts {
			within = within && contains(cjk, sc)
		}
		if within {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hasIcelandicLetter: thorn (þ, reads as b or p) or eth (ð, reads as o) in
// a label longer than one character, outside .is and .fo.
func hasIcelandicLetter(l *label) bool {
	return len(l.r) > 1 && l.tld != "is" && l.tld != "fo" && strings.ContainsAny(l.s, "þð")
}

// hasSchwa: schwa (ə, reads as e) in a label longer than one character,
// outside .az.
func hasSchwa(l *label) bool {
	return len(l.r) > 1 && l.tld != "az" && strings.ContainsRune(l.s, 'ə')
}

// hasUnsafeMiddleDot: a middle dot anywhere but between two l's under .cat
// (the Catalan ela geminada, "col·legi").
func hasUnsafeMiddleDot(l *label) bool {
	for i, r := range l.r {
		if r != '·' {
			continue
		}
		if l.tld != "cat" || i == 0 || i == len(l.r)-1 || l.r[i-1] != 'l' || l.r[i+1] != 'l' {
			return true
		}
	}
	return false
}

// wholeScriptConfusables are Chromium's scripts with letters that look like
// Latin letters, and the TLDs under which a label of only those may show.
var wholeScriptConfusables = []struct {
	script     string
	lookalikes string
	tlds       []string
}{
	{"Armenian", "ագզէլհյոսւօՙ", []string{"am"}},
	{"Cyrillic", "аысԁеԍһіюјӏорԗԛѕԝхуъьҽпгѵѡ", []string{"bg", "by", "kz", "pyc", "ru", "su", "ua", "uz"}},
	{"Ethiopic", "ሀሠሰስበነተከዐዕዘጠፐꬅ", []string{"er", "et"}},
	{"Georgian", "იოყძხჽჿ", []string{"ge"}},
	{"Greek", "αικνρυωηοτ", []string{"gr"}},
	{"Hebrew", "דוחיןסװײ׳ﬦ", []string{"il"}},
	{"Bengali", "০৭", nil},
	{"Devanagari", "ऽ०ॱ", nil},
	{"Gujarati", "ડટ૦૧", nil},
	{"Gurmukhi", "੦੧", nil},
	{"Kannada", "ಽ೦೧", nil},
	{"Malayalam", "ടഠധനറ൦", nil},
	{"Oriya", "ଠ୦୮", nil},
	{"Tamil", "டப௦", nil},
	{"Telugu", "౦౧", nil},
	{"Myanmar", "ခဂငထပဝ၀၂ၔၜ\u1090\u1091\u1095\u1096\u1097", []string{"mm"}},
	{"Thai", "ทนบพรหเแ๐ดลปฟม", []string{"th"}},
}

// isWholeScriptConfusable: on the single-script path, every character of
// the label's script is one that looks like a Latin letter ("аррӏе" in
// Cyrillic), and the TLD is neither written in that script nor one of its
// countries'.
func isWholeScriptConfusable(l *label) bool {
	if !l.singleScript() {
		return false
	}
	for _, w := range wholeScriptConfusables {
		if !l.scripts[w.script] {
			continue
		}
		all := true
		for _, r := range l.r {
			if sc, _ := allowedScript(r); sc == w.script && !strings.ContainsRune(w.lookalikes, r) {
				all = false
			}
		}
		if all && !contains(w.tlds, l.tld) && !tldInScript(l.tldUnicode, w.script) {
			return true
		}
	}
	return false
}

func tldInScript(tld, script string) bool {
	for _, r := range tld {
		if sc, _ := allowedScript(r); sc == script {
			return true
		}
	}
	return false
}

// digitLookalikes are characters that look like ASCII digits: Chromium's set,
// and Georgian კ, which reads as 3 ("16კ" for 163).
const digitLookalikes = "კθ२২੨૨೩೭շзҙӡउওਤ੩૩౩ဒვპੜ੫丩ㄐճ৪੪୫૭୨౨"

// isDigitLookalike: the label is only ASCII digits and characters that look
// like digits, with at least one of those ("1շ" reads as 12).
func isDigitLookalike(l *label) bool {
	lookalike := false
	for _, r := range l.r {
		switch {
		case '0' <= r && r <= '9':
		case strings.ContainsRune(digitLookalikes, r):
			lookalike = true
		default:
			return false
		}
	}
	return lookalike
}

// mixesNonASCIILatin: off the single-script path, a Latin letter outside
// ASCII.
func mixesNonASCIILatin(l *label) bool {
	if l.singleScript() {
		return false
	}
	for _, r := range l.r {
		if r >= utf8.RuneSelf && scriptOf(r) == "Latin" {
			return true
		}
	}
	return false
}

// hasDangerousPattern: off the single-script path, a character in a place
// where it reads as something else; see dangerousPatterns.
func hasDangerousPattern(l *label) bool {
	if l.singleScript() {
		return false
	}
	for i := range l.r {
		for _, p := range dangerousPatterns {
			if p(l.r, i) {
				return true
			}
		}
	}
	return false
}

// dangerousPatterns are Chromium's dangerous patterns, each reporting
// whether it matches at r[i].
var dangerousPatterns = []func(r []rune, i int) bool{
	// ノ ン ソ ゾ 丶 乀 乁 丿 read as a slash between non-Japanese characters.
	func(r []rune, i int) bool {
		return strings.ContainsRune("ノンソゾ丶乀乁丿", r[i]) && i > 0 && i < len(r)-1 &&
			!isJapanese(r[i-1]) && !isJapanese(r[i+1])
	},
	// The Katakana iteration marks ヽ ヾ must follow Katakana.
	func(r []rune, i int) bool {
		return (r[i] == 'ヽ' || r[i] == 'ヾ') && (i == 0 || !isKatakana(r[i-1]))
	},
	// Hiragana へ べ ぺ among Katakana only, or Katakana ヘ ベ ペ among
	// Hiragana only: they look the same.
	func(r []rune, i int) bool {
		return i > 0 && i < len(r)-1 && ('へ' <= r[i] && r[i] <= 'ぺ' && allExcept(r, i, isKatakana) ||
			'ヘ' <= r[i] && r[i] <= 'ペ' && allExcept(r, i, isHiragana))
	},
	// The prolonged sound mark ー must follow kana.
	func(r []rune, i int) bool {
		return r[i] == 'ー' && (i == 0 || !isKatakana(r[i-1]) && !isHiragana(r[i-1]))
	},
	// The Katakana middle dot ・ next to ASCII Latin reads as a dot.
	func(r []rune, i int) bool {
		return r[i] == '・' && (i > 0 && isASCIILetter(r[i-1]) || i < len(r)-1 && isASCIILetter(r[i+1]))
	},
	// CJK characters that read as Latin letters or dashes (一 丨 十 工 …)
	// next to a non-CJK character.
	func(r []rune, i int) bool {
		return strings.ContainsRune("一ㄧ丨乛七丅十〇ㄒㄚㄟㄨㄩㄈㆺㆳ工ㆲ讠丁", r[i]) &&
			(i > 0 && !isCJK(r[i-1]) || i < len(r)-1 && !isCJK(r[i+1]))
	},
	// A combining diacritic after a character not Latin, Greek or Cyrillic.
	func(r []rune, i int) bool {
		return isDiacritic(r[i]) && i > 0 && !isLGC(r[i-1])
	},
	// A combining diacritic on dotless i.
	func(r []rune, i int) bool { return r[i] == 'ı' && i < len(r)-1 && isDiacritic(r[i+1]) },
	// Combining Kana voiced sound marks.
	func(r []rune, i int) bool { return r[i] == '\u3099' || r[i] == '\u309a' },
	// A dot above on i, j or l.
	func(r []rune, i int) bool {
		return strings.ContainsRune("ijl", r[i]) && i < len(r)-1 && r[i+1] == '\u0307'
	},
}

func allExcept(r []rune, skip int, f func(rune) bool) bool {
	for i, c := range r {
		if i != skip && !f(c) {
			return false
		}
	}
	return true
}

// Script_Extensions tests for the few characters the patterns name.
func isKatakana(r rune) bool { return scriptOf(r) == "Katakana" || r == 'ー' || r == '・' }
func isHiragana(r rune) bool { return scriptOf(r) == "Hiragana" || r == 'ー' || r == '・' }
func isJapanese(r rune) bool { return isKatakana(r) || isHiragana(r) || scriptOf(r) == "Han" }
func isCJK(r rune) bool      { return isJapanese(r) || scriptOf(r) == "Bopomofo" }
func isLGC(r rune) bool {
	sc := scriptOf(r)
	return sc == "Latin" || sc == "Greek" || sc == "Cyrillic"
}
func isASCIILetter(r rune) bool { return 'a' <= r && r <= 'z' }
func isDiacritic(r rune) bool   { return 0x0300 <= r && r <= 0x0339 }
func isKanaException(r rune) bool {
	return 'へ' <= r && r <= 'ぺ' || 'ヘ' <= r && r <= 'ペ' || 0x30FB <= r && r <= 0x30FE
}
