// Command appcheck shows an app developer what patients will see about their
// app on a consent screen, which of the platform's requirements (R1–R8) the
// app meets, and what to fix. It prints what package label's policy decided,
// through appident, and nothing of its own.
//
// Build it with
//
//	go build -o appcheck ./examples/appcheck
//
// or run it in place with go run ./examples/appcheck. To try it without the
// internet, go run ./examples/demo -serve starts a world of sample apps on
// loopback and prints the -dns, -cacert and -connect-to values to use.
//
// # The command line (a fixed contract)
//
//	appcheck [flags] REDIRECT_URI
//	  -client-id ID          required: the client identifier issued at registration
//	  -name NAME             the application's registered name
//	  -validated             the application has passed formal validation
//	  -persona P             patient (default), provider or system
//	  -dns ADDR[,ADDR]       DNS servers to ask, host:port (default: the system's resolver configuration)
//	  -connect-to H:P:H2:P2  repeatable, as curl's --connect-to: whenever H:P is to be dialled, dial H2:P2
//	                         (TLS still sends SNI and verifies for H)
//	  -cacert FILE           PEM file of trusted roots, used instead of the system pool
//	  -allow-private         allow dialling loopback and private addresses, on any port
//	                         (development and tests only)
//	  -json                  print the assessment as JSON instead of the human report
//	  -timeout D             the whole assessment's budget (default 15s)
//	  -debug                 also write debug logs and full errors to stderr (an addition)
//
// Exit status:
//
//	0  the application would be described in full (no "Unknown App" label)
//	1  it was assessed and would be shown as "Unknown App"
//	2  it could not be assessed: bad flags (a -dns or -connect-to address
//	   with a bad port, a -timeout that is not a duration), an unparseable
//	   redirect URI, a missing file; every DNS server asked failed to
//	   answer at all; the -timeout budget ran out before the evidence was in
//
// Without -allow-private, an address on loopback, in a private, link-local or
// other special-purpose range is never dialled, nor a port other than 443
// (80 for OCSP and CRL fetches), also when -connect-to, DNS or a URL inside
// a certificate leads there: that part then fails with a finding that says
// so. appcheck's dialer is a *net.Dialer whose Control refuses such an
// address, so it never sees a packet, not even a TCP SYN. With
// -allow-private, both rules are lifted.
//
// # Messages
//
// The human report and the messages on stderr are written for people: they
// name the flag, the server or the step, never a Go error chain or a package
// prefix. For example:
//
//	appcheck: -timeout "5": want a duration such as 5s
//	appcheck: -dns "127.0.0.1:99999": the port must be a number in 1-65535
//	appcheck: no DNS server answered (asked 127.0.0.1:5300): the app could not be assessed; check -dns and that the servers run
//	appcheck: the 2s budget (-timeout) ran out while looking up the TXT record at examplehealth.com: the app could not be assessed; try a larger -timeout
//
// The full errors go to -json and, with -debug, to stderr.
//
// # The JSON report (-json)
//
// Field names are snake_case; these fields are always present, more may be
// added. Lists are never null: an empty list is []. Times are RFC 3339 in UTC.
//
//	{
//	  "client_id": "…",
//	  "redirect_uri": "…",
//	  "site":    { "host": "app.example.com", "port": 443, "etld_plus_one": "example.com",
//	               "display_domain": "example.com", "development": false },
//	  "dns":     { "name": "example.com", "status": "verified", "client_ids": ["…"] },
//	  "tls":     { "status": "ok", "version": "TLS1.3", "certificate_type": "OV",
//	               "trusted": true, "self_signed": false, "hostname_match": true,
//	               "not_before": "RFC 3339", "not_after": "RFC 3339", "expired": false,
//	               "revocation": "good", "organization": "…",
//	               "location": { "country": "US", "state": "MO", "locality": "Kansas City" } },
//	  "display": { "app_name": "…", "organization": "…", "location": "US, MO, Kansas City",
//	               "domain": "example.com", "labels": [],
//	               "notice": { "key": "described", "text": "…" } },
//	  "findings": [ { "code": "dns.txt_missing", "severity": "should", "message": "…" } ],
//	  "requirements": [ { "id": "R1", "level": "MUST", "status": "met", "detail": "…" } ],
//	  "pending": false
//	}
//
// Values:
//   - dns.status: verified (a TXT record at the eTLD+1 carries this client
//     id), not_found (no such name, or no cerner-client-id record there),
//     mismatch (records exist, none with this id), error (the lookup failed).
//   - tls.status: ok (a handshake completed) or error (none did);
//     tls.version: TLS1.0, TLS1.1, TLS1.2 or TLS1.3; tls.certificate_type: EV,
//     OV, IV, DV or unknown; tls.revocation: good, revoked or unknown.
//   - display.labels: zero or more of "Unknown App" and "Validated";
//     display.app_name, organization and location are empty strings when
//     not shown; display.domain is always set for an https redirect URI.
//   - findings[].severity: must, should or info.
//   - requirements: exactly eight entries, R1 … R8 in order; level MUST or
//     SHOULD; status met, not_met, not_applicable or not_assessable. It is
//     what the policy decided, and the human report's requirement rows say
//     the same. A requirement met or not applicable has only info findings;
//     one not met has a finding at its level (must for R1, should for the
//     others; one step lower for provider and system apps).
//   - pending: the assessment's budget ended before the evidence arrived.
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
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
  -debug                 also write debug logs and full errors to stderr

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
	debug        bool
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

	cfg := appident.Config{
		Dialer:       newDialer(opts.connectTo, opts.allowPrivate, opts.dnsServers),
		AllowPrivate: opts.allowPrivate,
		Timeout:      opts.timeout,
	}
	if len(opts.dnsServers) > 0 {
		// -dns names the servers for every question: the TXT record here,
		// and the addresses of the hosts to dial in newDialer.
		cfg.Resolver = &dnsverify.Client{Servers: opts.dnsServers}
	}
	if opts.debug {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
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
		fmt.Fprintf(stderr, "appcheck: the checker could not start: %s\n", plain(err))
		debugf(opts, stderr, "appident.New: %v", err)
		return exitError
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), opts.timeout)
	defer cancel()
	a, err := checker.Assess(ctx, opts.app)
	if err != nil {
		fmt.Fprintf(stderr, "appcheck: the app could not be assessed: %s\n", plain(err))
		debugf(opts, stderr, "Assess: %v", err)
		return exitError
	}
	if a.DNS != nil && a.DNS.Err != nil {
		debugf(opts, stderr, "DNS: %v", a.DNS.Err)
	}
	if a.TLSErr != nil {
		debugf(opts, stderr, "TLS: %v", a.TLSErr)
	}

	// Not assessed at all: the report would blame the app for what went
	// wrong here. The message goes to stderr, the assessment (with -json)
	// to stdout, for the record.
	notAssessed := ""
	if servers, ok := noDNSAnswer(a); ok {
		notAssessed = "no DNS server answered (asked " + strings.Join(servers, ", ") + "): the app could not be assessed; check -dns and that the servers run"
	} else if step := outOfTime(a, ctx, start, opts.timeout); step != "" {
		notAssessed = "the " + opts.timeout.String() + " budget (-timeout) ran out while " + step + ": the app could not be assessed; try a larger -timeout"
	}

	if opts.json {
		out, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "appcheck: the assessment could not be encoded as JSON\n")
			debugf(opts, stderr, "json: %v", err)
			return exitError
		}
		out = append(out, '\n')
		if _, err := stdout.Write(out); err != nil {
			return exitError
		}
	} else if notAssessed == "" {
		r := reporter{w: stdout, color: useColor(stdout, env), persona: opts.app.Persona}
		r.report(a)
	}
	switch {
	case notAssessed != "":
		fmt.Fprintf(stderr, "appcheck: %s\n", notAssessed)
		return exitError
	case a.Described:
		return exitDescribed
	}
	return exitUnknown
}

// noDNSAnswer reports whether no DNS server answered the TXT lookup at
// all, and the servers asked.
func noDNSAnswer(a *appident.Assessment) ([]string, bool) {
	var le *dnsverify.LookupError
	if a.DNS == nil || !errors.As(a.DNS.Err, &le) || le.Kind != dnsverify.KindUnreachable {
		return nil, false
	}
	servers := le.Servers
	if len(servers) == 0 && le.Server != "" {
		servers = []string{le.Server}
	}
	if len(servers) == 0 {
		servers = []string{"the system's resolvers"}
	}
	return servers, true
}

// outOfTime returns the step the budget ran out in ("looking up the TXT
// record at examplehealth.com"), or "" when the evidence was in before the
// budget ended.
func outOfTime(a *appident.Assessment, ctx context.Context, start time.Time, budget time.Duration) string {
	if ctx.Err() == nil && time.Since(start) < budget {
		return ""
	}
	var steps []string
	if a.DNS != nil && timedOut(a.DNS.Err) {
		name := a.DNS.Name
		if name == "" {
			name = a.Site.ETLDPlusOne
		}
		steps = append(steps, "looking up the TXT record at "+strings.TrimSuffix(name, "."))
	}
	if timedOut(a.TLSErr) {
		steps = append(steps, "inspecting the TLS certificate of "+net.JoinHostPort(a.Site.Host, strconv.Itoa(a.Site.Port))+" (handshake and revocation check)")
	}
	return strings.Join(steps, " and ")
}

// timedOut reports whether err is a deadline's.
func timedOut(err error) bool {
	var le *dnsverify.LookupError
	if errors.As(err, &le) && (le.Kind == dnsverify.KindTimeout || le.Kind == dnsverify.KindCanceled) {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.Is(err, tlsinspect.ErrTimeout)
}

// debugf writes a debug line to stderr with -debug.
func debugf(opts options, stderr io.Writer, format string, args ...any) {
	if opts.debug {
		fmt.Fprintf(stderr, "debug: "+format+"\n", args...)
	}
}

// plain is err's message for a person: on one line, without the package
// prefixes ("appident: ", "etld: ") that Go errors carry.
func plain(err error) string {
	s := oneLine(err.Error())
	for _, p := range []string{"appident: ", "etld: ", "dnsverify: ", "tlsinspect: ", "label: ", "egress: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return s
}

// parseArgs parses the command line. Flags may come before or after the
// redirect URI. It returns flag.ErrHelp for -h.
func parseArgs(args []string) (options, error) {
	var (
		opts      options
		persona   = "patient"
		dnsList   string
		connectTo connectToFlag
		timeout   = durationFlag(15 * time.Second)
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
	fs.BoolVar(&opts.debug, "debug", false, "")
	fs.Var(&timeout, "timeout", "")

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return options{}, flagError(err)
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
	opts.timeout = time.Duration(timeout)
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
		return options{}, fmt.Errorf("REDIRECT_URI %q: %s", uri, plain(err))
	}
	opts.app.RedirectURIs = []string{uri}
	return opts, nil
}

// flagError rewrites the flag package's "invalid value "5" for flag
// -timeout: …" as "-timeout "5": …".
func flagError(err error) error {
	msg := err.Error()
	var value, name, rest string
	if n, _ := fmt.Sscanf(msg, "invalid value %q for flag %s", &value, &name); n == 2 {
		if i := strings.Index(msg, ": "); i >= 0 {
			rest = msg[i+2:]
		}
		return fmt.Errorf("%s %q: %s", strings.TrimSuffix(name, ":"), value, rest)
	}
	return err
}

// durationFlag is the -timeout flag: a positive Go duration.
type durationFlag time.Duration

func (d *durationFlag) String() string { return time.Duration(*d).String() }

func (d *durationFlag) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("want a duration such as 5s")
	}
	if v <= 0 {
		return errors.New("want a positive duration such as 5s")
	}
	*d = durationFlag(v)
	return nil
}

// parseDNSServer checks one -dns address: host:port, or a bare IP address
// (port 53). The port must be a number in 1-65535.
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
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("-dns %q: the port must be a number in 1-65535", s)
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
