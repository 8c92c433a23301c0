package label

import "github.com/consenttrust/appverify/internal/code"

// devRule notes a development target: allowed, never failed hard, but it
// cannot be assessed, so the app is not described. It is about the
// assessment, not a requirement.
type devRule struct{}

func (devRule) Meta() Meta {
	return Meta{
		Name:     "dev_target",
		Citation: "Development environments (localhost, IP literals, reserved names, plain HTTP, ports other than 443) are allowed but cannot be assessed.",
		Source:   "Registration prerequisites",
	}
}

func (devRule) Check(ev Evidence) Result {
	if ev.Site.Development == 0 {
		return Result{Status: NotApplicable, Detail: "not a development target"}
	}
	why := ev.Site.Development.String()
	if why == "" {
		why = "a development target"
	}
	return Result{
		Status: Met,
		Detail: "a development target (" + bound(why, 200) + "): it cannot be assessed",
		Fix:    "check the production redirect URI (https, port 443, a public host name) to see what patients will see",
		Findings: []Finding{{
			Code:      code.SiteDevelopment,
			Severity:  Info,
			Message:   "the redirect URI's host " + quoteHost(ev) + " is a development target (" + bound(why, 200) + "): it cannot be assessed, so only the domain is shown; register a public https redirect URI on port 443 for production",
			Withholds: true,
		}},
	}
}

// quoteHost is the host for messages, quoted so that odd input stays visible.
func quoteHost(ev Evidence) string {
	return quote(ev.Site.Host)
}
