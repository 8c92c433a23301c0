package redistest

import (
	"net"
	"testing"
	"time"
)

func TestServerLifecycle(t *testing.T) {
	if _, err := Binary(); err != nil {
		if Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("PING a started server: %v", err)
	}
	s.Kill()
	if err := ping(s.Addr()); err == nil {
		t.Fatal("a killed server still answers PING")
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("PING after Restart on the same address: %v", err)
	}
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	// A paused server accepts the connection (the kernel does) and never
	// answers.
	c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
	if err != nil {
		t.Fatalf("dial a paused server: %v", err)
	}
	c.SetDeadline(time.Now().Add(200 * time.Millisecond))
	c.Write([]byte("PING\r\n"))
	if n, err := c.Read(make([]byte, 16)); err == nil {
		t.Errorf("a paused server answered %d bytes", n)
	}
	c.Close()
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("PING after Resume: %v", err)
	}
}
