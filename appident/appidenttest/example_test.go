package appidenttest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// A world with one described site and one whose certificate is DV: two
// apps assessed twice cost one DNS lookup and one handshake per site.
func ExampleWorld() {
	w, err := appidenttest.NewWorld()
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	ov, err := w.AddSite(appidenttest.SiteOptions{
		Host: "app.examplehealth.com", Type: tlsinspect.OV,
		Organization: "Example Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
		ClientIDs: []string{"ov-app"},
	})
	if err != nil {
		log.Fatal(err)
	}
	dv, err := w.AddSite(appidenttest.SiteOptions{Host: "www.dvclinic.com", Type: tlsinspect.DV, ClientIDs: []string{"dv-app"}})
	if err != nil {
		log.Fatal(err)
	}
	checker, err := appident.New(w.Config())
	if err != nil {
		log.Fatal(err)
	}
	for range 2 {
		for _, app := range []appident.App{ov.App("ov-app", "Example Health"), dv.App("dv-app", "DV Clinic")} {
			a, err := checker.Assess(context.Background(), app)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%s: %s %q\n", a.Display.Domain, a.Display.Organization, a.Display.Labels)
		}
	}
	fmt.Println("TXT queries:", w.DNSQueries("examplehealth.com"), w.DNSQueries("dvclinic.com"))
	fmt.Println("TLS inspections:", checker.Stats().Handshakes)
	// Output:
	// examplehealth.com: Example Health, Inc. []
	// dvclinic.com:  ["Unknown App"]
	// examplehealth.com: Example Health, Inc. []
	// dvclinic.com:  ["Unknown App"]
	// TXT queries: 1 1
	// TLS inspections: 2
}
