package tlsinspect

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/internal/pki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// bigCRL encodes a CRL of issuer listing n serials (and revoked, the
// middle one), about 51 bytes an entry, signed with key (ECDSA P-256 and
// SHA-256), without x509.CreateRevocationList's per-entry structures.
func bigCRL(t testing.TB, issuer *x509.Certificate, key crypto.Signer, n int, revoked *big.Int, now time.Time) []byte {
	t.Helper()
	ecdsaSHA256 := func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2})
		})
	}
	var tbs cryptobyte.Builder
	tbs.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1) // v2
		ecdsaSHA256(b)
		b.AddBytes(issuer.RawSubject)
		b.AddASN1UTCTime(now.Add(-time.Hour).UTC())
		b.AddASN1UTCTime(now.Add(24 * time.Hour).UTC())
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for i := range n {
				serial := new(big.Int).Lsh(big.NewInt(int64(i+1)), 100)
				if i == n/2 {
					serial = revoked
				}
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1BigInt(serial)
					b.AddASN1UTCTime(now.Add(-time.Hour).UTC().Truncate(time.Second))
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{2, 5, 29, 21})
							b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) { b.AddASN1Enum(1) })
						})
					})
				})
			}
		})
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{2, 5, 29, 20}) // cRLNumber
					b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) { b.AddASN1Int64(1) })
				})
			})
		})
	})
	tbsDER := tbs.BytesOrPanic()
	digest := sha256.Sum256(tbsDER)
	sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	var crl cryptobyte.Builder
	crl.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbsDER)
		ecdsaSHA256(b)
		b.AddASN1BitString(sig)
	})
	return crl.BytesOrPanic()
}

// allocated returns the bytes allocated while f runs: an upper bound of the
// heap's growth at its peak.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestCRLMemory: checking a CA-signed 10 MiB CRL, fetch included, allocates
// less than 3 times its size in all (so its peak heap is under that), and
// one signed by another key is rejected having allocated little beyond its
// bytes.
func TestCRLMemory(t *testing.T) {
	w := newWorld(t)
	now := w.clock.Now()
	l := w.leaf(t, nil)
	const entries = 200_000
	good := bigCRL(t, w.inter.Cert, w.inter.Key, entries, l.Cert.SerialNumber, now)
	otherKey, err := pki.NewKey(pki.KeyECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	forged := bigCRL(t, w.inter.Cert, otherKey, entries, l.Cert.SerialNumber, now)
	size := uint64(len(good))
	if size < 9<<20 || size > defaultMaxFetchBytes {
		t.Fatalf("CRL of %d bytes", size)
	}
	t.Logf("CRL: %d entries, %.1f MiB", entries, float64(size)/(1<<20))

	// Parsing alone.
	var set *crlSet
	n := allocated(func() { set, err = parseCRL(good, w.inter.Cert, now) })
	if err != nil || set.check("", l.Cert).Status != RevocationRevoked || len(set.revoked) != entries {
		t.Fatalf("parseCRL: %v, %d entries", err, len(set.revoked))
	}
	t.Logf("parseCRL allocated %.2fx the CRL's size; the reduced set takes %.2fx", float64(n)/float64(size), float64(set.size)/float64(size))
	if n > size {
		t.Errorf("parseCRL allocated %d bytes for a %d-byte CRL", n, size)
	}
	n = allocated(func() { _, err = parseCRL(forged, w.inter.Cert, now) })
	if err == nil || !strings.Contains(err.Error(), "signature") {
		t.Fatalf("forged CRL: %v", err)
	}
	t.Logf("a forged CRL is rejected having allocated %d bytes", n)
	if n > 64<<10 {
		t.Errorf("rejecting a forged CRL allocated %d bytes: per-entry work before the signature", n)
	}
	var parsed uint64
	if testing.Verbose() {
		parsed = allocated(func() { _, _ = x509.ParseRevocationList(good) })
		t.Logf("for comparison, x509.ParseRevocationList allocates %.1fx", float64(parsed)/float64(size))
	}

	// Through Inspect: the body, fetched with its Content-Length, then read.
	for _, tt := range []struct {
		name  string
		der   []byte
		want  Revocation
		limit uint64
	}{
		{"CA-signed", good, RevocationRevoked, 3 * size},
		{"signed by another key", forged, RevocationUnknown, size + 2<<20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			crlSrv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
				rw.Header().Set("Content-Length", strconv.Itoa(len(tt.der)))
				rw.Write(tt.der)
			}))
			defer crlSrv.Close()
			leaf := w.leaf(t, func(o *pki.LeafOptions) {
				o.Serial = l.Cert.SerialNumber
				o.OCSPServer, o.CRLDistributionPoints = nil, []string{crlSrv.URL + "/big.crl"}
			})
			srv := serve(t, leaf.TLSCertificate(), pki.TLSOptions{})
			in := w.inspector(srv.Addr())
			// Checking 200,000 entries under -race on a busy machine can take
			// longer than the world's 3 s: this test is about memory.
			in.FetchTimeout, in.Timeout = time.Minute, time.Minute
			var r *Report
			n := allocated(func() { r, err = in.Inspect(context.Background(), testHost, 443) })
			if err != nil {
				t.Fatal(err)
			}
			if r.Revocation != tt.want {
				t.Fatalf("%v (%s)", r.Revocation, r.RevocationReason)
			}
			t.Logf("Inspect allocated %.2fx the CRL's size", float64(n)/float64(size))
			if n > tt.limit {
				t.Errorf("Inspect allocated %d bytes for a %d-byte CRL, over %d", n, size, tt.limit)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	for _, tt := range []struct {
		tag  cbasn1.Tag
		in   string
		want string // RFC 3339, "" for an error
	}{
		{cbasn1.UTCTime, "260102030405Z", "2026-01-02T03:04:05Z"},
		{cbasn1.UTCTime, "990102030405Z", "1999-01-02T03:04:05Z"},
		{cbasn1.UTCTime, "500102030405Z", "1950-01-02T03:04:05Z"},
		{cbasn1.GeneralizedTime, "20500102030405Z", "2050-01-02T03:04:05Z"},
		{cbasn1.UTCTime, "260230030405Z", ""},     // February 30
		{cbasn1.UTCTime, "261302030405Z", ""},     // month 13
		{cbasn1.UTCTime, "260102240405Z", ""},     // hour 24
		{cbasn1.UTCTime, "2601020304Z", ""},       // no seconds
		{cbasn1.UTCTime, "260102030405+0100", ""}, // not Z
		{cbasn1.UTCTime, "2601020304-5Z", ""},
		{cbasn1.GeneralizedTime, "20260102030405.5Z", ""},
		{cbasn1.GeneralizedTime, "260102030405Z", ""},
		{cbasn1.OCTET_STRING, "260102030405Z", ""},
	} {
		got, ok := parseTime(tt.tag, []byte(tt.in))
		if s := got.Format(time.RFC3339); ok != (tt.want != "") || ok && s != tt.want {
			t.Errorf("%q: %v %v, want %q", tt.in, s, ok, tt.want)
		}
	}
}

// TestWalkEntriesRefuses: entries that would make a lookup wrong make the
// CRL unusable.
func TestWalkEntriesRefuses(t *testing.T) {
	entry := func(serial []byte, ext func(*cryptobyte.Builder)) cryptobyte.String {
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(serial) })
			b.AddASN1UTCTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			if ext != nil {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, ext)
				})
			}
		})
		return b.BytesOrPanic()
	}
	extension := func(oid asn1.ObjectIdentifier, critical bool, value []byte) func(*cryptobyte.Builder) {
		return func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			if critical {
				b.AddASN1Boolean(true)
			}
			b.AddASN1OctetString(value)
		}
	}
	for _, tt := range []struct {
		name  string
		entry cryptobyte.String
		err   string
	}{
		{"padded serial", entry([]byte{0, 1}, nil), "not DER"},
		{"padded negative serial", entry([]byte{0xff, 0x80}, nil), "not DER"},
		{"empty serial", entry(nil, nil), "not DER"},
		{"certificateIssuer", entry([]byte{1}, extension(asn1.ObjectIdentifier{2, 5, 29, 29}, false, []byte{0x30, 0})), "indirect"},
		{"unknown critical", entry([]byte{1}, extension(asn1.ObjectIdentifier{1, 2, 3}, true, []byte{5, 0})), "critical"},
		{"reason not an enum", entry([]byte{1}, extension(asn1.ObjectIdentifier{2, 5, 29, 21}, false, []byte{2, 1, 1})), "reason"},
		{"truncated", entry([]byte{1}, nil)[:5], "malformed"},
	} {
		err := walkEntries(tt.entry, func([]byte, time.Time, int) {})
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	var got []int
	ok := append(entry([]byte{1}, extension(asn1.ObjectIdentifier{2, 5, 29, 21}, false, []byte{10, 1, 8})), entry([]byte{0, 0x80}, nil)...)
	if err := walkEntries(ok, func(s []byte, _ time.Time, r int) { got = append(got, len(s), r) }); err != nil || len(got) != 2 || got[0] != 2 {
		t.Errorf("removeFromCRL skipped, positive serial kept: %v, %v", got, err)
	}
}

func BenchmarkParseCRL(b *testing.B) {
	w := newWorld(b)
	now := w.clock.Now()
	l := w.leaf(b, nil)
	der := bigCRL(b, w.inter.Cert, w.inter.Key, 20_000, l.Cert.SerialNumber, now)
	b.Run("parseCRL", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseCRL(der, w.inter.Cert, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("x509.ParseRevocationList", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := x509.ParseRevocationList(der); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzWalkEntries feeds arbitrary bytes to the entry reader of verified
// CRLs (the signature keeps mutations from reaching it through checkCRL):
// it must not panic, must hand out serials that are minimal DER of at most
// 255 bytes, and must agree with crypto/x509 on what a well-formed list
// holds.
func FuzzWalkEntries(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, n := range []int{0, 1, 3} {
		var b cryptobyte.Builder
		for i := range n {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1BigInt(big.NewInt(int64(i*300 - 1)))
				b.AddASN1UTCTime(now)
				if i == 1 {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{2, 5, 29, 21})
							b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) { b.AddASN1Enum(1) })
						})
					})
				}
			})
		}
		f.Add(b.BytesOrPanic())
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var serials [][]byte
		err := walkEntries(raw, func(serial []byte, at time.Time, reason int) {
			if len(serial) == 0 || len(serial) > 255 || reason < 0 || reason > 255 || reason == 8 || at.IsZero() {
				t.Fatalf("entry %x at %v reason %d", serial, at, reason)
			}
			serials = append(serials, serial)
		})
		if err != nil {
			if !errors.Is(err, errUnusable) {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, s := range serials {
			var n big.Int
			in := cryptobyte.String(append([]byte{2, byte(len(s))}, s...))
			if len(s) < 128 && !in.ReadASN1Integer(&n) {
				t.Fatalf("serial %x is not a DER INTEGER", s)
			}
		}
	})
}
