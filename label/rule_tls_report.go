package label

import "github.com/consenttrust/appverify/tlsinspect"

// tlsCodes gives the severity and requirement of tlsinspect's codes. Codes
// not listed are R4's, as info.
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

// addReportFindings adds to res the TLS report's own findings about req that
// res does not already carry by code: weak keys and ciphers, SHA-1
// signatures, overlong validity, missing revocation pointers. A should
// finding among them makes res NotMet, without withholding: the
// description rests on the fields R3–R5 check. Like R4, it leaves out
// cert.untrusted for a chain that verifies within the certificate's dates.
func addReportFindings(res *Result, ev Evidence, req string) {
	if ev.TLS == nil {
		return
	}
	for _, f := range ev.TLS.Findings {
		if f.Code == "" || (f.Code == tlsinspect.CodeUntrusted && onlyDatesWrong(ev.TLS)) {
			continue
		}
		m, ok := tlsCodes[f.Code]
		if !ok {
			m.sev, m.req = Info, "R4"
		}
		if m.req != req || hasCode(res.Findings, f.Code) {
			continue
		}
		msg := bound(f.Message, 400)
		res.Findings = append(res.Findings, Finding{Code: bound(f.Code, 64), Severity: m.sev, Requirement: req, Message: msg})
		if m.sev > Info {
			res.Status = NotMet
			res.Fix = joinText(res.Fix, msg)
		}
	}
}

func hasCode(fs []Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
