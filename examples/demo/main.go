// Command demo shows what patients see about a dozen sample apps on a consent
// screen, and why. It starts, in-process on loopback, a small world — a DNS
// server with TXT records, a test CA, TLS servers, an OCSP responder and a
// CRL server — and assesses every sample with the real appident.Checker.
// It needs no internet and no set-up:
//
//	go run ./examples/demo
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/examples/internal/samples"
	"github.com/consenttrust/appverify/label"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v\n", err)
		os.Exit(1)
	}
}

// outcome is one sample and its assessment.
type outcome struct {
	Sample     samples.Sample
	Assessment *appident.Assessment
}

// run starts the world, assesses every sample and prints the results to w.
func run(w io.Writer) error {
	start := time.Now()
	outcomes, err := assessSamples(context.Background())
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "appverify demo: %d sample apps, assessed against a DNS server, a test CA, TLS servers\n", len(outcomes))
	fmt.Fprintf(w, "and an OCSP/CRL responder running on loopback in this process.\n\n")
	for i, o := range outcomes {
		printOutcome(w, i+1, o)
	}
	described := 0
	for _, o := range outcomes {
		if o.Assessment.Described {
			described++
		}
	}
	fmt.Fprintf(w, "%d described in full, %d shown as %q, in %v.\n", described, len(outcomes)-described, label.UnknownApp, time.Since(start).Round(time.Millisecond))
	return nil
}

// assessSamples starts the sample world and assesses every sample
// concurrently; the outcomes are in the samples' order.
func assessSamples(ctx context.Context) ([]outcome, error) {
	world, err := samples.Start()
	if err != nil {
		return nil, err
	}
	defer world.Close()
	checker, err := appident.New(world.Config())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	all := samples.All()
	outcomes := make([]outcome, len(all))
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, s := range all {
		wg.Go(func() {
			a, err := checker.Assess(ctx, s.App)
			outcomes[i] = outcome{Sample: s, Assessment: a}
			if err != nil {
				errs[i] = fmt.Errorf("assessing %s (%s): %w", s.Key, s.App.RedirectURIs[0], err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return outcomes, nil
}

// printOutcome prints what the patient sees about one sample and why.
func printOutcome(w io.Writer, n int, o outcome) {
	a, d := o.Assessment, o.Assessment.Display
	fmt.Fprintf(w, "%2d. %s: %s\n", n, clean(o.Sample.App.Name), o.Sample.Title)
	fmt.Fprintf(w, "    %s\n", a.RedirectURI)
	var shown []string
	for _, s := range []string{d.AppName, d.Organization, d.Location, d.Domain} {
		if s != "" {
			shown = append(shown, clean(s))
		}
	}
	labels := ""
	for _, l := range d.Labels {
		labels += " [" + l + "]"
	}
	fmt.Fprintf(w, "    patient sees: %s%s\n", strings.Join(shown, " | "), labels)
	why := topFindings(a.Findings, 2)
	if len(why) == 0 {
		fmt.Fprintf(w, "    why: every requirement checked is met\n")
	}
	for _, f := range why {
		fmt.Fprintf(w, "    why: %s\n", clean(f.Message))
	}
	fmt.Fprintln(w)
}

// topFindings returns up to n findings: those that withhold the description
// first, then should and must findings. Info findings are left out.
func topFindings(fs []label.Finding, n int) []label.Finding {
	var top, rest []label.Finding
	for _, f := range fs {
		switch {
		case f.Withholds:
			top = append(top, f)
		case f.Severity != label.Info:
			rest = append(rest, f)
		}
	}
	top = append(top, rest...)
	if len(top) > n {
		top = top[:n]
	}
	return top
}

// clean drops control and invisible format characters (escape sequences,
// bidi overrides) before text written by third parties reaches a terminal.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || (r >= 0x200b && r <= 0x200f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0xfeff {
			return -1
		}
		return r
	}, s)
}
