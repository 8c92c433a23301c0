// Command fosite is a minimal OAuth 2.0 authorization server on
// github.com/ory/fosite whose consent page is built from appident's
// assessment of the app: what the patient is told about the site the
// authorization code goes to.
//
// It is an example of embedding appident in an authorization server, with
// an end-to-end test (the authorization-code flow with PKCE, driven by
// golang.org/x/oauth2) against an offline appidenttest world. It is its
// own Go module, so that the SDK's module does not depend on fosite. Run
// its tests from this directory:
//
//	go test ./...
//
// The consent step is where appident fits:
//
//   - fosite's NewAuthorizeRequest checks the client, that the request's
//     redirect_uri is one it registered, PKCE and scopes;
//   - the consent page assesses the app with App.RedirectURI set to that
//     redirect_uri, so the site described is the one the code will be sent
//     to, not the client's first registered URI;
//   - the persona comes from the SMART scopes asked for;
//   - an assessment that failed or did not finish in time (Pending) is
//     fail-closed: "Unknown App" and the domain only.
//
// Run as a program, it serves one client (flags) on -addr, assessing it
// against the real DNS and web: a development aid, not a production server
// (no login, in-memory storage).
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/ory/fosite"

	"github.com/consenttrust/appverify/appident"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	clientID := flag.String("client-id", "", "the client to register: its id (required)")
	secret := flag.String("client-secret", "", "its secret (required)")
	name := flag.String("name", "", "its registered name")
	uris := flag.String("redirect-uris", "", "its redirect URIs, comma-separated (required)")
	scopes := flag.String("scopes", "launch/patient patient/*.read", "the scopes it may ask for, space-separated")
	flag.Parse()
	if *clientID == "" || *secret == "" || *uris == "" {
		flag.Usage()
		os.Exit(2)
	}
	checker, err := appident.New(appident.Config{})
	if err != nil {
		log.Fatal(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		log.Fatal(err)
	}
	srv, err := NewServer(checker, Options{Secret: key, Logger: slog.Default()})
	if err != nil {
		log.Fatal(err)
	}
	err = srv.Register(context.Background(), Client{
		DefaultClient: &fosite.DefaultClient{
			ID: *clientID, RedirectURIs: strings.Split(*uris, ","), Scopes: strings.Fields(*scopes),
		},
		Name: *name,
	}, *secret)
	if err != nil {
		log.Fatal(err)
	}
	hs := &http.Server{Addr: *addr, Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("authorization server on http://%s (authorize: /authorize, token: /token)", *addr)
	log.Fatal(hs.ListenAndServe())
}
