package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ory/fosite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/oauth2"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// flow is one authorization the test started: what the app's back end,
// on the site its callback lives on, needs to redeem the code.
type flow struct {
	conf     *oauth2.Config
	verifier string
	done     chan callback
}

// callback is what an app's back end saw when the code arrived.
type callback struct {
	host  string // the site the code was sent to
	token *oauth2.Token
	err   error
}

// apps are the back ends of the world's apps: every site's callback
// looks its flow up by state and exchanges the code for a token with
// x/oauth2, as the app's own server would.
type apps struct {
	w     *appidenttest.World
	mu    sync.Mutex
	flows map[string]*flow
}

func (a *apps) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	f := a.flows[q.Get("state")]
	a.mu.Unlock()
	if f == nil {
		http.Error(rw, "unknown state", http.StatusBadRequest)
		return
	}
	cb := callback{host: r.Host}
	if e := q.Get("error"); e != "" {
		cb.err = fmt.Errorf("authorization error %s: %s", e, q.Get("error_description"))
	} else {
		ctx := context.WithValue(r.Context(), oauth2.HTTPClient, a.w.Client())
		cb.token, cb.err = f.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(f.verifier))
	}
	f.done <- cb
	if cb.err != nil {
		http.Error(rw, cb.err.Error(), http.StatusBadGateway)
		return
	}
	_, _ = io.WriteString(rw, "signed in")
}

// consentPage is what the test reads off the consent page.
type consentPage struct {
	appName, organization, domain string
	unknown, pending              bool
	action                        string // the form's action, unescaped
	body                          string
}

var (
	reField  = regexp.MustCompile(`<(?:p|dd) id="([a-z-]+)">([^<]*)</`)
	reAction = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
)

func parseConsent(t *testing.T, body string) consentPage {
	t.Helper()
	p := consentPage{body: body}
	for _, m := range reField.FindAllStringSubmatch(body, -1) {
		v := html.UnescapeString(m[2])
		switch m[1] {
		case "app-name":
			p.appName = v
		case "organization":
			p.organization = v
		case "domain":
			p.domain = v
		case "label-unknown":
			p.unknown = true
		}
	}
	p.pending = strings.Contains(body, `id="pending"`)
	m := reAction.FindStringSubmatch(body)
	require.NotNil(t, m, "no consent form in:\n%s", body)
	p.action = html.UnescapeString(m[1])
	return p
}

// env is a running world, authorization server and app back ends.
type env struct {
	w       *appidenttest.World
	as      *httptest.Server
	srv     *Server
	checker *appident.Checker
	apps    *apps
	sites   map[string]*appidenttest.Site
}

// newEnv starts an env; configure, if given, changes the Checker's Config.
func newEnv(t *testing.T, configure ...func(*appident.Config)) *env {
	t.Helper()
	w := appidenttest.New(t)
	e := &env{w: w, apps: &apps{w: w, flows: map[string]*flow{}}, sites: map[string]*appidenttest.Site{}}
	for _, o := range []appidenttest.SiteOptions{
		// A described site: OV certificate, and TXT records for the apps
		// whose primary redirect URI is here.
		{Host: "app.examplehealth.com", Type: tlsinspect.OV, Organization: "Example Health, Inc.",
			Country: "US", State: "MO", Locality: "Kansas City",
			ClientIDs: []string{"described-app", "two-site-app", "two-site-unknown-app"}},
		// The second site of the two-site app: described too, under its
		// own organization.
		{Host: "app.steptrack.io", Type: tlsinspect.OV, Organization: "StepTrack Ltd.", Country: "GB",
			ClientIDs: []string{"two-site-app"}},
		// A site with a DV certificate: its apps are Unknown Apps.
		{Host: "www.dvclinic.com", Type: tlsinspect.DV, ClientIDs: []string{"unknown-app"}},
	} {
		o.Handler = e.apps
		s, err := w.AddSite(o)
		require.NoError(t, err)
		e.sites[s.Host] = s
	}
	cfg := w.Config()
	for _, f := range configure {
		f(&cfg)
	}
	var err error
	e.checker, err = appident.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.checker.Close() })
	secret := make([]byte, 32)
	_, err = rand.Read(secret)
	require.NoError(t, err)
	// The lowest bcrypt cost: client secrets are hashed at registration
	// and compared at every token request, slowly under the race detector.
	e.srv, err = NewServer(e.checker, Options{Secret: secret, HashCost: bcrypt.MinCost})
	require.NoError(t, err)
	e.as = httptest.NewServer(e.srv)
	t.Cleanup(e.as.Close)
	uri := func(host string) string { return e.sites[host].URI }
	for _, c := range []Client{
		{DefaultClient: &fosite.DefaultClient{ID: "described-app", RedirectURIs: []string{uri("app.examplehealth.com")}}, Name: "Example Health"},
		{DefaultClient: &fosite.DefaultClient{ID: "unknown-app", RedirectURIs: []string{uri("www.dvclinic.com")}}, Name: "DV Clinic"},
		{DefaultClient: &fosite.DefaultClient{ID: "two-site-app", RedirectURIs: []string{uri("app.examplehealth.com"), uri("app.steptrack.io")}}, Name: "StepTrack"},
		{DefaultClient: &fosite.DefaultClient{ID: "two-site-unknown-app", RedirectURIs: []string{uri("app.examplehealth.com"), uri("www.dvclinic.com")}}, Name: "Clinic Steps"},
	} {
		c.Scopes = []string{"launch/patient", "patient/*.read", "user/*.read"}
		require.NoError(t, e.srv.Register(context.Background(), c, c.ID+"-secret"))
	}
	return e
}

// start begins an authorization for clientID whose redirect URI is
// redirectURI: it returns the flow and the authorization URL a browser
// is sent to.
func (e *env) start(t *testing.T, clientID, redirectURI string) (*flow, string) {
	t.Helper()
	f := &flow{
		conf: &oauth2.Config{
			ClientID: clientID, ClientSecret: clientID + "-secret",
			Endpoint: oauth2.Endpoint{AuthURL: e.as.URL + "/authorize", TokenURL: e.as.URL + "/token",
				AuthStyle: oauth2.AuthStyleInHeader},
			RedirectURL: redirectURI,
			Scopes:      []string{"launch/patient", "patient/*.read"},
		},
		verifier: oauth2.GenerateVerifier(),
		done:     make(chan callback, 1),
	}
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	state := hex.EncodeToString(b)
	e.apps.mu.Lock()
	e.apps.flows[state] = f
	e.apps.mu.Unlock()
	return f, f.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(f.verifier))
}

// get fetches u with the browser and returns the status and body.
func get(t *testing.T, browser *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := browser.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestAuthorizationCodeFlowWithPKCE(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, clientID, redirectHost string
		// What the consent page shows.
		appName, organization, domain string
		unknown                       bool
	}{
		{name: "described app", clientID: "described-app", redirectHost: "app.examplehealth.com",
			appName: "Example Health", organization: "Example Health, Inc.", domain: "examplehealth.com"},
		{name: "Unknown App", clientID: "unknown-app", redirectHost: "www.dvclinic.com",
			domain: "dvclinic.com", unknown: true},
		// The code goes to the second registered URI: the page describes
		// that site, never the primary's organization.
		{name: "second registered URI, described", clientID: "two-site-app", redirectHost: "app.steptrack.io",
			appName: "StepTrack", organization: "StepTrack Ltd.", domain: "steptrack.io"},
		{name: "second registered URI, unknown", clientID: "two-site-unknown-app", redirectHost: "www.dvclinic.com",
			domain: "dvclinic.com", unknown: true},
		// The same app asking for its primary URI is described by it.
		{name: "two-site app, primary URI", clientID: "two-site-app", redirectHost: "app.examplehealth.com",
			appName: "StepTrack", organization: "Example Health, Inc.", domain: "examplehealth.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			redirect := e.sites[tc.redirectHost].URI
			f, authURL := e.start(t, tc.clientID, redirect)
			browser := e.w.Client()

			code, body := get(t, browser, authURL)
			require.Equal(t, http.StatusOK, code, body)
			page := parseConsent(t, body)
			assert.Equal(t, tc.domain, page.domain)
			assert.Equal(t, tc.organization, page.organization)
			assert.Equal(t, tc.unknown, page.unknown)
			assert.False(t, page.pending)
			if tc.unknown {
				assert.Equal(t, "Unknown App", page.appName)
			} else {
				assert.Equal(t, tc.appName, page.appName)
			}
			if tc.redirectHost != "app.examplehealth.com" {
				assert.NotContains(t, body, "Example Health, Inc.", "the primary site's organization on a page for %s", tc.redirectHost)
			}

			// The patient allows; fosite sends the code to the requested
			// redirect URI, whose back end redeems it with its PKCE verifier.
			resp, err := browser.PostForm(e.as.URL+page.action, url.Values{"consent": {"allow"}})
			require.NoError(t, err)
			final, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var cb callback
			select {
			case cb = <-f.done:
			default:
				t.Fatalf("no callback reached an app; the browser ended at %s with %d %s", resp.Request.URL, resp.StatusCode, final)
			}
			require.NoError(t, cb.err)
			assert.Equal(t, tc.redirectHost, cb.host, "the code went to another site than the page described")
			assert.NotEmpty(t, cb.token.AccessToken)
			assert.Equal(t, "bearer", strings.ToLower(cb.token.TokenType))
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "signed in", string(final))
		})
	}
	// One DNS lookup per eTLD+1 and one handshake per site, however many
	// consents: the Checker caches.
	assert.Equal(t, 1, e.w.DNSQueries("examplehealth.com"))
	assert.Equal(t, 1, e.w.DNSQueries("steptrack.io"))
	assert.Equal(t, 1, e.w.DNSQueries("dvclinic.com"))
	assert.Equal(t, uint64(3), e.checker.Stats().Handshakes)
}

func TestFlowRefusals(t *testing.T) {
	e := newEnv(t)
	browser := e.w.Client()

	// A redirect URI the client did not register: fosite refuses before
	// any consent page (and appident is not asked).
	_, authURL := e.start(t, "described-app", e.sites["app.steptrack.io"].URI)
	code, body := get(t, browser, authURL)
	assert.NotEqual(t, http.StatusOK, code)
	assert.NotContains(t, body, "<form")
	assert.Zero(t, e.checker.Stats().Assessments)

	primary := e.sites["app.examplehealth.com"].URI
	// Without PKCE: refused (EnforcePKCE) once the patient answers, the
	// error sent to the app.
	f, authURL := e.start(t, "described-app", primary)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	q := u.Query()
	q.Del("code_challenge")
	q.Del("code_challenge_method")
	u.RawQuery = q.Encode()
	cb := e.answer(t, browser, f, u.String(), "allow")
	assert.ErrorContains(t, cb.err, "invalid_request")
	assert.Nil(t, cb.token)

	// The patient denies: the app gets access_denied and no code.
	f, authURL = e.start(t, "described-app", primary)
	cb = e.answer(t, browser, f, authURL, "deny")
	assert.ErrorContains(t, cb.err, "access_denied")
	assert.Nil(t, cb.token)

	// A wrong PKCE verifier cannot redeem the code.
	f, authURL = e.start(t, "described-app", primary)
	f.verifier = oauth2.GenerateVerifier()
	cb = e.answer(t, browser, f, authURL, "allow")
	assert.ErrorContains(t, cb.err, "invalid_grant")
	assert.Nil(t, cb.token)
}

// answer opens the consent page at authURL, answers it with decision and
// returns what the app's callback saw.
func (e *env) answer(t *testing.T, browser *http.Client, f *flow, authURL, decision string) callback {
	t.Helper()
	code, body := get(t, browser, authURL)
	require.Equal(t, http.StatusOK, code, body)
	resp, err := browser.PostForm(e.as.URL+parseConsent(t, body).action, url.Values{"consent": {decision}})
	require.NoError(t, err)
	final, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	select {
	case cb := <-f.done:
		return cb
	default:
		t.Fatalf("no callback reached an app; the browser ended at %s with %d %s", resp.Request.URL, resp.StatusCode, final)
		return callback{}
	}
}

// A site whose DNS answers after the consent-time budget: the first
// patient sees a Pending page, fail-closed (Unknown App, the domain
// only); the lookup finishes in the background and the next patient sees
// the app described, with one lookup in all.
func TestSlowSiteIsPendingThenDescribed(t *testing.T) {
	e := newEnv(t, func(cfg *appident.Config) { cfg.Timeout = 500 * time.Millisecond })
	e.w.SetDNSDelay("examplehealth.com", 1500*time.Millisecond)
	primary := e.sites["app.examplehealth.com"].URI
	browser := e.w.Client()

	_, authURL := e.start(t, "described-app", primary)
	code, body := get(t, browser, authURL)
	require.Equal(t, http.StatusOK, code, body)
	page := parseConsent(t, body)
	assert.True(t, page.pending, "no pending note on:\n%s", body)
	assert.True(t, page.unknown)
	assert.Equal(t, "Unknown App", page.appName)
	assert.Empty(t, page.organization)
	assert.Equal(t, "examplehealth.com", page.domain)

	require.Eventually(t, func() bool { return e.checker.Stats().InFlight == 0 }, 10*time.Second, 20*time.Millisecond,
		"the background lookup never finished")
	f, authURL := e.start(t, "described-app", primary)
	code, body = get(t, browser, authURL)
	require.Equal(t, http.StatusOK, code, body)
	page = parseConsent(t, body)
	assert.False(t, page.pending)
	assert.False(t, page.unknown)
	assert.Equal(t, "Example Health, Inc.", page.organization)
	assert.Equal(t, 1, e.w.DNSQueries("examplehealth.com"), "lookups of examplehealth.com")
	assert.Equal(t, uint64(1), e.checker.Stats().Handshakes)

	resp, err := browser.PostForm(e.as.URL+page.action, url.Values{"consent": {"allow"}})
	require.NoError(t, err)
	resp.Body.Close()
	select {
	case cb := <-f.done:
		require.NoError(t, cb.err)
		assert.NotEmpty(t, cb.token.AccessToken)
	default:
		t.Fatal("the code reached no callback")
	}
}
