package pki

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ocsp"
)

// readBody reads and closes resp's body.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// TestConcurrentUseAndNoLeaks hammers one CA, one revocation server and one
// TLS server from several goroutines, then checks every server goroutine ends
// on Close.
func TestConcurrentUseAndNoLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	w := newWorld(t)
	rev, err := NewRevocationServer(RevocationOptions{})
	require.NoError(t, err)
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"c.test"}})
	require.NoError(t, err)
	srv, err := StartTLS(leaf.TLSCertificate(), TLSOptions{})
	require.NoError(t, err)
	hostile, err := StartHostile(HostileSilent)
	require.NoError(t, err)
	tr := &http.Transport{DisableKeepAlives: true}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := w.inter.Issue(LeafOptions{DNSNames: []string{"c.test"}})
			if err != nil {
				errs <- err
				return
			}
			rev.Revoke(w.inter, l.Cert.SerialNumber, time.Now())
			req, err := ocsp.CreateRequest(l.Cert, w.inter.Cert, nil)
			if err != nil {
				errs <- err
				return
			}
			resp, err := client.Post(rev.OCSPURL(w.inter), "application/ocsp-request", bytes.NewReader(req))
			if err != nil {
				errs <- err
				return
			}
			raw, err := readBody(resp)
			if err != nil {
				errs <- err
				return
			}
			r, err := ocsp.ParseResponseForCert(raw, l.Cert, w.inter.Cert)
			if err != nil {
				errs <- err
				return
			}
			if r.Status != ocsp.Revoked {
				errs <- errors.New("not revoked")
			}
			cresp, err := client.Get(rev.CRLURL(w.inter, 0))
			if err != nil {
				errs <- err
				return
			}
			if _, err := readBody(cresp); err != nil {
				errs <- err
			}
			conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", srv.Addr(),
				&tls.Config{ServerName: "c.test", RootCAs: w.root.Pool()})
			if err != nil {
				errs <- err
				return
			}
			_ = conn.Close()
			c, err := net.Dial("tcp", hostile.Addr())
			if err == nil {
				_ = c.Close()
			}
		}()
	}
	// A connection left open across Close.
	open, err := net.Dial("tcp", srv.Addr())
	require.NoError(t, err)
	defer open.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	require.Eventually(t, func() bool { return srv.Handshakes() == 4 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, 4, rev.OCSPRequests())
	assert.Equal(t, 4, rev.CRLRequests())

	tr.CloseIdleConnections()
	rev.Close()
	srv.Close()
	hostile.Close()
	// Polled here rather than with require.Eventually, which runs its
	// condition on goroutines of its own and so would count them.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left running")
}
