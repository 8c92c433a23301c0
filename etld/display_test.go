package etld

import (
	"testing"

	"golang.org/x/net/idna"
)

func TestDisplayDomain(t *testing.T) {
	tests := []struct {
		unicode string
		shown   bool // whether the Unicode form is shown, else the A-label
	}{
		// ASCII names are shown as they are.
		{"example.com", true},
		{"my-project.github.io", true},
		// One script per label, with digits and hyphens.
		{"bücher.de", true},
		{"straße-24.de", true},
		{"tiếngviệt.vn", true},
		{"пример.com", true}, // Cyrillic, but not all lookalikes of Latin
		{"пример.рф", true},
		{"δοκιμή.gr", true},
		{"日本語.jp", true},
		{"食狮.中国", true},
		{"한국.kr", true},
		{"ไทย.th", true},
		{"שלום.co.il", true},
		{"مثال.com", true},
		{"مثال٣.com", true}, // Arabic-Indic digit with Arabic letters
		// Han may join Hiragana and Katakana, Bopomofo or Hangul; ASCII
		// Latin may join those.
		{"ヤフー.jp", true}, // ー after kana
		{"日本のサイト.jp", true},
		{"abc日本.jp", true},
		{"中文ㄅ.tw", false}, // Bopomofo letters are Limited_Use in UTS #39 17.0, not Allowed
		{"韓國한국.kr", true},
		// Mixed scripts.
		{"pаypal.com", false},        // Latin with a Cyrillic а
		{"аpple.com", false},         // Cyrillic а first
		{"αpple.com", false},         // Greek α with Latin
		{"ωмега.com", false},         // Greek with Cyrillic
		{"مثالa.com", false},         // Arabic with Latin
		{"é日本.jp", false},            // non-ASCII Latin with Han
		{"ひらがなй.jp", false},          // Hiragana with Cyrillic
		{"한국ひら.kr", false},           // Hangul with Hiragana
		{"ไทยລາວ.th", false},         // Thai with Lao
		{"ab.한국.cn", true},           // each label on its own
		{"bücher.pаypal.com", false}, // one bad label hides the whole name
		// Whole-script confusables: Cyrillic or Greek letters that all look
		// like Latin, under a TLD of another script.
		// Latin letters that read as plain ASCII letters: dotless i
		// (gıthub.com for github.com) only under the TLDs of the
		// languages that write it, the others never.
		{"gıthub.com", false},
		{"gıthub.com.tr", true},
		{"gıthub.az", true},
		{"ſecure.com", false}, // long s
		{"ĸey.com", false},    // kra
		{"ȷava.com", false},   // dotless j
		{"аррӏе.com", false},  // the example of chromium docs/idn.md
		{"аррӏе.рф", true},
		{"аррӏе.ru", true},
		{"аррӏе.ua", true},
		{"аррӏе.中国", false},
		{"ѕсоре.net", false},
		{"οκ.com", false}, // Greek omicron kappa
		{"οκ.gr", true},
		{"νοτε.eu", true},  // ε is not in Chromium's Greek lookalike set
		{"ικον.eu", false}, // every letter is
		// Characters outside "identifier allowed".
		{"i❤.ws", false},       // a symbol
		{"xn--ls8h.la", false}, // 💩, as an A-label already
		{"a·b.com", false},     // middle dot
		{"ɑpple.com", false},   // Latin alpha (IPA)
		{"ǃkung.com", false},   // Latin click letter
		{"ǎb.com", false},      // U+01CE, on Chromium's deny list
		{"ἀθήνα.gr", false},    // Greek Extended
		{"ꙮ.com", false},       // Cyrillic Extended-B
		{"ʻokina.com", false},  // U+02BB
		{"ab・cd.jp", false},    // Katakana middle dot (Common)
		{"ーab.jp", false},      // prolonged sound mark not after kana
		{"ᚠᚢᚦ.com", false},     // Runic: not a recommended script
		// Deviation characters: browsers go to the nontransitional name
		// and Chromium shows it.
		{"ß.com", true},
		{"faß.de", true},
		// Mixed numbering systems, repeated or stray marks.
		{"مثال3٣.com", false},
		{"١2.com", false},
		{"ก\u0e34\u0e34.th", false}, // the same mark twice
		// Not valid IDNA at all: the input comes back.
		{"xn--zz.com", false},
	}
	for _, tc := range tests {
		alabel, err := idna.Punycode.ToASCII(tc.unicode)
		if err != nil {
			alabel = tc.unicode // already an (invalid) A-label
		}
		want := alabel
		if tc.shown {
			want = tc.unicode
		}
		if got := DisplayDomain(alabel); got != want {
			t.Errorf("DisplayDomain(%q) [%s]: got %q, want %q", alabel, tc.unicode, got, want)
		}
	}
}
