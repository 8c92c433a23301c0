package tlsinspect

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"github.com/consenttrust/appverify/internal/safetext"
	"math/big"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/consenttrust/appverify/internal/pki"
	"golang.org/x/crypto/ocsp"
)

// FuzzClassifyAndSubject feeds arbitrary DER to the certificate parser and
// then to Classify, parseSubject and DetectCDN: none may panic, and every
// string they return must be displayable.
func FuzzClassifyAndSubject(f *testing.F) {
	for _, p := range []string{"2.23.140.1.1", "2.23.140.1.2.2", "1.3.6.1.4.1.4146.1.1"} {
		c := selfSigned(f, &x509.Certificate{
			Policies: oids(f, p),
			Subject: pkix.Name{Organization: []string{"Org\u202e"}, Country: []string{"US"},
				ExtraNames: atvs(oidJurisdictionCountry, "US")},
			DNSNames: []string{"a.example.com", "b.example.org"},
		})
		f.Add(c.Raw)
	}
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return
		}
		if typ := Classify(c); typ < Unknown || typ > EV {
			t.Fatalf("Classify = %d", int(typ))
		}
		s := parseSubject(c.Subject)
		for _, v := range []string{s.Organization, s.Location.Country, s.Location.State, s.Location.Locality,
			s.Jurisdiction.Country, s.Jurisdiction.State, s.Jurisdiction.Locality} {
			checkDisplayable(t, v)
		}
		if s.HasLegalEntity() && (s.Organization == "" || s.Location.Country == "") {
			t.Fatal("HasLegalEntity without O and C")
		}
		if cdn, why := DetectCDN(c, ""); cdn && why == "" {
			t.Fatal("CDN without a reason")
		}
	})
}

// FuzzSanitize checks Sanitize's invariants on arbitrary strings.
func FuzzSanitize(f *testing.F) {
	f.Add("Acme\u202e Inc.")
	f.Add("\x00\xff  .-")
	f.Fuzz(func(t *testing.T, s string) {
		got := safetext.Sanitize(s)
		checkDisplayable(t, got)
		if safetext.Sanitize(got) != got {
			t.Fatalf("Sanitize is not idempotent on %q: %q", got, safetext.Sanitize(got))
		}
	})
}

func checkDisplayable(t *testing.T, v string) {
	t.Helper()
	if !utf8.ValidString(v) {
		t.Fatalf("invalid UTF-8 %q", v)
	}
	if utf8.RuneCountInString(v) > safetext.MaxRunes {
		t.Fatalf("%d runes, over %d", utf8.RuneCountInString(v), safetext.MaxRunes)
	}
	for _, r := range v {
		if invisible(r) {
			t.Fatalf("%q keeps invisible %U", v, r)
		}
	}
	if len(v) > 0 && (v[0] == ' ' || v[len(v)-1] == ' ') {
		t.Fatalf("%q is not trimmed", v)
	}
}

// FuzzCheckOCSPResponse feeds arbitrary bytes to checkOCSPResponse with a
// real leaf and issuer. Whatever it accepts must verify, independently, with
// golang.org/x/crypto/ocsp against the issuer, and be about the leaf; an
// error must come with status unknown.
func FuzzCheckOCSPResponse(f *testing.F) {
	w := newWorld(f)
	l := w.leaf(f, nil)
	now := w.clock.Now()
	f.Add(w.staple(f, l, pki.OCSPGood))
	f.Add(w.staple(f, l, pki.OCSPRevoked))
	if resp, err := w.inter.NewOCSPResponder(); err == nil {
		if b, err := w.inter.SignOCSP(ocsp.Response{Status: ocsp.Good, SerialNumber: l.Cert.SerialNumber, ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, resp); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x03})
	f.Fuzz(func(t *testing.T, raw []byte) {
		chk, err := checkOCSPResponse(raw, l.Cert, w.inter.Cert, now)
		if err != nil {
			if chk.Status != RevocationUnknown || !errors.Is(err, errUnusable) {
				t.Fatalf("error %v with status %v", err, chk.Status)
			}
			return
		}
		if chk.Status == RevocationUnknown {
			t.Fatal("unknown status without an error")
		}
		resp, err := ocsp.ParseResponseForCert(raw, l.Cert, w.inter.Cert)
		if err != nil {
			t.Fatalf("accepted (%v) a response that does not verify against the issuer: %v", chk.Status, err)
		}
		if resp.SerialNumber.Cmp(l.Cert.SerialNumber) != 0 {
			t.Fatal("accepted a response for another serial")
		}
		if (resp.Status == ocsp.Good) != (chk.Status == RevocationGood) {
			t.Fatalf("status %v, response says %d", chk.Status, resp.Status)
		}
	})
}

// FuzzCheckCRL feeds arbitrary bytes to checkCRL with a real leaf and
// issuer. Whatever it accepts must be a CRL whose signature verifies with the
// issuer's key, current at now.
func FuzzCheckCRL(f *testing.F) {
	w := newWorld(f)
	l := w.leaf(f, nil)
	now := w.clock.Now()
	const dp = "http://crl.example.com/0.crl"
	for _, revoked := range []bool{false, true} {
		tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour)}
		if revoked {
			tmpl.RevokedCertificateEntries = []x509.RevocationListEntry{{SerialNumber: l.Cert.SerialNumber, RevocationTime: now}}
		}
		der, err := x509.CreateRevocationList(rand.Reader, tmpl, w.inter.Cert, w.inter.Key)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		chk, err := checkCRL(raw, dp, l.Cert, w.inter.Cert, now)
		if err != nil {
			if chk.Status != RevocationUnknown || !errors.Is(err, errUnusable) {
				t.Fatalf("error %v with status %v", err, chk.Status)
			}
			return
		}
		crl, perr := x509.ParseRevocationList(raw)
		if perr != nil {
			t.Fatalf("accepted (%v) bytes that do not parse: %v", chk.Status, perr)
		}
		if err := crl.CheckSignatureFrom(w.inter.Cert); err != nil {
			t.Fatalf("accepted (%v) a CRL that does not verify with the issuer: %v", chk.Status, err)
		}
		if !now.Before(crl.NextUpdate) || crl.ThisUpdate.After(now.Add(clockSkew)) {
			t.Fatal("accepted a CRL that is not current")
		}
	})
}

// invisible is the test's own oracle of what must never reach a display,
// written independently of internal/safetext.
func invisible(r rune) bool {
	switch {
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs):
		return true
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs):
		return true // unassigned (Cn), line and paragraph separators
	case unicode.Is(unicode.Variation_Selector, r):
		return true
	case r == '\u034f', // combining grapheme joiner
		r == '\u115f', r == '\u1160', r == '\u3164', r == '\uffa0', // Hangul fillers
		r == '\u2800',                  // braille blank
		r >= '\u180b' && r <= '\u180f', // Mongolian free variation selectors, vowel separator
		r == '\ufffc':                  // object replacement
		return true
	}
	return false
}
