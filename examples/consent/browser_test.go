package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// chromium returns the path of a Chromium binary: $CHROMIUM, else chromium or
// chromium-browser in PATH. Without one the test is skipped, unless
// APPVERIFY_REQUIRE_BROWSER=1 (as in CI), when it fails.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("APPVERIFY_REQUIRE_BROWSER") == "1" {
		t.Fatal("no chromium or chromium-browser in PATH and CHROMIUM unset, but APPVERIFY_REQUIRE_BROWSER=1")
	}
	t.Skip("no chromium or chromium-browser in PATH (set CHROMIUM, or APPVERIFY_REQUIRE_BROWSER=1 to fail instead)")
	return ""
}

// headless runs Chromium headless on url with extra flags and returns its
// standard output.
func headless(t *testing.T, bin, url string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(),
	}, flags...)
	args = append(args, url)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestBrowser renders the consent page in headless Chromium and checks the
// DOM the browser built, for a described app, an unknown one and the one
// whose organization name carries markup and a bidi override.
func TestBrowser(t *testing.T) {
	bin := chromium(t)

	t.Run("described", func(t *testing.T) {
		s := sample(t, "validated")
		dom := headless(t, bin, testServer.URL+consentPath(s.App.ClientID), "--dump-dom")
		for _, want := range []string{
			`<span class="app-name" id="app-name">` + s.App.Name + `</span>`,
			`<dd id="organization">` + s.Subject.Organization + `</dd>`,
			`<dd id="location">` + s.Subject.Country + ", " + s.Subject.State + ", " + s.Subject.Locality + `</dd>`,
			`<dd id="domain">medminder.net</dd>`,
			`id="label-validated">✓ Validated</span>`,
		} {
			if !strings.Contains(dom, want) {
				t.Errorf("DOM lacks %q:\n%s", want, dom)
			}
		}
		if strings.Contains(dom, "label-unknown") {
			t.Error("DOM shows the Unknown App label for a described app")
		}
	})

	t.Run("unknown", func(t *testing.T) {
		s := sample(t, "dv")
		dom := headless(t, bin, testServer.URL+consentPath(s.App.ClientID), "--dump-dom")
		for _, want := range []string{
			`id="label-unknown">⚠ Unknown App</span>`,
			`<dd id="domain">steptrack.io</dd>`,
			"This app's developer could not be verified.",
		} {
			if !strings.Contains(dom, want) {
				t.Errorf("DOM lacks %q:\n%s", want, dom)
			}
		}
		for _, bad := range []string{s.App.Name, `id="organization"`, "label-validated"} {
			if strings.Contains(dom, bad) {
				t.Errorf("DOM of an unknown app contains %q", bad)
			}
		}
	})

	t.Run("hostile organization", func(t *testing.T) {
		s := sample(t, "hostile")
		dom := headless(t, bin, testServer.URL+consentPath(s.App.ClientID), "--dump-dom")
		// The page has no script of its own: any <script> element in the
		// DOM was made from the organization name.
		if strings.Contains(strings.ToLower(dom), "<script") {
			t.Errorf("the browser created a <script> element:\n%s", dom)
		}
		// The markup is text: serialized back escaped, inside the organization.
		if !strings.Contains(dom, `<dd id="organization">&lt;script&gt;alert(1)&lt;/script&gt;`) {
			t.Errorf("the organization's markup is not rendered as text:\n%s", dom)
		}
		if strings.ContainsRune(dom, '\u202e') {
			t.Error("the right-to-left override reached the DOM")
		}
	})
}
