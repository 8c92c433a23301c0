package appident_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/label"
)

func TestNewRejectsInvalidConfig(t *testing.T) {
	for name, cfg := range map[string]appident.Config{
		"Timeout":     {Timeout: -1},
		"DNSTimeout":  {DNSTimeout: -time.Second},
		"TLSTimeout":  {TLSTimeout: -time.Second},
		"CacheTTL":    {CacheTTL: -time.Hour},
		"MaxStale":    {MaxStale: -1},
		"CacheSize":   {CacheSize: -1},
		"Concurrency": {Concurrency: -2},
		"PSL":         {PSL: etld.Mode(7)},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := appident.New(cfg)
			if err == nil || c != nil {
				t.Fatalf("New(%s invalid) = %v, %v; want nil, error", name, c, err)
			}
			if !strings.HasPrefix(err.Error(), "appident: ") || !strings.Contains(err.Error(), name) {
				t.Errorf("error %q: want the prefix \"appident: \" and the field %s", err, name)
			}
		})
	}
	if _, err := appident.New(appident.Config{}); err != nil {
		t.Fatalf("New(zero Config): %v", err)
	}
}

// refuseAll is a Resolver and a Dialer that refuse everything instantly:
// no test using it touches a network.
type refuseAll struct{}

var errRefuseAll = errors.New("refused by test")

func (refuseAll) LookupTXT(context.Context, string) ([]string, error) { return nil, errRefuseAll }

type refuseDialer struct{}

func (refuseDialer) DialContext(context.Context, string, string) (net.Conn, error) {
	return nil, errRefuseAll
}

func offlineChecker(t testing.TB) *appident.Checker {
	t.Helper()
	c, err := appident.New(appident.Config{Resolver: refuseAll{}, Dialer: refuseDialer{}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAssessErrors(t *testing.T) {
	c := offlineChecker(t)
	ctx := context.Background()
	good := []string{"https://app.examplehealth.com/cb"}
	cases := []struct {
		name string
		app  appident.App
		is   error
		// domain is the domain of the fail-closed Assessment that comes
		// with the error, "" for none: no site can be named.
		domain string
		reason string // the etld.Error's Reason, when etld refuses the URI
	}{
		{"empty client id", appident.App{RedirectURIs: good}, appident.ErrNoClientID, "examplehealth.com", ""},
		{"blank client id", appident.App{ClientID: " \t", RedirectURIs: good}, appident.ErrNoClientID, "examplehealth.com", ""},
		{"no redirect URI", appident.App{ClientID: "id"}, appident.ErrNoRedirectURI, "", ""},
		{"unregistered redirect URI", appident.App{ClientID: "id", RedirectURIs: good, RedirectURI: "https://steptrack.io/cb"},
			appident.ErrUnregisteredRedirectURI, "steptrack.io", ""},
		{"loopback on another host", appident.App{ClientID: "id", RedirectURIs: []string{"http://127.0.0.1:8080/cb"}, RedirectURI: "http://127.0.0.2:9090/cb"},
			appident.ErrUnregisteredRedirectURI, "127.0.0.2", ""},
		{"loopback on another path", appident.App{ClientID: "id", RedirectURIs: []string{"http://127.0.0.1:8080/cb"}, RedirectURI: "http://127.0.0.1:9090/other"},
			appident.ErrUnregisteredRedirectURI, "127.0.0.1", ""},
		{"non-loopback on another port", appident.App{ClientID: "id", RedirectURIs: good, RedirectURI: "https://app.examplehealth.com:8443/cb"},
			appident.ErrUnregisteredRedirectURI, "examplehealth.com", ""},
		{"empty redirect URI", appident.App{ClientID: "id", RedirectURIs: []string{""}}, nil, "", "empty"},
		{"private-use scheme", appident.App{ClientID: "id", RedirectURIs: []string{"com.example.app:/cb"}}, etld.ErrPrivateScheme, "", "private-scheme"},
		{"userinfo", appident.App{ClientID: "id", RedirectURIs: []string{"https://a@examplehealth.com/"}}, nil, "", "userinfo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := c.Assess(ctx, tc.app)
			if err == nil || tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("Assess error %v, want an error matching %v", err, tc.is)
			}
			switch {
			case tc.domain == "" && a != nil:
				t.Errorf("Assess = %+v with the error; want nil: no site can be named", a)
			case tc.domain != "" && (a == nil || a.Described || a.Display.Domain != tc.domain || !hasLabel(a.Display.Labels, label.UnknownApp) ||
				!hasFinding(a.Findings, "app.not_assessed")):
				t.Errorf("Assess = %+v with the error; want a fail-closed assessment of %s", a, tc.domain)
			}
			if !strings.HasPrefix(err.Error(), "appident: ") {
				t.Errorf("error %q lacks the prefix \"appident: \"", err)
			}
			if tc.reason != "" {
				var pe *etld.Error
				if !errors.As(err, &pe) || pe.Reason != tc.reason || !strings.Contains(err.Error(), strconv.Quote(tc.app.RedirectURIs[0])) {
					t.Errorf("error %v: want an *etld.Error with reason %q, quoting %q", err, tc.reason, tc.app.RedirectURIs[0])
				}
			}
		})
	}
	if s := c.Stats(); s.Errors != uint64(len(cases)) || s.DNSLookups != 0 || s.Handshakes != 0 {
		t.Errorf("Stats = %+v; want %d errors and no lookup", s, len(cases))
	}
	t.Run("context done", func(t *testing.T) {
		// A context already done is a budget already spent: Pending,
		// fail-closed, the lookups left to the background.
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		a, err := c.Assess(ctx, appident.App{ClientID: "id", RedirectURIs: good})
		if err != nil || !a.Pending || a.Described || a.Display.Domain != "examplehealth.com" || !errors.Is(a.TLSErr, context.Canceled) {
			t.Fatalf("Assess = %+v, %v; want a pending assessment of examplehealth.com", a, err)
		}
	})
}

func TestDevelopmentTargetsAreNotLookedUp(t *testing.T) {
	c := offlineChecker(t)
	for _, tc := range []struct{ uri, domain string }{
		{"http://localhost:8080/callback", "localhost"},
		{"https://127.0.0.1/callback", "127.0.0.1"},
		{"https://[::1]:8443/callback", "::1"},
		{"https://app.test/callback", "app.test"},
		{"https://dev.clinic.internal/cb", "clinic.internal"},
		{"http://app.examplehealth.com/callback", "examplehealth.com"},
		{"https://app.examplehealth.com:8443/callback", "examplehealth.com"},
	} {
		t.Run(tc.uri, func(t *testing.T) {
			a, err := c.Assess(context.Background(), appident.App{ClientID: "id", Name: "Dev App", RedirectURIs: []string{tc.uri}, Validated: true})
			if err != nil {
				t.Fatalf("Assess: %v; a development target is not an error", err)
			}
			if a.Site.Development == 0 || a.DNS != nil || a.TLS != nil || a.TLSErr != nil {
				t.Fatalf("site %+v, DNS %v, TLS %v %v: want a development target, nothing looked up", a.Site, a.DNS, a.TLS, a.TLSErr)
			}
			d := a.Display
			if a.Described || d.AppName != "" || d.Organization != "" || d.Location != "" || d.Domain == "" {
				t.Errorf("display %+v described=%v: want only the domain", d, a.Described)
			}
			if !strings.Contains(d.Domain, tc.domain) && d.Domain != tc.domain {
				t.Errorf("domain %q, want %q", d.Domain, tc.domain)
			}
			if !hasLabel(d.Labels, label.UnknownApp) {
				t.Errorf("labels %q: want Unknown App", d.Labels)
			}
			if !hasFinding(a.Findings, "site.development") {
				t.Errorf("findings %v: want one saying it cannot be assessed", codes(a.Findings))
			}
		})
	}
	if s := c.Stats(); s.DNSLookups != 0 || s.Handshakes != 0 {
		t.Errorf("Stats = %+v; want no lookup for development targets", s)
	}
}

func hasLabel(labels []string, l string) bool {
	for _, x := range labels {
		if x == l {
			return true
		}
	}
	return false
}

func hasFinding(fs []label.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code || strings.HasPrefix(f.Code, code+".") {
			return true
		}
	}
	return false
}

func codes(fs []label.Finding) []string {
	var cs []string
	for _, f := range fs {
		cs = append(cs, f.Code)
	}
	return cs
}
