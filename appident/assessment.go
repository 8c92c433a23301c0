package appident

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
)

// Assessment is what a Checker concluded about one app. Its evidence may be
// shared with other assessments through the cache: treat it as read-only.
type Assessment struct {
	ClientID    string
	RedirectURI string
	Site        etld.Site
	// DNS is the TXT verification; nil when not attempted (development targets).
	DNS *dnsverify.Result
	// TLS is the TLS inspection; nil when not attempted. TLSErr is why no
	// handshake completed; TLS is then partial (host, port, address, a
	// finding) or nil.
	TLS    *tlsinspect.Report
	TLSErr error
	// Display is what the patient sees; Described reports that the app is
	// described in full (no "Unknown App" label).
	Display   label.Display
	Described bool
	// Requirements are the policy's results for R1 … R8, in order.
	Requirements []label.Result
	// Findings are the policy's findings, then the Checker's own
	// ("cache.stale", "evidence.not_renewed", "evidence.pending",
	// "refresh.failed", "redirect.multiple_sites", "egress.refused",
	// "site.development", "app.not_assessed"). Never nil.
	Findings []label.Finding
	// Pending reports that the assessment's budget (Config.Timeout) or
	// context ended before the evidence arrived: the display is
	// fail-closed (Unknown App, domain only) and the lookup goes on in the
	// background, filling the cache for the next request.
	Pending bool

	// assessedAt is when the assessment was made; dnsObtained and
	// tlsObtained when its evidence was looked up.
	assessedAt, dnsObtained, tlsObtained time.Time
}

// report is an Assessment in the shape of the JSON report of the outside
// contract (examples/appcheck's package doc): snake_case names, lists never
// null, times RFC 3339 in UTC. DNS and TLS are always objects: when they
// were not attempted (a development target) their status is "error" and
// their error says why. Fields beyond the contract's are added after its own.
type report struct {
	ClientID     string              `json:"client_id"`
	RedirectURI  string              `json:"redirect_uri"`
	Site         siteReport          `json:"site"`
	DNS          *dnsReport          `json:"dns"`
	TLS          *tlsReportJSON      `json:"tls"`
	Display      displayReport       `json:"display"`
	Findings     []findingReport     `json:"findings"`
	Requirements []requirementReport `json:"requirements"`
	Pending      bool                `json:"pending"`
	Described    bool                `json:"described"`
	AssessedAt   string              `json:"assessed_at"`
}

// siteReport is the "site" object of a report.
type siteReport struct {
	Host              string `json:"host"`
	Port              int    `json:"port"`
	ETLDPlusOne       string `json:"etld_plus_one"`
	DisplayDomain     string `json:"display_domain"`
	Development       bool   `json:"development"`
	DevelopmentReason string `json:"development_reason,omitempty"`
	Scheme            string `json:"scheme"`
	PublicSuffix      string `json:"public_suffix"`
}

// dnsReport is the "dns" object of a report.
type dnsReport struct {
	Name string `json:"name"`
	// Status is "verified", "not_found", "mismatch" or "error".
	Status        string   `json:"status"`
	ClientIDs     []string `json:"client_ids"`
	TTLSeconds    int64    `json:"ttl_seconds"`
	Authenticated bool     `json:"authenticated"`
	Server        string   `json:"server,omitempty"`
	Error         string   `json:"error,omitempty"`
	CheckedAt     string   `json:"checked_at,omitempty"`
}

// tlsReportJSON is the "tls" object of a report.
type tlsReportJSON struct {
	// Status is "ok" (a handshake completed) or "error" (none did).
	Status string `json:"status"`
	// Version is "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3" or "".
	Version string `json:"version"`
	// CertificateType is "EV", "OV", "IV", "DV" or "unknown".
	CertificateType string `json:"certificate_type"`
	Trusted         bool   `json:"trusted"`
	SelfSigned      bool   `json:"self_signed"`
	HostnameMatch   bool   `json:"hostname_match"`
	// NotBefore and NotAfter are RFC 3339 in UTC, null without a certificate.
	NotBefore *string `json:"not_before"`
	NotAfter  *string `json:"not_after"`
	Expired   bool    `json:"expired"`
	// Revocation is "good", "revoked" or "unknown".
	Revocation       string         `json:"revocation"`
	Organization     string         `json:"organization"`
	Location         locationReport `json:"location"`
	Address          string         `json:"address,omitempty"`
	CipherSuite      string         `json:"cipher_suite,omitempty"`
	RevocationSource string         `json:"revocation_source,omitempty"`
	RevocationReason string         `json:"revocation_reason,omitempty"`
	TrustError       string         `json:"trust_error,omitempty"`
	NotYetValid      bool           `json:"not_yet_valid"`
	CDN              bool           `json:"cdn"`
	Error            string         `json:"error,omitempty"`
	CheckedAt        string         `json:"checked_at,omitempty"`
}

// locationReport is the "tls.location" object of a report.
type locationReport struct {
	Country  string `json:"country"`
	State    string `json:"state"`
	Locality string `json:"locality"`
}

// displayReport is the "display" object of a report.
type displayReport struct {
	AppName      string       `json:"app_name"`
	Organization string       `json:"organization"`
	Location     string       `json:"location"`
	Domain       string       `json:"domain"`
	Labels       []string     `json:"labels"`
	Notice       label.Notice `json:"notice"`
}

// findingReport is one element of a report's "findings".
type findingReport struct {
	Code string `json:"code"`
	// Severity is "must", "should" or "info".
	Severity    string `json:"severity"`
	Message     string `json:"message"`
	Requirement string `json:"requirement,omitempty"`
	Withholds   bool   `json:"withholds"`
}

// MarshalJSON encodes a as the JSON report of the outside contract
// (CONTRACT.md, "The JSON report"): snake_case names, lists never null,
// times RFC 3339 in UTC. "dns" and "tls" are always objects: when they were
// not attempted their status is "error" and their error says why.
func (a *Assessment) MarshalJSON() ([]byte, error) {
	return json.Marshal(a.report())
}

// report returns a in the shape of the contract's JSON report.
func (a *Assessment) report() report {
	r := report{
		ClientID:    a.ClientID,
		RedirectURI: a.RedirectURI,
		Site: siteReport{
			Host: a.Site.Host, Port: a.Site.Port, ETLDPlusOne: a.Site.ETLDPlusOne,
			DisplayDomain: a.Site.DisplayDomain, Development: a.Site.Development != 0,
			DevelopmentReason: a.Site.Development.String(), Scheme: a.Site.Scheme, PublicSuffix: a.Site.PublicSuffix,
		},
		Display: displayReport{
			AppName: a.Display.AppName, Organization: a.Display.Organization,
			Location: a.Display.Location, Domain: a.Display.Domain, Labels: nonNil(a.Display.Labels),
			Notice: a.Display.Notice,
		},
		Findings:     make([]findingReport, 0, len(a.Findings)),
		Requirements: requirementReports(a.Requirements),
		Pending:      a.Pending,
		Described:    a.Described,
		AssessedAt:   rfc3339(a.assessedAt),
	}
	for _, f := range a.Findings {
		r.Findings = append(r.Findings, findingReport{
			Code: f.Code, Severity: severityName(f.Severity), Message: f.Message,
			Requirement: f.Requirement, Withholds: f.Withholds,
		})
	}
	if d := a.DNS; d == nil {
		r.DNS = &dnsReport{Name: a.Site.ETLDPlusOne, Status: dnsverify.StatusError.String(), ClientIDs: []string{},
			Error: notLookedUp(a)}
	} else {
		r.DNS = &dnsReport{
			Name: d.Name, Status: d.Status.String(), ClientIDs: nonNil(d.Found),
			TTLSeconds: int64(d.TTL / time.Second), Authenticated: d.Authenticated, Server: d.Server,
		}
		if d.Err != nil && d.Status == dnsverify.StatusError {
			r.DNS.Error = d.Err.Error()
		}
		if !a.dnsObtained.IsZero() {
			r.DNS.CheckedAt = rfc3339(a.dnsObtained)
		}
	}
	r.TLS = tlsReport(a.TLS, a.TLSErr)
	if a.TLS == nil && a.TLSErr == nil {
		r.TLS.Error = strings.Replace(notLookedUp(a), "looked up", "dialled", 1)
	}
	if !a.tlsObtained.IsZero() {
		r.TLS.CheckedAt = rfc3339(a.tlsObtained)
	}
	return r
}

func tlsReport(rep *tlsinspect.Report, err error) *tlsReportJSON {
	t := &tlsReportJSON{Status: "error", CertificateType: "unknown", Revocation: "unknown"}
	if err != nil || rep == nil {
		if err != nil {
			t.Error = err.Error()
		}
		if rep != nil {
			t.Address = rep.Address
		}
		return t
	}
	t.Status = "ok"
	t.Version = versionName(rep.Version)
	t.CertificateType = rep.Type.String()
	t.Trusted, t.SelfSigned, t.HostnameMatch = rep.Trusted, rep.SelfSigned, rep.HostnameMatch
	if !rep.NotBefore.IsZero() {
		s := rfc3339(rep.NotBefore)
		t.NotBefore = &s
	}
	if !rep.NotAfter.IsZero() {
		s := rfc3339(rep.NotAfter)
		t.NotAfter = &s
	}
	t.Expired, t.NotYetValid = rep.Expired, rep.NotYetValid
	t.Revocation = rep.Revocation.String()
	t.Organization = rep.Organization
	t.Location = locationReport{Country: rep.Location.Country, State: rep.Location.State, Locality: rep.Location.Locality}
	t.Address, t.CipherSuite = rep.Address, rep.CipherSuite
	t.RevocationSource, t.RevocationReason = rep.RevocationSource, rep.RevocationReason
	t.TrustError, t.CDN = rep.TrustError, rep.CDN
	return t
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func severityName(s label.Severity) string {
	switch s {
	case label.Must:
		return "must"
	case label.Should:
		return "should"
	}
	return "info"
}

// notLookedUp says why a has no evidence.
func notLookedUp(a *Assessment) string {
	if a.Site.Development != 0 {
		return "not looked up: the redirect URI is a development target"
	}
	return "not looked up: the app could not be assessed"
}

// versionName spells a TLS version as the report's JSON does: "TLS1.0",
// "TLS1.1", "TLS1.2", "TLS1.3", "SSL3.0", or hexadecimal for others.
func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLS1.0"
	case tls.VersionTLS11:
		return "TLS1.1"
	case tls.VersionTLS12:
		return "TLS1.2"
	case tls.VersionTLS13:
		return "TLS1.3"
	case 0x0300:
		return "SSL3.0"
	}
	return fmt.Sprintf("0x%04X", v)
}
