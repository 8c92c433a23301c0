package label

import "github.com/consenttrust/appverify/internal/code"

// tlsCodes gives the severity and requirement of tlsinspect's codes. Codes
// not listed are R4's, as info.
var tlsCodes = map[string]struct {
	sev Severity
	req string
}{
	code.HandshakeFailed:     {Should, "R3"},
	code.VersionLegacy:       {Should, "R3"},
	code.LegacyOnly:          {Should, "R3"},
	code.CipherWeak:          {Should, "R3"},
	code.Untrusted:           {Should, "R4"},
	code.HostnameMismatch:    {Should, "R4"},
	code.SelfSigned:          {Should, "R4"},
	code.Expired:             {Should, "R4"},
	code.NotYetValid:         {Should, "R4"},
	code.KeyWeak:             {Should, "R4"},
	code.SHA1Signature:       {Should, "R4"},
	code.ValidityTooLong:     {Info, "R4"},
	code.NoRevocationPointer: {Info, "R4"},
	code.Revoked:             {Should, "R4"},
	code.RevocationUnknown:   {Info, "R4"},
	code.OVMissingOrg:        {Should, "R5"},
	code.CDN:                 {Should, "R5"},
	code.NoCertificate:       {Should, "R4"},
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
		if f.Code == "" || (f.Code == code.Untrusted && onlyDatesWrong(ev.TLS)) {
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
