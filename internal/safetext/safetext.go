// Package safetext makes strings written by third parties (certificate
// subjects, registered app names) safe to show as plain text on a consent
// screen. Package label and package tlsinspect both use it, so that what the
// patient sees is cleaned one way only.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRunes is the most runes Sanitize returns, "…" included.
const MaxRunes = 128

// maxMarks is the most combining marks kept after one base character:
// enough for any script, too few to stack marks over neighbouring lines.
const maxMarks = 4

// Sanitize makes a third-party string safe to show as plain text: it removes
// control characters, bidirectional overrides and isolates, and invisible
// characters (format characters such as zero-width spaces and joiners, the
// soft hyphen, the byte order mark and tag characters; variation selectors;
// Hangul fillers; private-use, unassigned and invalid code points), keeps
// at most four combining marks after each character, turns every kind of
// space and line break into one space, trims the ends, and bounds the
// result to MaxRunes runes, ending it with "…" when it had to cut.
//
// Sanitize does not escape HTML: "<script>" stays as it is; escaping is
// the renderer's job.
func Sanitize(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), 4*MaxRunes))
	runes := 0
	marks := 0
	space := false // a space is pending
	cut := false
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				continue // invalid byte
			}
		}
		if r < utf8.RuneSelf {
			switch {
			case r > ' ' && r < 0x7f:
				// printable ASCII: kept
			case r == ' ' || isSpace(r):
				space = runes > 0
				marks = 0
				continue
			default:
				continue // ASCII control
			}
		} else if isSpace(r) {
			space = runes > 0
			marks = 0
			continue
		} else if !visible(r) {
			continue
		}
		if r >= 0x300 && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)) {
			if runes == 0 || marks >= maxMarks {
				continue
			}
			marks++
		} else {
			marks = 0
		}
		need := 1
		if space {
			need = 2
		}
		if runes+need > MaxRunes-1 {
			// Room is left for "…" only; stop if more is to come.
			if runes+need > MaxRunes || hasMore(s[i+utf8.RuneLen(r):]) {
				cut = true
				break
			}
		}
		if space {
			b.WriteByte(' ')
			runes++
			space = false
		}
		b.WriteRune(r)
		runes++
	}
	if cut {
		b.WriteString("…")
	}
	return b.String()
}

// hasMore reports whether s holds anything Sanitize would keep.
func hasMore(s string) bool {
	for _, r := range s {
		if r != utf8.RuneError && !isSpace(r) && visible(r) {
			return true
		}
	}
	return false
}

// clean reports whether s is already sanitized printable ASCII: the common
// case, returned without allocating.
func clean(s string) bool {
	if len(s) > MaxRunes || len(s) == 0 {
		return len(s) == 0
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return false
		}
		if c == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
	}
	return true
}

// isSpace reports whether r separates words: white space, line and
// paragraph separators, and the C0 controls that act as such.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x85:
		return true
	}
	return unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp)
}

// visible reports whether r may be shown: a graphic character that is not
// one of the invisible ones.
func visible(r rune) bool {
	if !unicode.IsGraphic(r) { // excludes Cc, Cf (bidi controls, ZW*, soft hyphen, BOM, tags), Co, Cn, Cs
		return false
	}
	switch {
	case r == 0x034F, // combining grapheme joiner
		r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0, // Hangul fillers
		r == 0x17B4, r == 0x17B5, // Khmer inherent vowels
		0x180B <= r && r <= 0x180F,                 // Mongolian free variation selectors, vowel separator
		0xFE00 <= r && r <= 0xFE0F,                 // variation selectors
		0xE0100 <= r && r <= 0xE01EF,               // variation selectors supplement
		r == 0x2800,                                // braille pattern blank
		r == 0xFFFC,                                // object replacement character
		0xFFF0 <= r && r <= 0xFFFB,                 // specials (interlinear annotations are Cf; the rest unassigned)
		r == 0x1D159, 0x1D173 <= r && r <= 0x1D17A: // musical symbol null notehead, format controls
		return false
	}
	return true
}
