package label

// devRule notes a development target: allowed, never failed hard, but it
// cannot be assessed, so the app is not described.
type devRule struct{}

func (devRule) Meta() Meta {
	return Meta{
		Name:     "dev_target",
		Code:     "site",
		Level:    Info,
		Citation: "Development environments (localhost, IP literals, reserved names, plain HTTP, ports other than 443) are allowed but cannot be assessed.",
		Source:   "DOMAIN.md, Facts and decisions",
	}
}

func (devRule) Check(ev Evidence) []Finding {
	if ev.Site.Development == 0 {
		return nil
	}
	why := ev.Site.Development.String()
	if why == "" {
		why = "a development target"
	}
	return []Finding{{
		Code:      "site.development",
		Severity:  Info,
		Message:   "the redirect URI's host " + quoteHost(ev) + " is a development target (" + bound(why, 200) + "): it cannot be assessed, so only the domain is shown; register a public https redirect URI on port 443 for production",
		Withholds: true,
	}}
}

// quoteHost is the host for messages, quoted so that odd input stays visible.
func quoteHost(ev Evidence) string {
	return quote(ev.Site.Host)
}
