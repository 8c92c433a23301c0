package label

import (
	"context"
	"crypto/tls"
	"errors"
	"net"

	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/internal/egress"
	"github.com/consenttrust/appverify/tlsinspect"
)

// tlsVersionRule checks R3: TLS 1.2 or higher, with no weak cipher suite.
type tlsVersionRule struct{}

func (tlsVersionRule) Meta() Meta {
	return Meta{
		Name:        "r3_tls_version",
		Requirement: "R3",
		Citation:    "TLS 1.2 or higher SHOULD be supported and preferred.",
		Source:      "Registration prerequisites; RFC 9325 (BCP 195), RFC 8996",
	}
}

func (tlsVersionRule) Check(ev Evidence) Result {
	if res, ok := tlsAssessed(ev); !ok {
		return res
	}
	name := bound(tls.VersionName(ev.TLS.Version), 40)
	res := Result{Status: Met, Detail: name + " negotiated"}
	if ev.TLS.Version < tls.VersionTLS12 {
		res.Status = NotMet
		res.Detail += "; TLS 1.0 and 1.1 are retired (RFC 8996)"
		res.Fix = "enable TLS 1.2 and 1.3 on " + ev.Site.Host + " and prefer them"
		res.Findings = []Finding{{
			Code:      code.VersionLegacy,
			Severity:  Should,
			Message:   "enable TLS 1.2 and 1.3 on " + quoteHost(ev) + " and prefer them (it negotiated " + name + "; RFC 8996 retires TLS 1.0 and 1.1)",
			Withholds: true,
		}}
	}
	addReportFindings(&res, ev, "R3")
	return res
}

// tlsAssessed reports whether ev holds a completed TLS inspection. If not,
// it returns the NotAssessable result that says so, with a withholding
// finding (every TLS rule returns it, so that none relies on another being
// in the list; Decide merges the findings by code).
func tlsAssessed(ev Evidence) (Result, bool) {
	sev := Should
	if ev.Site.Development != 0 {
		sev = Info // not attempted on purpose
	}
	c, msg := code.HandshakeFailed, "no TLS handshake with "+quoteHost(ev)+" completed"
	switch {
	case ev.TLS == nil && ev.TLSErr == nil:
		detail := "the redirect host was not dialled"
		if ev.Site.Development != 0 {
			detail += ": a development target"
		}
		return Result{
			Status: NotAssessable,
			Detail: detail,
			Findings: []Finding{{
				Code:      code.TLSNotAssessed,
				Severity:  sev,
				Message:   "the TLS endpoint of " + quoteHost(ev) + " was not assessed; the certificate cannot associate an organization with the site",
				Withholds: true,
			}},
		}, false
	case ev.TLS == nil:
		c, msg = code.TLSNotAssessed, "the TLS endpoint of "+quoteHost(ev)+" could not be assessed"
	case ev.TLS.Version != 0:
		return Result{}, true
	}
	if ev.TLSErr != nil {
		msg += ": " + bound(ev.TLSErr.Error(), 300)
	}
	return Result{
		Status: NotAssessable,
		Detail: "no TLS handshake with " + ev.Site.Host + " completed: " + tlsFailure(ev.TLSErr),
		Fix:    "make " + ev.Site.Host + " serve https on port 443 with TLS 1.2 or 1.3, from a public address",
		Findings: []Finding{{
			Code:      c,
			Severity:  sev,
			Message:   msg + "; make the host serve https with TLS 1.2 or 1.3",
			Withholds: true,
		}},
	}, false
}

// tlsFailure says in words why no handshake completed, without the error's
// chain (which the findings carry).
func tlsFailure(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case err == nil:
		return "no reason was given"
	case errors.Is(err, egress.ErrRefused):
		return "its address is not a public one on port 443, so the checker did not connect"
	case errors.Is(err, tlsinspect.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "it did not answer in time"
	case errors.Is(err, tlsinspect.ErrRefused):
		return "the connection was refused"
	case errors.Is(err, tlsinspect.ErrClosed):
		return "the server closed the connection during the handshake"
	case errors.Is(err, tlsinspect.ErrNotTLS):
		return "the server does not speak TLS"
	case errors.Is(err, tlsinspect.ErrLegacyTLSOnly):
		return "the server speaks only protocol versions older than TLS 1.0"
	case errors.Is(err, tlsinspect.ErrNoCertificate):
		return "the server presented no certificate"
	case errors.As(err, &dnsErr):
		return "its address could not be looked up"
	case errors.As(err, &opErr):
		return "the host could not be reached"
	}
	return "the handshake failed"
}
