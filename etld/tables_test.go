package etld

import (
	"bytes"
	"os"
	"testing"

	"github.com/consenttrust/appverify/etld/internal/idngen"
	"golang.org/x/text/unicode/norm"
)

// TestTablesCurrent fails when tables.go is not what "go generate" makes
// from internal/idndata.
func TestTablesCurrent(t *testing.T) {
	want, err := idngen.Generate("internal/idndata")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("tables.go is stale: run go generate in package etld")
	}
}

// TestConfusablesAsData checks every mapping of confusables.txt: a character
// a displayable name can hold has its prototype in the table, and its UTS #39
// skeleton is the prototype's NFD; any other character can never reach a
// skeleton, because a label holding it is refused.
func TestConfusablesAsData(t *testing.T) {
	all, err := idngen.Confusables("internal/idndata")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6565 {
		t.Fatalf("read %d confusables, want 6565 (the file's total)", len(all))
	}
	allowed, err := idngen.Allowed("internal/idndata")
	if err != nil {
		t.Fatal(err)
	}
	reach := idngen.Reachable(allowed)
	kept := 0
	for _, c := range all {
		got, ok := confusables[c.Source]
		if !reach[c.Source] {
			if ok {
				t.Errorf("%U is kept but cannot occur in a displayed name", c.Source)
			}
			if _, allowedChar := allowedScript(c.Source); allowedChar {
				t.Errorf("%U is allowed in labels but its mapping was dropped", c.Source)
			}
			continue
		}
		kept++
		if !ok || got != c.Prototype {
			t.Errorf("confusables[%U] = %q, %v; want %q", c.Source, got, ok, c.Prototype)
			continue
		}
		if norm.NFD.String(string(c.Source)) != string(c.Source) {
			continue // its skeleton maps its decomposition instead
		}
		if sk, want := uts39Skeleton(string(c.Source)), norm.NFD.String(c.Prototype); sk != want {
			t.Errorf("skeleton(%U) = %q, want %q", c.Source, sk, want)
		}
	}
	if kept != len(confusables) {
		t.Errorf("table has %d mappings, the data %d for reachable characters", len(confusables), kept)
	}
}

// TestASCIISkeleton: the fast path for ASCII gives the UTS #39 skeleton.
func TestASCIISkeleton(t *testing.T) {
	for c := 0; c < 0x80; c++ {
		s := "a" + string(rune(c)) + "m.com"
		if got, want := asciiSkeleton(s), uts39Skeleton(s); got != want {
			t.Errorf("asciiSkeleton(%q) = %q, want %q", s, got, want)
		}
	}
}
