package main

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/label"
)

// reporter writes the human report: what the policy decided, as it decided
// it. It judges nothing itself.
type reporter struct {
	w       io.Writer
	color   bool
	persona label.Persona
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
)

func (p *reporter) paint(code, s string) string {
	if !p.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (p *reporter) printf(format string, args ...any) {
	fmt.Fprintf(p.w, format, args...)
}

// statusText is a status as the human report's rows write it: "not met"
// for not_met. It says what the JSON's status says.
func statusText(s label.Status) string {
	return strings.ReplaceAll(s.String(), "_", " ")
}

// report writes a's human report: the consent card with the patient's
// notice, R1–R8 with their evidence and fixes, then the notes that concern
// no requirement.
func (p *reporter) report(a *appident.Assessment) {
	d := a.Display
	p.printf("%s\n", p.paint(ansiBold, "What the patient sees"))
	show := func(name, v string) {
		if v == "" {
			v = p.paint(ansiDim, "(not shown)")
		} else {
			v = clean(v)
		}
		p.printf("  %-14s %s\n", name, v)
	}
	show("App name", d.AppName)
	show("Organization", d.Organization)
	show("Location", d.Location)
	show("Domain", d.Domain)
	var labels []string
	for _, l := range d.Labels {
		switch l {
		case label.UnknownApp:
			labels = append(labels, p.paint(ansiRed+ansiBold, "["+l+"]"))
		case label.Validated:
			labels = append(labels, p.paint(ansiGreen+ansiBold, "["+l+"]"))
		default:
			labels = append(labels, "["+clean(l)+"]")
		}
	}
	if len(labels) == 0 {
		labels = []string{p.paint(ansiDim, "(none)")}
	}
	p.printf("  %-14s %s\n", "Labels", strings.Join(labels, " "))
	show("Notice", d.Notice.Text)

	p.printf("\n%s", p.paint(ansiBold, "Requirements"))
	if p.persona != label.Patient {
		p.printf(" (%v app: recommendations)", p.persona)
	}
	p.printf("\n")
	for _, r := range a.Requirements {
		st := fmt.Sprintf("%-14s", statusText(r.Status))
		switch r.Status {
		case label.Met:
			st = p.paint(ansiGreen, st)
		case label.NotMet:
			st = p.paint(ansiRed, st)
		case label.NotAssessable:
			st = p.paint(ansiYellow, st)
		}
		p.printf("  %s  %-6s  %s  %s\n", r.Requirement, strings.ToUpper(r.Level.String()), st, clean(r.Detail))
		if r.Fix != "" && r.Status != label.Met {
			p.printf("  %28s%s %s\n", "", p.paint(ansiBold, "fix:"), clean(r.Fix))
		}
	}

	var notes []label.Finding
	for _, f := range a.Findings {
		if f.Requirement == "" {
			notes = append(notes, f)
		}
	}
	if len(notes) > 0 {
		p.printf("\n%s\n", p.paint(ansiBold, "Notes"))
		for _, f := range notes {
			p.printf("  %s: %s\n", clean(f.Code), clean(f.Message))
		}
	}
	p.printf("\n")
	if a.Described {
		p.printf("%s\n", p.paint(ansiGreen, "Described in full."))
	} else {
		p.printf("%s\n", p.paint(ansiRed, "Shown as \"Unknown App\": only the domain is shown."))
	}
}

// clean makes s safe to print on a terminal: control characters (escape
// sequences), bidi controls and other invisible format characters are
// dropped. Strings in a report come from certificates, DNS and URIs that
// third parties wrote.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}
