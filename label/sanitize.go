package label

import "github.com/consenttrust/appverify/internal/safetext"

// MaxRunes is the most runes Sanitize returns, "…" included.
const MaxRunes = safetext.MaxRunes

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
func Sanitize(s string) string { return safetext.Sanitize(s) }
