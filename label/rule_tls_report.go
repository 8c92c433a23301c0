package label

import "github.com/consenttrust/appverify/tlsinspect"

// tlsReportRule carries over the TLS report's own findings that no earlier
// rule reported (Decide merges findings by code, the first one winning):
// weak keys and ciphers, SHA-1 signatures, overlong validity, missing
// revocation pointers. Like R4, it leaves out cert.untrusted for a chain
// that verifies within the certificate's dates. It never withholds: the
// decision rests on the report's fields, checked by R3–R5.
type tlsReportRule struct{}

func (tlsReportRule) Meta() Meta {
	return Meta{
		Name:        "tls_report",
		Code:        "tls",
		Requirement: "R4",
		Level:       Should,
		Citation:    "Observations of the TLS inspection not covered by R3–R5.",
		Source:      "package tlsinspect",
	}
}

// tlsCodes gives the severity and requirement of tlsinspect's codes. Codes
// not listed are carried over as info.
var tlsCodes = map[string]struct {
	sev Severity
	req string
}{
	tlsinspect.CodeHandshakeFailed:     {Should, "R3"},
	tlsinspect.CodeVersionLegacy:       {Should, "R3"},
	tlsinspect.CodeLegacyOnly:          {Should, "R3"},
	tlsinspect.CodeCipherWeak:          {Should, "R3"},
	tlsinspect.CodeUntrusted:           {Should, "R4"},
	tlsinspect.CodeHostnameMismatch:    {Should, "R4"},
	tlsinspect.CodeSelfSigned:          {Should, "R4"},
	tlsinspect.CodeExpired:             {Should, "R4"},
	tlsinspect.CodeNotYetValid:         {Should, "R4"},
	tlsinspect.CodeKeyWeak:             {Should, "R4"},
	tlsinspect.CodeSHA1Signature:       {Should, "R4"},
	tlsinspect.CodeValidityTooLong:     {Info, "R4"},
	tlsinspect.CodeNoRevocationPointer: {Info, "R4"},
	tlsinspect.CodeRevoked:             {Should, "R4"},
	tlsinspect.CodeRevocationUnknown:   {Info, "R4"},
	tlsinspect.CodeOVMissingOrg:        {Should, "R5"},
	tlsinspect.CodeCDN:                 {Should, "R5"},
	tlsinspect.CodeNoCertificate:       {Should, "R4"},
}

func (tlsReportRule) Check(ev Evidence) []Finding {
	if ev.TLS == nil || len(ev.TLS.Findings) == 0 {
		return nil
	}
	fs := make([]Finding, 0, len(ev.TLS.Findings))
	for _, f := range ev.TLS.Findings {
		if f.Code == "" || (f.Code == tlsinspect.CodeUntrusted && onlyDatesWrong(ev.TLS)) {
			continue // an untrusted chain whose dates alone are wrong: see R4
		}
		m, ok := tlsCodes[f.Code]
		if !ok {
			m.sev, m.req = Info, "R4"
		}
		fs = append(fs, Finding{Code: bound(f.Code, 64), Severity: m.sev, Requirement: m.req, Message: bound(f.Message, 400)})
	}
	return fs
}
