package label

import (
	"time"

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
		Code:        "cert",
		Requirement: "R4",
		Level:       Should,
		Citation:    "The site SHOULD present a valid, unexpired certificate from a publicly trusted CA; never self-signed; not revoked.",
		Source:      "Registration prerequisites; RFC 5280 §6, RFC 6125, CA/Browser Forum Baseline Requirements §4.9",
	}
}

func (certificateRule) Check(ev Evidence) []Finding {
	if f, ok := tlsAssessed(ev, "R4"); !ok {
		return f
	}
	r := ev.TLS
	if r.Leaf == nil && len(r.Chain) == 0 {
		return []Finding{should(tlsinspect.CodeNoCertificate, "R4", true,
			"serve a certificate on "+quoteHost(ev)+" (none was presented)")}
	}
	var fs []Finding
	if r.SelfSigned {
		fs = append(fs, should(tlsinspect.CodeSelfSigned, "R4", true,
			"replace the self-signed certificate on "+quoteHost(ev)+" with one from a publicly trusted CA"))
	}
	if !r.Trusted && !onlyDatesWrong(r) {
		msg := "serve a certificate chain that verifies to a publicly trusted root (Mozilla, Microsoft, Chrome, Apple root programs), including the intermediates"
		if r.TrustError != "" {
			msg += ": " + bound(r.TrustError, 300)
		}
		fs = append(fs, should(tlsinspect.CodeUntrusted, "R4", true, msg))
	}
	if !r.HostnameMatch {
		fs = append(fs, should(tlsinspect.CodeHostnameMismatch, "R4", true,
			"serve a certificate valid for "+quoteHost(ev)+" (the one presented does not cover it in its subject alternative names)"))
	}
	if r.Expired {
		fs = append(fs, should(tlsinspect.CodeExpired, "R4", true,
			"renew the certificate: it expired"+dateSuffix(r.NotAfter)))
	}
	if r.NotYetValid {
		fs = append(fs, should(tlsinspect.CodeNotYetValid, "R4", true,
			"serve a certificate that is valid now: this one is not valid before"+dateSuffix(r.NotBefore)+" (check the server's clock and the certificate's dates)"))
	}
	switch r.Revocation {
	case tlsinspect.RevocationGood:
	case tlsinspect.RevocationRevoked:
		msg := "replace the certificate: its CA revoked it"
		if r.RevocationReason != "" {
			msg += " (" + bound(r.RevocationReason, 200) + ")"
		}
		fs = append(fs, should(tlsinspect.CodeRevoked, "R4", true, msg))
	default:
		msg := "the certificate's revocation status is unknown"
		if r.RevocationReason != "" {
			msg += " (" + bound(r.RevocationReason, 200) + ")"
		}
		msg += "; allowed, but staple an OCSP response or make sure the CA's CRL is reachable"
		fs = append(fs, Finding{Code: tlsinspect.CodeRevocationUnknown, Severity: Info, Message: msg, Requirement: "R4"})
	}
	return fs
}

// onlyDatesWrong reports that r's chain is not trusted only because the
// certificate is expired or not yet valid: it verifies within the leaf's
// validity period. cert.expired or cert.not_yet_valid then says what to fix
// (and withholds), and cert.untrusted, whose trust error would only repeat
// the dates, is left out.
func onlyDatesWrong(r *tlsinspect.Report) bool {
	return r.TrustedWithinValidity && (r.Expired || r.NotYetValid)
}

func should(code, req string, withholds bool, msg string) Finding {
	return Finding{Code: code, Severity: Should, Message: msg, Requirement: req, Withholds: withholds}
}

func dateSuffix(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " " + t.UTC().Format(time.RFC3339)
}
