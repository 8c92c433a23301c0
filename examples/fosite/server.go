package main

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/storage"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/label"
)

// Client is a registered OAuth client: fosite's client and what the
// consent page needs about the app besides (its name, and whether it
// passed the platform's validation program).
type Client struct {
	*fosite.DefaultClient
	Name      string
	Validated bool
}

// Server is a minimal authorization server: fosite's authorization-code
// flow with PKCE, whose consent page tells the patient what appident
// found about the site the authorization code will be sent to.
//
// It has no login: every request is the patient "patient-1"'s. A real
// server authenticates the patient before the consent page.
type Server struct {
	provider fosite.OAuth2Provider
	store    *storage.MemoryStore
	checker  *appident.Checker
	log      *slog.Logger
	mux      *http.ServeMux
}

// Options configure a Server.
type Options struct {
	// Secret signs codes and tokens (HMAC). At least 32 bytes; required.
	Secret []byte
	// Logger receives the server's errors. If nil, nothing is logged.
	Logger *slog.Logger
	// HashCost is the bcrypt cost of stored client secrets. If zero,
	// fosite's default (12).
	HashCost int
}

// NewServer returns a Server that assesses apps with checker.
func NewServer(checker *appident.Checker, opts Options) (*Server, error) {
	if len(opts.Secret) < 32 {
		return nil, errors.New("fosite example: the global secret must be at least 32 bytes")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := &fosite.Config{
		GlobalSecret:  opts.Secret,
		HashCost:      opts.HashCost,
		EnforcePKCE:   true, // public and confidential clients alike
		ScopeStrategy: fosite.ExactScopeStrategy,
	}
	store := storage.NewMemoryStore()
	s := &Server{
		provider: compose.Compose(cfg, store, &compose.CommonStrategy{CoreStrategy: compose.NewOAuth2HMACStrategy(cfg)},
			compose.OAuth2AuthorizeExplicitFactory,
			compose.OAuth2PKCEFactory,
			compose.OAuth2TokenIntrospectionFactory,
		),
		store:   store,
		checker: checker,
		log:     log,
		mux:     http.NewServeMux(),
	}
	s.mux.HandleFunc("GET /authorize", s.consentPage)
	s.mux.HandleFunc("POST /authorize", s.authorize)
	s.mux.HandleFunc("POST /token", s.token)
	return s, nil
}

// Register registers a client. Its secret is stored as fosite wants it
// (bcrypt); its redirect URIs and scopes are the only ones it may ask for.
func (s *Server) Register(ctx context.Context, c Client, secret string) error {
	hash, err := s.provider.(*fosite.Fosite).Config.GetSecretsHasher(ctx).Hash(ctx, []byte(secret))
	if err != nil {
		return err
	}
	dc := *c.DefaultClient
	dc.Secret = hash
	if len(dc.ResponseTypes) == 0 {
		dc.ResponseTypes = []string{"code"}
	}
	if len(dc.GrantTypes) == 0 {
		dc.GrantTypes = []string{"authorization_code"}
	}
	c.DefaultClient = &dc
	s.store.Clients[dc.ID] = c
	return nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// consentPage validates the authorization request (client, registered
// redirect URI, PKCE, scopes) and shows the consent page for it.
func (s *Server) consentPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	c, ok := ar.GetClient().(Client)
	if !ok {
		s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrInvalidClient)
		return
	}
	page, err := s.describe(ctx, c, ar)
	if err != nil {
		s.log.ErrorContext(ctx, "consent page", "client_id", c.ID, "err", err)
		http.Error(w, "the consent page could not be built", http.StatusInternalServerError)
		return
	}
	// The same path and query, which fosite has just validated.
	page.Action = template.URL("/authorize?" + r.URL.RawQuery)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := consentTemplate.Execute(w, page); err != nil {
		s.log.ErrorContext(ctx, "consent page", "err", err)
	}
}

// consent is what the consent page shows.
type consent struct {
	Display label.Display
	// Unknown is the "Unknown App" label; Pending that the checks had not
	// finished when the page was built.
	Unknown, Validated, Pending bool
	Scopes                      []string
	// Action is where the form posts the patient's answer: this
	// authorization request again.
	Action template.URL
}

// describe assesses the app for this authorization request: the site
// described is the one the request's redirect URI lives on, which is
// where fosite will send the code.
func (s *Server) describe(ctx context.Context, c Client, ar fosite.AuthorizeRequester) (*consent, error) {
	scopes := []string(ar.GetRequestedScopes())
	app := appident.App{
		ClientID:     c.ID,
		Name:         c.Name,
		RedirectURIs: c.GetRedirectURIs(),
		// The URI fosite will send the code to (it has checked that the
		// client registered it): the site described is the one it is on.
		RedirectURI: ar.GetRedirectURI().String(),
		Validated:   c.Validated,
		Persona:     label.PersonaFromScopes(scopes),
	}
	a, err := s.checker.Assess(ctx, app)
	if a == nil {
		// No assessment even fail-closed: nothing can be named (fosite
		// has checked the URI already, so this is not expected).
		return nil, err
	}
	if err != nil {
		// The assessment is fail-closed ("Unknown App", the domain only):
		// show it, and log why.
		s.log.WarnContext(ctx, "assessment failed", "client_id", c.ID, "redirect_uri", app.RedirectURI, "err", err)
	}
	return &consent{
		Display:   a.Display,
		Unknown:   !a.Described,
		Validated: slices.Contains(a.Display.Labels, "Validated"),
		Pending:   a.Pending,
		Scopes:    scopes,
	}, nil
}

// authorize takes the patient's answer to the consent page: on "allow",
// fosite sends the code to the request's redirect URI.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	if r.PostFormValue("consent") != "allow" {
		s.provider.WriteAuthorizeError(ctx, w, ar, fosite.ErrAccessDenied.WithHint("The patient denied the request."))
		return
	}
	for _, scope := range ar.GetRequestedScopes() {
		ar.GrantScope(scope)
	}
	resp, err := s.provider.NewAuthorizeResponse(ctx, ar, &fosite.DefaultSession{Subject: "patient-1"})
	if err != nil {
		s.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

// token exchanges a code (with its PKCE verifier) for an access token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req, err := s.provider.NewAccessRequest(ctx, r, &fosite.DefaultSession{})
	if err != nil {
		s.provider.WriteAccessError(ctx, w, req, err)
		return
	}
	resp, err := s.provider.NewAccessResponse(ctx, req)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, req, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, req, resp)
}

var consentTemplate = template.Must(template.New("consent").Funcs(template.FuncMap{"join": strings.Join}).Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Allow access to your health record?</title></head>
<body>
<main>
<h1>An app is asking for access to your health record</h1>
<p id="app-name">{{if .Display.AppName}}{{.Display.AppName}}{{else}}Unknown App{{end}}</p>
{{if .Validated}}<p id="label-validated">Validated</p>{{end}}
{{if .Unknown}}<p id="label-unknown">Unknown App</p>{{end}}
<dl>
{{if .Display.Organization}}<dt>Organization</dt><dd id="organization">{{.Display.Organization}}</dd>{{end}}
{{if .Display.Location}}<dt>Location</dt><dd id="location">{{.Display.Location}}</dd>{{end}}
<dt>Website</dt><dd id="domain">{{.Display.Domain}}</dd>
</dl>
{{if .Pending}}<p id="pending">We are still checking who makes this app. Approve only if you know and trust {{.Display.Domain}}.</p>
{{else if .Unknown}}<p id="unknown-warning">We could not confirm who makes this app. Approve only if you know and trust {{.Display.Domain}}.</p>{{end}}
<p id="scopes">It asks for: {{join .Scopes " "}}</p>
<form method="post" action="{{.Action}}">
<button type="submit" name="consent" value="deny">Deny</button>
<button type="submit" name="consent" value="allow">Allow</button>
</form>
</main>
</body>
</html>
`))
