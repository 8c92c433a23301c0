package label

import (
	"fmt"
	"strings"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/tlsinspect"
)

// The labels a consent screen may show.
const (
	UnknownApp = "Unknown App"
	Validated  = "Validated"
)

// Severity says how strongly a finding's requirement binds: must, should or
// info. Its text form ("must", "should", "info") is used in JSON. Higher
// values are more severe.
type Severity int

// The severities, least severe first.
const (
	Info Severity = iota
	Should
	Must
)

var severityNames = [...]string{Info: "info", Should: "should", Must: "must"}

// String returns "must", "should" or "info", or "Severity(n)" out of range.
func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText encodes s as its String; it fails for a value out of range.
func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("label: invalid Severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText decodes "must", "should" or "info", case-insensitively.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses "must", "should" or "info", case-insensitively.
func ParseSeverity(s string) (Severity, error) {
	for i, name := range severityNames {
		if strings.EqualFold(s, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("label: unknown severity %q (want must, should or info)", s)
}

// Persona is who the app serves. The requirements bind patient-facing apps
// and are recommendations for provider and system apps. The zero value is
// Patient. Its text form ("patient", "provider", "system") is used in JSON
// and by the -persona flag.
type Persona int

// The personas.
const (
	Patient Persona = iota
	Provider
	System
)

var personaNames = [...]string{Patient: "patient", Provider: "provider", System: "system"}

// String returns "patient", "provider" or "system", or "Persona(n)" out of range.
func (p Persona) String() string {
	if p >= 0 && int(p) < len(personaNames) {
		return personaNames[p]
	}
	return fmt.Sprintf("Persona(%d)", int(p))
}

// MarshalText encodes p as its String; it fails for a value out of range.
func (p Persona) MarshalText() ([]byte, error) {
	if p < 0 || int(p) >= len(personaNames) {
		return nil, fmt.Errorf("label: invalid Persona %d", int(p))
	}
	return []byte(personaNames[p]), nil
}

// UnmarshalText decodes "patient", "provider" or "system", case-insensitively.
func (p *Persona) UnmarshalText(b []byte) error {
	v, err := ParsePersona(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// ParsePersona parses "patient", "provider" or "system", case-insensitively
// and ignoring surrounding spaces.
func ParsePersona(s string) (Persona, error) {
	t := strings.TrimSpace(s)
	for i, name := range personaNames {
		if strings.EqualFold(t, name) {
			return Persona(i), nil
		}
	}
	return 0, fmt.Errorf("label: unknown persona %q (want patient, provider or system)", s)
}

// Finding is one reason, with a code, a severity and a message that tells the
// developer what to fix.
type Finding struct {
	// Code is stable and dotted, such as "dns.txt_missing" (see the package
	// documentation for the list).
	Code string `json:"code"`
	// Severity is the finding's severity for the Evidence's Persona.
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Requirement is the requirement the finding is about, "R1" … "R8", or
	// "" for findings about the assessment itself.
	Requirement string `json:"requirement,omitempty"`
	// Withholds reports that the finding keeps the app from being described
	// in full (it is then shown as "Unknown App").
	Withholds bool `json:"withholds"`
}

// Evidence is everything the decision rests on.
type Evidence struct {
	Site etld.Site
	// DNS is the TXT verification; nil when it was not attempted.
	DNS *dnsverify.Result
	// TLS is the TLS inspection; nil when it was not attempted. TLSErr is the
	// error of a failed inspection (TLS may still hold a partial report).
	TLS    *tlsinspect.Report
	TLSErr error
	// AppName is the application's registered name.
	AppName string
	// Validated reports that the app passed the platform's formal validation.
	Validated bool
	// Persona is who the app serves; it sets the findings' severities only.
	Persona Persona
	// ClientID is the client id the app was registered with. If it is set,
	// a DNS result for another id (DNS.Want) does not verify the app. If it
	// is empty, DNS.Want is trusted.
	ClientID string
}

// Display is what the patient sees.
type Display struct {
	AppName      string   `json:"app_name"`
	Organization string   `json:"organization"`
	Location     string   `json:"location"`
	Domain       string   `json:"domain"`
	Labels       []string `json:"labels"`
	// Notice is the sentence for the patient (see Notice).
	Notice Notice `json:"notice"`
}
