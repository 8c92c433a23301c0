package main

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

const (
	describedID = "7c1e4f0a-3b2d-4e8f-9a61-0d5c2b7e8f13"
	dvID        = "4d8a1f6e-2c9b-4e3d-8f7a-1b0c5e2d9a64"
)

// world starts an offline world with two sites: app.examplehealth.com (OV,
// TXT record: described) and steptrack.io (DV: Unknown App), and writes its
// root to a PEM file for -cacert.
func world(t *testing.T) (w *appidenttest.World, cacert string) {
	t.Helper()
	w = appidenttest.New(t)
	if _, err := w.AddSite(appidenttest.SiteOptions{
		Host: "app.examplehealth.com", Type: tlsinspect.OV,
		Organization: "Example Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
		ClientIDs: []string{describedID},
		TXT:       [][]string{{"v=spf1 -all"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddSite(appidenttest.SiteOptions{
		Host: "steptrack.io", Type: tlsinspect.DV, ClientIDs: []string{dvID},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddSite(appidenttest.SiteOptions{
		Host: "results.lakesidelabs.com", Type: tlsinspect.OV,
		Organization: "Lakeside Laboratories LLC", Country: "US", State: "MN", Locality: "Duluth",
		TXT: [][]string{{"google-site-verification=7xQ3bZ1kYhV0"}},
	}); err != nil {
		t.Fatal(err)
	}
	cacert = filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(cacert, w.RootPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return w, cacert
}

// worldArgs are the flags that point appcheck at the world: its DNS server,
// its root, and -connect-to for host's TLS server.
func worldArgs(w *appidenttest.World, cacert, host string) []string {
	return []string{"-dns", w.DNSAddr(), "-cacert", cacert, "-connect-to", host + ":443:" + w.TLSAddr(host), "-timeout", "20s"}
}

func TestDescribed(t *testing.T) {
	w, cacert := world(t)
	args := append(worldArgs(w, cacert, "app.examplehealth.com"), "-allow-private",
		"-client-id", describedID, "-name", "Example Health Portal", "https://app.examplehealth.com/callback")
	r := appcheck(t, args...)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantReport(t, r.stdout,
		"What the patient sees",
		"  App name       Example Health Portal\n",
		"  Organization   Example Health, Inc.\n",
		"  Location       US, MO, Kansas City\n",
		"  Domain         examplehealth.com\n",
		"  Notice         We confirmed the organization that runs this app's website.\n",
		row("R1", "MUST", "met")+"the redirect URI uses https\n",
		row("R5", "SHOULD", "met")+`OV certificate naming "Example Health, Inc."`+"\n",
		row("R6", "SHOULD", "met")+`examplehealth.com carries "cerner-client-id=`+describedID+`"`,
		row("R7", "SHOULD", "met")+`the name "Example Health Portal" shares a word with`,
		"\nDescribed in full.\n",
	)
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour with NO_COLOR set and stdout not a terminal")
	}
	if w.Site("app.examplehealth.com").Handshakes() == 0 {
		t.Error("the world's TLS server saw no handshake: -connect-to was not used")
	}
}

func TestUnknown(t *testing.T) {
	w, cacert := world(t)
	args := append(worldArgs(w, cacert, "steptrack.io"), "-allow-private",
		"-client-id", dvID, "-name", "StepTrack", "https://steptrack.io/auth/callback")
	r := appcheck(t, args...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantReport(t, r.stdout,
		"  Labels         [Unknown App]\n",
		"  App name       (not shown)\n",
		"  Notice         We could not confirm who makes this app.",
		row("R5", "SHOULD", "not met")+"a DV certificate: it names no organization\n",
		"fix: get an OV (organization validated) or EV certificate for steptrack.io",
	)
}

// TestMissingTXT checks the fix for a missing record: the exact record, at
// the eTLD+1.
func TestMissingTXT(t *testing.T) {
	w, cacert := world(t)
	const id = "not-published-anywhere"
	args := append(worldArgs(w, cacert, "results.lakesidelabs.com"), "-allow-private", "-client-id", id, "https://results.lakesidelabs.com/cb")
	r := appcheck(t, args...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantReport(t, r.stdout,
		row("R6", "SHOULD", "not met")+"there is no cerner-client-id TXT record at lakesidelabs.com\n",
		`fix: add a TXT record at lakesidelabs.com: "cerner-client-id=`+id+`"`+"\n",
	)
}

// TestJSON checks -json against the contract: every required field, with
// lists as [] rather than null.
func TestJSON(t *testing.T) {
	w, cacert := world(t)
	for _, tt := range []struct {
		name string
		host string
		args []string
		code int
	}{
		{"described", "app.examplehealth.com", []string{"-client-id", describedID, "-name", "Example Health Portal", "-validated", "https://app.examplehealth.com/callback"}, 0},
		{"unknown", "steptrack.io", []string{"-client-id", "someone-else", "https://steptrack.io/cb"}, 1},
		// Nothing is looked up for a development target, yet every object
		// of the contract is there.
		{"development", "", []string{"-client-id", "dev-0001", "http://localhost:8080/cb"}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"-json"}
			if tt.host != "" {
				args = append(worldArgs(w, cacert, tt.host), "-allow-private", "-json")
			}
			r := appcheck(t, append(args, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, "{\n  \"") {
				t.Errorf("JSON is not indented:\n%.200s", r.stdout)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
				t.Fatalf("%v\n%s", err, r.stdout)
			}
			required := map[string][]string{
				"":        {"client_id", "redirect_uri", "site", "dns", "tls", "display", "findings", "requirements"},
				"site":    {"host", "port", "etld_plus_one", "display_domain", "development"},
				"dns":     {"name", "status", "client_ids"},
				"tls":     {"status", "version", "certificate_type", "trusted", "self_signed", "hostname_match", "not_before", "not_after", "expired", "revocation", "organization", "location"},
				"display": {"app_name", "organization", "location", "domain", "labels"},
			}
			for obj, fields := range required {
				o := m
				if obj != "" {
					var ok bool
					if o, ok = m[obj].(map[string]any); !ok {
						t.Fatalf("%q is %T, want an object", obj, m[obj])
					}
				}
				for _, f := range fields {
					if _, ok := o[f]; !ok {
						t.Errorf("%s lacks %q", obj, f)
					}
				}
			}
			for _, list := range []any{m["findings"], m["dns"].(map[string]any)["client_ids"], m["display"].(map[string]any)["labels"]} {
				if _, ok := list.([]any); !ok {
					t.Errorf("a list is %T (%v), want a JSON array", list, list)
				}
			}
			loc, _ := m["tls"].(map[string]any)["location"].(map[string]any)
			for _, f := range []string{"country", "state", "locality"} {
				if _, ok := loc[f]; !ok {
					t.Errorf("tls.location lacks %q", f)
				}
			}
			if reqs, ok := m["requirements"].([]any); !ok || len(reqs) != 8 {
				t.Errorf("requirements = %v, want 8 entries", m["requirements"])
			}
			if got := m["client_id"]; got != tt.args[1] {
				t.Errorf("client_id = %v, want %q", got, tt.args[1])
			}
			display := m["display"].(map[string]any)
			tls := m["tls"].(map[string]any)
			switch tt.name {
			case "described":
				if display["organization"] != "Example Health, Inc." || display["location"] != "US, MO, Kansas City" || tls["certificate_type"] != "OV" || m["dns"].(map[string]any)["status"] != "verified" {
					t.Errorf("described: display %v, tls %v", display, tls)
				}
				if labels := display["labels"].([]any); len(labels) != 1 || labels[0] != "Validated" {
					t.Errorf("labels = %v, want [Validated]", labels)
				}
			case "unknown":
				if labels := display["labels"].([]any); len(labels) != 1 || labels[0] != "Unknown App" {
					t.Errorf("labels = %v, want [Unknown App]", labels)
				}
				if tls["certificate_type"] != "DV" || m["dns"].(map[string]any)["status"] != "mismatch" {
					t.Errorf("unknown: tls %v, dns %v", tls, m["dns"])
				}
				if f := m["findings"].([]any); len(f) == 0 {
					t.Error("no findings for an unknown app")
				}
			case "development":
				site := m["site"].(map[string]any)
				if site["development"] != true || display["domain"] != "localhost" {
					t.Errorf("development: site %v, display %v", site, display)
				}
				if labels := display["labels"].([]any); len(labels) != 1 || labels[0] != "Unknown App" {
					t.Errorf("labels = %v, want [Unknown App]", labels)
				}
				if tls["status"] != "error" || m["dns"].(map[string]any)["status"] != "error" {
					t.Errorf("development: tls.status %v, dns.status %v; want error for both (not looked up)", tls["status"], m["dns"].(map[string]any)["status"])
				}
			}
		})
	}
}

// TestConnectToLoopbackRefused checks that -connect-to cannot lead the
// checker to loopback without -allow-private: the egress guard checks the
// address actually connected, and the TLS server sees no handshake.
func TestConnectToLoopbackRefused(t *testing.T) {
	w, cacert := world(t)
	site := w.Site("app.examplehealth.com")
	args := append(worldArgs(w, cacert, "app.examplehealth.com"), "-json", "-client-id", describedID, "https://app.examplehealth.com/callback")
	r := appcheck(t, args...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var rep struct {
		TLS struct {
			Status string `json:"status"`
		} `json:"tls"`
		Findings []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.TLS.Status != "error" {
		t.Errorf("tls.status = %q, want error", rep.TLS.Status)
	}
	refused := false
	for _, f := range rep.Findings {
		if strings.Contains(f.Code+" "+f.Message, "refus") && strings.Contains(f.Message, "loopback") {
			refused = true
		}
	}
	if !refused {
		t.Errorf("no finding says loopback was refused: %+v", rep.Findings)
	}
	if n := site.Handshakes(); n != 0 {
		t.Errorf("the TLS server completed %d handshakes; want 0", n)
	}
}

// TestProblems runs appcheck on sites with one problem each and checks the
// requirement it breaks and the fix it prints.
func TestProblems(t *testing.T) {
	w := appidenttest.New(t)
	ov := func(host string) appidenttest.SiteOptions {
		return appidenttest.SiteOptions{
			Host: host, Type: tlsinspect.OV, ClientIDs: []string{"id-" + host},
			Organization: "Example Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
		}
	}
	selfSigned := ov("vitals.homebrewhealth.com")
	selfSigned.SelfSigned = true
	expired := ov("rx.sunsetpharmacy.com")
	expired.Expired = true
	revoked := ov("patients.oldtownclinic.com")
	revoked.Revoked = true
	cdn := ov("app.fitpulse.co")
	cdn.CDN = true
	legacy := ov("old.legacyclinic.com")
	legacy.MaxVersion = tls.VersionTLS11
	down := ov("app.downclinic.com")
	down.TLSFault = appidenttest.TLSDown
	servfail := ov("app.brokendns.com")
	servfail.DNSFault = 2

	cacert := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(cacert, w.RootPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		opts appidenttest.SiteOptions
		want []string
	}{
		{selfSigned, []string{row("R4", "SHOULD", "not met") + "the certificate is self-signed", "fix: replace the self-signed certificate with one from a publicly trusted CA"}},
		{expired, []string{row("R4", "SHOULD", "not met") + "the certificate is expired since ", "fix: renew the certificate"}},
		{revoked, []string{row("R4", "SHOULD", "not met") + "the certificate is revoked", "fix: get and install a new certificate"}},
		{cdn, []string{row("R5", "SHOULD", "not met"), "fix: upload your own OV or EV certificate for app.fitpulse.co to the CDN"}},
		{legacy, []string{row("R3", "SHOULD", "not met") + "TLS 1.1 negotiated", "fix: enable TLS 1.2 and 1.3 on old.legacyclinic.com"}},
		{down, []string{row("R3", "SHOULD", "not assessable") + "no TLS handshake with app.downclinic.com completed: ", "fix: make app.downclinic.com serve https on port 443"}},
		{servfail, []string{row("R6", "SHOULD", "not assessable") + "the TXT lookup at brokendns.com failed: the server answered SERVFAIL"}},
	}
	for _, tt := range tests {
		t.Run(tt.opts.Host, func(t *testing.T) {
			site, err := w.AddSite(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			args := append(worldArgs(w, cacert, site.Host), "-allow-private", "-timeout", "5s", "-client-id", "id-"+site.Host, site.URI)
			r := appcheck(t, args...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			wantReport(t, r.stdout, tt.want...)
		})
	}
}

// TestDevelopment checks a development redirect URI: nothing is dialled or
// looked up, the report says so, and the app is shown as Unknown App.
func TestDevelopment(t *testing.T) {
	r := appcheck(t, "-client-id", "dev-0001", "-dns", "127.0.0.1:9", "http://localhost:8080/cb")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantReport(t, r.stdout,
		row("R1", "MUST", "not met")+`the redirect URI uses "http", not https`,
		row("R2", "SHOULD", "not met")+"the redirect URI uses port 8080\n",
		row("R5", "SHOULD", "not assessable")+"the redirect host was not dialled: a development target\n",
		row("R6", "SHOULD", "not assessable")+"the TXT record at localhost was not looked up: a development target\n",
		row("R8", "SHOULD", "not met")+"an http loopback redirect URI",
		"  Notice         This app is set up for testing",
		"\nNotes\n  site.development: ",
	)
}

// An app whose name shares nothing with its organization or domain is still
// described (R7 is a should that withholds nothing), but R7 is reported not
// met with a fix.
func TestMisalignedName(t *testing.T) {
	w, cacert := world(t)
	args := append(worldArgs(w, cacert, "app.examplehealth.com"), "-allow-private",
		"-client-id", describedID, "-name", "Zebra Tracker", "https://app.examplehealth.com/callback")
	r := appcheck(t, args...)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantReport(t, r.stdout, row("R7", "SHOULD", "not met")+`the name "Zebra Tracker" shares no word with`)
}

// TestDNSServesHostAddresses: -dns is asked for the redirect host's address
// too, not only for the TXT record. The world's DNS server says the host is
// at 10.0.0.1, a private address, which the egress guard refuses: the
// refusal names that address, so it came from the -dns server (the
// system's resolver knows nothing of the host).
func TestDNSServesHostAddresses(t *testing.T) {
	w, _ := world(t)
	w.SetA("app.privateclinic.com", netip.MustParseAddr("10.0.0.1"))
	r := appcheck(t, "-dns", w.DNSAddr(), "-timeout", "20s", "-json", "-client-id", describedID, "https://app.privateclinic.com/cb")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var rep struct {
		Findings []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	refused := false
	for _, f := range rep.Findings {
		if f.Code == "egress.refused" && strings.Contains(f.Message, "10.0.0.1") {
			refused = true
		}
	}
	if !refused {
		t.Errorf("no egress.refused finding names 10.0.0.1: %+v", rep.Findings)
	}

	// The human report says why the host was not connected to, and where
	// the fix lies: a public address.
	r = appcheck(t, "-dns", w.DNSAddr(), "-timeout", "20s", "-client-id", describedID, "https://app.privateclinic.com/cb")
	wantReport(t, r.stdout,
		row("R3", "SHOULD", "not assessable")+"no TLS handshake with app.privateclinic.com completed: its address is not a public one on port 443, so the checker did not connect",
		"fix: make app.privateclinic.com serve https on port 443 with TLS 1.2 or 1.3, from a public address")
}

// wantReport fails t for each of wants that stdout lacks.
func wantReport(t *testing.T, stdout string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
}

// row is the start of a requirement's row in the human report.
func row(id, level, status string) string {
	return fmt.Sprintf("  %s  %-6s  %-14s  ", id, level, status)
}
