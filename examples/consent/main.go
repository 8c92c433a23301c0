// Command consent is an OAuth-style consent page that embeds the
// appident.Checker: /consent?client_id=... shows the patient what the
// Checker found about the app asking for access (name, organization,
// location, domain, and the "Validated" and "Unknown App" labels), and
// /api/assessment?client_id=... returns the assessment as JSON.
//
// It serves the sample apps of examples/demo, against the same loopback
// world (DNS, test CA, TLS servers, OCSP and CRL), so it needs no internet:
//
//	go run ./examples/consent            # then open http://127.0.0.1:8080/
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/examples/internal/samples"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := serve(*addr, log); err != nil {
		fmt.Fprintf(os.Stderr, "consent: %v\n", err)
		os.Exit(1)
	}
}

// newSampleServer starts the sample world and returns a consent server for
// its apps, and a function that stops the world.
func newSampleServer(log *slog.Logger) (*server, func(), error) {
	world, err := samples.Start()
	if err != nil {
		return nil, nil, err
	}
	checker, err := appident.New(world.Config())
	if err != nil {
		world.Close()
		return nil, nil, err
	}
	var regs []registration
	for _, s := range samples.All() {
		regs = append(regs, registration{App: s.App, Title: s.App.Name + ": " + s.Title})
	}
	return newServer(checker, regs, log), world.Close, nil
}

func serve(addr string, log *slog.Logger) error {
	srv, stop, err := newSampleServer(log)
	if err != nil {
		return err
	}
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	fmt.Printf("consent page: http://%s/\n", ln.Addr())
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	go func() {
		<-ctx.Done()
		shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
