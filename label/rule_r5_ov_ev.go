package label

import (
	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/tlsinspect"
)

// ovEVRule checks R5: an OV or EV certificate, whose subject names the
// organization, and that is the app's own rather than a CDN's.
type ovEVRule struct{}

func (ovEVRule) Meta() Meta {
	return Meta{
		Name:        "r5_ov_ev",
		Requirement: "R5",
		Citation:    "The site SHOULD use an OV or EV certificate rather than DV; only a certificate naming the legal entity lets the app be described.",
		Source:      "Registration prerequisites; CA/Browser Forum Baseline Requirements §7.1.2.7 (policy OIDs 2.23.140.1.2.2, 2.23.140.1.1)",
	}
}

func (ovEVRule) Check(ev Evidence) Result {
	if res, ok := tlsAssessed(ev); !ok {
		return res
	}
	r := ev.TLS
	host := ev.Site.Host
	res := Result{Status: NotMet}
	switch r.Type {
	case tlsinspect.OV, tlsinspect.EV:
		// A CDN's certificate has its organization withheld by tlsinspect:
		// the CDN finding below says why, not a missing organization.
		if !r.CDN && (Sanitize(r.Organization) == "" || Sanitize(r.Location.Country) == "") {
			res.Detail = "the " + r.Type.String() + " certificate lacks a usable " + missingSubject(r)
			res.Fix = "get an " + r.Type.String() + " certificate whose subject names the organization (O) and its country (C)"
			res.Findings = append(res.Findings, should(code.OVMissingOrg, true,
				"get an "+r.Type.String()+" certificate whose subject names the organization (O) and its country (C): this one lacks a usable "+missingSubject(r)))
		} else if !r.CDN {
			res.Status = Met
			res.Detail = r.Type.String() + " certificate naming " + quote(Sanitize(r.Organization))
		}
	case tlsinspect.DV:
		res.Detail = "a DV certificate: it names no organization"
		res.Findings = append(res.Findings, should(code.CertDV, true, "get an OV or EV certificate (this one is DV): a DV certificate names no legal entity"))
	case tlsinspect.IV:
		res.Detail = "an IV certificate: it names an individual, not an organization"
		res.Findings = append(res.Findings, should(code.CertIV, true, "get an OV or EV certificate (this one is IV): an individual-validated certificate names no legal entity"))
	default:
		res.Detail = "the certificate carries no recognised policy OID"
		res.Findings = append(res.Findings, should(code.CertTypeUnknown, true,
			"get an OV or EV certificate carrying the CA/Browser Forum policy OID 2.23.140.1.2.2 or 2.23.140.1.1 (this one carries no recognised policy OID)"))
	}
	if res.Fix == "" && res.Status == NotMet {
		res.Fix = "get an OV (organization validated) or EV certificate for " + host + ", so patients can see who you are"
	}
	if r.CDN {
		msg := "serve the app's own OV or EV certificate on " + quoteHost(ev) + ": the one presented belongs to a CDN"
		if r.CDNReason != "" {
			msg += " (" + bound(r.CDNReason, 200) + ")"
		}
		msg += ", and its organization must not be shown as the app's"
		res.Status = NotMet
		res.Detail = joinText(res.Detail, "the "+r.Type.String()+" certificate served is a CDN's, not the app's")
		res.Fix = "upload your own OV or EV certificate for " + host + " to the CDN, so patients see your organization, not the CDN's"
		res.Findings = append(res.Findings, should(code.CDN, true, msg))
	}
	addReportFindings(&res, ev, "R5")
	return res
}

// missingSubject names what an OV or EV subject lacks: its organization,
// its country, or both.
func missingSubject(r *tlsinspect.Report) string {
	org, c := Sanitize(r.Organization) == "", Sanitize(r.Location.Country) == ""
	switch {
	case org && c:
		return "organization and country"
	case org:
		return "organization"
	}
	return "country"
}
