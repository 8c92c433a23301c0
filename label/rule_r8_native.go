package label

// nativeRule notes R8 where it can: native apps should use claimed https
// redirect URIs (RFC 8252 §7.2). Private-use schemes (com.example.app:/)
// are rejected by etld.Parse before any Evidence exists, so the only native
// pattern that reaches the policy is an http loopback redirect (RFC 8252
// §7.3), noted here as info: it is legitimate for a native app, but it
// cannot be assessed and the app is not described.
type nativeRule struct{}

func (nativeRule) Meta() Meta {
	return Meta{
		Name:        "r8_native",
		Code:        "native",
		Requirement: "R8",
		Level:       Should,
		Citation:    "Native apps SHOULD use claimed https redirect URIs.",
		Source:      "Registration prerequisites; RFC 8252 §7.2, §7.3",
	}
}

func (nativeRule) Check(ev Evidence) []Finding {
	if ev.Site.Scheme != "http" || !isLoopback(ev.Site.Host) {
		return nil
	}
	return []Finding{{
		Code:        "native.loopback_http",
		Severity:    Info,
		Requirement: "R8",
		Message:     "an http loopback redirect (RFC 8252 §7.3) suits a native app but cannot be assessed; a claimed https redirect URI (RFC 8252 §7.2) on the app's own domain lets it be described",
	}}
}
