package label

import (
	"crypto/tls"
	"strconv"

	"github.com/consenttrust/appverify/tlsinspect"
)

// tlsVersionRule checks R3: TLS 1.2 or higher. It also reports a missing or
// failed TLS inspection.
type tlsVersionRule struct{}

func (tlsVersionRule) Meta() Meta {
	return Meta{
		Name:        "r3_tls_version",
		Code:        "tls",
		Requirement: "R3",
		Level:       Should,
		Citation:    "TLS 1.2 or higher SHOULD be supported and preferred.",
		Source:      "Registration prerequisites; RFC 9325 (BCP 195), RFC 8996",
	}
}

func (tlsVersionRule) Check(ev Evidence) []Finding {
	if f, ok := tlsAssessed(ev, "R3"); !ok {
		return f
	}
	v := ev.TLS.Version
	if v >= tls.VersionTLS12 {
		return nil
	}
	name := ev.TLS.VersionName
	if name == "" {
		name = "version 0x" + strconv.FormatUint(uint64(v), 16)
	}
	return []Finding{{
		Code:        tlsinspect.CodeVersionLegacy,
		Severity:    Should,
		Message:     "enable TLS 1.2 and 1.3 on " + quoteHost(ev) + " and prefer them (it negotiated " + bound(name, 40) + "; RFC 8996 retires TLS 1.0 and 1.1)",
		Requirement: "R3",
		Withholds:   true,
	}}
}

// tlsAssessed reports whether ev holds a completed TLS inspection. If not,
// it returns the withholding finding that says so (every TLS rule returns
// it, so that none relies on another being in the list; Decide merges them).
func tlsAssessed(ev Evidence, req string) ([]Finding, bool) {
	sev := Should
	if ev.Site.Development != 0 {
		sev = Info // not attempted on purpose
	}
	if ev.TLS == nil {
		msg := "the TLS endpoint of " + quoteHost(ev) + " was not assessed"
		if ev.TLSErr != nil {
			msg = "the TLS endpoint of " + quoteHost(ev) + " could not be assessed: " + bound(ev.TLSErr.Error(), 300)
		}
		return []Finding{{
			Code:        "tls.not_assessed",
			Severity:    sev,
			Message:     msg + "; the certificate cannot associate an organization with the site",
			Requirement: req,
			Withholds:   true,
		}}, false
	}
	if ev.TLS.Version == 0 {
		msg := "no TLS handshake with " + quoteHost(ev) + " completed"
		if ev.TLSErr != nil {
			msg += ": " + bound(ev.TLSErr.Error(), 300)
		}
		return []Finding{{
			Code:        tlsinspect.CodeHandshakeFailed,
			Severity:    sev,
			Message:     msg + "; make the host serve https with TLS 1.2 or 1.3",
			Requirement: req,
			Withholds:   true,
		}}, false
	}
	return nil, true
}
