package label

// httpsRule checks R1: web apps serve their redirect URI over HTTPS.
type httpsRule struct{}

func (httpsRule) Meta() Meta {
	return Meta{
		Name:        "r1_https",
		Code:        "uri",
		Requirement: "R1",
		Level:       Must,
		Citation:    "Web apps MUST serve their redirect URI over HTTPS.",
		Source:      "Registration prerequisites; RFC 6749 §3.1.2.1, RFC 9700 §2.1",
	}
}

func (httpsRule) Check(ev Evidence) []Finding {
	if ev.Site.Scheme == "https" {
		return nil
	}
	sev := Must
	msg := "serve the redirect URI over https (its scheme is " + quote(ev.Site.Scheme) + ")"
	if isLoopback(ev.Site.Host) {
		// RFC 8252 §7.3 allows http on loopback for native apps (see R8).
		sev = Info
		msg += "; plain http on loopback is only for native apps (RFC 8252 §7.3), and such an app cannot be described"
	}
	return []Finding{{
		Code:        "uri.not_https",
		Severity:    sev,
		Message:     msg,
		Requirement: "R1",
		Withholds:   true,
	}}
}
