package label_test

import (
	"crypto/tls"
	"fmt"

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
	for _, f := range d.Findings {
		fmt.Printf("%s %s: %s\n", f.Severity, f.Code, f.Message)
	}
	// Output:
	// "Example Health Companion"
	// "Example Health, Inc."
	// "US, MO, Kansas City"
	// "examplehealth.com"
	// ["Validated"]
	// "" "examplehealth.com" ["Unknown App"]
	// should cert.dv: get an OV or EV certificate (this one is DV): a DV certificate names no legal entity
	// should dns.txt_missing: add a TXT record at examplehealth.com: "cerner-client-id=c1d2" (there is no cerner-client-id record there)
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
