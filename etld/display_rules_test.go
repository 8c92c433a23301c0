package etld

import (
	"strings"
	"testing"

	"golang.org/x/net/idna"
)

// TestLabelRules checks each of Chromium's checks with cases of our own: the
// rule that refuses a label, and a near case it lets through.
func TestLabelRules(t *testing.T) {
	tests := []struct {
		label, tld string
		rule       string // "" when the label may be shown
	}{
		{"bücher", "de", ""},
		{"ḷily", "com", "character not allowed in identifiers"},         // Latin Extended Additional
		{"\u1100\u1100", "com", "character not allowed in identifiers"}, // Hangul Jamo
		{"שָׁלוֹם", "com", "character not allowed in identifiers"},      // Hebrew points
		{"google\u3099", "com", "character not allowed in identifiers"}, // Kana voicing mark
		{"ɑpple", "com", "character not allowed in identifiers"},        // IPA
		{"ก\u0e34\u0e34", "th", "invisible repeated mark"},
		{"ก\u0e34", "th", ""},
		{"\u00e9\u0301", "com", "invisible repeated mark"}, // é then ́: e ́ ́ once decomposed
		{"\u00e9", "com", ""},
		{"١2", "com", "mixed numbering systems"},
		{"١٢", "com", ""},
		{"pаypal", "com", "mixed scripts"},
		{"foog\u0650", "com", "mixed scripts"}, // Arabic kasra after Latin
		{"가\u0650", "com", "mixed scripts"},    // and after Hangul
		{"abc日本", "jp", ""},
		{"þorn", "com", "Icelandic letter outside .is and .fo"},
		{"þorn", "is", ""},
		{"ðorn", "fo", ""},
		{"əli", "com", "schwa outside .az"},
		{"əli", "az", ""},
		{"col·legi", "com", "middle dot outside l·l in .cat"},
		{"co·legi", "cat", "middle dot outside l·l in .cat"},
		{"col·legi", "cat", ""},
		{"аррӏе", "com", "whole-script confusable"},
		{"аррӏе", "ru", ""},
		{"ѕсое", "com", "whole-script confusable"},
		{"сю", "com", "whole-script confusable"},
		{"ոսւօ", "com", "whole-script confusable"}, // Armenian
		{"ոսւօ", "am", ""},
		{"חסד", "com", "whole-script confusable"}, // Hebrew
		{"חסד", "il", ""},
		{"ሀሠሰ", "com", "whole-script confusable"},  // Ethiopic
		{"บพเแ", "com", "whole-script confusable"}, // Thai
		{"০৭", "com", "whole-script confusable"},   // Bengali digits
		{"пример", "com", ""},
		{"1շ", "com", "digit lookalikes"},
		{"16კ", "com", "digit lookalikes"},
		{"շատ", "com", ""},
		{"é日本", "jp", "non-ASCII Latin mixed with another script"},
		{"comノevil", "jp", "dangerous pattern"},
		{"com丶test", "com", "dangerous pattern"},
		{"ip一address", "com", "dangerous pattern"},
		{"aヽ", "jp", "dangerous pattern"},
		{"カヽ", "jp", ""},
		{"ヤへト", "jp", "dangerous pattern"}, // Hiragana へ among Katakana
		{"やへと", "jp", ""},
		{"aー", "jp", "dangerous pattern"},
		{"ab・cd", "jp", "dangerous pattern"},
		{"一日本", "jp", ""},
	}
	for _, tc := range tests {
		tldUnicode, _ := idna.ToUnicode(tc.tld)
		if got := unsafeLabel(tc.label, tc.tld, tldUnicode); got != tc.rule {
			t.Errorf("unsafeLabel(%q, %q) = %q, want %q", tc.label, tc.tld, got, tc.rule)
		}
	}
}

// TestDisplayDomainIssueCases are the names of issue 10 that Chromium shows
// as punycode.
func TestDisplayDomainIssueCases(t *testing.T) {
	for _, u := range []string{
		"googlé.com", "gıthub.com", "16კ.com", "1շ.com", "੨੨੨.com", "ոսւօ.com", "חסד.com",
		"ѕсоԗе.com", "ыоԍ.com", "сю.com", "example.com丶test", "ip一address.com", "aヽ.jp",
		"google.comノevil.jp", "foogِ.com", "가ِ.com", "ḷily.com", "þorn.com", "ヤへト.jp",
		"xn--google-1m4e.com", // google゙.com
	} {
		a, err := lookup.ToASCII(u)
		if err != nil {
			t.Fatalf("ToASCII(%q): %v", u, err)
		}
		if got := DisplayDomain(a); got != a {
			t.Errorf("DisplayDomain(%q) [%s] = %q, want the A-label", a, u, got)
		}
	}
}

func TestTopDomainLookalikes(t *testing.T) {
	tests := []struct {
		unicode string
		top     string // the top domain it imitates, or ""
	}{
		{"googlé.com", "google.com"},
		{"gооgle.com", "google.com"}, // Cyrillic о
		{"www.googlé.com", "google.com"},
		{"þorn.com", "porn.com"},
		{"ւ63.com", ""}, // Armenian ւ reads as i, not 1
		{"bücher.de", ""},
		{"google.com", ""},           // a top domain itself
		{"éxample.blogspot.com", ""}, // under a top domain
	}
	for _, tc := range tests {
		a, err := lookup.ToASCII(tc.unicode)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := lookup.ToUnicode(a)
		got, _ := similarTopDomain(a, u)
		if got != tc.top {
			t.Errorf("similarTopDomain(%q) = %q, want %q", tc.unicode, got, tc.top)
		}
	}
}

// TestTopDomainsShown: every top domain is shown as itself (none is
// mistaken for another's lookalike), IDN ones in Unicode unless they fail a
// label rule.
func TestTopDomainsShown(t *testing.T) {
	n := 0
	for line := range strings.SplitSeq(topDomainsList, "\n") {
		d := strings.TrimSpace(line)
		if d == "" || strings.HasPrefix(d, "#") {
			continue
		}
		n++
		u, err := lookup.ToUnicode(d)
		if err != nil {
			t.Errorf("top domain %q: %v", d, err)
			continue
		}
		if top, ok := similarTopDomain(d, u); ok {
			t.Errorf("top domain %q reads as %q", d, top)
		}
	}
	if n != 8462 {
		t.Errorf("read %d top domains, want 8462", n)
	}
}
