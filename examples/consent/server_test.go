package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/consenttrust/appverify/examples/internal/samples"
)

// testServer is the consent server on 127.0.0.1:0, against the sample world,
// shared by the package's tests.
var testServer *httptest.Server

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	srv, stop, err := newSampleServer(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the sample world: %v\n", err)
		return 1
	}
	defer stop()
	testServer = httptest.NewServer(srv.handler())
	defer testServer.Close()
	return m.Run()
}

func sample(t *testing.T, key string) samples.Sample {
	t.Helper()
	s, ok := samples.ByKey(key)
	if !ok {
		t.Fatalf("no sample %q", key)
	}
	return s
}

func get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(testServer.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func consentPath(clientID string) string {
	return "/consent?client_id=" + url.QueryEscape(clientID)
}

func TestSecurityHeaders(t *testing.T) {
	for _, path := range []string{"/", consentPath(sample(t, "ov").App.ClientID), consentPath("nobody"), "/api/assessment?client_id=nobody"} {
		resp, body := get(t, path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'nonce-"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", path, got)
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			m := regexp.MustCompile(`style-src 'nonce-([^']+)'`).FindStringSubmatch(csp)
			if m == nil || !strings.Contains(body, `<style nonce="`+m[1]+`">`) {
				t.Errorf("%s: the page's <style> does not carry the CSP nonce", path)
			}
		}
	}
	_, a := get(t, "/")
	_, b := get(t, "/")
	re := regexp.MustCompile(`nonce="([^"]+)"`)
	if re.FindString(a) == re.FindString(b) {
		t.Error("the same nonce was served twice")
	}
}

func TestConsentDescribed(t *testing.T) {
	for _, key := range []string{"ov", "ev", "validated"} {
		s := sample(t, key)
		resp, body := get(t, consentPath(s.App.ClientID))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", key, resp.StatusCode)
		}
		for _, want := range []string{s.App.Name, s.Subject.Organization, s.Subject.Country + ", " + s.Subject.State + ", " + s.Subject.Locality, `id="domain"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", key, want)
			}
		}
		if strings.Contains(body, "label-unknown") || strings.Contains(body, "could not be verified") {
			t.Errorf("%s: a described app is shown as unknown", key)
		}
		if got := strings.Contains(body, `id="label-validated"`); got != s.App.Validated {
			t.Errorf("%s: Validated badge shown = %v, want %v", key, got, s.App.Validated)
		}
	}
}

func TestConsentUnknown(t *testing.T) {
	for _, key := range []string{"dv", "no-txt", "cdn", "development"} {
		s := sample(t, key)
		_, body := get(t, consentPath(s.App.ClientID))
		for _, want := range []string{`id="label-unknown"`, "This app's developer could not be verified."} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", key, want)
			}
		}
		if s.Subject.Organization != "" && strings.Contains(body, s.Subject.Organization) {
			t.Errorf("%s: the certificate's organization %q is shown for an unknown app", key, s.Subject.Organization)
		}
		if strings.Contains(body, s.App.Name) {
			t.Errorf("%s: the registered name %q is shown for an unknown app", key, s.App.Name)
		}
	}
}

func TestConsentHostileOrganization(t *testing.T) {
	s := sample(t, "hostile")
	_, body := get(t, consentPath(s.App.ClientID))
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Error("the page contains a <script> element")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the organization's markup is not shown escaped:\n%s", body)
	}
	if strings.ContainsRune(body, '\u202e') {
		t.Error("the bidi override reached the page")
	}
}

func TestConsentErrors(t *testing.T) {
	resp, body := get(t, consentPath("no-such-client"))
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "No app is registered") {
		t.Errorf("unknown client id: status %d, body %q", resp.StatusCode, body)
	}
	resp, _ = get(t, "/api/assessment?client_id=no-such-client")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("unknown client id (JSON): status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, _ = get(t, "/nowhere")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/nowhere: status %d, want 404", resp.StatusCode)
	}
}

func TestDecision(t *testing.T) {
	s := sample(t, "ov")
	for decision, want := range map[string]string{"approve": "You approved access", "deny": "You denied access"} {
		resp, err := http.PostForm(testServer.URL+"/consent", url.Values{"client_id": {s.App.ClientID}, "decision": {decision}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("%s: status %d, body lacks %q", decision, resp.StatusCode, want)
		}
	}
	resp, err := http.PostForm(testServer.URL+"/consent", url.Values{"client_id": {s.App.ClientID}, "decision": {"maybe"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("decision maybe: status %d, want 400", resp.StatusCode)
	}
}

func TestAPIAssessment(t *testing.T) {
	for _, s := range samples.All() {
		resp, body := get(t, "/api/assessment?client_id="+url.QueryEscape(s.App.ClientID))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", s.Key, resp.StatusCode, body)
		}
		var got struct {
			ClientID string `json:"client_id"`
			Display  struct {
				Labels []string `json:"labels"`
			} `json:"display"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("%s: %v", s.Key, err)
		}
		if got.ClientID != s.App.ClientID {
			t.Errorf("%s: client_id = %q, want %q", s.Key, got.ClientID, s.App.ClientID)
		}
		if got.Display.Labels == nil || fmt.Sprint(got.Display.Labels) != fmt.Sprint(s.Want.Labels) {
			t.Errorf("%s: labels = %q, want %q", s.Key, got.Display.Labels, s.Want.Labels)
		}
	}
}
