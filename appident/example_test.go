package appident_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// An app whose site serves an OV certificate naming its legal entity and
// publishes the TXT record for its client id is described in full. The
// world of package appidenttest stands in for the internet.
func ExampleChecker_Assess() {
	w, err := appidenttest.NewWorld()
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	site, err := w.AddSite(appidenttest.SiteOptions{
		Host:         "app.examplehealth.com",
		Type:         tlsinspect.OV,
		Organization: "Example Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
		ClientIDs: []string{"bxdcd0ff-5der-4c15-b2tf-r28b105aa845"},
	})
	if err != nil {
		log.Fatal(err)
	}

	checker, err := appident.New(w.Config())
	if err != nil {
		log.Fatal(err)
	}
	a, err := checker.Assess(context.Background(), appident.App{
		ClientID:     "bxdcd0ff-5der-4c15-b2tf-r28b105aa845",
		Name:         "Example Health",
		RedirectURIs: []string{site.URI},
		Validated:    true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("app name:    ", a.Display.AppName)
	fmt.Println("organization:", a.Display.Organization)
	fmt.Println("location:    ", a.Display.Location)
	fmt.Println("domain:      ", a.Display.Domain)
	fmt.Printf("labels:       %q\n", a.Display.Labels)
	fmt.Println("described:   ", a.Described)
	// Output:
	// app name:     Example Health
	// organization: Example Health, Inc.
	// location:     US, MO, Kansas City
	// domain:       examplehealth.com
	// labels:       ["Validated"]
	// described:    true
}

// A development target is not looked up: only its domain is shown, as
// Unknown App, and a finding says why.
func ExampleChecker_Assess_development() {
	checker, err := appident.New(appident.Config{})
	if err != nil {
		log.Fatal(err)
	}
	a, err := checker.Assess(context.Background(), appident.App{
		ClientID:     "dev-client",
		Name:         "My Dev Build",
		RedirectURIs: []string{"http://localhost:8080/callback"},
	})
	if err != nil {
		log.Fatal(err)
	}
	b, _ := json.Marshal(a.Report().Display)
	fmt.Println(string(b))
	for _, f := range a.Findings {
		if f.Code == "site.development" {
			fmt.Println(f.Code, "withholds:", f.Withholds)
		}
	}
	// Output:
	// {"app_name":"","organization":"","location":"","domain":"localhost","labels":["Unknown App"],"notice":{"key":"development","text":"This app is set up for testing, so we could not confirm who makes it. Share your health information only with apps you trust."}}
	// site.development withholds: true
}
