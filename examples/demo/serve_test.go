package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/examples/internal/samples"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// -serve writes root.pem where it says, prints a -dns server that answers
// while it serves, and one appcheck command line per sample with the flags
// it needs; it returns when its context ends.
func TestServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "world") // -dir need not exist yet
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- serveWorld(ctx, &out, dir) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Serving until interrupted") {
		if time.Now().After(deadline) {
			t.Fatalf("no 'Serving' line in 20s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	text := out.String()

	root := filepath.Join(dir, "root.pem")
	if !strings.Contains(text, "Its root certificate is in "+root+".") {
		t.Errorf("output does not say where root.pem is:\n%s", text)
	}
	data, err := os.ReadFile(root)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := pem.Decode(data); b == nil {
		t.Fatal("root.pem holds no PEM block")
	} else if c, err := x509.ParseCertificate(b.Bytes); err != nil || !c.IsCA {
		t.Fatalf("root.pem: %v, CA %v", err, c != nil && c.IsCA)
	}

	m := regexp.MustCompile(`-dns (127\.0\.0\.1:\d+) -cacert ` + regexp.QuoteMeta(root) + ` -allow-private`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no -dns/-cacert line:\n%s", text)
	}
	lctx, lcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer lcancel()
	txt, err := (&dnsverify.Client{Servers: []string{m[1]}}).LookupTXT(lctx, "examplehealth.com")
	if err != nil || !strings.Contains(strings.Join(txt, " "), "cerner-client-id=") {
		t.Errorf("the printed DNS server: %q, %v", txt, err)
	}

	for _, s := range samples.All() {
		line := "-client-id " + s.App.ClientID
		found := false
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "./appcheck -dns "+m[1]+" -cacert "+root) && strings.Contains(l, line) && strings.HasSuffix(l, " "+s.App.RedirectURIs[0]) {
				found = true
				if s.Cert != samples.None && !strings.Contains(l, "-connect-to "+sampleHost(s)+":443:127.0.0.1:") {
					t.Errorf("%s: no -connect-to: %s", s.Key, l)
				}
			}
		}
		if !found {
			t.Errorf("no appcheck line for %s", s.Key)
		}
	}
	if !strings.Contains(text, "go build -o appcheck ./examples/appcheck") {
		t.Error("output does not say how to build appcheck")
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveWorld did not return after its context ended")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"MedMinder":             "MedMinder",
		"Example Health Portal": "'Example Health Portal'",
		"it's":                  `'it'\''s'`,
		"":                      "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
