package label

import "github.com/consenttrust/appverify/tlsinspect"

// ovEVRule checks R5: an OV or EV certificate, whose subject names the
// organization, and that is the app's own rather than a CDN's.
type ovEVRule struct{}

func (ovEVRule) Meta() Meta {
	return Meta{
		Name:        "r5_ov_ev",
		Code:        "cert",
		Requirement: "R5",
		Level:       Should,
		Citation:    "The site SHOULD use an OV or EV certificate rather than DV; only a certificate naming the legal entity lets the app be described.",
		Source:      "Registration prerequisites; CA/Browser Forum Baseline Requirements §7.1.2.7 (policy OIDs 2.23.140.1.2.2, 2.23.140.1.1)",
	}
}

func (ovEVRule) Check(ev Evidence) []Finding {
	if f, ok := tlsAssessed(ev, "R5"); !ok {
		return f
	}
	r := ev.TLS
	var fs []Finding
	switch r.Type {
	case tlsinspect.OV, tlsinspect.EV:
		// A CDN's certificate has its organization withheld by tlsinspect:
		// the CDN finding below says why, not a missing organization.
		if !r.CDN && (Sanitize(r.Organization) == "" || Sanitize(r.Location.Country) == "") {
			fs = append(fs, should(tlsinspect.CodeOVMissingOrg, "R5", true,
				"get an "+r.Type.String()+" certificate whose subject names the organization (O) and its country (C): this one lacks a usable "+missingSubject(r)))
		}
	case tlsinspect.DV:
		fs = append(fs, should("cert.dv", "R5", true, "get an OV or EV certificate (this one is DV): a DV certificate names no legal entity"))
	case tlsinspect.IV:
		fs = append(fs, should("cert.iv", "R5", true, "get an OV or EV certificate (this one is IV): an individual-validated certificate names no legal entity"))
	default:
		fs = append(fs, should("cert.type_unknown", "R5", true,
			"get an OV or EV certificate carrying the CA/Browser Forum policy OID 2.23.140.1.2.2 or 2.23.140.1.1 (this one carries no recognised policy OID)"))
	}
	if r.CDN {
		msg := "serve the app's own OV or EV certificate on " + quoteHost(ev) + ": the one presented belongs to a CDN"
		if r.CDNReason != "" {
			msg += " (" + bound(r.CDNReason, 200) + ")"
		}
		msg += ", and its organization must not be shown as the app's"
		fs = append(fs, should(tlsinspect.CodeCDN, "R5", true, msg))
	}
	return fs
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
