package label

import "strconv"

// portRule checks R2: only port 443. Plain http is R1's matter.
type portRule struct{}

func (portRule) Meta() Meta {
	return Meta{
		Name:        "r2_port",
		Code:        "uri",
		Requirement: "R2",
		Level:       Should,
		Citation:    "The redirect URI SHOULD use only port 443.",
		Source:      "Registration prerequisites",
	}
}

func (portRule) Check(ev Evidence) []Finding {
	if ev.Site.Scheme != "https" || ev.Site.Port == 443 {
		return nil
	}
	return []Finding{{
		Code:        "uri.port",
		Severity:    Should,
		Message:     "serve the redirect URI on port 443, the default https port (it uses port " + strconv.Itoa(ev.Site.Port) + ")",
		Requirement: "R2",
		Withholds:   true,
	}}
}
