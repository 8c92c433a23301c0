package dnsverify

import "strings"

// Key is the attribute name of the record, compared case-insensitively.
const Key = "cerner-client-id"

// maxRecordBytes is how much of one TXT record's joined text ClientIDs
// examines; the rest is ignored. It bounds work, not ids: one record in a
// DNS message is smaller.
const maxRecordBytes = 64 << 10

// ClientIDs returns the client ids in ONE TXT record, given its
// character-strings, in order of appearance, deduplicated. It returns nil
// when the record carries none.
//
// The character-strings are concatenated (RFC 7208 §3.3), so an id split
// across strings is rejoined. In the joined text, a pair is the key
// cerner-client-id (any case), optional spaces or tabs, '=', optional spaces
// or tabs, and the id. An id ends at whitespace (newlines included), ',' or
// ';', at a byte that is not printable ASCII, or where the key begins again:
// the key starts a new pair wherever it appears, so
//
//	["cerner-client-id=a", "cerner-client-id=b"]
//
// joined as "cerner-client-id=acerner-client-id=b" yields a and b. Ids are
// opaque: kept exactly, except that a pair of matching surrounding quotes
// (" or ') is removed. Empty ids are skipped.
//
// At most the first 64 KiB of the joined text are examined (more than a
// DNS message holds); every id in them is returned, however many. Every id
// returned is a substring of the joined text.
func ClientIDs(txt []string) []string {
	var ids []string
	seen := map[string]bool{}
	forEachID(join(txt), func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	})
	return ids
}

// join concatenates the strings, up to maxRecordBytes, allocating only
// when there is more than one.
func join(txt []string) string {
	switch len(txt) {
	case 0:
		return ""
	case 1:
		s := txt[0]
		if len(s) > maxRecordBytes {
			s = s[:maxRecordBytes]
		}
		return s
	}
	n := 0
	for _, s := range txt {
		n += len(s)
		if n >= maxRecordBytes {
			n = maxRecordBytes
			break
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range txt {
		if r := n - b.Len(); len(s) > r {
			b.WriteString(s[:r])
			break
		}
		b.WriteString(s)
	}
	return b.String()
}

// forEachID calls f with each non-empty id in s, in order, repeats included.
func forEachID(s string, f func(id string)) {
	i := 0
	for {
		k := indexKey(s, i)
		if k < 0 {
			break
		}
		start, _ := afterEquals(s, k+len(Key)) // indexKey saw the '='
		end := start
		for end < len(s) {
			c := idClass[s[end]]
			if c == idStop || (c == idKey && keyAt(s, end)) {
				break
			}
			end++
		}
		i = end
		if id := unquote(s[start:end]); id != "" {
			f(id)
		}
	}
}

// indexKey returns the index of the first key followed by blanks and '=' at
// or after i, or -1. It looks for each '=' and checks for the key before it.
func indexKey(s string, i int) int {
	for {
		e := strings.IndexByte(s[i:], '=')
		if e < 0 {
			return -1
		}
		e += i
		j := e
		for j > i && (s[j-1] == ' ' || s[j-1] == '\t') {
			j--
		}
		if k := j - len(Key); k >= i && keyEq(s[k:j]) {
			return k
		}
		i = e + 1
	}
}

// keyAt reports whether s holds the key, then optional blanks and '=', at i.
func keyAt(s string, i int) bool {
	if len(s)-i <= len(Key) || !keyEq(s[i:i+len(Key)]) {
		return false
	}
	_, ok := afterEquals(s, i+len(Key))
	return ok
}

// keyEq reports whether k, of the key's length, is the key in any case.
func keyEq(k string) bool {
	for j := 0; j < len(Key); j++ {
		c := k[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != Key[j] {
			return false
		}
	}
	return true
}

// afterEquals skips blanks, '=' and blanks from i and returns the index after
// them; ok is false when there is no '='.
func afterEquals(s string, i int) (int, bool) {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) || s[i] != '=' {
		return i, false
	}
	i++
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i, true
}

// idClass classifies bytes for the scan of an id: idStop ends it (bytes
// other than printable ASCII, space, and the separators ',' and ';'), idKey
// may begin the key ('c', 'C'), idPart is part of the id.
var idClass = func() (t [256]uint8) {
	for b := '!'; b <= '~'; b++ {
		t[b] = idPart
	}
	t[','], t[';'] = idStop, idStop
	t['c'], t['C'] = idKey, idKey
	return t
}()

const (
	idStop uint8 = iota
	idPart
	idKey
)

func unquote(id string) string {
	if len(id) >= 2 && (id[0] == '"' || id[0] == '\'') && id[len(id)-1] == id[0] {
		return id[1 : len(id)-1]
	}
	return id
}

// Match decides whether the TXT records found at a name carry the client id
// want, each record given as its character-strings. It returns
//   - StatusVerified when a record carries want (compared exactly, after
//     trimming surrounding white space from want);
//   - StatusMismatch when records carry client ids, none of them want;
//   - StatusNotFound when no record carries a client id (an empty want is
//     never found).
//
// found lists every client id in the records, in order, deduplicated,
// however many there are and in whatever order the records come; it is
// never nil. Only the size of each record examined is bounded (64 KiB).
func Match(records [][]string, want string) (status Status, found []string) {
	want = strings.TrimSpace(want)
	found = []string{}
	seen := map[string]bool{}
	for _, r := range records {
		forEachID(join(r), func(id string) {
			if !seen[id] {
				seen[id] = true
				found = append(found, id)
			}
		})
	}
	switch {
	case want != "" && seen[want]:
		return StatusVerified, found
	case len(found) > 0:
		return StatusMismatch, found
	default:
		return StatusNotFound, found
	}
}
