package tlsinspect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/internal/pki"
)

// stapleAt returns a staple about l with status, produced (thisUpdate) at
// produced and valid for 10 days from then, as real CAs' responses are.
func (w *world) stapleAt(t *testing.T, l *pki.Leaf, status int, produced time.Time) []byte {
	t.Helper()
	b, err := w.inter.OCSPResponse(l.Cert, status, produced, produced.Add(10*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMaxStapleAge: a staple counts only when its thisUpdate is within
// MaxStapleAge (12 hours by default); an older one, however long it is
// valid, falls back to the CRL and then the OCSP responder, and
// RevocationAt says when the deciding status was produced.
func TestMaxStapleAge(t *testing.T) {
	for _, tt := range []struct {
		name       string
		maxAge     time.Duration
		age        time.Duration // of the staple, which says good
		crlRevoked bool          // the CRL and the responder say revoked
		crlDown    bool          // the CRL and the responder fail
		want       Revocation
		wantSource string
	}{
		{"fresh staple decides alone", 0, 11 * time.Hour, true, false, RevocationGood, SourceStapled},
		{"old staple, revoked on the CRL", 0, 13 * time.Hour, true, false, RevocationRevoked, SourceCRL},
		{"old staple, good on the CRL", 0, 13 * time.Hour, false, false, RevocationGood, SourceCRL},
		{"old staple, nothing else answers", 0, 13 * time.Hour, false, true, RevocationUnknown, ""},
		{"shorter limit", time.Hour, 2 * time.Hour, true, false, RevocationRevoked, SourceCRL},
		{"longer limit", 48 * time.Hour, 13 * time.Hour, true, false, RevocationGood, SourceStapled},
		{"negative: no staple counts", -1, time.Minute, true, false, RevocationRevoked, SourceCRL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			now := w.clock.Now()
			l := w.leaf(t, nil)
			if tt.crlRevoked {
				w.rev.Revoke(w.inter, l.Cert.SerialNumber, now.Add(-time.Minute))
			}
			if tt.crlDown {
				w.rev.SetFault(w.inter, pki.FaultHTTP500)
			}
			produced := now.Add(-tt.age).Truncate(time.Second)
			r := w.inspect(t, l.StapledTLSCertificate(w.stapleAt(t, l, pki.OCSPGood, produced)), pki.TLSOptions{},
				func(in *Inspector) { in.MaxStapleAge = tt.maxAge })
			if r.Revocation != tt.want || r.RevocationSource != tt.wantSource {
				t.Fatalf("%v from %q, want %v from %q (%s)", r.Revocation, r.RevocationSource, tt.want, tt.wantSource, r.RevocationReason)
			}
			fetches := w.rev.CRLRequests() + w.rev.OCSPRequests()
			switch tt.wantSource {
			case SourceStapled:
				if fetches != 0 {
					t.Errorf("%d fetches although the staple decided", fetches)
				}
				if !r.RevocationAt.Equal(produced) {
					t.Errorf("RevocationAt %v, want the staple's thisUpdate %v", r.RevocationAt, produced)
				}
			case SourceCRL:
				if w.rev.CRLRequests() != 1 {
					t.Errorf("%d CRL requests", w.rev.CRLRequests())
				}
				if !r.RevocationAt.Equal(now) {
					t.Errorf("RevocationAt %v, want the CRL's fetch time %v", r.RevocationAt, now)
				}
			default:
				if !r.RevocationAt.IsZero() {
					t.Errorf("RevocationAt %v for an unknown status", r.RevocationAt)
				}
				if !strings.Contains(r.RevocationReason, "older than the 12h0m0s allowed") {
					t.Errorf("reason %q does not say the staple is too old", r.RevocationReason)
				}
			}
		})
	}
}

// TestOldRevokedStaple: a staple older than MaxStapleAge that says revoked
// does not decide while the CRL answers, but is not thrown away when nothing
// else answers: a revocation stays true.
func TestOldRevokedStaple(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	l := w.leaf(t, nil)
	produced := now.Add(-20 * time.Hour).Truncate(time.Second)
	cert := l.StapledTLSCertificate(w.stapleAt(t, l, pki.OCSPRevoked, produced))

	r := w.inspect(t, cert, pki.TLSOptions{}, nil)
	if r.Revocation != RevocationGood || r.RevocationSource != SourceCRL {
		t.Errorf("CRL up: %v from %q (%s)", r.Revocation, r.RevocationSource, r.RevocationReason)
	}
	w.rev.SetFault(w.inter, pki.FaultHTTP500)
	r = w.inspect(t, cert, pki.TLSOptions{}, nil)
	if r.Revocation != RevocationRevoked || r.RevocationSource != SourceStapled || !r.RevocationAt.Equal(produced) {
		t.Errorf("CRL down: %v from %q at %v (%s)", r.Revocation, r.RevocationSource, r.RevocationAt, r.RevocationReason)
	}
	wantFindings(t, r, code.Revoked)
}

// TestRevocationAt: a CRL served from the cache dates from its fetch, an
// OCSP responder's status from when it was asked (not its thisUpdate, which a
// CDN in front of the responder may have cached for hours).
func TestRevocationAt(t *testing.T) {
	w := newWorld(t)
	start := w.clock.Now()
	l := w.leaf(t, crlOnly(w))
	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := w.inspector(srv.Addr())
	for _, at := range []time.Duration{0, 3 * time.Hour} {
		w.clock.Set(start.Add(at))
		r, err := in.Inspect(context.Background(), testHost, 443)
		if err != nil {
			t.Fatal(err)
		}
		if r.Revocation != RevocationGood || !r.RevocationAt.Equal(start) {
			t.Errorf("+%v: %v at %v, want the first fetch %v", at, r.Revocation, r.RevocationAt, start)
		}
	}
	if n := w.rev.CRLRequests(); n != 1 {
		t.Errorf("%d CRL requests", n)
	}

	o := w.leaf(t, ocspOnly(w))
	r := w.inspect(t, o.TLSCertificate(), pki.TLSOptions{}, nil)
	// The responder's thisUpdate is a minute before its clock; the status
	// counts from when it was asked.
	want := w.clock.Now()
	if r.Revocation != RevocationGood || r.RevocationSource != SourceOCSP || !r.RevocationAt.Equal(want) {
		t.Errorf("OCSP: %v from %q at %v, want %v", r.Revocation, r.RevocationSource, r.RevocationAt, want)
	}
}
