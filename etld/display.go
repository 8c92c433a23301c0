package etld

import (
	"strings"
	"unicode"
)

// DisplayDomain returns the lowercase A-label name as a patient should see
// it: in Unicode when every label passes the spoof checks below, otherwise
// unchanged (in A-labels). A name that is not valid IDNA is returned as is.
//
// The checks follow Chromium's IDN display policy (chromium docs/idn.md)
// and the mixed-script rules of UTS #39, approximated with the Unicode
// tables of the standard library. A label is shown in Unicode only if:
//
//   - it decodes under the IDNA Lookup profile (valid punycode, bidi rule);
//   - every character is a lowercase ASCII letter, an ASCII digit, a hyphen,
//     or a letter, combining mark or decimal digit of a script recommended
//     for identifiers (UAX #31 table 5: Latin, Greek, Cyrillic, Armenian,
//     Hebrew, Arabic, Thaana, the Brahmic scripts of India, Sinhala, Thai,
//     Lao, Tibetan, Myanmar, Georgian, Hangul, Ethiopic, Khmer, Han,
//     Bopomofo, Hiragana, Katakana) — this stands in for UTS #39
//     "Identifier_Status=Allowed": no symbols, punctuation, spaces, format
//     characters (bidi controls, zero-width joiners) or historic scripts;
//   - non-ASCII Latin letters are those of Latin-1, Latin Extended-A and -B
//     and Latin Extended Additional (no IPA, no click letters);
//   - no character is on Chromium's explicit deny list (Greek Extended,
//     Cyrillic Extended-B and -C, U+01CD–U+01DC, U+02BB, U+02BC, U+2010,
//     U+2019, U+2027, U+30A0, U+0338, U+058A, …);
//   - it uses one script, besides digits and hyphens, except that Han may
//     join Hiragana and Katakana, Bopomofo, or Hangul, and ASCII Latin may
//     join those combinations;
//   - it mixes no numbering systems, and repeats no combining mark, and no
//     Latin combining diacritic (U+0300–U+036F) survives normalization;
//   - it has no Latin letter that reads as a plain ASCII one (dotless i,
//     except under the Turkish and Azerbaijani TLDs; dotless j, kra, long s);
//   - it is not a whole-script confusable: a label of Cyrillic (or Greek)
//     letters that all look like Latin letters ("аррӏе", "νοτε") is shown
//     in Unicode only under a TLD of that script or of a country that uses
//     it (ru, ua, рф, gr, …).
//
// Checks of Chromium's that need data outside the standard library (the
// skeletons of UTS #39 compared with top domains, digit lookalikes) are not
// made; the result errs towards the A-label form.
func DisplayDomain(name string) string {
	if !strings.Contains(name, "xn--") {
		return name
	}
	u, err := lookup.ToUnicode(name)
	if err != nil {
		return name
	}
	tld := u[strings.LastIndexByte(u, '.')+1:]
	for label := range strings.SplitSeq(u, ".") {
		if !safeLabel(label, tld) {
			return name
		}
	}
	return u
}

// Scripts a label may be written in, as bits.
const (
	scLatin = iota
	scGreek
	scCyrillic
	scHan
	scHiragana
	scKatakana
	scBopomofo
	scHangul
	scOther // any other allowed script; such a label must use one only
)

// allowedScripts are the scripts UAX #31 recommends for identifiers.
var allowedScripts = []struct {
	table *unicode.RangeTable
	bit   int
}{
	{unicode.Latin, scLatin},
	{unicode.Greek, scGreek},
	{unicode.Cyrillic, scCyrillic},
	{unicode.Han, scHan},
	{unicode.Hiragana, scHiragana},
	{unicode.Katakana, scKatakana},
	{unicode.Bopomofo, scBopomofo},
	{unicode.Hangul, scHangul},
	{unicode.Arabic, scOther},
	{unicode.Armenian, scOther},
	{unicode.Bengali, scOther},
	{unicode.Devanagari, scOther},
	{unicode.Ethiopic, scOther},
	{unicode.Georgian, scOther},
	{unicode.Gujarati, scOther},
	{unicode.Gurmukhi, scOther},
	{unicode.Hebrew, scOther},
	{unicode.Kannada, scOther},
	{unicode.Khmer, scOther},
	{unicode.Lao, scOther},
	{unicode.Malayalam, scOther},
	{unicode.Myanmar, scOther},
	{unicode.Oriya, scOther},
	{unicode.Sinhala, scOther},
	{unicode.Tamil, scOther},
	{unicode.Telugu, scOther},
	{unicode.Thaana, scOther},
	{unicode.Thai, scOther},
	{unicode.Tibetan, scOther},
}

// denied are the characters Chromium's IDN spoof checker refuses outright,
// plus the Latin Extended-D block (U+A720–U+A72F) its list names.
var denied = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x01c0, Hi: 0x01c3, Stride: 1}, // Latin click letters ǀ ǁ ǂ ǃ
		{Lo: 0x01cd, Hi: 0x01dc, Stride: 1},
		{Lo: 0x02bb, Hi: 0x02bc, Stride: 1},
		{Lo: 0x0338, Hi: 0x0338, Stride: 1},
		{Lo: 0x058a, Hi: 0x058a, Stride: 1},
		{Lo: 0x1c80, Hi: 0x1c8f, Stride: 1},
		{Lo: 0x1e90, Hi: 0x1e9b, Stride: 1},
		{Lo: 0x1f00, Hi: 0x1fff, Stride: 1},
		{Lo: 0x2010, Hi: 0x2010, Stride: 1},
		{Lo: 0x2019, Hi: 0x2019, Stride: 1},
		{Lo: 0x2027, Hi: 0x2027, Stride: 1},
		{Lo: 0x30a0, Hi: 0x30a0, Stride: 1},
		{Lo: 0xa640, Hi: 0xa69f, Stride: 1},
		{Lo: 0xa720, Hi: 0xa72f, Stride: 1},
	},
}

// latinAllowed are the non-ASCII Latin letters a label may show.
var latinAllowed = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x00df, Hi: 0x00f6, Stride: 1},
		{Lo: 0x00f8, Hi: 0x024f, Stride: 1},
		{Lo: 0x1e00, Hi: 0x1eff, Stride: 1},
	},
}

// Whole-script confusables: letters that look like Latin letters. The
// Cyrillic set is the one chromium docs/idn.md links to; the Greek set is
// this package's conservative choice.
const (
	cyrillicLookalikes = "асԁеһіјӏорԛѕԝхуъьҽпгѵѡ"
	greekLookalikes    = "\u03b1\u03b2\u03b3\u03b5\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7\u03c9" // αβγεικνορτυχω
)

// latinLookalikes are Latin letters that read as a plain ASCII letter, with
// no visible diacritic to give them away: dotless i (ı for i), dotless j,
// kra (ĸ for k), long s (ſ for f or s), tone six (ƅ for b) and turned e
// (ǝ for e). Only dotless i is written by a living language, Turkish and
// Azerbaijani: it may show under their TLDs (dotlessTLDs), the others never.
const latinLookalikes = "ıȷĸſƅǝ"

var dotlessTLDs = map[string]bool{"tr": true, "az": true}

// TLDs under which a whole-Cyrillic or whole-Greek label may show in
// Unicode besides TLDs written in that script.
var (
	cyrillicTLDs = map[string]bool{"bg": true, "by": true, "kg": true, "kz": true, "mk": true, "mn": true, "rs": true, "ru": true, "su": true, "tj": true, "ua": true, "uz": true}
	greekTLDs    = map[string]bool{"gr": true, "cy": true}
)

// safeLabel reports whether the Unicode label may be shown as is, under the
// Unicode TLD tld. See DisplayDomain for the rules.
func safeLabel(label, tld string) bool {
	var (
		scripts       uint64
		nonASCIILatin bool
		digitSystem   = -1 // index into allowedScripts, or len(allowedScripts) for ASCII
		prev          rune
		letters       int
		cyrLook       int
		greekLook     int
	)
	for _, r := range label {
		if r < 0x80 {
			switch {
			case 'a' <= r && r <= 'z':
				scripts |= 1 << scLatin
				letters++
			case '0' <= r && r <= '9':
				if digitSystem >= 0 && digitSystem != len(allowedScripts) {
					return false
				}
				digitSystem = len(allowedScripts)
			case r == '-':
			default:
				return false
			}
			prev = r
			continue
		}
		if unicode.Is(denied, r) {
			return false
		}
		if r == 0x30fc { // KATAKANA-HIRAGANA PROLONGED SOUND MARK: Common, after kana
			if !unicode.In(prev, unicode.Hiragana, unicode.Katakana) {
				return false
			}
			prev = r
			continue
		}
		mark := unicode.In(r, unicode.Mn, unicode.Mc)
		if mark {
			// A mark must follow a letter (or another, different mark);
			// repeated marks are invisible, Latin diacritics after NFC are
			// a spoofing tell.
			if prev == 0 || prev == r || prev == '-' || prev < 0x80 && !unicode.IsLetter(prev) || 0x0300 <= r && r <= 0x036f {
				return false
			}
		}
		script := -1
		for i, s := range allowedScripts {
			if unicode.Is(s.table, r) {
				script = i
				break
			}
		}
		if script < 0 {
			// Common or Inherited: only combining marks that are not Latin
			// diacritics (checked above) may pass, such as kana voicing marks.
			if !mark || !unicode.Is(unicode.Inherited, r) {
				return false
			}
			prev = r
			continue
		}
		bit := allowedScripts[script].bit
		switch {
		case mark:
		case unicode.Is(unicode.Nd, r):
			if digitSystem >= 0 && digitSystem != script {
				return false
			}
			// Arabic-Indic and Extended Arabic-Indic digits are both Arabic.
			digitSystem = script
		case unicode.Is(unicode.Lm, r):
			if bit == scLatin || bit == scGreek || bit == scCyrillic {
				return false
			}
			letters++
		case unicode.IsLetter(r):
			letters++
		default:
			return false
		}
		if bit == scLatin {
			if !unicode.Is(latinAllowed, r) {
				return false
			}
			if strings.ContainsRune(latinLookalikes, r) && !(r == 'ı' && dotlessTLDs[tld]) {
				return false
			}
			nonASCIILatin = true
		}
		if bit == scCyrillic && strings.ContainsRune(cyrillicLookalikes, r) {
			cyrLook++
		}
		if bit == scGreek && strings.ContainsRune(greekLookalikes, r) {
			greekLook++
		}
		scripts |= 1 << bit
		if bit == scOther {
			// Two different "other" scripts must not mix: key them apart.
			scripts |= 1 << (scOther + script)
		}
		prev = r
	}
	if !singleScriptOrCJK(scripts, nonASCIILatin) {
		return false
	}
	if scripts == 1<<scCyrillic && letters > 0 && cyrLook == letters && !tldOfScript(tld, unicode.Cyrillic, cyrillicTLDs) {
		return false
	}
	if scripts == 1<<scGreek && letters > 0 && greekLook == letters && !tldOfScript(tld, unicode.Greek, greekTLDs) {
		return false
	}
	return true
}

// singleScriptOrCJK applies the "Highly Restrictive" profile of UTS #39
// with Chromium's restriction on Latin.
func singleScriptOrCJK(scripts uint64, nonASCIILatin bool) bool {
	if scripts&(1<<scOther) != 0 {
		// One other script only: its own bit and the marker bit.
		rest := scripts &^ (1 << scOther)
		return rest != 0 && rest&(rest-1) == 0 && rest >= 1<<(scOther+1)
	}
	if scripts&(scripts-1) == 0 {
		return true // zero or one script
	}
	const (
		latin    = 1 << scLatin
		japanese = latin | 1<<scHan | 1<<scHiragana | 1<<scKatakana
		chinese  = latin | 1<<scHan | 1<<scBopomofo
		korean   = latin | 1<<scHan | 1<<scHangul
	)
	if scripts&(1<<scGreek|1<<scCyrillic) != 0 {
		return false
	}
	if scripts&latin != 0 && nonASCIILatin {
		return false // only ASCII Latin may join CJK
	}
	return scripts&^japanese == 0 || scripts&^chinese == 0 || scripts&^korean == 0
}

// tldOfScript reports whether the TLD is written in the script or listed.
func tldOfScript(tld string, script *unicode.RangeTable, listed map[string]bool) bool {
	if listed[tld] {
		return true
	}
	for _, r := range tld {
		if unicode.Is(script, r) {
			return true
		}
	}
	return false
}
