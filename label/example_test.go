package label_test

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
)

func ExamplePolicy_Decide() {
	ev := label.Evidence{
		Site: etld.Site{
			Scheme: "https", Host: "app.examplehealth.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "examplehealth.com", DisplayDomain: "examplehealth.com",
		},
		DNS: &dnsverify.Result{Status: dnsverify.StatusVerified, Name: "examplehealth.com", Want: "c1d2"},
		TLS: &tlsinspect.Report{
			Version: tls.VersionTLS13,
			Chain:   []tlsinspect.CertInfo{{Subject: "CN=app.examplehealth.com,O=Example Health\\, Inc."}},
			Type:    tlsinspect.OV, Organization: "Example Health, Inc.",
			Location: tlsinspect.Location{Country: "US", State: "MO", Locality: "Kansas City"},
			Trusted:  true, HostnameMatch: true, Revocation: tlsinspect.RevocationGood,
		},
		AppName:   "Example Health Companion",
		Validated: true,
	}
	d := label.DefaultPolicy().Decide(ev)
	fmt.Printf("%q\n%q\n%q\n%q\n%q\n", d.Display.AppName, d.Display.Organization, d.Display.Location, d.Display.Domain, d.Display.Labels)

	// The same app with a DV certificate and no TXT record.
	ev.TLS.Type = tlsinspect.DV
	ev.DNS.Status = dnsverify.StatusNotFound
	ev.Validated = false
	d = label.DefaultPolicy().Decide(ev)
	fmt.Printf("%q %q %q\n", d.Display.AppName, d.Display.Domain, d.Display.Labels)
	fmt.Println(d.Display.Notice.Key+":", d.Display.Notice.Text)
	for _, r := range d.Requirements {
		if r.Status != label.Met {
			fmt.Printf("%s %s %v: %s\n  fix: %s\n", r.Requirement, strings.ToUpper(r.Level.String()), r.Status, r.Detail, r.Fix)
		}
	}
	// Output:
	// "Example Health Companion"
	// "Example Health, Inc."
	// "US, MO, Kansas City"
	// "examplehealth.com"
	// ["Validated"]
	// "" "examplehealth.com" ["Unknown App"]
	// unknown_app: We could not confirm who makes this app. Share your health information only with apps you trust.
	// R5 SHOULD not_met: a DV certificate: it names no organization
	//   fix: get an OV (organization validated) or EV certificate for app.examplehealth.com, so patients can see who you are
	// R6 SHOULD not_met: there is no cerner-client-id TXT record at examplehealth.com
	//   fix: add a TXT record at examplehealth.com: "cerner-client-id=c1d2"
}

func ExampleSanitize() {
	fmt.Printf("%q\n", label.Sanitize("  Example\u202e Health\u200b,\u00a0Inc.\x00  "))
	fmt.Printf("%q\n", label.Sanitize("<b>Evil</b>"))
	// Output:
	// "Example Health, Inc."
	// "<b>Evil</b>"
}

func ExampleParsePersona() {
	p, err := label.ParsePersona("provider")
	fmt.Println(p, err)
	_, err = label.ParsePersona("doctor")
	fmt.Println(err)
	// Output:
	// provider <nil>
	// label: unknown persona "doctor" (want patient, provider or system)
}

func ExamplePersonaFromScopes() {
	fmt.Println(label.PersonaFromScopes([]string{"openid fhirUser launch/patient patient/Observation.rs"}))
	fmt.Println(label.PersonaFromScopes([]string{"user/Patient.rs", "offline_access"}))
	fmt.Println(label.PersonaFromScopes([]string{"system/*.rs"}))
	fmt.Println(label.PersonaFromScopes([]string{"user/*.rs", "patient/*.rs"})) // mixed: patient binds
	fmt.Println(label.PersonaFromScopes([]string{"openid"}))                    // none: patient
	// Output:
	// patient
	// provider
	// system
	// patient
	// patient
}
