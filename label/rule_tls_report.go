package label

// tlsReportRule carries over the TLS report's own findings that no earlier
// rule reported (Decide merges findings by code, the first one winning):
// weak keys and ciphers, SHA-1 signatures, overlong validity, missing
// revocation pointers. It never withholds: the decision rests on the
// report's fields, checked by R3–R5.
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
	"tls.handshake_failed":       {Should, "R3"},
	"tls.version_legacy":         {Should, "R3"},
	"tls.legacy_only":            {Should, "R3"},
	"tls.cipher_weak":            {Should, "R3"},
	"cert.untrusted":             {Should, "R4"},
	"cert.hostname_mismatch":     {Should, "R4"},
	"cert.self_signed":           {Should, "R4"},
	"cert.expired":               {Should, "R4"},
	"cert.not_yet_valid":         {Should, "R4"},
	"cert.key_weak":              {Should, "R4"},
	"cert.sha1_signature":        {Should, "R4"},
	"cert.validity_too_long":     {Info, "R4"},
	"cert.no_revocation_pointer": {Info, "R4"},
	"cert.revoked":               {Should, "R4"},
	"cert.revocation_unknown":    {Info, "R4"},
	"cert.ov_missing_org":        {Should, "R5"},
	"cert.cdn":                   {Should, "R5"},
	"cert.none":                  {Should, "R4"},
}

func (tlsReportRule) Check(ev Evidence) []Finding {
	if ev.TLS == nil || len(ev.TLS.Findings) == 0 {
		return nil
	}
	fs := make([]Finding, 0, len(ev.TLS.Findings))
	for _, f := range ev.TLS.Findings {
		if f.Code == "" {
			continue
		}
		m, ok := tlsCodes[f.Code]
		if !ok {
			m.sev, m.req = Info, "R4"
		}
		fs = append(fs, Finding{Code: bound(f.Code, 64), Severity: m.sev, Requirement: m.req, Message: bound(f.Message, 400)})
	}
	return fs
}
