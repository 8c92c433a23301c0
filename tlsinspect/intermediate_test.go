package tlsinspect

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/internal/pki"
)

const revocableCA = "tlsinspect Revocable CA"

// crlWorld is a world whose intermediate names crlDP (the root's CRL when
// nil) as its CRL distribution points.
func crlWorld(t *testing.T, crlDP func(w *world) []string) *world {
	t.Helper()
	w := newWorld(t)
	dp := []string{w.rev.CRLURL(w.root, 0)}
	if crlDP != nil {
		dp = crlDP(w)
	}
	var err error
	if w.inter, err = w.root.NewIntermediate(revocableCA, pki.CAOptions{CRLDistributionPoints: dp}); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestIntermediateRevoked(t *testing.T) {
	w := crlWorld(t, nil)
	rootCRL := w.rev.CRLURL(w.root, 0)
	w.rev.RevokeWithReason(w.root, w.inter.Cert.SerialNumber, w.clock.Now().Add(-time.Hour), ocsp.CACompromise)

	good := w.leaf(t, nil)
	for name, cert := range map[string]func() *Report{
		"good staple": func() *Report {
			return w.inspect(t, good.StapledTLSCertificate(w.staple(t, good, pki.OCSPGood)), pki.TLSOptions{}, nil)
		},
		"good CRL": func() *Report { return w.inspect(t, good.TLSCertificate(), pki.TLSOptions{}, nil) },
		"unknown leaf, hard-fail": func() *Report {
			l := w.leaf(t, func(o *pki.LeafOptions) { o.OCSPServer, o.CRLDistributionPoints = nil, nil })
			return w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, func(in *Inspector) { in.HardFail = true })
		},
	} {
		r := cert()
		if r.Revocation != RevocationRevoked || r.RevocationSource != SourceCRL || r.RevocationURL != rootCRL {
			t.Errorf("%s: %v from %q %q (%s)", name, r.Revocation, r.RevocationSource, r.RevocationURL, r.RevocationReason)
		}
		want := `issuing CA certificate "` + revocableCA + `" revoked at `
		if !strings.HasPrefix(r.RevocationReason, want) || !strings.Contains(r.RevocationReason, "cACompromise") {
			t.Errorf("%s: reason %q", name, r.RevocationReason)
		}
		if name == "unknown leaf, hard-fail" {
			wantFindings(t, r, code.Revoked, code.NoRevocationPointer)
		} else {
			wantFindings(t, r, code.Revoked)
		}
		if !r.Trusted {
			t.Errorf("%s: not trusted (%s)", name, r.TrustError)
		}
		if _, _, ok := r.LegalEntity(); ok {
			t.Errorf("%s: LegalEntity under a revoked intermediate", name)
		}
	}

	// A revoked leaf stays the reason, and the intermediate is not fetched.
	bad := w.leaf(t, nil)
	w.rev.Revoke(w.inter, bad.Cert.SerialNumber, w.clock.Now().Add(-time.Minute))
	before := w.rev.Requests(rootCRL)
	r := w.inspect(t, bad.StapledTLSCertificate(w.staple(t, bad, pki.OCSPRevoked)), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationRevoked || r.RevocationSource != SourceStapled || strings.Contains(r.RevocationReason, "issuing CA") {
		t.Errorf("revoked leaf: %v from %q (%s)", r.Revocation, r.RevocationSource, r.RevocationReason)
	}
	if n := w.rev.Requests(rootCRL) - before; n != 0 {
		t.Errorf("%d requests for the intermediate's CRL after the leaf was revoked", n)
	}
}

// TestIntermediateRevokedDeeper: root -> CA 1 -> CA 2 -> leaf; CA 2 is
// revoked on CA 1's CRL, each intermediate checked against its own issuer.
func TestIntermediateRevokedDeeper(t *testing.T) {
	w := crlWorld(t, nil)
	ca2, err := w.inter.NewIntermediate("tlsinspect Second CA", pki.CAOptions{CRLDistributionPoints: []string{w.rev.CRLURL(w.inter, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ca2.Issue(pki.LeafOptions{DNSNames: []string{testHost}, Subject: ovSubject})
	if err != nil {
		t.Fatal(err)
	}
	r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, nil)
	if !r.Trusted || r.Revocation != RevocationUnknown || len(r.Chain) != 3 {
		t.Errorf("good CAs: trusted %v, %v (%s), chain %d", r.Trusted, r.Revocation, r.RevocationReason, len(r.Chain))
	}
	if n1, n2 := w.rev.Requests(w.rev.CRLURL(w.root, 0)), w.rev.Requests(w.rev.CRLURL(w.inter, 0)); n1 != 1 || n2 != 1 {
		t.Errorf("CRL requests: root's %d, CA 1's %d; want 1 each", n1, n2)
	}
	w.rev.Revoke(w.inter, ca2.Cert.SerialNumber, w.clock.Now().Add(-time.Minute))
	in := w.inspector(serve(t, l.TLSCertificate(), pki.TLSOptions{}).Addr())
	w.clock.Set(w.clock.Now().Add(25 * time.Hour)) // past the cached CRLs' nextUpdate
	r, err = in.Inspect(context.Background(), testHost, 443)
	if err != nil {
		t.Fatal(err)
	}
	if r.Revocation != RevocationRevoked || !strings.HasPrefix(r.RevocationReason, `issuing CA certificate "tlsinspect Second CA" revoked at`) ||
		r.RevocationURL != w.rev.CRLURL(w.inter, 0) {
		t.Errorf("revoked CA 2: %v %q (%s)", r.Revocation, r.RevocationURL, r.RevocationReason)
	}
}

func TestIntermediateGood(t *testing.T) {
	w := crlWorld(t, nil)
	rootCRL := w.rev.CRLURL(w.root, 0)
	l := w.leaf(t, nil)
	r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationGood || r.RevocationSource != SourceStapled || r.RevocationURL != "" || r.RevocationReason != "" {
		t.Errorf("staple: %v from %q %q (%s)", r.Revocation, r.RevocationSource, r.RevocationURL, r.RevocationReason)
	}
	wantFindings(t, r)
	if n := w.rev.Requests(rootCRL); n != 1 {
		t.Errorf("%d requests for the intermediate's CRL, want 1", n)
	}

	// The leaf's own revocation and unknown status are as without the check.
	w.rev.Revoke(w.inter, l.Cert.SerialNumber, w.clock.Now().Add(-time.Minute))
	r = w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationRevoked || r.RevocationURL != w.rev.CRLURL(w.inter, 0) || !strings.HasPrefix(r.RevocationReason, "revoked at") {
		t.Errorf("revoked leaf: %v %q (%s)", r.Revocation, r.RevocationURL, r.RevocationReason)
	}
	dead := deadURL(t)
	u := w.leaf(t, func(o *pki.LeafOptions) { o.OCSPServer, o.CRLDistributionPoints = nil, []string{dead} })
	r = w.inspect(t, u.TLSCertificate(), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationUnknown || !strings.HasPrefix(r.RevocationReason, "CRL "+dead+": ") || strings.Contains(r.RevocationReason, "issuing CA") {
		t.Errorf("unknown leaf: %v (%s)", r.Revocation, r.RevocationReason)
	}
	wantFindings(t, r, code.RevocationUnknown)
}

// TestIntermediateStatusUnknown: whatever keeps the intermediate's status
// from being learned, the leaf's status stands, hard-fail or not.
func TestIntermediateStatusUnknown(t *testing.T) {
	for _, tt := range []struct {
		name  string
		dp    func(w *world) []string
		setup func(t *testing.T, w *world)
	}{
		{"server down", func(w *world) []string { return []string{deadURL(t), deadURL(t) + ".crl"} }, nil},
		{"no CRL DP", func(*world) []string { return nil }, nil},
		{"not http", func(*world) []string { return []string{"ldap://ldap.example.com/root.crl"} }, nil},
		{"bad signature", nil, func(t *testing.T, w *world) {
			if err := w.rev.SetURLFault(w.rev.CRLURL(w.root, 0), pki.FaultBadSignature); err != nil {
				t.Fatal(err)
			}
		}},
		{"stale", nil, func(t *testing.T, w *world) {
			if err := w.rev.SetURLFault(w.rev.CRLURL(w.root, 0), pki.FaultStale); err != nil {
				t.Fatal(err)
			}
		}},
		{"user-certs-only CRL", func(w *world) []string { return []string{w.rev.CRLURL(w.root, 1)} }, func(t *testing.T, w *world) {
			// Partitioned: the CRL's issuingDistributionPoint says
			// onlyContainsUserCerts, out of scope for a CA certificate.
			if err := w.rev.AddCA(w.root, pki.CAConfig{CRLPartitions: 2}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := crlWorld(t, tt.dp)
			if tt.setup != nil {
				tt.setup(t, w)
			}
			w.rev.Revoke(w.root, w.inter.Cert.SerialNumber, w.clock.Now().Add(-time.Hour))
			l := w.leaf(t, nil)
			start := time.Now()
			r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, func(in *Inspector) { in.HardFail = true })
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %v", el)
			}
			if !r.Trusted || r.Revocation != RevocationGood || r.RevocationSource != SourceStapled || r.RevocationReason != "" {
				t.Errorf("trusted %v, %v from %q (%s)", r.Trusted, r.Revocation, r.RevocationSource, r.RevocationReason)
			}
			wantFindings(t, r)
			if _, _, ok := r.LegalEntity(); !ok {
				t.Error("LegalEntity withheld")
			}
		})
	}
}

// TestIntermediateUntrustedChain: the URLs of an unverified chain's
// intermediate are never fetched.
func TestIntermediateUntrustedChain(t *testing.T) {
	w := crlWorld(t, nil)
	w.rev.Revoke(w.root, w.inter.Cert.SerialNumber, w.clock.Now().Add(-time.Hour))
	other, err := pki.NewRoot("tlsinspect Other Root")
	if err != nil {
		t.Fatal(err)
	}
	l := w.leaf(t, nil)
	var in *Inspector
	r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, func(i *Inspector) { i.Roots, in = other.Pool(), i })
	if r.Trusted || r.Revocation != RevocationUnknown || r.RevocationReason != "not checked: the chain is not trusted" {
		t.Errorf("trusted %v, %v (%s)", r.Trusted, r.Revocation, r.RevocationReason)
	}
	if n := w.rev.Requests(w.rev.CRLURL(w.root, 0)); n != 0 {
		t.Errorf("%d requests for the untrusted intermediate's CRL", n)
	}
	if n := w.rev.CRLRequests() + w.rev.OCSPRequests(); n != 0 {
		t.Errorf("%d revocation requests for an untrusted chain", n)
	}
	if d := in.FetchDialer.(*countingDialer).dials.Load(); d != 0 {
		t.Errorf("FetchDialer used %d times", d)
	}
}

// TestIntermediateCRLCached: the intermediate's CRL goes through the CRL
// cache, and its fetch through FetchDialer.
func TestIntermediateCRLCached(t *testing.T) {
	w := crlWorld(t, nil)
	rootCRL := w.rev.CRLURL(w.root, 0)
	l := w.leaf(t, nil)
	srv := serve(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{})
	in := w.inspector(srv.Addr())
	for i := range 2 {
		r, err := in.Inspect(context.Background(), testHost, 443)
		if err != nil {
			t.Fatal(err)
		}
		if r.Revocation != RevocationGood || r.RevocationSource != SourceStapled {
			t.Errorf("inspection %d: %v from %q (%s)", i, r.Revocation, r.RevocationSource, r.RevocationReason)
		}
		if n := w.rev.Requests(rootCRL); n != 1 {
			t.Errorf("inspection %d: %d requests for the intermediate's CRL, want 1", i, n)
		}
	}
	if n := in.CRLCache.Len(); n != 1 {
		t.Errorf("cache holds %d CRLs", n)
	}
	if d := in.FetchDialer.(*countingDialer).dials.Load(); d != 1 {
		t.Errorf("FetchDialer used %d times, want 1", d)
	}

	// A revocation published later shows once the cached CRL expires.
	w.rev.Revoke(w.root, w.inter.Cert.SerialNumber, w.clock.Now())
	w.clock.Set(w.clock.Now().Add(13 * time.Hour)) // past MaxAge; the staple is still current
	r, err := in.Inspect(context.Background(), testHost, 443)
	if err != nil {
		t.Fatal(err)
	}
	if r.Revocation != RevocationRevoked || w.rev.Requests(rootCRL) != 2 {
		t.Errorf("after MaxAge: %v (%s), %d requests", r.Revocation, r.RevocationReason, w.rev.Requests(rootCRL))
	}
}
