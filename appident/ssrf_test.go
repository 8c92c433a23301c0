package appident_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
)

var errTestStop = errors.New("test: stopped before connecting")

// controlRecorder is a net.Dialer Control that records the addresses it is
// asked to connect to and stops every connection before a packet is sent,
// so that allowing 10.0.0.1 or 169.254.169.254 in a test never leaves the
// machine.
type controlRecorder struct {
	mu    sync.Mutex
	addrs []string
}

func (r *controlRecorder) control(_, address string, _ syscall.RawConn) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addrs = append(r.addrs, address)
	return errTestStop
}

func (r *controlRecorder) dialled() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.addrs...)
}

// TestEgressGuardRefusesPrivateAddresses: a redirect host resolving (through
// a *net.Dialer whose Resolver asks the test DNS server) to a loopback,
// private, IPv4-mapped loopback or link-local (cloud metadata) address is
// never dialled without AllowPrivate, and is with it.
func TestEgressGuardRefusesPrivateAddresses(t *testing.T) {
	w := appidenttest.New(t)
	for _, tc := range []struct {
		host string
		ip   string
	}{
		{"app.loopback-ssrf.com", "127.0.0.1"},
		{"app.private-ssrf.com", "10.0.0.1"},
		{"app.mapped-ssrf.com", "::ffff:127.0.0.1"},
		{"app.metadata-ssrf.com", "169.254.169.254"},
	} {
		ip := netip.MustParseAddr(tc.ip)
		resolver := w.NetResolver()
		w.SetA(tc.host, ip) // an IPv4-mapped address is served as AAAA
		w.AddTXT(strings.TrimPrefix(tc.host, "app."), []string{"cerner-client-id=" + clientID})
		app := appident.App{ClientID: clientID, Name: "X", RedirectURIs: []string{"https://" + tc.host + "/cb"}}
		for _, allow := range []bool{false, true} {
			rec := &controlRecorder{}
			cfg := w.Config()
			cfg.AllowPrivate = allow
			cfg.Dialer = &net.Dialer{Resolver: resolver, Control: rec.control}
			c := newChecker(t, cfg)
			a := assess(t, c, app)
			dialled := rec.dialled()
			if !allow {
				if !errors.Is(a.TLSErr, appident.ErrRefused) || !hasFinding(a.Findings, "egress.refused") {
					t.Errorf("%s → %s: TLSErr %v, findings %v; want refused by the egress guard", tc.host, tc.ip, a.TLSErr, codes(a.Findings))
				}
				if len(dialled) != 0 {
					t.Errorf("%s → %s: the socket reached connect for %v; want nothing dialled", tc.host, tc.ip, dialled)
				}
				if st := c.Stats(); st.Refusals == 0 || st.Handshakes != 1 {
					t.Errorf("%s: Stats %+v; want a refusal counted", tc.host, st)
				}
				if a.Described || a.Display.Domain != strings.TrimPrefix(tc.host, "app.") {
					t.Errorf("%s: display %+v; want the domain, as Unknown App", tc.host, a.Display)
				}
			} else {
				if errors.Is(a.TLSErr, appident.ErrRefused) || hasFinding(a.Findings, "egress.refused") {
					t.Errorf("%s → %s with AllowPrivate: TLSErr %v, findings %v; want it allowed", tc.host, tc.ip, a.TLSErr, codes(a.Findings))
				}
				if len(dialled) == 0 || !errors.Is(a.TLSErr, errTestStop) {
					t.Errorf("%s → %s with AllowPrivate: dialled %v, TLSErr %v; want a dial attempted", tc.host, tc.ip, dialled, a.TLSErr)
				}
			}
		}
	}
}

// TestEgressGuardChecksCustomDialers: a Dialer that is not a *net.Dialer
// (here the world's own, which connects to the site's loopback server) is
// checked on the address it connected to, before a byte is sent.
func TestEgressGuardChecksCustomDialers(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.customdialer.com"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := w.Config()
	cfg.AllowPrivate = false
	a := assess(t, newChecker(t, cfg), site.App(clientID, "X"))
	if !errors.Is(a.TLSErr, appident.ErrRefused) || !hasFinding(a.Findings, "egress.refused") {
		t.Fatalf("TLSErr %v, findings %v; want the loopback connection refused", a.TLSErr, codes(a.Findings))
	}
	if n := site.Handshakes(); n != 0 {
		t.Fatalf("the server saw %d handshakes; want none: not a byte may reach a refused address", n)
	}
	cfg.AllowPrivate = true
	a = assess(t, newChecker(t, cfg), site.App(clientID, "X"))
	settleHandshakes(site.Handshakes, 1)
	if a.TLSErr != nil || site.Handshakes() != 1 || !a.Described {
		t.Fatalf("with AllowPrivate: TLSErr %v, %d handshakes, described %v; want one handshake, described", a.TLSErr, site.Handshakes(), a.Described)
	}
}

// publicConn is a connection to a loopback test server that reports a public
// remote address: it stands in for a redirect host on the internet, which a
// test may not reach.
type publicConn struct{ net.Conn }

func (publicConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.ParseIP("93.184.215.14"), Port: 443}
}

// internetDialer connects the site's host to its loopback TLS server as if it
// were on the internet, and every other address as it is.
type internetDialer struct {
	site *appidenttest.Site
	d    net.Dialer
}

func (d *internetDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if address == net.JoinHostPort(d.site.Host, "443") {
		c, err := d.d.DialContext(ctx, network, d.site.Addr)
		if err != nil {
			return nil, err
		}
		return publicConn{c}, nil
	}
	return d.d.DialContext(ctx, network, address)
}

// TestEgressGuardRefusesLoopbackRevocationURLs: a certificate whose CRL and
// OCSP URLs point at loopback gets no fetch without AllowPrivate: the
// revocation server sees no request, the status is unknown (a soft failure:
// the app is still described) and a finding says why.
func TestEgressGuardRefusesLoopbackRevocationURLs(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.revurl.com"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := w.Config()
	cfg.AllowPrivate = false
	cfg.Dialer = &internetDialer{site: site}
	c := newChecker(t, cfg)
	a := assess(t, c, site.App(clientID, "Rev URL"))
	if a.TLSErr != nil || a.TLS == nil {
		t.Fatalf("TLSErr %v: the handshake with the (public) host must succeed", a.TLSErr)
	}
	if a.TLS.Revocation != tlsinspect.RevocationUnknown || !hasFinding(a.Findings, "egress.refused") {
		t.Errorf("revocation %v, findings %v; want unknown, with an egress.refused finding", a.TLS.Revocation, codes(a.Findings))
	}
	if !a.Described {
		t.Errorf("not described (findings %v): an unknown revocation status is a soft failure", a.Findings)
	}
	if n := w.OCSPRequests() + w.CRLRequests(); n != 0 {
		t.Errorf("the revocation server saw %d requests; want none", n)
	}
	if st := c.Stats(); st.Refusals == 0 {
		t.Errorf("Stats %+v: want refusals", st)
	}

	cfg.AllowPrivate = true
	c = newChecker(t, cfg)
	site.Revoke()
	a = assess(t, c, site.App(clientID, "Rev URL"))
	if a.TLS == nil || a.TLS.Revocation != tlsinspect.RevocationRevoked || w.OCSPRequests()+w.CRLRequests() == 0 {
		t.Errorf("with AllowPrivate: report %+v, %d requests; want the revocation fetched (revoked)", a.TLS, w.OCSPRequests()+w.CRLRequests())
	}
	if st := c.Stats(); st.Refusals != 0 {
		t.Errorf("Stats %+v: want no refusal", st)
	}
}

// TestEgressRefusalFollowsThePersona: the requirements are recommendations
// for provider and system apps, so appident's own requirement-bound
// findings ("egress.refused") are lowered one step for them, as package
// label lowers its own: should becomes info.
func TestEgressRefusalFollowsThePersona(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.personarefused.com"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := w.Config()
	cfg.AllowPrivate = false
	c := newChecker(t, cfg)
	for _, tc := range []struct {
		persona label.Persona
		want    label.Severity
	}{
		{label.Patient, label.Should},
		{label.Provider, label.Info},
		{label.System, label.Info},
	} {
		app := site.App(clientID, "X")
		app.Persona = tc.persona
		a := assess(t, c, app)
		found := false
		for _, f := range a.Findings {
			if f.Code == "egress.refused" {
				found = true
				if f.Severity != tc.want {
					t.Errorf("%v: egress.refused is %v; want %v", tc.persona, f.Severity, tc.want)
				}
			}
		}
		if !found {
			t.Errorf("%v: findings %v; want egress.refused", tc.persona, codes(a.Findings))
		}
		for i := 1; i < len(a.Findings); i++ {
			if a.Findings[i].Severity > a.Findings[i-1].Severity {
				t.Errorf("%v: findings not most severe first: %v", tc.persona, a.Findings)
			}
		}
	}
}
