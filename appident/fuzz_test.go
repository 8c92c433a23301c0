package appident_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/label"
)

// FuzzAssess feeds Assess arbitrary client ids, redirect URIs and names,
// with a Resolver and a Dialer that refuse everything instantly. Assess
// never panics; it fails iff the client id is empty or the URI does not
// parse; otherwise the Assessment shows a domain, fails closed (nothing
// can be verified here, so Unknown App) and marshals to valid JSON.
func FuzzAssess(f *testing.F) {
	for _, s := range [][3]string{
		{clientID, "https://app.examplehealth.com/callback", "Example Health"},
		{"id", "http://localhost:8080/cb", "Dev"},
		{"", "https://app.examplehealth.com/", "x"},
		{"id", "https://[::ffff:127.0.0.1]/", ""},
		{"id", "https://xn--bcher-kva.de/", "B\u202eücher"},
		{"id", "com.example.app:/oauth2redirect", "Native"},
		{" ", "https://EXAMPLE.com./a?b#c", "\x00"},
		{"id", "https://a.b.c.github.io:443/", "x"},
		{"id\n", "https://169.254.169.254/latest/meta-data", "x"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	c, err := appident.New(appident.Config{Resolver: refuseAll{}, Dialer: refuseDialer{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id, uri, name string) {
		a, err := c.Assess(context.Background(), appident.App{ClientID: id, Name: name, RedirectURIs: []string{uri}, Validated: true})
		_, perr := etld.Parse(uri)
		wantErr := strings.TrimSpace(id) == "" || perr != nil
		if (err != nil) != wantErr {
			t.Fatalf("Assess(%q, %q) error = %v; want an error: %v (parse: %v)", id, uri, err, wantErr, perr)
		}
		if err != nil {
			if (a != nil) != (perr == nil) {
				t.Fatalf("Assess returned %+v with an error: want a fail-closed assessment exactly when the site can be named", a)
			}
			if a != nil && (a.Described || a.Display.Domain == "" || a.Display.Labels[0] != label.UnknownApp) {
				t.Fatalf("Assess returned %+v with an error: want it fail-closed", a)
			}
			if !strings.HasPrefix(err.Error(), "appident: ") {
				t.Fatalf("error %q lacks the prefix", err)
			}
			return
		}
		if a.Described || a.Display.AppName != "" || a.Display.Organization != "" {
			t.Fatalf("described %v, display %+v: nothing could be verified", a.Described, a.Display)
		}
		if a.Display.Domain == "" || len(a.Display.Labels) == 0 || a.Display.Labels[0] != label.UnknownApp || a.Findings == nil {
			t.Fatalf("display %+v, findings %v: want the domain as Unknown App", a.Display, a.Findings)
		}
		b, err := json.Marshal(a)
		if err != nil || !json.Valid(b) {
			t.Fatalf("json.Marshal: %v, %s", err, b)
		}
	})
}
