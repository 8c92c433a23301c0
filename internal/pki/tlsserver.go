package pki

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// loopServer is a 127.0.0.1:0 TCP accept loop that tracks its connections
// and handler goroutines so Close can end them all.
type loopServer struct {
	ln      net.Listener
	handle  func(c net.Conn, closing <-chan struct{})
	closing chan struct{}
	once    sync.Once
	wg      sync.WaitGroup

	accepted atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	done  bool
}

func startLoop(handle func(c net.Conn, closing <-chan struct{})) (*loopServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("pki: listen: %w", err)
	}
	l := &loopServer{ln: ln, handle: handle, closing: make(chan struct{}), conns: make(map[net.Conn]struct{})}
	l.wg.Add(1)
	go l.acceptLoop()
	return l, nil
}

func (l *loopServer) acceptLoop() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return // listener closed
		}
		l.accepted.Add(1)
		l.mu.Lock()
		if l.done {
			l.mu.Unlock()
			_ = c.Close()
			return
		}
		l.conns[c] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go func() {
			defer l.wg.Done()
			defer func() {
				_ = c.Close()
				l.mu.Lock()
				delete(l.conns, c)
				l.mu.Unlock()
			}()
			l.handle(c, l.closing)
		}()
	}
}

func (l *loopServer) addr() string { return l.ln.Addr().String() }

func (l *loopServer) close() {
	if l == nil {
		return
	}
	l.once.Do(func() {
		close(l.closing)
		_ = l.ln.Close()
		l.mu.Lock()
		l.done = true
		for c := range l.conns {
			_ = c.Close()
		}
		l.mu.Unlock()
		l.wg.Wait()
	})
}

// TLSOptions configures StartTLS. The zero value is fine.
type TLSOptions struct {
	// MinVersion and MaxVersion bound the protocol versions (tls.VersionTLS10
	// ... tls.VersionTLS13). Go's server speaks TLS 1.0/1.1 only if
	// MinVersion is set that low; the client must allow it too.
	MinVersion, MaxVersion uint16
	// CipherSuites restricts TLS 1.0–1.2 suites (TLS 1.3 suites are fixed).
	CipherSuites []uint16
	// SNI maps a server name (case-insensitive) to the certificate served
	// for it; other names and clients without SNI get the default cert.
	SNI map[string]tls.Certificate
	// NextProtos are the ALPN protocols offered (default none).
	NextProtos []string
	// Timeout bounds each handshake, each request's headers and each idle
	// wait between requests (default 10s).
	Timeout time.Duration
	// Handler serves the HTTP/1.1 requests of each connection after its
	// handshake. If nil, every request is answered "200 OK" with body "ok"
	// and the connection is closed.
	Handler http.Handler
}

// TLSServer is a crypto/tls server on 127.0.0.1 that serves HTTP/1.1 with
// a handler (TLSOptions.Handler). Safe for concurrent use; its
// certificate and handler can be replaced while it runs.
type TLSServer struct {
	loop       *loopServer
	cfg        *tls.Config
	timeout    time.Duration
	handshakes atomic.Int64
	dropped    atomic.Int64
	http       *http.Server
	conns      *connListener
	serveDone  chan struct{}

	mu      sync.Mutex
	names   []string
	drop    func() bool
	cert    *tls.Certificate
	handler http.Handler
	handed  map[net.Conn]chan struct{} // connections the HTTP server serves
}

// okHandler answers every request "200 OK" with body "ok" and closes the connection.
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	const body = "ok"
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Connection", "close")
	_, _ = io.WriteString(w, body)
})

// StartTLS starts a TLS server on 127.0.0.1:0 serving cert (and opts.SNI).
func StartTLS(cert tls.Certificate, opts TLSOptions) (*TLSServer, error) {
	if err := checkCert(cert); err != nil {
		return nil, err
	}
	sni := make(map[string]*tls.Certificate, len(opts.SNI))
	for name, c := range opts.SNI {
		sni[strings.ToLower(strings.TrimSuffix(name, "."))] = &c
	}
	s := &TLSServer{timeout: opts.Timeout, cert: &cert, handler: opts.Handler,
		serveDone: make(chan struct{}), handed: make(map[net.Conn]chan struct{})}
	if s.timeout <= 0 {
		s.timeout = 10 * time.Second
	}
	s.cfg = &tls.Config{
		MinVersion:   opts.MinVersion,
		MaxVersion:   opts.MaxVersion,
		CipherSuites: opts.CipherSuites,
		NextProtos:   opts.NextProtos,
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			if c, ok := sni[strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))]; ok {
				return c, nil
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.cert, nil
		},
	}
	// The HTTP server and its listener exist before the first connection
	// is accepted; the listener learns its address once there is one.
	s.conns = &connListener{ch: make(chan net.Conn), closed: make(chan struct{})}
	s.http = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: s.timeout,
		IdleTimeout:       s.timeout,
		ConnState:         s.connState,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	loop, err := startLoop(s.serveConn)
	if err != nil {
		return nil, err
	}
	s.loop = loop
	s.conns.addr = loop.ln.Addr()
	go func() {
		defer close(s.serveDone)
		_ = s.http.Serve(s.conns)
	}()
	return s, nil
}

func checkCert(cert tls.Certificate) error {
	if len(cert.Certificate) == 0 || cert.PrivateKey == nil {
		return errors.New("pki: a TLS server needs a certificate with a private key")
	}
	return nil
}

// SetCertificate replaces the default certificate: handshakes from now on
// serve cert (connections already made keep theirs).
func (s *TLSServer) SetCertificate(cert tls.Certificate) error {
	if err := checkCert(cert); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cert = &cert
	return nil
}

// SetHandler replaces the handler (nil: the "ok" answer) for requests
// from now on.
func (s *TLSServer) SetHandler(h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handler = h
}

func (s *TLSServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.handler
	s.mu.Unlock()
	if h == nil {
		h = okHandler
	}
	h.ServeHTTP(w, r)
}

func (s *TLSServer) serveConn(c net.Conn, closing <-chan struct{}) {
	s.mu.Lock()
	drop := s.drop
	s.mu.Unlock()
	if drop != nil && drop() {
		s.dropped.Add(1)
		return // closed before the handshake: the client sees the connection reset or EOF
	}
	_ = c.SetDeadline(time.Now().Add(s.timeout))
	tc := tls.Server(c, s.cfg)
	if err := tc.Handshake(); err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{}) // from here the HTTP server's timeouts apply
	s.handshakes.Add(1)
	st := tc.ConnectionState()
	s.mu.Lock()
	s.names = append(s.names, st.ServerName)
	s.mu.Unlock()
	// Hand the connection to the HTTP server (as the *tls.Conn it looks
	// for, to fill Request.TLS) and wait until it is done with it, so that
	// Close still finds and ends it.
	done := make(chan struct{})
	s.mu.Lock()
	s.handed[tc] = done
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.handed, tc)
		s.mu.Unlock()
	}()
	select {
	case s.conns.ch <- tc:
	case <-closing:
		return
	}
	select {
	case <-done:
	case <-closing:
	}
}

// connState tells serveConn when the HTTP server is done with a connection.
func (s *TLSServer) connState(c net.Conn, st http.ConnState) {
	if st != http.StateClosed && st != http.StateHijacked {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if done, ok := s.handed[c]; ok {
		close(done)
		delete(s.handed, c)
	}
}

// connListener is a net.Listener whose connections are handed to it by
// serveConn after their handshake.
type connListener struct {
	ch     chan net.Conn
	closed chan struct{}
	once   sync.Once
	addr   net.Addr
}

func (l *connListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *connListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *connListener) Addr() net.Addr { return l.addr }

// Addr returns the listening address, "127.0.0.1:port".
func (s *TLSServer) Addr() string { return s.loop.addr() }

// Port returns the listening port.
func (s *TLSServer) Port() int {
	if a, ok := s.loop.ln.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

// Accepted returns the number of TCP connections accepted so far.
func (s *TLSServer) Accepted() int { return int(s.loop.accepted.Load()) }

// Handshakes returns the number of completed TLS handshakes.
func (s *TLSServer) Handshakes() int { return int(s.handshakes.Load()) }

// SetDrop sets f (nil: none) to be asked about each accepted connection
// before its handshake: when it returns true the connection is closed at
// once, so the client's handshake fails (EOF or reset). f may run
// concurrently with itself. Test kits use it for failures that vary from
// connection to connection.
func (s *TLSServer) SetDrop(f func() bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop = f
}

// Dropped returns the number of connections closed before their handshake
// because SetDrop's function said so.
func (s *TLSServer) Dropped() int { return int(s.dropped.Load()) }

// ServerNames returns the SNI names of completed handshakes, in order
// ("" for a client that sent none).
func (s *TLSServer) ServerNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.names...)
}

// Close stops the server, closes open connections and waits for its
// goroutines. Safe to call more than once.
func (s *TLSServer) Close() {
	if s != nil {
		_ = s.http.Close()
		<-s.serveDone
		s.loop.close()
	}
}
