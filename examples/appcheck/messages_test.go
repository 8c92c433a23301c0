package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/examples/internal/samples"
	"github.com/consenttrust/appverify/internal/egress"
)

// countingListener is a loopback listener that counts the connections it
// accepts: a refused address must see none, not even a TCP handshake.
func countingListener(t *testing.T) (addr string, accepts *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepts = new(atomic.Int32)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepts.Add(1)
			c.Close()
		}
	}()
	return ln.Addr().String(), accepts
}

// A refused address is never connected to: the dialer's Control refuses it
// before the SYN, for the redirect host (port 443) and for a CRL URL (http,
// port 80) alike, whatever -connect-to says. The listener accepts nothing.
func TestRefusedAddressSeesNoSYN(t *testing.T) {
	addr, accepts := countingListener(t)
	_, port, _ := net.SplitHostPort(addr)
	d := newDialer([]connectTo{
		{"app.examplehealth.com", "443", "127.0.0.1", port},
		{"crl.exampleca.com", "80", "127.0.0.1", port},
	}, false, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, target := range []string{"app.examplehealth.com:443", "crl.exampleca.com:80", "127.0.0.1:" + port} {
		c, err := d.DialContext(ctx, "tcp", target)
		if err == nil {
			c.Close()
			t.Errorf("%s: connected; want a refusal", target)
			continue
		}
		if !errors.Is(err, egress.ErrRefused) {
			t.Errorf("%s: %v; want an egress refusal", target, err)
		}
	}
	// A public address on a port the contract does not allow is refused
	// before connecting too: Control refuses it, so no packet leaves.
	d = newDialer([]connectTo{{"app.examplehealth.com", "443", "93.184.216.34", "8443"}}, false, nil)
	if _, err := d.DialContext(ctx, "tcp", "app.examplehealth.com:443"); !errors.Is(err, egress.ErrPortRefused) {
		t.Errorf("port 8443 for the redirect host: %v; want a port refusal", err)
	}

	// Through the whole program: the redirect host led to the listener.
	w := appidenttest.New(t)
	r := appcheck(t, "-dns", w.DNSAddr(), "-connect-to", "app.examplehealth.com:443:"+addr, "-client-id", "c1", "https://app.examplehealth.com/cb")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	time.Sleep(50 * time.Millisecond) // an accept in flight would be counted by now
	if n := accepts.Load(); n != 0 {
		t.Errorf("the refused address accepted %d connections; want 0", n)
	}
}

// With -allow-private the same rule connects: the test above can fail.
func TestAllowPrivateConnects(t *testing.T) {
	addr, accepts := countingListener(t)
	_, port, _ := net.SplitHostPort(addr)
	d := newDialer([]connectTo{{"crl.exampleca.com", "80", "127.0.0.1", port}}, true, nil)
	c, err := d.DialContext(context.Background(), "tcp", "crl.exampleca.com:80")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for accepts.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if accepts.Load() != 1 {
		t.Errorf("accepts = %d, want 1", accepts.Load())
	}
}

// goErrorText matches what a Go error chain or a package prefix looks like.
var goErrorText = regexp.MustCompile(`\b(appident|etld|dnsverify|tlsinspect|egress|label): |dial tcp|read udp|i/o timeout|context deadline exceeded`)

// Each message of the contract, as a user meets it.
func TestMessages(t *testing.T) {
	w := appidenttest.New(t)
	if _, err := w.AddSite(appidenttest.SiteOptions{Host: "app.slowdns.com", ClientIDs: []string{"c1"}}); err != nil {
		t.Fatal(err)
	}
	w.SetDNSDelay("slowdns.com", 10*time.Second)
	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // a DNS server that never answers
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	closed := closedUDPAddr(t)
	// A TLS server that accepts and never answers.
	if _, err := w.AddSite(appidenttest.SiteOptions{Host: "app.stalled.com", ClientIDs: []string{"c1"}}); err != nil {
		t.Fatal(err)
	}
	stall, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stall.Close()
	go func() {
		for {
			c, err := stall.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	stalled := stall.Addr().String()
	const uri = "https://app.examplehealth.com/cb"

	tests := []struct {
		name string
		args []string
		code int
		want string // on stderr
	}{
		{"timeout without a unit", []string{"-client-id", "c1", "-timeout", "5", uri}, 2, `appcheck: -timeout "5": want a duration such as 5s`},
		{"dns port out of range", []string{"-client-id", "c1", "-dns", "127.0.0.1:99999", uri}, 2, `appcheck: -dns "127.0.0.1:99999": the port must be a number in 1-65535`},
		{"dns port not a number", []string{"-client-id", "c1", "-dns", "127.0.0.1:domain", uri}, 2, `the port must be a number in 1-65535`},
		{"connect-to port out of range", []string{"-client-id", "c1", "-connect-to", "a.example:443:127.0.0.1:99999", uri}, 2, `port "99999" is not a number in 1-65535`},
		{"no DNS server answered", []string{"-client-id", "c1", "-dns", closed + "," + silent.LocalAddr().String(), "-timeout", "20s", uri}, 2,
			"appcheck: no DNS server answered (asked " + closed + ", " + silent.LocalAddr().String() + "): the app could not be assessed"},
		// The TLS inspection may run out too, on a slow machine: the
		// message then names both steps.
		{"budget ran out in DNS", []string{"-client-id", "c1", "-dns", w.DNSAddr(), "-allow-private", "-connect-to", "app.slowdns.com:443:" + w.TLSAddr("app.slowdns.com"), "-timeout", "1s", "https://app.slowdns.com/cb"}, 2,
			"appcheck: the 1s budget (-timeout) ran out while looking up the TXT record at slowdns.com"},
		{"budget ran out in TLS", []string{"-client-id", "c1", "-dns", w.DNSAddr(), "-allow-private", "-connect-to", "app.stalled.com:443:" + stalled, "-timeout", "1500ms", "https://app.stalled.com/cb"}, 2,
			"appcheck: the 1.5s budget (-timeout) ran out while inspecting the TLS certificate of app.stalled.com:443 (handshake and revocation check): the app could not be assessed; try a larger -timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := appcheck(t, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tt.want)
			}
			if goErrorText.MatchString(r.stderr + r.stdout) {
				t.Errorf("a Go error reaches the user: %q", r.stderr+r.stdout)
			}
		})
	}

	// The same failures are in -json in full, for machines.
	r := appcheck(t, "-json", "-client-id", "c1", "-dns", closed, "-timeout", "20s", uri)
	if r.code != 2 || !strings.Contains(r.stdout, `"status": "error"`) || !strings.Contains(r.stdout, "dnsverify: ") {
		t.Errorf("-json: exit %d, stdout %q; want 2 and the lookup's error in full", r.code, r.stdout)
	}
}

// closedUDPAddr is a loopback UDP address where nothing listens.
func closedUDPAddr(t *testing.T) string {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	c.Close()
	return addr
}

// requirementRow is a requirement's row in the human report.
var requirementRow = regexp.MustCompile(`(?m)^  (R[1-8])  (MUST|SHOULD)\s+(met|not met|not applicable|not assessable)  `)

// On every sample of the demo world, the human report's requirement rows
// say what the JSON's requirements say, and the JSON's findings agree with
// the requirements' statuses (a met requirement has only info findings; a
// requirement not met has one at its level).
func TestHumanRowsAgreeWithJSON(t *testing.T) {
	world, err := samples.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer world.Close()
	root := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(root, world.RootPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, s := range samples.All() {
		t.Run(s.Key, func(t *testing.T) {
			args := []string{"-dns", world.DNSAddr(), "-cacert", root, "-allow-private", "-client-id", s.App.ClientID, "-name", s.App.Name}
			if host := hostOf(s.App.RedirectURIs[0]); world.Site(host) != nil {
				args = append(args, "-connect-to", host+":443:"+world.TLSAddr(host))
			}
			if s.App.Validated {
				args = append(args, "-validated")
			}
			args = append(args, s.App.RedirectURIs[0])
			human := appcheck(t, args...)
			machine := appcheck(t, append([]string{"-json"}, args...)...)
			if human.code != machine.code || human.code == 2 {
				t.Fatalf("exit %d (human) and %d (json)\n%s%s", human.code, machine.code, human.stderr, machine.stderr)
			}
			var rep struct {
				Requirements []struct{ ID, Level, Status string }
				Findings     []struct{ Code, Severity, Requirement string }
			}
			if err := json.Unmarshal([]byte(machine.stdout), &rep); err != nil {
				t.Fatal(err)
			}
			rows := requirementRow.FindAllStringSubmatch(human.stdout, -1)
			if len(rows) != 8 || len(rep.Requirements) != 8 {
				t.Fatalf("%d rows and %d requirements, want 8 of each:\n%s", len(rows), len(rep.Requirements), human.stdout)
			}
			status := map[string]string{}
			for i, q := range rep.Requirements {
				got := []string{rows[i][1], rows[i][2], strings.ReplaceAll(rows[i][3], " ", "_")}
				want := []string{q.ID, q.Level, q.Status}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("row %q, JSON %q", got, want)
				}
				status[q.ID] = q.Status
			}
			level := map[string]string{"R1": "must"}
			for _, f := range rep.Findings {
				st, ok := status[f.Requirement]
				if !ok {
					continue
				}
				if (st == "met" || st == "not_applicable") && f.Severity != "info" {
					t.Errorf("%s is %s but finding %s is %s", f.Requirement, st, f.Code, f.Severity)
				}
			}
			for id, st := range status {
				if st != "not_met" {
					continue
				}
				want := level[id]
				if want == "" {
					want = "should"
				}
				found := false
				for _, f := range rep.Findings {
					found = found || (f.Requirement == id && f.Severity == want)
				}
				if !found {
					t.Errorf("%s is not met but no finding is %s", id, want)
				}
			}
			if goErrorText.MatchString(human.stdout) {
				t.Errorf("a Go error reaches the human report:\n%s", human.stdout)
			}
		})
	}
}

func hostOf(uri string) string {
	_, rest, _ := strings.Cut(uri, "://")
	host, _, _ := strings.Cut(rest, "/")
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}
