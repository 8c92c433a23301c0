package appidentexpvar_test

import (
	"context"
	"encoding/json"
	"expvar"
	"fmt"
	"log"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidentexpvar"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// A Checker's counters published as the expvar variable "appident": a
// server that serves http.DefaultServeMux shows them at /debug/vars.
func ExamplePublish() {
	w, err := appidenttest.NewWorld()
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	site, err := w.AddSite(appidenttest.SiteOptions{
		Host: "app.examplehealth.com", Type: tlsinspect.OV, Organization: "Example Health, Inc.", Country: "US",
		ClientIDs: []string{"my-client-id"},
	})
	if err != nil {
		log.Fatal(err)
	}
	checker, err := appident.New(w.Config())
	if err != nil {
		log.Fatal(err)
	}
	if err := appidentexpvar.Publish("appident", checker); err != nil {
		log.Fatal(err)
	}
	for range 2 {
		if _, err := checker.Assess(context.Background(), site.App("my-client-id", "My App")); err != nil {
			log.Fatal(err)
		}
	}
	var m map[string]uint64
	if err := json.Unmarshal([]byte(expvar.Get("appident").String()), &m); err != nil {
		log.Fatal(err)
	}
	fmt.Println("assessments:", m["assessments"])
	fmt.Println("dns_lookups:", m["dns_lookups"])
	fmt.Println("handshakes:", m["handshakes"])
	// Output:
	// assessments: 2
	// dns_lookups: 1
	// handshakes: 1
}
