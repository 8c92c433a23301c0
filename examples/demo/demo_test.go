package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/examples/internal/samples"
	"github.com/consenttrust/appverify/label"
)

// TestSamples assesses every sample through the real Checker against the
// loopback world and checks what the patient would see against the
// sample's expectation.
func TestSamples(t *testing.T) {
	outcomes, err := assessSamples(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := samples.All()
	if len(outcomes) != len(all) {
		t.Fatalf("%d outcomes for %d samples", len(outcomes), len(all))
	}
	for i, o := range outcomes {
		s, a := all[i], o.Assessment
		t.Run(s.Key, func(t *testing.T) {
			if o.Sample.Key != s.Key {
				t.Fatalf("outcome %d is %q, want %q: out of order", i, o.Sample.Key, s.Key)
			}
			if a.ClientID != s.App.ClientID || a.RedirectURI != s.App.RedirectURIs[0] {
				t.Errorf("assessed %q at %q, want %q at %q", a.ClientID, a.RedirectURI, s.App.ClientID, s.App.RedirectURIs[0])
			}
			d := a.Display
			if a.Described != s.Want.Described {
				t.Errorf("Described = %v, want %v; findings: %s", a.Described, s.Want.Described, findings(a.Findings))
			}
			if fmt.Sprint(d.Labels) != fmt.Sprint(s.Want.Labels) {
				t.Errorf("labels = %q, want %q; findings: %s", d.Labels, s.Want.Labels, findings(a.Findings))
			}
			site, err := etld.Parse(s.App.RedirectURIs[0])
			if err != nil {
				t.Fatal(err)
			}
			if d.Domain != site.DisplayDomain || d.Domain == "" {
				t.Errorf("domain = %q, want %q", d.Domain, site.DisplayDomain)
			}
			wantName, wantOrg, wantLoc := "", "", ""
			if s.Want.Described {
				wantName = s.App.Name
			}
			if s.Want.Organization {
				wantOrg = label.Sanitize(s.Subject.Organization)
				wantLoc = s.Subject.Country + ", " + s.Subject.State + ", " + s.Subject.Locality
			}
			if d.AppName != wantName || d.Organization != wantOrg || d.Location != wantLoc {
				t.Errorf("shown name %q, organization %q, location %q; want %q, %q, %q", d.AppName, d.Organization, d.Location, wantName, wantOrg, wantLoc)
			}
			if !s.Want.Described {
				withheld := false
				for _, f := range a.Findings {
					withheld = withheld || f.Withholds
				}
				if !withheld {
					t.Errorf("Unknown App without a finding that withholds the description: %s", findings(a.Findings))
				}
			}
		})
	}

	// The hostile organization is shown, but inert: no bidi override.
	for _, o := range outcomes {
		if o.Sample.Key == "hostile" {
			org := o.Assessment.Display.Organization
			if strings.ContainsRune(org, '\u202e') || !strings.Contains(org, "<script>alert(1)</script>") {
				t.Errorf("hostile organization shown as %q", org)
			}
		}
	}
}

func findings(fs []label.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s %v %s withholds=%v: %s", f.Requirement, f.Severity, f.Code, f.Withholds, f.Message)
	}
	return b.String()
}

// TestRun checks the demo's printed report: every sample, in order, with
// what the patient sees.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	pos := 0
	for i, s := range samples.All() {
		head := fmt.Sprintf("%2d. %s: %s\n", i+1, s.App.Name, s.Title)
		j := strings.Index(text[pos:], head)
		if j < 0 {
			t.Fatalf("report lacks %q after offset %d:\n%s", head, pos, text)
		}
		pos += j + len(head)
		block, _, _ := strings.Cut(text[pos:], "\n\n")
		want := "[" + label.UnknownApp + "]"
		if s.Want.Described {
			if strings.Contains(block, want) {
				t.Errorf("%s: described sample printed as %s:\n%s", s.Key, want, block)
			}
			if !strings.Contains(block, "patient sees: "+s.App.Name+" | ") {
				t.Errorf("%s: the app name is not printed first:\n%s", s.Key, block)
			}
		} else if !strings.Contains(block, want) {
			t.Errorf("%s: unknown sample printed without %s:\n%s", s.Key, want, block)
		}
		if !strings.Contains(block, "why: ") {
			t.Errorf("%s: no reason given:\n%s", s.Key, block)
		}
	}
	if strings.ContainsRune(text, '\u202e') || strings.ContainsRune(text, '\x1b') {
		t.Error("the report carries a bidi override or an escape character")
	}
	described := 0
	for _, s := range samples.All() {
		if s.Want.Described {
			described++
		}
	}
	if want := fmt.Sprintf("%d described in full, %d shown as \"Unknown App\"", described, len(samples.All())-described); !strings.Contains(text, want) {
		t.Errorf("report lacks the summary %q", want)
	}
}
