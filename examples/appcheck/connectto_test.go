package main

import (
	"context"
	"net"
	"testing"
	"time"
)

func TestParseConnectTo(t *testing.T) {
	tests := []struct {
		in   string
		want connectTo
	}{
		{"app.examplehealth.com:443:127.0.0.1:8443", connectTo{"app.examplehealth.com", "443", "127.0.0.1", "8443"}},
		{"APP.ExampleHealth.com.:443:127.0.0.1:8443", connectTo{"app.examplehealth.com", "443", "127.0.0.1", "8443"}},
		// IPv6 in brackets, on either side.
		{"app.example.com:443:[::1]:8443", connectTo{"app.example.com", "443", "::1", "8443"}},
		{"[2001:db8::1]:443:[::1]:8443", connectTo{"2001:db8::1", "443", "::1", "8443"}},
		// Empty fields, as curl: any host, any port, keep host, keep port.
		{":443:127.0.0.1:8443", connectTo{"", "443", "127.0.0.1", "8443"}},
		{"app.example.com::127.0.0.1:", connectTo{"app.example.com", "", "127.0.0.1", ""}},
		{"app.example.com:443::8443", connectTo{"app.example.com", "443", "", "8443"}},
	}
	for _, tt := range tests {
		got, err := parseConnectTo(tt.in)
		if err != nil {
			t.Errorf("parseConnectTo(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("parseConnectTo(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseConnectToBad(t *testing.T) {
	for _, in := range []string{
		"",
		"app.example.com",
		"app.example.com:443",
		"app.example.com:443:127.0.0.1",
		"app.example.com:443:127.0.0.1:8443:9",
		"app.example.com:https:127.0.0.1:8443",
		"app.example.com:443:127.0.0.1:0",
		"app.example.com:443:127.0.0.1:65536",
		"app.example.com:443::",
		"app.example.com:443:::1:8443", // IPv6 without brackets
		"app.example.com:443:[::1:8443",
		"app.example.com:443:[::1]x:8443",
		"app.example.com:443:[]:8443",
		"a]b:443:127.0.0.1:8443",
	} {
		if c, err := parseConnectTo(in); err == nil {
			t.Errorf("parseConnectTo(%q) = %+v, want an error", in, c)
		}
	}
}

func TestDialerRewrite(t *testing.T) {
	d := &dialer{rules: []connectTo{
		{"app.examplehealth.com", "443", "127.0.0.1", "8443"},
		{"[v6].example.com", "443", "::1", "9443"},
		{"ocsp.example.com", "", "", "8080"},
		{"", "853", "10.0.0.1", ""},
	}}
	tests := []struct{ in, want string }{
		{"app.examplehealth.com:443", "127.0.0.1:8443"},
		{"APP.examplehealth.com.:443", "127.0.0.1:8443"},
		{"app.examplehealth.com:80", "app.examplehealth.com:80"}, // port differs
		{"www.examplehealth.com:443", "www.examplehealth.com:443"},
		{"ocsp.example.com:80", "ocsp.example.com:8080"},
		{"anything.example:853", "10.0.0.1:853"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		if got := d.rewrite(tt.in); got != tt.want {
			t.Errorf("rewrite(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	v6 := &dialer{rules: []connectTo{{"app.example.com", "443", "::1", "8443"}}}
	if got, want := v6.rewrite("app.example.com:443"), "[::1]:8443"; got != want {
		t.Errorf("rewrite to IPv6 = %q, want %q", got, want)
	}
}

// TestDialerConnects dials a name that does not resolve and reaches a real
// listener through the rule.
func TestDialerConnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- ""
			return
		}
		accepted <- c.LocalAddr().String()
		c.Close()
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	d := newDialer([]connectTo{{"app.examplehealth.invalid", "443", "127.0.0.1", port}}, true, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", "app.examplehealth.invalid:443")
	if err != nil {
		t.Fatalf("DialContext: %v", err)
	}
	defer c.Close()
	if got, want := c.RemoteAddr().String(), ln.Addr().String(); got != want {
		t.Errorf("connected to %s, want %s", got, want)
	}
	if got := <-accepted; got != ln.Addr().String() {
		t.Errorf("listener accepted on %q, want %q", got, ln.Addr())
	}
}

// FuzzParseConnectTo: a -connect-to value comes from the command line, so any
// string must parse or fail cleanly; an error means a zero rule, and a rule
// that parses formats back to a value that parses to the same rule.
func FuzzParseConnectTo(f *testing.F) {
	for _, s := range []string{
		"app.example.com:443:127.0.0.1:8443",
		"[::1]:443:[2001:db8::1]:8443",
		"::127.0.0.1:",
		"a:b:c:d", "[", "]:::", "a:0:b:70000", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseConnectTo(s)
		if err != nil {
			if c != (connectTo{}) {
				t.Fatalf("parseConnectTo(%q) = %+v with error %v: want the zero rule", s, c, err)
			}
			return
		}
		again, err := parseConnectTo(c.String())
		if err != nil {
			t.Fatalf("parseConnectTo(%q) = %+v, but its String %q does not parse: %v", s, c, c.String(), err)
		}
		if again != c {
			t.Fatalf("round trip of %q: got %+v, want %+v", s, again, c)
		}
	})
}
