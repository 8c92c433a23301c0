package label

import (
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/tlsinspect"
)

// The labels a consent screen may show.
const (
	UnknownApp = "Unknown App"
	Validated  = "Validated"
)

// Severity says how strongly a finding's requirement binds: must, should or info.
type Severity int

const (
	Info Severity = iota
	Should
	Must
)

// Persona is who the app serves. The requirements bind patient-facing apps
// and are recommendations for provider and system apps.
type Persona int

const (
	Patient Persona = iota
	Provider
	System
)

// Finding is one reason, with a code, a severity and a message that tells the
// developer what to fix.
type Finding struct {
	Code        string   `json:"code"`
	Severity    Severity `json:"severity"`
	Message     string   `json:"message"`
	Requirement string   `json:"requirement,omitempty"` // "R1" … "R8"
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
	TLS       *tlsinspect.Report
	TLSErr    error
	AppName   string
	Validated bool
	Persona   Persona
}

// Display is what the patient sees.
type Display struct {
	AppName      string   `json:"app_name"`
	Organization string   `json:"organization"`
	Location     string   `json:"location"`
	Domain       string   `json:"domain"`
	Labels       []string `json:"labels"`
}
