package tlsinspect

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/internal/pki"
)

// deadURL is an http URL on a loopback port nobody listens on.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String() + "/dead"
	ln.Close()
	return u
}

func crlOnly(w *world) func(*pki.LeafOptions) {
	return func(o *pki.LeafOptions) { o.OCSPServer = nil }
}

func ocspOnly(w *world) func(*pki.LeafOptions) {
	return func(o *pki.LeafOptions) { o.CRLDistributionPoints = nil }
}

func TestRevocationStapled(t *testing.T) {
	w := newWorld(t)
	for _, tt := range []struct {
		status int
		want   Revocation
	}{{pki.OCSPGood, RevocationGood}, {pki.OCSPRevoked, RevocationRevoked}} {
		l := w.leaf(t, nil)
		r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, tt.status)), pki.TLSOptions{}, nil)
		if r.Revocation != tt.want || r.RevocationSource != SourceStapled {
			t.Errorf("status %d: %v from %q (%s)", tt.status, r.Revocation, r.RevocationSource, r.RevocationReason)
		}
		if tt.want == RevocationRevoked {
			wantFindings(t, r, code.Revoked)
			if !strings.Contains(r.RevocationReason, "revoked at") {
				t.Errorf("reason %q", r.RevocationReason)
			}
			if _, _, ok := r.LegalEntity(); ok {
				t.Error("LegalEntity of a revoked certificate")
			}
		}
	}
	if n := w.rev.OCSPRequests() + w.rev.CRLRequests(); n != 0 {
		t.Errorf("%d fetches although a staple answered", n)
	}

	// A staple that does not verify falls through to the CRL.
	other := w.leaf(t, nil)
	stale, err := w.inter.OCSPResponse(other.Cert, pki.OCSPGood, w.clock.Now().Add(-48*time.Hour), w.clock.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for name, staple := range map[string][]byte{
		"stale":        stale,
		"other serial": w.staple(t, other, pki.OCSPGood),
		"garbage":      []byte("not an OCSP response"),
	} {
		l := w.leaf(t, nil)
		r := w.inspect(t, l.StapledTLSCertificate(staple), pki.TLSOptions{}, nil)
		if name == "stale" {
			r = w.inspect(t, other.StapledTLSCertificate(staple), pki.TLSOptions{}, nil)
		}
		if r.Revocation != RevocationGood || r.RevocationSource != SourceCRL {
			t.Errorf("%s staple: %v from %q (%s)", name, r.Revocation, r.RevocationSource, r.RevocationReason)
		}
	}
}

func TestRevocationCRL(t *testing.T) {
	w := newWorld(t)
	good := w.leaf(t, crlOnly(w))
	r := w.inspect(t, good.TLSCertificate(), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationGood || r.RevocationSource != SourceCRL || r.RevocationURL != w.rev.CRLURL(w.inter, 0) {
		t.Errorf("good: %v from %q %q (%s)", r.Revocation, r.RevocationSource, r.RevocationURL, r.RevocationReason)
	}
	wantFindings(t, r)

	bad := w.leaf(t, crlOnly(w))
	w.rev.RevokeWithReason(w.inter, bad.Cert.SerialNumber, w.clock.Now().Add(-time.Minute), ocsp.KeyCompromise)
	r = w.inspect(t, bad.TLSCertificate(), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationRevoked || r.RevocationSource != SourceCRL || !strings.Contains(r.RevocationReason, "keyCompromise") {
		t.Errorf("revoked: %v from %q (%s)", r.Revocation, r.RevocationSource, r.RevocationReason)
	}
	wantFindings(t, r, code.Revoked)
}

func TestRevocationCRLPartitioned(t *testing.T) {
	w := newWorld(t)
	if err := w.rev.AddCA(w.inter, pki.CAConfig{CRLPartitions: 4}); err != nil {
		t.Fatal(err)
	}
	for i, revoke := range []bool{false, true, false, true} {
		serial := big.NewInt(int64(1000 + i))
		l := w.leaf(t, func(o *pki.LeafOptions) {
			o.OCSPServer = nil
			o.Serial = serial
			o.CRLDistributionPoints = []string{w.rev.CRLURLForSerial(w.inter, serial)}
		})
		if revoke {
			w.rev.Revoke(w.inter, serial, w.clock.Now().Add(-time.Minute))
		}
		r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, nil)
		want := RevocationGood
		if revoke {
			want = RevocationRevoked
		}
		if r.Revocation != want || r.RevocationURL != l.Cert.CRLDistributionPoints[0] {
			t.Errorf("serial %v: %v from %q (%s)", serial, r.Revocation, r.RevocationURL, r.RevocationReason)
		}
	}
}

func TestRevocationCRLCache(t *testing.T) {
	w := newWorld(t) // CRLs valid 24 hours
	l := w.leaf(t, crlOnly(w))
	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := w.inspector(srv.Addr())
	u := w.rev.CRLURL(w.inter, 0)
	inspect := func(wantRequests int) {
		t.Helper()
		r, err := in.Inspect(context.Background(), testHost, 443)
		if err != nil {
			t.Fatal(err)
		}
		if r.Revocation != RevocationGood {
			t.Errorf("%v (%s)", r.Revocation, r.RevocationReason)
		}
		if n := w.rev.Requests(u); n != wantRequests {
			t.Errorf("%d CRL requests, want %d", n, wantRequests)
		}
	}
	start := w.clock.Now()
	inspect(1)
	inspect(1) // cached
	w.clock.Set(start.Add(11 * time.Hour))
	inspect(1) // still before nextUpdate and MaxAge
	w.clock.Set(start.Add(13 * time.Hour))
	inspect(2) // past the 12-hour MaxAge
	w.clock.Set(start.Add(14 * time.Hour))
	inspect(2)
	in.CRLCache.MaxAge = 48 * time.Hour
	w.clock.Set(start.Add(13*time.Hour + 25*time.Hour))
	inspect(3) // past nextUpdate of the CRL fetched at +13h
	if in.CRLCache.Len() != 1 {
		t.Errorf("cache holds %d CRLs", in.CRLCache.Len())
	}

	// A revocation published after the CRL was cached shows after refresh.
	w.rev.Revoke(w.inter, l.Cert.SerialNumber, w.clock.Now())
	r, _ := in.Inspect(context.Background(), testHost, 443)
	if r.Revocation != RevocationGood {
		t.Errorf("within the cache lifetime: %v", r.Revocation)
	}
	w.clock.Set(w.clock.Now().Add(25 * time.Hour))
	r, _ = in.Inspect(context.Background(), testHost, 443)
	if r.Revocation != RevocationRevoked {
		t.Errorf("after nextUpdate: %v (%s)", r.Revocation, r.RevocationReason)
	}
}

func TestCRLCacheBounds(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	crl := func() *crlSet {
		der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
			Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, w.inter.Cert, w.inter.Key)
		if err != nil {
			t.Fatal(err)
		}
		set, err := parseCRL(der, w.inter.Cert, now)
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
	a, b, c3 := crlKey("a", w.inter.Cert), crlKey("b", w.inter.Cert), crlKey("c", w.inter.Cert)
	c := &CRLCache{MaxEntries: 2}
	c.put(a, crl(), now)
	c.put(b, crl(), now)
	c.get(a, now) // b is now least recently used
	c.put(c3, crl(), now)
	if got := c.get(b, now); got != nil || c.Len() != 2 {
		t.Errorf("b not evicted; %d entries", c.Len())
	}
	if got := c.get(a, now); got == nil {
		t.Error("a evicted")
	}
	if got := c.get(crlKey("a", w.root.Cert), now); got != nil {
		t.Error("served for another issuer")
	}
	if got := c.get(a, now.Add(2*time.Hour)); got != nil {
		t.Error("served after nextUpdate")
	}
	if c.Len() != 1 {
		t.Errorf("%d entries after the expired one went", c.Len())
	}
	small := &CRLCache{MaxBytes: 10}
	small.put(a, crl(), now)
	if small.Len() != 0 {
		t.Error("cached a CRL over MaxBytes")
	}
	// Bytes: a third CRL of the same size evicts the least recently used.
	one := crl()
	bySize := &CRLCache{MaxBytes: 2 * one.size}
	bySize.put(a, one, now)
	bySize.put(b, one, now)
	bySize.get(a, now)
	bySize.put(c3, one, now)
	if bySize.get(b, now) != nil || bySize.get(a, now) == nil || bySize.get(c3, now) == nil {
		t.Errorf("MaxBytes eviction did not drop the least recently used; %d entries", bySize.Len())
	}
}

func TestRevocationOCSP(t *testing.T) {
	w := newWorld(t)
	good := w.leaf(t, ocspOnly(w))
	r := w.inspect(t, good.TLSCertificate(), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationGood || r.RevocationSource != SourceOCSP || r.RevocationURL != w.rev.OCSPURL(w.inter) {
		t.Errorf("good: %v from %q (%s)", r.Revocation, r.RevocationSource, r.RevocationReason)
	}
	bad := w.leaf(t, ocspOnly(w))
	w.rev.Revoke(w.inter, bad.Cert.SerialNumber, w.clock.Now().Add(-time.Minute))
	r = w.inspect(t, bad.TLSCertificate(), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationRevoked || r.RevocationSource != SourceOCSP {
		t.Errorf("revoked: %v from %q (%s)", r.Revocation, r.RevocationSource, r.RevocationReason)
	}
	wantFindings(t, r, code.Revoked)
	if w.rev.OCSPRequests() != 2 || w.rev.CRLRequests() != 0 {
		t.Errorf("%d OCSP and %d CRL requests", w.rev.OCSPRequests(), w.rev.CRLRequests())
	}
}

func TestRevocationDelegatedResponder(t *testing.T) {
	tests := []struct {
		name      string
		responder func(t *testing.T, w *world) *pki.Leaf
		want      Revocation
		reason    string
	}{
		{"valid", func(t *testing.T, w *world) *pki.Leaf {
			r, err := w.inter.NewOCSPResponder()
			if err != nil {
				t.Fatal(err)
			}
			return r
		}, RevocationGood, ""},
		{"no OCSP-signing EKU", func(t *testing.T, w *world) *pki.Leaf {
			r, err := w.inter.Issue(pki.LeafOptions{DNSNames: []string{"ocsp.example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}, RevocationUnknown, "extended key usage"},
		{"not issued by the issuer", func(t *testing.T, w *world) *pki.Leaf {
			otherCA, err := w.root.NewIntermediate("Sibling CA")
			if err != nil {
				t.Fatal(err)
			}
			r, err := otherCA.NewOCSPResponder()
			if err != nil {
				t.Fatal(err)
			}
			return r
		}, RevocationUnknown, "not issued by the issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if err := w.rev.AddCA(w.inter, pki.CAConfig{Responder: tt.responder(t, w)}); err != nil {
				t.Fatal(err)
			}
			l := w.leaf(t, ocspOnly(w))
			r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, nil)
			if r.Revocation != tt.want || !strings.Contains(r.RevocationReason, tt.reason) {
				t.Errorf("%v (%s)", r.Revocation, r.RevocationReason)
			}
		})
	}
}

func TestRevocationUnknownAndHardFail(t *testing.T) {
	w := newWorld(t)
	dead := deadURL(t)
	l := w.leaf(t, func(o *pki.LeafOptions) {
		o.OCSPServer = []string{dead, "ldap://ldap.example.com/ocsp", "http://[::1"}
		o.CRLDistributionPoints = []string{dead + ".crl", "ftp://example.com/x.crl"}
	})
	r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationUnknown || r.RevocationSource != "" || !r.Trusted {
		t.Errorf("%v from %q, trusted %v", r.Revocation, r.RevocationSource, r.Trusted)
	}
	if !strings.Contains(r.RevocationReason, "CRL "+dead+".crl") || !strings.Contains(r.RevocationReason, "OCSP "+dead) {
		t.Errorf("reason %q", r.RevocationReason)
	}
	wantFindings(t, r, code.RevocationUnknown)
	if _, _, ok := r.LegalEntity(); !ok {
		t.Error("soft fail: LegalEntity should still be shown")
	}

	r = w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, func(in *Inspector) { in.HardFail = true })
	if r.Trusted || r.TrustError != "revocation unknown (hard-fail)" {
		t.Errorf("hard-fail: Trusted %v %q", r.Trusted, r.TrustError)
	}
	wantFindings(t, r, code.RevocationUnknown, code.Untrusted)
	if _, _, ok := r.LegalEntity(); ok {
		t.Error("hard-fail: LegalEntity shown")
	}

	// Hard-fail does not affect a known status.
	good := w.leaf(t, nil)
	r = w.inspect(t, good.StapledTLSCertificate(w.staple(t, good, pki.OCSPGood)), pki.TLSOptions{}, func(in *Inspector) { in.HardFail = true })
	if !r.Trusted || r.Revocation != RevocationGood {
		t.Errorf("hard-fail, good: Trusted %v %v", r.Trusted, r.Revocation)
	}
	r = w.inspect(t, good.TLSCertificate(), pki.TLSOptions{}, func(in *Inspector) { in.NoRevocation = true })
	if r.Revocation != RevocationUnknown || r.RevocationReason != "not checked" || r.has(code.RevocationUnknown) {
		t.Errorf("NoRevocation: %v %q %v", r.Revocation, r.RevocationReason, r.Findings)
	}
}

// TestRevocationFaults runs every fault of the revocation server against the
// CRL path and the OCSP path: each ends unknown, within its deadline.
func TestRevocationFaults(t *testing.T) {
	w := newWorld(t, pki.RevocationOptions{HugeBytes: 2 << 20, SlowDelay: 10 * time.Second})
	faults := []struct {
		f      pki.Fault
		reason string
	}{
		{pki.FaultSlow, "timed out"},
		{pki.FaultHuge, "limit"},
		{pki.FaultMalformed, ""},
		{pki.FaultBadSignature, "signature"},
		{pki.FaultWrongKey, "signature"},
		{pki.FaultOtherSerial, "another serial"},
		{pki.FaultStale, "stale"},
		{pki.FaultHTTP500, "500"},
		{pki.FaultTryLater, ""},
	}
	for _, path := range []string{"crl", "ocsp"} {
		for _, tt := range faults {
			if path == "crl" && tt.f == pki.FaultOtherSerial {
				continue // CRLs are unaffected
			}
			t.Run(path+"/"+tt.f.String(), func(t *testing.T) {
				edit := crlOnly(w)
				u := w.rev.CRLURL(w.inter, 0)
				if path == "ocsp" {
					edit, u = ocspOnly(w), w.rev.OCSPURL(w.inter)
				}
				l := w.leaf(t, edit)
				if err := w.rev.SetURLFault(u, tt.f); err != nil {
					t.Fatal(err)
				}
				defer w.rev.SetURLFault(u, pki.FaultNone)
				// Only the slow fault needs a short deadline; the server
				// would wait 10 s.
				fetchTimeout := 3 * time.Second
				if tt.f == pki.FaultSlow {
					fetchTimeout = 300 * time.Millisecond
				}
				start := time.Now()
				r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, func(in *Inspector) {
					in.FetchTimeout = fetchTimeout
					in.MaxFetchBytes = 1 << 20
				})
				if el := time.Since(start); el > 5*time.Second {
					t.Errorf("took %v", el)
				}
				if r.Revocation != RevocationUnknown || !strings.Contains(r.RevocationReason, tt.reason) {
					t.Errorf("%v (%s)", r.Revocation, r.RevocationReason)
				}
				if !r.Trusted || !r.has(code.RevocationUnknown) {
					t.Errorf("Trusted %v, findings %v", r.Trusted, r.Findings)
				}
			})
		}
	}
}

// TestCheckOCSPResponse covers what the revocation server cannot produce.
func TestCheckOCSPResponse(t *testing.T) {
	w := newWorld(t)
	l := w.leaf(t, nil)
	now := w.clock.Now()
	sign := func(tmpl ocsp.Response, responder *pki.Leaf) []byte {
		t.Helper()
		if tmpl.SerialNumber == nil {
			tmpl.SerialNumber = l.Cert.SerialNumber
		}
		b, err := w.inter.SignOCSP(tmpl, responder)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	expiredResponder, err := w.inter.Issue(pki.LeafOptions{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
		NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		raw  []byte
		want Revocation
		err  string
	}{
		{"good", sign(ocsp.Response{Status: ocsp.Good, ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, nil), RevocationGood, ""},
		{"no nextUpdate, fresh", sign(ocsp.Response{Status: ocsp.Good, ThisUpdate: now.Add(-time.Hour)}, nil), RevocationGood, ""},
		{"no nextUpdate, old", sign(ocsp.Response{Status: ocsp.Good, ThisUpdate: now.Add(-11 * 24 * time.Hour)}, nil), RevocationUnknown, "10 days"},
		{"thisUpdate in the future", sign(ocsp.Response{Status: ocsp.Good, ThisUpdate: now.Add(time.Hour), NextUpdate: now.Add(2 * time.Hour)}, nil), RevocationUnknown, "future"},
		{"within skew", sign(ocsp.Response{Status: ocsp.Good, ThisUpdate: now.Add(time.Minute), NextUpdate: now.Add(2 * time.Hour)}, nil), RevocationGood, ""},
		{"unknown status", sign(ocsp.Response{Status: ocsp.Unknown, ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, nil), RevocationUnknown, "status unknown"},
		{"revoked", sign(ocsp.Response{Status: ocsp.Revoked, RevokedAt: now.Add(-time.Hour), RevocationReason: ocsp.Superseded, ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, nil), RevocationRevoked, ""},
		{"expired responder", sign(ocsp.Response{Status: ocsp.Good, ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, expiredResponder), RevocationUnknown, "not valid"},
		{"other serial", sign(ocsp.Response{Status: ocsp.Good, SerialNumber: big.NewInt(7), ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, nil), RevocationUnknown, ""},
		{"empty", nil, RevocationUnknown, ""},
	}
	for _, tt := range tests {
		chk, err := checkOCSPResponse(tt.raw, l.Cert, w.inter.Cert, now)
		if chk.Status != tt.want || (tt.want == RevocationUnknown) != (err != nil) {
			t.Errorf("%s: %v, %v", tt.name, chk.Status, err)
		}
		if err != nil && (!errors.Is(err, errUnusable) || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: error %v", tt.name, err)
		}
	}
	// Checked against the wrong issuer, a good response is unusable.
	good := sign(ocsp.Response{Status: ocsp.Good, ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, nil)
	if chk, err := checkOCSPResponse(good, l.Cert, w.root.Cert, now); err == nil || chk.Status != RevocationUnknown {
		t.Errorf("wrong issuer: %v, %v", chk.Status, err)
	}
	if _, err := checkOCSPResponse(good, nil, nil, now); err == nil {
		t.Error("nil certificates accepted")
	}
}

// TestCheckCRL covers CRL scoping rules on hand-made CRLs.
func TestCheckCRL(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	const dp = "http://crl.example.com/1.crl"
	l := w.leaf(t, func(o *pki.LeafOptions) { o.CRLDistributionPoints = []string{dp} })
	idp := func(v issuingDistributionPoint) pkix.Extension {
		b, err := asn1.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return pkix.Extension{Id: oidIssuingDistributionPoint, Critical: true, Value: b}
	}
	dpName := func(uri string) asn1.RawValue {
		gn, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 6, Bytes: []byte(uri)})
		full, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: gn})
		return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: full}
	}
	mk := func(edit func(*x509.RevocationList)) []byte {
		tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour)}
		if edit != nil {
			edit(tmpl)
		}
		der, err := x509.CreateRevocationList(rand.Reader, tmpl, w.inter.Cert, w.inter.Key)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	ext := func(e pkix.Extension) func(*x509.RevocationList) {
		return func(r *x509.RevocationList) { r.ExtraExtensions = []pkix.Extension{e} }
	}
	tests := []struct {
		name string
		der  []byte
		want Revocation
		err  string
	}{
		{"full CRL", mk(nil), RevocationGood, ""},
		{"revoked", mk(func(r *x509.RevocationList) {
			r.RevokedCertificateEntries = []x509.RevocationListEntry{{SerialNumber: big.NewInt(5), RevocationTime: now}, {SerialNumber: l.Cert.SerialNumber, RevocationTime: now, ReasonCode: 1}}
		}), RevocationRevoked, ""},
		{"removeFromCRL ignored", mk(func(r *x509.RevocationList) {
			r.RevokedCertificateEntries = []x509.RevocationListEntry{{SerialNumber: l.Cert.SerialNumber, RevocationTime: now, ReasonCode: 8}}
		}), RevocationGood, ""},
		{"partition of this DP", mk(ext(idp(issuingDistributionPoint{DistributionPoint: dpName(dp), OnlyContainsUserCerts: true}))), RevocationGood, ""},
		{"other partition", mk(ext(idp(issuingDistributionPoint{DistributionPoint: dpName("http://crl.example.com/2.crl")}))), RevocationUnknown, "partition"},
		{"indirect", mk(ext(idp(issuingDistributionPoint{IndirectCRL: true}))), RevocationUnknown, "indirect"},
		{"some reasons", mk(ext(idp(issuingDistributionPoint{OnlySomeReasons: asn1.BitString{Bytes: []byte{0x40}, BitLength: 2}}))), RevocationUnknown, "some revocation reasons"},
		{"CA certs only", mk(ext(idp(issuingDistributionPoint{OnlyContainsCACerts: true}))), RevocationUnknown, "only CA"},
		{"attribute certs only", mk(ext(idp(issuingDistributionPoint{OnlyContainsAttributeCerts: true}))), RevocationUnknown, "attribute"},
		{"malformed IDP", mk(ext(pkix.Extension{Id: oidIssuingDistributionPoint, Value: []byte{0x30, 0x05}})), RevocationUnknown, "malformed"},
		{"delta", mk(ext(pkix.Extension{Id: oidDeltaCRLIndicator, Value: []byte{0x02, 0x01, 0x01}})), RevocationUnknown, "delta"},
		{"unknown critical", mk(ext(pkix.Extension{Id: asn1.ObjectIdentifier{1, 2, 3}, Critical: true, Value: []byte{0x05, 0x00}})), RevocationUnknown, "critical"},
		{"stale", mk(func(r *x509.RevocationList) { r.ThisUpdate, r.NextUpdate = now.Add(-2*time.Hour), now.Add(-time.Hour) }), RevocationUnknown, "stale"},
		{"future", mk(func(r *x509.RevocationList) { r.ThisUpdate, r.NextUpdate = now.Add(time.Hour), now.Add(2*time.Hour) }), RevocationUnknown, "future"},
		{"not DER", []byte("-----BEGIN X509 CRL-----"), RevocationUnknown, "CRL"},
	}
	for _, tt := range tests {
		chk, err := checkCRL(tt.der, dp, l.Cert, w.inter.Cert, now)
		if chk.Status != tt.want || (tt.want == RevocationUnknown) != (err != nil) {
			t.Errorf("%s: %v, %v", tt.name, chk.Status, err)
			continue
		}
		if err != nil && (!errors.Is(err, errUnusable) || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: error %v", tt.name, err)
		}
	}
	// Another issuer's CRL, and the right CRL checked against another issuer.
	other, err := w.root.NewIntermediate("Other CA")
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, other.Cert, other.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := checkCRL(der, dp, l.Cert, w.inter.Cert, now); err == nil {
		t.Error("another issuer's CRL accepted")
	}
	if _, err := checkCRL(mk(nil), dp, l.Cert, other.Cert, now); err == nil {
		t.Error("CRL accepted for the wrong issuer")
	}
}

// TestRevocationFetchPath checks that fetches go through FetchDialer only,
// that redirects are not followed and that proxies from the environment are
// ignored.
func TestRevocationFetchPath(t *testing.T) {
	w := newWorld(t)
	target := w.rev.OCSPURL(w.inter)
	redirector := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, target+r.URL.Path, http.StatusFound)
	}))
	defer redirector.Close()
	l := w.leaf(t, func(o *pki.LeafOptions) {
		o.CRLDistributionPoints = nil
		o.OCSPServer = []string{redirector.URL + "/ocsp"}
	})
	// A proxy from the environment would swallow every request.
	var proxyHits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { proxyHits.Add(1) }))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)

	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := w.inspector(srv.Addr())
	r, err := in.Inspect(context.Background(), testHost, 443)
	if err != nil {
		t.Fatal(err)
	}
	if r.Revocation != RevocationUnknown || !strings.Contains(r.RevocationReason, "302") {
		t.Errorf("%v (%s)", r.Revocation, r.RevocationReason)
	}
	if n := w.rev.OCSPRequests(); n != 0 {
		t.Errorf("redirect followed: %d requests at the target", n)
	}
	if n := proxyHits.Load(); n != 0 {
		t.Errorf("%d requests through the environment's proxy", n)
	}
	if d := in.Dialer.(*connectTo).dials.Load(); d != 1 {
		t.Errorf("Dialer used %d times, want 1 (the handshake)", d)
	}
	if d := in.FetchDialer.(*countingDialer).dials.Load(); d != 1 {
		t.Errorf("FetchDialer used %d times, want 1", d)
	}

	// Without FetchDialer, fetches use Dialer.
	good := w.leaf(t, crlOnly(w))
	srv2 := serve(t, good.TLSCertificate(), pki.TLSOptions{})
	var fetched []string
	in = w.inspector(srv2.Addr())
	in.FetchDialer = nil
	in.Dialer = dialFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr != testHost+":443" {
			fetched = append(fetched, addr)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		return (&net.Dialer{}).DialContext(ctx, network, srv2.Addr())
	})
	r, err = in.Inspect(context.Background(), testHost, 443)
	if err != nil || r.Revocation != RevocationGood {
		t.Fatalf("%v, %v (%s)", err, r.Revocation, r.RevocationReason)
	}
	if len(fetched) != 1 || !strings.HasPrefix(w.rev.URL(), "http://"+fetched[0]) {
		t.Errorf("fetches through Dialer: %q, server %s", fetched, w.rev.URL())
	}
}

// TestRevocationStapleMisorderedChain: the staple is checked against the
// issuer of the verified chain, not the second certificate presented.
func TestRevocationStapleMisorderedChain(t *testing.T) {
	w := newWorld(t)
	l := w.leaf(t, nil)
	stray, err := w.root.NewIntermediate("Stray CA")
	if err != nil {
		t.Fatal(err)
	}
	cert := l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood))
	cert.Certificate = [][]byte{cert.Certificate[0], stray.Cert.Raw, w.inter.Cert.Raw}
	r := w.inspect(t, cert, pki.TLSOptions{}, nil)
	if !r.Trusted || r.Revocation != RevocationGood || r.RevocationSource != SourceStapled || len(r.Chain) != 3 {
		t.Errorf("Trusted %v, %v from %q (%s), chain %d", r.Trusted, r.Revocation, r.RevocationSource, r.RevocationReason, len(r.Chain))
	}
}

// TestInspectConcurrent shares one Inspector and CRL cache between
// goroutines (run with -race).
func TestInspectConcurrent(t *testing.T) {
	w := newWorld(t)
	l := w.leaf(t, crlOnly(w))
	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := w.inspector(srv.Addr())
	inspectConcurrently(t, in, 8)
	if n := w.rev.CRLRequests(); n < 1 || n > 8 {
		t.Errorf("%d CRL requests", n)
	}
}

// TestRevocationStapleForAnotherIssuer: an OCSP response is about an issuer
// and a serial (its CertID), not a serial alone. A delegated responder key
// certified by two CAs signs "good" for the sibling CA's certificate with the
// leaf's serial; stapled with the responder certificate the leaf's issuer
// gave that key, it must not vouch for the leaf, which is revoked.
func TestRevocationStapleForAnotherIssuer(t *testing.T) {
	w := newWorld(t)
	sibling, err := w.root.NewIntermediate("Sibling CA")
	if err != nil {
		t.Fatal(err)
	}
	key, err := pki.NewKey(pki.KeyECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	responder, err := w.inter.Issue(pki.LeafOptions{Key: key, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}})
	if err != nil {
		t.Fatal(err)
	}
	l := w.leaf(t, nil)
	w.rev.Revoke(w.inter, l.Cert.SerialNumber, w.clock.Now().Add(-time.Hour))
	now := w.clock.Now()
	staple, err := ocsp.CreateResponse(sibling.Cert, responder.Cert, ocsp.Response{
		Status: ocsp.Good, SerialNumber: l.Cert.SerialNumber, ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour),
		Certificate: responder.Cert,
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	if chk, err := checkOCSPResponse(staple, l.Cert, w.inter.Cert, now); err == nil || !errors.Is(err, errUnusable) {
		t.Errorf("response about another issuer's certificate accepted: %v, %v", chk.Status, err)
	}
	r := w.inspect(t, l.StapledTLSCertificate(staple), pki.TLSOptions{}, nil)
	if r.Revocation != RevocationRevoked || r.RevocationSource != SourceCRL {
		t.Errorf("%v from %q (%s)", r.Revocation, r.RevocationSource, r.RevocationReason)
	}
	if org, _, ok := r.LegalEntity(); ok {
		t.Errorf("LegalEntity %q of a revoked certificate", org)
	}
}

// TestCRLCacheMemory: MaxBytes bounds the memory the cached CRLs take, not
// only their DER size (a parsed CRL entry takes several times its DER), and
// a large cached CRL answers for the serials it lists.
func TestCRLCacheMemory(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	const entries = 100_000 // about 5 MB of DER
	l := w.leaf(t, nil)
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour)}
	for i := range entries {
		s := new(big.Int).Lsh(big.NewInt(int64(i+1)), 100)
		if i == entries/2 {
			s = l.Cert.SerialNumber
		}
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: s, RevocationTime: now.Add(-time.Hour), ReasonCode: ocsp.KeyCompromise})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, w.inter.Cert, w.inter.Key)
	if err != nil {
		t.Fatal(err)
	}
	tmpl = nil
	var fetches atomic.Int32
	crlSrv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		rw.Write(der)
	}))
	defer crlSrv.Close()
	l = w.leaf(t, func(o *pki.LeafOptions) {
		o.Serial = l.Cert.SerialNumber
		o.OCSPServer, o.CRLDistributionPoints = nil, []string{crlSrv.URL + "/big.crl"}
	})
	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := w.inspector(srv.Addr())
	in.CRLCache = &CRLCache{MaxBytes: int64(len(der))}

	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for range 2 {
		r, err := in.Inspect(context.Background(), testHost, 443)
		if err != nil {
			t.Fatal(err)
		}
		if r.Revocation != RevocationRevoked || r.RevocationSource != SourceCRL || !strings.Contains(r.RevocationReason, "keyCompromise") {
			t.Errorf("%v from %q (%s)", r.Revocation, r.RevocationSource, r.RevocationReason)
		}
	}
	grown := int64(heap()) - int64(before)
	if in.CRLCache.Len() != 1 || fetches.Load() != 1 {
		t.Errorf("%d CRLs cached, %d fetches", in.CRLCache.Len(), fetches.Load())
	}
	if limit := in.CRLCache.MaxBytes + 2<<20; grown > limit {
		t.Errorf("the cache holds %d MB for a MaxBytes of %d MB", grown>>20, in.CRLCache.MaxBytes>>20)
	}
	runtime.KeepAlive(in)
}

// TestCRLFetchedOncePerConcurrentMiss: concurrent inspections that miss the
// cache for the same CRL fetch and parse it once, not once each (a large CRL
// parsed N times at once takes N times its parsed size).
func TestCRLFetchedOncePerConcurrentMiss(t *testing.T) {
	w := newWorld(t, pki.RevocationOptions{SlowDelay: 300 * time.Millisecond})
	l := w.leaf(t, crlOnly(w))
	w.rev.SetFault(w.inter, pki.FaultSlow)
	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := w.inspector(srv.Addr())
	inspectConcurrently(t, in, 8)
	if n := w.rev.CRLRequests(); n != 1 {
		t.Errorf("%d CRL requests, want 1", n)
	}
}

// inspectConcurrently runs n inspections with in at once and wants each to
// find the certificate good.
func inspectConcurrently(t *testing.T, in *Inspector, n int) {
	t.Helper()
	errs := make(chan error, n)
	for range n {
		go func() {
			r, err := in.Inspect(context.Background(), testHost, 443)
			if err == nil && r.Revocation != RevocationGood {
				err = errors.New(r.RevocationReason)
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
