package appident

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
)

// App is a registered application.
type App struct {
	ClientID string
	Name     string
	// RedirectURIs are the app's registered redirect URIs; the first is primary.
	RedirectURIs []string
	// Validated reports that the app passed the platform's formal validation program.
	Validated bool
	Persona   label.Persona
}

// Config configures a Checker. Its zero value works. (Skeleton: to be completed.)
type Config struct {
	// Resolver looks up TXT records. If nil, a dnsverify.Client with the system's servers.
	Resolver dnsverify.Resolver
	// Dialer makes every TLS, OCSP and CRL connection, behind the egress guard.
	// If nil, a *net.Dialer.
	Dialer tlsinspect.Dialer
	// AllowPrivate lifts the egress guard's address and port rules
	// (development and tests only).
	AllowPrivate bool
	// Roots are the trusted roots. If nil, the system pool, else Mozilla's bundle.
	Roots *x509.CertPool
	// Now returns the current time. If nil, time.Now.
	Now func() time.Time
	// Policy decides what the patient sees. If nil, label.DefaultPolicy().
	Policy *label.Policy
	// PSL selects the Public Suffix List mode. The zero value is etld.Full.
	PSL etld.Mode
	// Timeout bounds one assessment. If zero, 15 seconds.
	Timeout time.Duration
	// Logger receives debug logs. If nil, nothing is logged.
	Logger *slog.Logger
}

// Checker assesses apps. It is safe for concurrent use.
type Checker struct {
	cfg Config
}

// New returns a Checker for cfg.
func New(cfg Config) (*Checker, error) {
	return &Checker{cfg: cfg}, nil
}

// Assessment is what a Checker concluded about one app.
type Assessment struct {
	ClientID    string
	RedirectURI string
	Site        etld.Site
	// DNS is the TXT verification; nil when not attempted (development targets).
	DNS *dnsverify.Result
	// TLS is the TLS inspection; nil when not attempted. TLSErr is why a
	// handshake did not complete.
	TLS    *tlsinspect.Report
	TLSErr error
	// Display is what the patient sees; Described reports that the app is
	// described in full (no "Unknown App" label).
	Display   label.Display
	Described bool
	Findings  []label.Finding
	// AssessedAt is when the assessment was made.
	AssessedAt time.Time
}

// Assess assesses app. (Skeleton.)
func (c *Checker) Assess(ctx context.Context, app App) (*Assessment, error) {
	return nil, errors.New("appident: not implemented")
}
