// Command appcheck shows an app developer what patients will see about their
// app on a consent screen, which of the platform's requirements (R1–R8) the
// app meets, and what to fix.
//
// Usage:
//
//	appcheck [flags] REDIRECT_URI
//
// It looks up the cerner-client-id TXT record at the redirect URI's eTLD+1,
// inspects the certificate the redirect host serves, and prints the consent
// card, the requirements and the fixes; with -json, the assessment as JSON.
//
// Exit status: 0 the app would be described in full; 1 it was assessed and
// would be shown as "Unknown App"; 2 it could not be assessed (bad flags, an
// unparseable redirect URI, a missing or unreadable file).
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/label"
)

const usageText = `usage: appcheck [flags] REDIRECT_URI

Shows what patients will see about an app on the consent screen, which
requirements (R1-R8) it meets, and what to fix.

  -client-id ID          required: the client identifier issued at registration
  -name NAME             the application's registered name
  -validated             the application has passed formal validation
  -persona P             patient (default), provider or system
  -dns ADDR[,ADDR]       DNS servers to ask, host:port (default: the system's resolver configuration)
  -connect-to H:P:H2:P2  repeatable, as curl's --connect-to: whenever H:P is to be dialled, dial H2:P2
                         (TLS still sends SNI and verifies for H)
  -cacert FILE           PEM file of trusted roots, used instead of the system pool
  -allow-private         allow dialling loopback and private addresses, on any port
                         (development and tests only)
  -json                  print the assessment as JSON instead of the human report
  -timeout D             the whole assessment's budget (default 15s)

Exit status: 0 described in full; 1 shown as "Unknown App"; 2 not assessed.
`

// Exit statuses.
const (
	exitDescribed = 0
	exitUnknown   = 1
	exitError     = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// options are the parsed command line.
type options struct {
	app          appident.App
	dnsServers   []string
	connectTo    []connectTo
	cacert       string
	allowPrivate bool
	json         bool
	timeout      time.Duration
}

// run is the whole program: it parses args, assesses the app and writes the
// report to stdout, errors to stderr, and returns the exit status. env reads
// the environment (NO_COLOR).
func run(args []string, stdout, stderr io.Writer, env func(string) string) int {
	opts, err := parseArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usageText)
		return exitDescribed
	}
	if err != nil {
		fmt.Fprintf(stderr, "appcheck: %v\nrun appcheck -h for usage\n", err)
		return exitError
	}

	base := &net.Dialer{}
	cfg := appident.Config{
		Dialer:       &dialer{base: base, rules: opts.connectTo},
		AllowPrivate: opts.allowPrivate,
		Timeout:      opts.timeout,
	}
	if len(opts.dnsServers) > 0 {
		// -dns names the servers for every question: the TXT record, and
		// the addresses of the redirect host and of OCSP and CRL servers.
		cfg.Resolver = &dnsverify.Client{Servers: opts.dnsServers}
		base.Resolver = hostResolver(opts.dnsServers)
	}
	if opts.cacert != "" {
		roots, err := loadRoots(opts.cacert)
		if err != nil {
			fmt.Fprintf(stderr, "appcheck: %v\n", err)
			return exitError
		}
		cfg.Roots = roots
	}
	checker, err := appident.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "appcheck: %v\n", err)
		return exitError
	}

	ctx, cancel := context.WithTimeout(context.Background(), opts.timeout)
	defer cancel()
	a, err := checker.Assess(ctx, opts.app)
	if err != nil {
		fmt.Fprintf(stderr, "appcheck: %s\n", oneLine(err.Error()))
		return exitError
	}

	if opts.json {
		out, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "appcheck: encoding the assessment: %v\n", err)
			return exitError
		}
		out = append(out, '\n')
		if _, err := stdout.Write(out); err != nil {
			return exitError
		}
	} else {
		r := reporter{w: stdout, color: useColor(stdout, env), dnsServers: opts.dnsServers, persona: opts.app.Persona}
		r.report(a)
	}
	if a.Described {
		return exitDescribed
	}
	return exitUnknown
}

// parseArgs parses the command line. Flags may come before or after the
// redirect URI. It returns flag.ErrHelp for -h.
func parseArgs(args []string) (options, error) {
	var (
		opts      options
		persona   = "patient"
		dnsList   string
		connectTo connectToFlag
	)
	fs := flag.NewFlagSet("appcheck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&opts.app.ClientID, "client-id", "", "")
	fs.StringVar(&opts.app.Name, "name", "", "")
	fs.BoolVar(&opts.app.Validated, "validated", false, "")
	fs.StringVar(&persona, "persona", "patient", "")
	fs.StringVar(&dnsList, "dns", "", "")
	fs.Var(&connectTo, "connect-to", "")
	fs.StringVar(&opts.cacert, "cacert", "", "")
	fs.BoolVar(&opts.allowPrivate, "allow-private", false, "")
	fs.BoolVar(&opts.json, "json", false, "")
	fs.DurationVar(&opts.timeout, "timeout", 15*time.Second, "")

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return options{}, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}

	switch len(positional) {
	case 0:
		return options{}, errors.New("missing REDIRECT_URI")
	case 1:
	default:
		return options{}, fmt.Errorf("want one REDIRECT_URI, got %d: %q", len(positional), positional)
	}
	if strings.TrimSpace(opts.app.ClientID) == "" {
		return options{}, errors.New("-client-id is required")
	}
	p, err := label.ParsePersona(persona)
	if err != nil {
		return options{}, fmt.Errorf("-persona %q: want patient, provider or system", persona)
	}
	opts.app.Persona = p
	if opts.timeout <= 0 {
		return options{}, fmt.Errorf("-timeout %v: must be positive", opts.timeout)
	}
	if dnsList != "" {
		for _, s := range strings.Split(dnsList, ",") {
			addr, err := parseDNSServer(s)
			if err != nil {
				return options{}, err
			}
			opts.dnsServers = append(opts.dnsServers, addr)
		}
	}
	opts.connectTo = connectTo

	uri := positional[0]
	if _, err := etld.Parse(uri); err != nil {
		return options{}, errors.New(oneLine(err.Error()))
	}
	opts.app.RedirectURIs = []string{uri}
	return opts, nil
}

// parseDNSServer checks one -dns address: host:port, or a bare IP address
// (port 53).
func parseDNSServer(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("-dns: empty server address")
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		ip := strings.Trim(s, "[]")
		if net.ParseIP(ip) != nil {
			return net.JoinHostPort(ip, "53"), nil
		}
		return "", fmt.Errorf("-dns %q: want host:port", s)
	}
	if host == "" || port == "" {
		return "", fmt.Errorf("-dns %q: want host:port", s)
	}
	return s, nil
}

// loadRoots reads a PEM file of trusted roots.
func loadRoots(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("-cacert %q: %v", path, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("-cacert %q: no PEM certificates in the file", path)
	}
	return pool, nil
}

// oneLine folds a multi-line message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// useColor reports whether to colour output written to w: only on a
// terminal, and never when NO_COLOR is set to a non-empty value.
func useColor(w io.Writer, env func(string) string) bool {
	if env("NO_COLOR") != "" || env("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// hostResolver returns a resolver that asks servers, in turn, for the
// addresses of the hosts to dial.
func hostResolver(servers []string) *net.Resolver {
	var next atomic.Uint32
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			server := servers[int(next.Add(1)-1)%len(servers)]
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		},
	}
}
