package appident

import (
	"strings"

	"github.com/consenttrust/appverify/label"
)

// requirementReport is one element of the JSON report's "requirements": R1
// … R8 as the policy decided, in order, the same data as
// Assessment.Requirements.
type requirementReport struct {
	ID string `json:"id"`
	// Level is "MUST" or "SHOULD".
	Level string `json:"level"`
	// Status is "met", "not_met", "not_applicable" or "not_assessable".
	Status label.Status `json:"status"`
	Detail string       `json:"detail"`
	Fix    string       `json:"fix,omitempty"`
	// Findings are the codes of the requirement's findings.
	Findings []string `json:"findings"`
}

// requirementReports returns rs as the report's "requirements", never nil.
func requirementReports(rs []label.Result) []requirementReport {
	out := make([]requirementReport, 0, len(rs))
	for _, r := range rs {
		codes := make([]string, 0, len(r.Findings))
		for _, f := range r.Findings {
			codes = append(codes, f.Code)
		}
		out = append(out, requirementReport{ID: r.Requirement, Level: strings.ToUpper(r.Level.String()),
			Status: r.Status, Detail: r.Detail, Fix: r.Fix, Findings: codes})
	}
	return out
}
