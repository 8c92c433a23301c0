package label

// Decision is the outcome of applying a Policy to Evidence.
type Decision struct {
	Display Display
	// Described reports that the app is described in full (no "Unknown App").
	Described bool
	// Findings are every rule's findings, most severe first. Never nil.
	Findings []Finding
}

// Policy is the list of rules that decide what the patient sees.
type Policy struct {
	Rules []Rule
}

// Rule is one requirement check. (Skeleton: to be completed.)
type Rule interface {
	Check(ev Evidence) []Finding
}

// DefaultPolicy returns the platform's default policy.
func DefaultPolicy() *Policy { return &Policy{} }

// Decide applies p to ev. (Skeleton: to be completed.)
func (p *Policy) Decide(ev Evidence) Decision {
	return Decision{
		Display:  Display{Domain: ev.Site.DisplayDomain, Labels: []string{UnknownApp}},
		Findings: []Finding{},
	}
}
