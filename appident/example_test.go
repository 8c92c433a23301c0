package appident_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

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
	var report struct {
		Display json.RawMessage `json:"display"`
	}
	b, _ := json.Marshal(a)
	if err := json.Unmarshal(b, &report); err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(report.Display))
	for _, f := range a.Findings {
		if f.Code == "site.development" {
			fmt.Println(f.Code, "withholds:", f.Withholds)
		}
	}
	// Output:
	// {"app_name":"","organization":"","location":"","domain":"localhost","labels":["Unknown App"],"notice":{"key":"development","text":"This app is set up for testing, so we could not confirm who makes it. Share your health information only with apps you trust."}}
	// site.development withholds: true
}

// At consent time: the site described is the one the request's redirect
// URI lives on, which must be registered; the answer comes within the
// budget, Pending (fail-closed) when the evidence is not there yet.
func ExampleChecker_Assess_consent() {
	w, err := appidenttest.NewWorld()
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	for _, s := range []appidenttest.SiteOptions{
		{Host: "app.examplehealth.com", Type: tlsinspect.OV, Organization: "Example Health, Inc.", Country: "US", ClientIDs: []string{"step-app"}},
		{Host: "app.steptrack.io", Type: tlsinspect.OV, Organization: "StepTrack Ltd", Country: "GB", ClientIDs: []string{"step-app"}},
	} {
		if _, err := w.AddSite(s); err != nil {
			log.Fatal(err)
		}
	}
	w.SetDNSDelay("steptrack.io", 300*time.Millisecond) // a slow resolver

	cfg := w.Config()
	cfg.Timeout = 50 * time.Millisecond // the consent page's budget (default 3 s)
	checker, err := appident.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer checker.Close()
	app := appident.App{
		ClientID:     "step-app",
		Name:         "Step",
		RedirectURIs: []string{"https://app.examplehealth.com/cb", "https://app.steptrack.io/cb"},
	}
	ctx := context.Background()

	app.RedirectURI = "https://app.steptrack.io/cb" // the URI this request names
	a, _ := checker.Assess(ctx, app)
	fmt.Println(a.Display.Domain, a.Display.Labels, "pending:", a.Pending)

	time.Sleep(time.Second) // the lookup finishes in the background
	a, _ = checker.Assess(ctx, app)
	fmt.Println(a.Display.Domain, a.Display.Organization, "pending:", a.Pending)

	app.RedirectURI = "https://evil.example/cb"
	a, err = checker.Assess(ctx, app)
	fmt.Println(errors.Is(err, appident.ErrUnregisteredRedirectURI), a.Display.Domain, a.Display.Labels)
	// Output:
	// steptrack.io [Unknown App] pending: true
	// steptrack.io StepTrack Ltd pending: false
	// true evil.example [Unknown App]
}
