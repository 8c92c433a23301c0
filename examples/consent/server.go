package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/label"
)

//go:embed templates/*.html
var templateFS embed.FS

var templates = template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))

// listed is one app on the index page.
type listed struct {
	ClientID string
	Title    string
}

// server is the consent page of an authorization server: it describes the
// app asking for access with a Checker's assessment.
type server struct {
	checker *appident.Checker
	apps    map[string]appident.App // by client id
	index   []listed
	timeout time.Duration
	log     *slog.Logger
}

// registration is one registered app and a short note on what it shows.
type registration struct {
	App   appident.App
	Title string
}

func newServer(checker *appident.Checker, regs []registration, log *slog.Logger) *server {
	s := &server{checker: checker, apps: make(map[string]appident.App), timeout: 10 * time.Second, log: log}
	for _, r := range regs {
		s.apps[r.App.ClientID] = r.App
		s.index = append(s.index, listed{ClientID: r.App.ClientID, Title: r.Title})
	}
	return s
}

// handler returns the server's routes, behind the security headers.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serveIndex)
	mux.HandleFunc("GET /consent", s.serveConsent)
	mux.HandleFunc("POST /consent", s.serveDecision)
	mux.HandleFunc("GET /api/assessment", s.serveAssessment)
	return securityHeaders(mux)
}

type nonceKey struct{}

// securityHeaders sets a strict Content-Security-Policy (nothing but the
// page's own inline style, by nonce, and form posts to itself), forbids
// framing and MIME sniffing, and keeps responses out of caches.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [16]byte
		_, _ = rand.Read(b[:])
		nonce := base64.RawURLEncoding.EncodeToString(b[:])
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), nonceKey{}, nonce)))
	})
}

func nonceOf(r *http.Request) string {
	n, _ := r.Context().Value(nonceKey{}).(string)
	return n
}

// consentPage is the data of consent.html.
type consentPage struct {
	Nonce      string
	ClientID   string
	Display    label.Display
	Described  bool
	Validated  bool
	Unknown    bool
	Reasons    []string
	Decision   string
	RedirectTo string
}

func (s *server) serveIndex(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "index.html", struct {
		Nonce string
		Apps  []listed
	}{nonceOf(r), s.index})
}

// assess assesses the app the request's client_id names; it writes an error
// page (or JSON error) and returns nil when it cannot.
func (s *server) assess(w http.ResponseWriter, r *http.Request, asJSON bool) *appident.Assessment {
	id := r.FormValue("client_id")
	app, ok := s.apps[id]
	if !ok {
		s.fail(w, r, asJSON, http.StatusNotFound, "No app is registered with this client id.")
		return nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	a, err := s.checker.Assess(ctx, app)
	if err != nil {
		s.log.Error("assessment failed", "client_id", id, "err", err)
		s.fail(w, r, asJSON, http.StatusInternalServerError, "The app could not be assessed.")
		return nil
	}
	return a
}

func (s *server) serveConsent(w http.ResponseWriter, r *http.Request) {
	a := s.assess(w, r, false)
	if a == nil {
		return
	}
	s.render(w, http.StatusOK, "consent.html", page(r, a))
}

// page builds the consent page's data from an assessment.
func page(r *http.Request, a *appident.Assessment) consentPage {
	p := consentPage{Nonce: nonceOf(r), ClientID: a.ClientID, Display: a.Display, Described: a.Described}
	for _, l := range a.Display.Labels {
		switch l {
		case label.Validated:
			p.Validated = true
		case label.UnknownApp:
			p.Unknown = true
		}
	}
	for _, f := range a.Findings {
		if f.Withholds && len(p.Reasons) < 3 {
			p.Reasons = append(p.Reasons, f.Message)
		}
	}
	return p
}

// serveDecision answers the Approve and Deny buttons. There is no OAuth flow
// behind them: the page says what would happen.
func (s *server) serveDecision(w http.ResponseWriter, r *http.Request) {
	a := s.assess(w, r, false)
	if a == nil {
		return
	}
	p := page(r, a)
	switch r.PostFormValue("decision") {
	case "approve":
		p.Decision = "approved"
	case "deny":
		p.Decision = "denied"
	default:
		s.fail(w, r, false, http.StatusBadRequest, "Choose Approve or Deny.")
		return
	}
	s.render(w, http.StatusOK, "consent.html", p)
}

func (s *server) serveAssessment(w http.ResponseWriter, r *http.Request) {
	a := s.assess(w, r, true)
	if a == nil {
		return
	}
	out, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		s.fail(w, r, true, http.StatusInternalServerError, "The assessment could not be encoded.")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(append(out, '\n'))
}

func (s *server) fail(w http.ResponseWriter, r *http.Request, asJSON bool, code int, msg string) {
	if asJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	s.render(w, code, "error.html", struct{ Nonce, Message string }{nonceOf(r), msg})
}

func (s *server) render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("rendering", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = buf.WriteTo(w)
}
