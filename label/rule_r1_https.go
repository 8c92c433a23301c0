package label

import "github.com/consenttrust/appverify/internal/code"

// httpsRule checks R1: web apps serve their redirect URI over HTTPS. Plain
// http on loopback, which RFC 8252 §7.3 allows native apps, does not meet
// it either (R8 says what native apps should use instead).
type httpsRule struct{}

func (httpsRule) Meta() Meta {
	return Meta{
		Name:        "r1_https",
		Requirement: "R1",
		Citation:    "Web apps MUST serve their redirect URI over HTTPS.",
		Source:      "Registration prerequisites; RFC 6749 §3.1.2.1, RFC 9700 §2.1",
	}
}

func (httpsRule) Check(ev Evidence) Result {
	if ev.Site.Scheme == "https" {
		return Result{Status: Met, Detail: "the redirect URI uses https"}
	}
	detail := "the redirect URI uses " + quote(ev.Site.Scheme) + ", not https"
	if isLoopback(ev.Site.Host) {
		detail += " (plain http on loopback is only for native apps, RFC 8252 §7.3, and cannot be described)"
	}
	fix := "serve the redirect URI over https"
	return Result{
		Status: NotMet,
		Detail: detail,
		Fix:    fix,
		Findings: []Finding{{
			Code:      code.URINotHTTPS,
			Severity:  Must,
			Message:   fix + " (" + detail + ")",
			Withholds: true,
		}},
	}
}
