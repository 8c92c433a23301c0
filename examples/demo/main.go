// Command demo shows what patients see about a dozen sample apps on a consent
// screen, and why. It starts, in-process on loopback, a small world — a DNS
// server with TXT records, a test CA, TLS servers, an OCSP responder and a
// CRL server — and assesses every sample with the real appident.Checker.
// It needs no internet and no set-up:
//
//	go run ./examples/demo
//
// With -serve it starts the same world and keeps it up until interrupted,
// so that appcheck can be tried on it: it writes the world's root
// certificate to root.pem (in -dir, by default a new temporary directory),
// and prints the -dns, -cacert and -connect-to values to pass, with one
// appcheck command line per sample:
//
//	go run ./examples/demo -serve
//	go build -o appcheck ./examples/appcheck
//	./appcheck -dns 127.0.0.1:54499 -cacert /tmp/appverify-demo-1/root.pem -allow-private \
//	    -connect-to app.examplehealth.com:443:127.0.0.1:44127 \
//	    -client-id 7c1e4f0a-3b2d-4e8f-9a61-0d5c2b7e8f13 https://app.examplehealth.com/callback
//
// The world is on loopback, hence -allow-private.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/examples/internal/samples"
	"github.com/consenttrust/appverify/label"
)

func main() {
	serve := flag.Bool("serve", false, "start the demo world and keep it up for appcheck, until interrupted")
	dir := flag.String("dir", "", "with -serve: the directory to write root.pem to (default: a new temporary directory)")
	flag.Parse()
	var err error
	if *serve {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err = serveWorld(ctx, os.Stdout, *dir)
	} else {
		err = run(os.Stdout)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v\n", err)
		os.Exit(1)
	}
}

// serveWorld starts the sample world, writes its root to dir/root.pem (dir
// "" means a new temporary directory), prints the flags and an appcheck
// command line per sample to w, and keeps the world up until ctx ends.
func serveWorld(ctx context.Context, w io.Writer, dir string) error {
	world, err := samples.Start()
	if err != nil {
		return err
	}
	defer world.Close()
	if dir == "" {
		dir, err = os.MkdirTemp("", "appverify-demo-")
	} else {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	root := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(root, world.RootPEM(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "appverify demo world: a DNS server, a test CA, TLS servers and an OCSP/CRL responder on loopback.\n")
	fmt.Fprintf(w, "Its root certificate is in %s.\n\n", root)
	fmt.Fprintf(w, "Point appcheck at it with:\n  -dns %s -cacert %s -allow-private\n", world.DNSAddr(), root)
	fmt.Fprintf(w, "and, for each redirect host, -connect-to HOST:443:ADDR:\n")
	tlsAddr := func(host string) string {
		if world.Site(host) == nil {
			return ""
		}
		return world.TLSAddr(host)
	}
	for _, s := range samples.All() {
		if host := sampleHost(s); tlsAddr(host) != "" {
			fmt.Fprintf(w, "  -connect-to %s:443:%s\n", host, tlsAddr(host))
		}
	}
	fmt.Fprintf(w, "\nBuild appcheck with: go build -o appcheck ./examples/appcheck\nThen, one sample app per line:\n\n")
	for _, s := range samples.All() {
		fmt.Fprintf(w, "./appcheck %s\n", strings.Join(appcheckArgs(world.DNSAddr(), root, s, tlsAddr), " "))
	}
	fmt.Fprintf(w, "\nServing until interrupted (Ctrl-C).\n")
	<-ctx.Done()
	return nil
}

// sampleHost is the host of s's redirect URI.
func sampleHost(s samples.Sample) string {
	u, err := url.Parse(s.App.RedirectURIs[0])
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// appcheckArgs are the arguments that assess s in the world whose DNS
// server is at dns and root in root; tlsAddr says where the world serves a
// host ("" for none).
func appcheckArgs(dns, root string, s samples.Sample, tlsAddr func(host string) string) []string {
	args := []string{"-dns", dns, "-cacert", root, "-allow-private"}
	if host := sampleHost(s); host != "" && tlsAddr(host) != "" {
		args = append(args, "-connect-to", host+":443:"+tlsAddr(host))
	}
	args = append(args, "-client-id", s.App.ClientID)
	if s.App.Name != "" {
		args = append(args, "-name", shellQuote(clean(s.App.Name)))
	}
	if s.App.Validated {
		args = append(args, "-validated")
	}
	return append(args, s.App.RedirectURIs[0])
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
