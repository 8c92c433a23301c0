package label

import (
	"strconv"

	"github.com/consenttrust/appverify/internal/code"
)

// portRule checks R2: only port 443, whatever the scheme.
type portRule struct{}

func (portRule) Meta() Meta {
	return Meta{
		Name:        "r2_port",
		Requirement: "R2",
		Citation:    "The redirect URI SHOULD use only port 443.",
		Source:      "Registration prerequisites",
	}
}

func (portRule) Check(ev Evidence) Result {
	if ev.Site.Port == 443 {
		return Result{Status: Met, Detail: "the redirect URI uses port 443"}
	}
	detail := "the redirect URI uses port " + strconv.Itoa(ev.Site.Port)
	fix := "serve the redirect URI on port 443, the default https port"
	return Result{
		Status: NotMet,
		Detail: detail,
		Fix:    fix,
		Findings: []Finding{{
			Code:      code.URIPort,
			Severity:  Should,
			Message:   fix + " (it uses port " + strconv.Itoa(ev.Site.Port) + ")",
			Withholds: true,
		}},
	}
}
