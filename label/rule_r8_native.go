package label

// nativeRule notes R8 where it can: native apps should use claimed https
// redirect URIs (RFC 8252 §7.2). Private-use schemes (com.example.app:/)
// are rejected by etld.Parse before any Evidence exists, so the only native
// pattern that reaches the policy is an http loopback redirect (RFC 8252
// §7.3): legitimate for a native app under §7.3, but not what R8 asks, and
// it cannot be assessed. An https redirect URI meets R8 as far as can be
// seen from outside the app; plain http elsewhere is a web app's (R1).
type nativeRule struct{}

func (nativeRule) Meta() Meta {
	return Meta{
		Name:        "r8_native",
		Requirement: "R8",
		Citation:    "Native apps SHOULD use claimed https redirect URIs.",
		Source:      "Registration prerequisites; RFC 8252 §7.2, §7.3",
	}
}

func (nativeRule) Check(ev Evidence) Result {
	switch {
	case ev.Site.Scheme == "https":
		return Result{Status: Met, Detail: "an https redirect URI, as R8 asks of native apps (whether the app claims it cannot be seen from here)"}
	case !isLoopback(ev.Site.Host):
		return Result{Status: NotApplicable, Detail: "a plain http redirect URI on a host other than loopback is a web app's (see R1)"}
	}
	fix := "use a claimed https redirect URI (RFC 8252 §7.2) on the app's own domain"
	return Result{Status: NotMet, Detail: "an http loopback redirect URI (RFC 8252 §7.3), not a claimed https one", Fix: fix,
		Findings: []Finding{should("native.loopback_http", false,
			"an http loopback redirect (RFC 8252 §7.3) suits a native app but cannot be assessed; "+fix+", so that it can be described")}}
}
