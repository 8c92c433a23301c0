package label

import (
	"fmt"
	"strings"
)

// Status is a requirement's outcome, as a zlint lint's result status. Its
// text form ("met", "not_met", "not_applicable", "not_assessable") is used
// in JSON. The zero value is NotAssessable: a result nobody filled in
// claims nothing.
type Status int

// The statuses.
const (
	// NotAssessable: the evidence the requirement needs is missing (a
	// development target, a lookup or handshake that failed).
	NotAssessable Status = iota
	// Met: the evidence shows the requirement is met.
	Met
	// NotMet: the evidence shows it is not.
	NotMet
	// NotApplicable: the requirement does not apply to this app.
	NotApplicable
)

var statusNames = [...]string{NotAssessable: "not_assessable", Met: "met", NotMet: "not_met", NotApplicable: "not_applicable"}

// String returns "met", "not_met", "not_applicable" or "not_assessable", or
// "Status(n)" out of range.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText encodes s as its String; it fails for a value out of range.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("label: invalid Status %d", int(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText decodes the text form of a Status.
func (s *Status) UnmarshalText(b []byte) error {
	for i, name := range statusNames {
		if string(b) == name {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("label: unknown status %q (want met, not_met, not_applicable or not_assessable)", b)
}

// Requirements are the requirements' ids in order, "R1" … "R8".
var requirementIDs = [...]string{"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"}

// requirementLevel is each requirement's RFC 2119 level for patient-facing
// apps: R1 is a MUST, the others SHOULD.
func requirementLevel(id string) Severity {
	if id == "R1" {
		return Must
	}
	return Should
}

// Result is what a Rule concluded about its requirement, in the manner of
// zlint's LintResult.
//
// Decide keeps a Decision's results consistent with their findings, for
// any rule: a Met or NotApplicable result carries only info findings; a
// NotMet result carries at least one finding whose severity is the
// requirement's level for the persona (must for R1, should for the others,
// one step lower for provider and system apps).
type Result struct {
	// Requirement is "R1" … "R8", or "" for a rule about the assessment
	// itself (development targets). Decide sets it from the rule's Meta.
	Requirement string
	// Level is the requirement's RFC 2119 level for patient-facing apps:
	// Must or Should. Decide sets it.
	Level  Severity
	Status Status
	// Detail is the evidence in words: "TLS1.3 negotiated", "no
	// cerner-client-id TXT record at examplehealth.com".
	Detail string
	// Fix tells the developer what to do; empty when there is nothing to do.
	Fix string
	// Findings are the rule's findings, each with its Severity as for a
	// patient-facing app (Decide lowers it for other personas). Decide
	// never leaves it nil.
	Findings []Finding
}

// Notice is what a consent page tells the patient about the app in one
// sentence, apart from the developer's findings: it never carries RFC
// citations, error messages or third-party text. Key is stable, for a
// consent page that has its own translations; Text is the default English
// sentence.
type Notice struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// The notices' keys.
const (
	// NoticeDescribed: the organization shown was confirmed.
	NoticeDescribed = "described"
	// NoticeUnknownApp: who makes the app could not be confirmed.
	NoticeUnknownApp = "unknown_app"
	// NoticeDevelopment: the app's redirect URI is a development address,
	// which cannot be checked.
	NoticeDevelopment = "development"
)

var noticeTexts = map[string]string{
	NoticeDescribed:   "We confirmed the organization that runs this app's website.",
	NoticeUnknownApp:  "We could not confirm who makes this app. Share your health information only with apps you trust.",
	NoticeDevelopment: "This app is set up for testing, so we could not confirm who makes it. Share your health information only with apps you trust.",
}

// NewNotice returns the notice of key with its default English sentence.
// An unknown key gives the NoticeUnknownApp notice: a patient is never
// told more than was confirmed.
func NewNotice(key string) Notice {
	if t, ok := noticeTexts[key]; ok {
		return Notice{Key: key, Text: t}
	}
	return Notice{Key: NoticeUnknownApp, Text: noticeTexts[NoticeUnknownApp]}
}

// PersonaFromScopes returns the persona the SMART on FHIR scopes of an
// authorization request speak for: scopes starting "patient/" (the
// patient's own data) give Patient, "user/" (what the signed-in user, a
// clinician, may see) Provider, "system/" (a backend service) System.
// Elements may hold several space-separated scopes, as an OAuth scope
// parameter does; prefixes are matched case-sensitively, as SMART defines
// them; other scopes (openid, fhirUser, launch/patient, offline_access) say
// nothing.
//
// Mixed scopes give the persona the requirements bind most: any patient/
// scope makes the app Patient, else any user/ scope Provider. Without any
// of the three prefixes the result is Patient, so that an app never
// escapes the requirements by asking for unusual scopes.
func PersonaFromScopes(scopes []string) Persona {
	user, system := false, false
	for _, elem := range scopes {
		for _, s := range strings.Fields(elem) {
			switch {
			case strings.HasPrefix(s, "patient/"):
				return Patient
			case strings.HasPrefix(s, "user/"):
				user = true
			case strings.HasPrefix(s, "system/"):
				system = true
			}
		}
	}
	if !user && system {
		return System
	}
	if user {
		return Provider
	}
	return Patient
}
