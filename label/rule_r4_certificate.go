package label

import (
	"strings"
	"time"

	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/tlsinspect"
)

// certificateRule checks R4: a valid, unexpired certificate from a publicly
// trusted CA, valid for the host, never self-signed, not revoked. An
// unknown revocation status is allowed (a soft failure, as browsers do),
// with an info finding.
type certificateRule struct{}

func (certificateRule) Meta() Meta {
	return Meta{
		Name:        "r4_certificate",
		Requirement: "R4",
		Citation:    "The site SHOULD present a valid, unexpired certificate from a publicly trusted CA; never self-signed; not revoked.",
		Source:      "Registration prerequisites; RFC 5280 §6, RFC 6125, CA/Browser Forum Baseline Requirements §4.9",
	}
}

func (certificateRule) Check(ev Evidence) Result {
	if res, ok := tlsAssessed(ev); !ok {
		return res
	}
	r := ev.TLS
	host := ev.Site.Host
	if r.Leaf == nil && len(r.Chain) == 0 {
		fix := "serve a certificate on " + host
		return Result{Status: NotMet, Detail: "no certificate was presented", Fix: fix,
			Findings: []Finding{should(code.NoCertificate, true, "serve a certificate on "+quoteHost(ev)+" (none was presented)")}}
	}
	var res Result
	var problems []string
	fail := func(problem, fix string, f Finding) {
		problems = append(problems, problem)
		res.Fix = joinText(res.Fix, fix)
		res.Findings = append(res.Findings, f)
	}
	if r.SelfSigned {
		fail("self-signed", "replace the self-signed certificate with one from a publicly trusted CA",
			should(code.SelfSigned, true, "replace the self-signed certificate on "+quoteHost(ev)+" with one from a publicly trusted CA"))
	}
	if !r.Trusted && !onlyDatesWrong(r) {
		msg := "serve a certificate chain that verifies to a publicly trusted root (Mozilla, Microsoft, Chrome, Apple root programs), including the intermediates"
		if r.TrustError != "" {
			msg += ": " + bound(r.TrustError, 300)
		}
		problem := "not trusted"
		if r.SelfSigned {
			problem = "so not trusted"
		}
		fail(problem, "serve a chain for "+host+" that leads to a publicly trusted CA, intermediates included",
			should(code.Untrusted, true, msg))
	}
	if !r.HostnameMatch {
		fail("not valid for "+host, "get a certificate whose subject alternative names include "+host,
			should(code.HostnameMismatch, true, "serve a certificate valid for "+quoteHost(ev)+" (the one presented does not cover it in its subject alternative names)"))
	}
	if r.Expired {
		fail("expired since"+onDay(r.NotAfter), "renew the certificate",
			should(code.Expired, true, "renew the certificate: it expired"+dateSuffix(r.NotAfter)))
	}
	if r.NotYetValid {
		fail("not valid before"+onDay(r.NotBefore), "serve a certificate that is valid now (check the server's clock and the certificate's dates)",
			should(code.NotYetValid, true, "serve a certificate that is valid now: this one is not valid before"+dateSuffix(r.NotBefore)+" (check the server's clock and the certificate's dates)"))
	}
	revocation := "revocation " + r.Revocation.String()
	if r.RevocationSource != "" {
		revocation += " (" + bound(r.RevocationSource, 40) + ")"
	}
	switch r.Revocation {
	case tlsinspect.RevocationGood:
	case tlsinspect.RevocationRevoked:
		msg := "replace the certificate: its CA revoked it"
		if r.RevocationReason != "" {
			msg += " (" + bound(r.RevocationReason, 200) + ")"
		}
		fail("revoked", "get and install a new certificate", should(code.Revoked, true, msg))
	default:
		msg := "the certificate's revocation status is unknown"
		if r.RevocationReason != "" {
			msg += " (" + bound(r.RevocationReason, 200) + ")"
		}
		msg += "; allowed, but staple an OCSP response or make sure the CA's CRL is reachable"
		res.Findings = append(res.Findings, Finding{Code: code.RevocationUnknown, Severity: Info, Message: msg})
	}
	if len(problems) > 0 {
		res.Status = NotMet
		res.Detail = "the certificate is " + strings.Join(problems, ", ")
	} else {
		res.Status = Met
		res.Detail = "trusted, valid for " + host + " until" + onDay(r.NotAfter) + ", " + revocation
	}
	addReportFindings(&res, ev, "R4")
	return res
}

// onlyDatesWrong reports that r's chain is not trusted only because the
// certificate is expired or not yet valid: it verifies within the leaf's
// validity period. cert.expired or cert.not_yet_valid then says what to fix
// (and withholds), and cert.untrusted, whose trust error would only repeat
// the dates, is left out.
func onlyDatesWrong(r *tlsinspect.Report) bool {
	return r.TrustedWithinValidity && (r.Expired || r.NotYetValid)
}

func should(code string, withholds bool, msg string) Finding {
	return Finding{Code: code, Severity: Should, Message: msg, Withholds: withholds}
}

// onDay is " on 2026-12-01" for t, or "" for the zero time.
func onDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " " + t.UTC().Format(time.DateOnly)
}

func dateSuffix(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " " + t.UTC().Format(time.RFC3339)
}
