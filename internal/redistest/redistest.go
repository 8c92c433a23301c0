// Package redistest runs a real redis-server on the loopback interface for
// tests, in the spirit of internal/dnstest: no in-process fake stands in for
// Redis. It does not depend on package testing.
//
//	srv, err := redistest.Start()
//	if err != nil { ... }
//	defer srv.Close()
//	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
//
// A [Server] is started on a free 127.0.0.1 port, without persistence, in a
// directory of its own. [Server.Kill] ends it abruptly (SIGKILL, as a crash
// or an OOM kill would), [Server.Restart] starts it again, empty, on the same
// address, and [Server.Pause] and [Server.Resume] stop and continue it
// (SIGSTOP, SIGCONT): a Redis that accepts connections and never answers.
//
// The environment decides what tests do ([Lookup]): APPVERIFY_REDIS_ADDR
// names an existing server to use instead of starting one; without it the
// redis-server binary must be installed, and APPVERIFY_REQUIRE_REDIS=1 (set
// by CI) turns "not installed" from a skip into a failure.
package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Environment variables read by [Lookup].
const (
	// EnvAddr names a running Redis (host:port) tests use instead of
	// starting their own.
	EnvAddr = "APPVERIFY_REDIS_ADDR"
	// EnvRequire, set to 1, makes a missing Redis a failure, not a skip.
	EnvRequire = "APPVERIFY_REQUIRE_REDIS"
)

// ErrNotInstalled reports that no redis-server binary was found.
var ErrNotInstalled = errors.New("redistest: redis-server is not installed (Debian: apt-get install redis-server)")

// Binary returns the path of the redis-server binary, or ErrNotInstalled.
func Binary() (string, error) {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"} {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", ErrNotInstalled
}

// Required reports whether APPVERIFY_REQUIRE_REDIS=1: tests must fail, not
// skip, when Redis cannot be had.
func Required() bool { return os.Getenv(EnvRequire) == "1" }

// Lookup says where tests find Redis: the address in APPVERIFY_REDIS_ADDR if
// set (external is then true), else the binary to start. err is
// ErrNotInstalled when neither is there.
func Lookup() (addr, binary string, external bool, err error) {
	if a := os.Getenv(EnvAddr); a != "" {
		return a, "", true, nil
	}
	binary, err = Binary()
	return "", binary, false, err
}

// Server is a redis-server process on 127.0.0.1. Its methods are safe for
// concurrent use.
type Server struct {
	bin  string
	dir  string
	addr string

	mu     sync.Mutex
	cmd    *exec.Cmd
	out    *bytes.Buffer
	exited chan struct{}
	paused bool
}

// Start starts a redis-server on a free loopback port and waits until it
// answers PING.
func Start() (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return nil, fmt.Errorf("redistest: %w", err)
	}
	s := &Server{bin: bin, dir: dir}
	// A port found free may be taken before redis-server binds it: try a
	// few.
	for range 5 {
		var port int
		if port, err = freePort(); err != nil {
			break
		}
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if err = s.start(); err == nil {
			return s, nil
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("redistest: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Addr returns the server's address, 127.0.0.1:port.
func (s *Server) Addr() string { return s.addr }

// start runs redis-server on s.addr and waits for it to answer. s.mu must
// not be held.
func (s *Server) start() error {
	_, port, _ := net.SplitHostPort(s.addr)
	out := new(bytes.Buffer)
	cmd := exec.Command(s.bin,
		"--bind", "127.0.0.1", "--port", port,
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--protected-mode", "no", "--loglevel", "warning", "--daemonize", "no")
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: starting %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ping(s.addr) == nil {
			break
		}
		select {
		case <-exited:
			return fmt.Errorf("redistest: redis-server on %s exited: %s", s.addr, strings.TrimSpace(out.String()))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redistest: redis-server on %s did not answer PING within 10s: %s", s.addr, strings.TrimSpace(out.String()))
		}
	}
	s.mu.Lock()
	s.cmd, s.out, s.exited, s.paused = cmd, out, exited, false
	s.mu.Unlock()
	return nil
}

// ping sends PING over a fresh connection and reads +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("redistest: PING answered %q", line)
	}
	return nil
}

// Kill ends the server with SIGKILL and waits for it to exit. Its data is
// lost (there is no persistence). Killing a stopped server does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Kill()
	<-exited
}

// Restart starts the server again on the same address, empty, after Kill;
// a running server is killed first.
func (s *Server) Restart() error {
	s.Kill()
	var err error
	for range 50 { // the port may linger briefly
		if err = s.start(); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// Pause stops the server's process (SIGSTOP): connections are accepted by
// the kernel and never answered, as with a Redis stuck in a slow command.
func (s *Server) Pause() error { return s.signal(syscall.SIGSTOP, true) }

// Resume continues a paused server (SIGCONT).
func (s *Server) Resume() error { return s.signal(syscall.SIGCONT, false) }

func (s *Server) signal(sig syscall.Signal, paused bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("redistest: server is not running")
	}
	if err := s.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("redistest: %w", err)
	}
	s.paused = paused
	return nil
}

// Close kills the server and removes its directory. It may be called more
// than once.
func (s *Server) Close() {
	s.mu.Lock()
	paused := s.paused
	s.mu.Unlock()
	if paused {
		s.Resume()
	}
	s.Kill()
	os.RemoveAll(s.dir)
}
