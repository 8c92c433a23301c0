package appident_test

import (
	"context"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// The site described is the one the request's redirect URI lives on, the
// site the code goes to: never the primary's when another is requested.
func TestRequestedRedirectURIIsDescribed(t *testing.T) {
	w := appidenttest.New(t)
	primary, err := w.AddSite(ovSite("app.examplehealth.com"))
	if err != nil {
		t.Fatal(err)
	}
	o := ovSite("app.steptrack.io")
	o.Organization = "StepTrack Ltd"
	other, err := w.AddSite(o)
	if err != nil {
		t.Fatal(err)
	}
	dv := ovSite("app.dvtrack.io")
	dv.Type, dv.Organization = tlsinspect.DV, ""
	unknown, err := w.AddSite(dv)
	if err != nil {
		t.Fatal(err)
	}
	c := newChecker(t, w.Config())
	app := primary.App(clientID, "Step Health")
	app.RedirectURIs = append(app.RedirectURIs, other.App(clientID, "").RedirectURIs[0], unknown.App(clientID, "").RedirectURIs[0])

	a := assess(t, c, app)
	if a.Display.Organization != "Example Health, Inc." || a.Site.ETLDPlusOne != "examplehealth.com" {
		t.Errorf("primary: display %+v: want Example Health", a.Display)
	}
	if !hasFinding(a.Findings, "redirect.multiple_sites") {
		t.Errorf("findings %v: want the registration spanning several sites said", codes(a.Findings))
	}
	app.RedirectURI = app.RedirectURIs[1]
	a = assess(t, c, app)
	if a.Display.Organization != "StepTrack Ltd" || a.Display.Domain != "steptrack.io" || a.RedirectURI != app.RedirectURI {
		t.Errorf("second URI: display %+v: want StepTrack Ltd on steptrack.io", a.Display)
	}
	app.RedirectURI = app.RedirectURIs[2]
	a = assess(t, c, app)
	if a.Described || a.Display.Organization != "" || a.Display.Domain != "dvtrack.io" {
		t.Errorf("third URI: display %+v: want dvtrack.io as Unknown App, never the primary's organization", a.Display)
	}
}

func TestLoopbackRedirectURIMayChangePort(t *testing.T) {
	c := offlineChecker(t)
	app := appident.App{ClientID: "native", RedirectURIs: []string{"http://127.0.0.1:8080/cb", "http://[::1]/cb"}}
	for _, uri := range []string{"http://127.0.0.1:51234/cb", "http://127.0.0.1/cb", "http://[::1]:6000/cb"} {
		app.RedirectURI = uri
		a, err := c.Assess(context.Background(), app)
		if err != nil || a.RedirectURI != uri || a.Site.Development == 0 {
			t.Errorf("%s: %+v, %v; want it accepted, a development target", uri, a, err)
		}
	}
}

// A host that never answers gives a Pending, fail-closed assessment within
// the budget; the lookup finishes in the background, and a later Assess is
// described, with one lookup in all.
func TestSilentHostIsPendingThenDescribed(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.slowhealth.com"))
	if err != nil {
		t.Fatal(err)
	}
	w.SetDNSDelay(site.ETLDPlusOne, 500*time.Millisecond)
	cfg := w.Config()
	cfg.Timeout = 100 * time.Millisecond
	c := newChecker(t, cfg)
	app := site.App(clientID, "Slow Health")
	start := time.Now()
	a := assess(t, c, app)
	if took := time.Since(start); took > 400*time.Millisecond {
		t.Errorf("took %v: want an answer within the 100 ms budget", took)
	}
	if !a.Pending || a.Described || a.Display.Domain != "slowhealth.com" || !hasFinding(a.Findings, "evidence.pending") {
		t.Fatalf("pending %v, display %+v, findings %v: want Pending, the domain as Unknown App", a.Pending, a.Display, codes(a.Findings))
	}
	settle(t, c)
	a = assess(t, c, app)
	if a.Pending || !a.Described {
		t.Fatalf("pending %v, findings %v: want described from the background lookup", a.Pending, codes(a.Findings))
	}
	if s := c.Stats(); s.DNSLookups != 1 || s.Handshakes != 1 || s.Pending != 1 {
		t.Errorf("Stats %+v: want one lookup, one handshake, one pending assessment", s)
	}
}

func TestCloseStopsBackgroundWork(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.closing.com"))
	if err != nil {
		t.Fatal(err)
	}
	w.SetDNSDelay(site.ETLDPlusOne, 300*time.Millisecond)
	cfg := w.Config()
	cfg.Timeout = 10 * time.Millisecond
	c := newChecker(t, cfg)
	app := site.App(clientID, "Closing")
	if a := assess(t, c, app); !a.Pending {
		t.Fatalf("want a pending assessment, lookups in the background")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if s := c.Stats(); s.InFlight != 0 {
		t.Errorf("Stats %+v after Close: want nothing running", s)
	}
	if _, err := c.Assess(context.Background(), app); err != appident.ErrClosed {
		t.Errorf("Assess after Close: %v, want ErrClosed", err)
	}
}
