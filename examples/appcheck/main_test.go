package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/label"
)

// appcheckBin is the appcheck binary built once by TestMain.
var appcheckBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "appcheck-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	appcheckBin = filepath.Join(dir, "appcheck")
	build := exec.Command("go", "build", "-o", appcheckBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building appcheck: %v\n", err)
		return 1
	}
	return m.Run()
}

// result is one run of the appcheck binary.
type result struct {
	code           int
	stdout, stderr string
}

// appcheck runs the binary with args and NO_COLOR set.
func appcheck(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(appcheckBin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("appcheck %q did not finish in 60s", args)
	}
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("appcheck %q: %v", args, err)
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// TestBadInput checks that every input that cannot be assessed exits 2 with
// one line naming the problem (and the usage hint), never a usage dump or a
// stack trace, and nothing on stdout.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const uri = "https://app.examplehealth.com/callback"
	tests := []struct {
		name string
		args []string
		want string // in the error line
	}{
		{"missing client id", []string{uri}, "-client-id is required"},
		{"blank client id", []string{"-client-id", "  ", uri}, "-client-id is required"},
		{"missing URI", []string{"-client-id", "abc"}, "missing REDIRECT_URI"},
		{"two URIs", []string{"-client-id", "abc", uri, uri}, "want one REDIRECT_URI"},
		{"unparseable URI", []string{"-client-id", "abc", "https://exa mple.com/%zz"}, "redirect URI"},
		{"URI without host", []string{"-client-id", "abc", "https:///cb"}, "redirect URI"},
		{"private-use scheme", []string{"-client-id", "abc", "com.examplehealth.app:/cb"}, "redirect URI"},
		{"fragment", []string{"-client-id", "abc", "https://app.examplehealth.com/cb#x"}, "redirect URI"},
		{"missing cacert", []string{"-client-id", "abc", "-cacert", filepath.Join(dir, "nope.pem"), uri}, "no such file"},
		{"unreadable cacert", []string{"-client-id", "abc", "-cacert", dir, uri}, "-cacert"},
		{"empty cacert", []string{"-client-id", "abc", "-cacert", empty, uri}, "no PEM certificates"},
		{"cacert not PEM", []string{"-client-id", "abc", "-cacert", notPEM, uri}, "no PEM certificates"},
		{"bad persona", []string{"-client-id", "abc", "-persona", "doctor", uri}, `-persona "doctor"`},
		{"bad connect-to", []string{"-client-id", "abc", "-connect-to", "app.examplehealth.com:443", uri}, "-connect-to"},
		{"bad connect-to port", []string{"-client-id", "abc", "-connect-to", "a.example:443:127.0.0.1:99999", uri}, "99999"},
		{"bad timeout", []string{"-client-id", "abc", "-timeout", "soon", uri}, "-timeout"},
		{"negative timeout", []string{"-client-id", "abc", "-timeout", "-1s", uri}, "-timeout"},
		{"bad dns", []string{"-client-id", "abc", "-dns", "nameserver", uri}, "-dns"},
		{"unknown flag", []string{"-client-id", "abc", "-frobnicate", uri}, "-frobnicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := appcheck(t, tt.args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			first, rest, _ := strings.Cut(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if !strings.HasPrefix(first, "appcheck: ") || !strings.Contains(first, tt.want) {
				t.Errorf("error line = %q, want \"appcheck: ...%s...\"", first, tt.want)
			}
			if rest != "" && rest != "run appcheck -h for usage" {
				t.Errorf("stderr has more than the error and the usage hint: %q", r.stderr)
			}
			for _, bad := range []string{"goroutine ", "panic", "Usage of", "-allow-private"} {
				if strings.Contains(r.stderr, bad) {
					t.Errorf("stderr contains %q: %q", bad, r.stderr)
				}
			}
		})
	}
}

func TestHelp(t *testing.T) {
	r := appcheck(t, "-h")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0; stderr: %s", r.code, r.stderr)
	}
	for _, flag := range []string{"-client-id", "-name", "-validated", "-persona", "-dns", "-connect-to", "-cacert", "-allow-private", "-json", "-timeout"} {
		if !strings.Contains(r.stdout, "  "+flag+" ") {
			t.Errorf("usage does not describe %s:\n%s", flag, r.stdout)
		}
	}
}

// TestParseArgsInterspersed checks that flags may follow the redirect URI.
func TestParseArgsInterspersed(t *testing.T) {
	opts, err := parseArgs([]string{"https://app.example.com/cb", "-client-id", "abc", "-persona", "provider", "-json", "-connect-to", "app.example.com:443:127.0.0.1:8443", "-connect-to", "x.example.com:80:127.0.0.1:8080", "-dns", "127.0.0.1:5353,[::1]:53,10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if opts.app.ClientID != "abc" || !opts.json || len(opts.connectTo) != 2 {
		t.Errorf("parsed %+v", opts)
	}
	if got := opts.app.Persona; got != label.Provider {
		t.Errorf("persona = %v, want %v", got, label.Provider)
	}
	if got, want := strings.Join(opts.dnsServers, " "), "127.0.0.1:5353 [::1]:53 10.0.0.1:53"; got != want {
		t.Errorf("dns servers = %q, want %q", got, want)
	}
	if got, want := opts.app.RedirectURIs, []string{"https://app.example.com/cb"}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("redirect URIs = %q, want %q", got, want)
	}
}

func TestUseColor(t *testing.T) {
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	var buf bytes.Buffer
	if useColor(&buf, env(nil)) {
		t.Error("colour for a bytes.Buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if useColor(f, env(nil)) {
		t.Error("colour for a regular file")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !useColor(tty, env(nil)) {
			t.Error("no colour for a terminal")
		}
		if useColor(tty, env(map[string]string{"NO_COLOR": "1"})) {
			t.Error("colour for a terminal with NO_COLOR=1")
		}
	}
	// /dev/null is a character device but not a terminal; it is treated as one.
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if useColor(null, env(map[string]string{"NO_COLOR": "x"})) {
		t.Error("colour with NO_COLOR=x")
	}
}

func TestClean(t *testing.T) {
	in := "Evil\x1b[31m Corp\u202e\u200b\r\n\tInc"
	if got, want := clean(in), "Evil[31m Corp Inc"; got != want {
		t.Errorf("clean(%q) = %q, want %q", in, got, want)
	}
}
