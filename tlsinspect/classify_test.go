package tlsinspect

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"
)

func oids(t testing.TB, ss ...string) []x509.OID {
	t.Helper()
	var out []x509.OID
	for _, s := range ss {
		o, err := x509.ParseOID(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name     string
		policies []string
		want     CertType
	}{
		// The CA/Browser Forum reserved OIDs.
		{"ev", []string{"2.23.140.1.1"}, EV},
		{"ov", []string{"2.23.140.1.2.2"}, OV},
		{"iv", []string{"2.23.140.1.2.3"}, IV},
		{"dv", []string{"2.23.140.1.2.1"}, DV},
		{"none", nil, Unknown},
		{"unrelated", []string{"1.2.3.4", "2.5.29.32.0"}, Unknown},

		// Several: the strongest wins, in any order.
		{"dv then ov", []string{"2.23.140.1.2.1", "2.23.140.1.2.2"}, OV},
		{"ov then dv", []string{"2.23.140.1.2.2", "2.23.140.1.2.1"}, OV},
		{"iv and dv", []string{"2.23.140.1.2.3", "2.23.140.1.2.1"}, IV},
		{"ev and ov", []string{"2.23.140.1.2.2", "2.23.140.1.1"}, EV},
		{"ca policy and ov", []string{"1.3.6.1.4.1.4146.1.20", "2.23.140.1.2.2"}, OV},

		// CA-specific EV OIDs browsers accept.
		{"digicert ev", []string{"2.16.840.1.114412.2.1"}, EV},
		{"sectigo ev", []string{"1.3.6.1.4.1.6449.1.2.1.5.1"}, EV},
		{"entrust ev", []string{"2.16.840.1.114028.10.1.2"}, EV},
		{"globalsign ev, with the CA/B Forum OID as its certificates carry", []string{"1.3.6.1.4.1.4146.1.1", "2.23.140.1.1"}, EV},
		{"globalsign own ev oid alone: neither browser lists it", []string{"1.3.6.1.4.1.4146.1.1"}, Unknown},
		{"wisekey ev", []string{"2.16.756.5.14.7.4.8"}, EV},
		{"ca ev with cabf dv", []string{"2.23.140.1.2.1", "2.16.840.1.114412.2.1"}, EV},

		// Near misses are not matches.
		{"ev prefix", []string{"2.23.140.1"}, Unknown},
		{"ev child", []string{"2.23.140.1.1.1"}, Unknown},
		{"ov sibling", []string{"2.23.140.1.2.4"}, Unknown},
		{"globalsign dv", []string{"1.3.6.1.4.1.4146.1.10"}, Unknown},
		{"huge arc", []string{"2.23.140.1.18446744073709551615"}, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &x509.Certificate{Policies: oids(t, tt.policies...)}
			if got := Classify(c); got != tt.want {
				t.Errorf("Classify(%v) = %v, want %v", tt.policies, got, tt.want)
			}
		})
	}
}

func TestClassifyLegacyPolicyIdentifiers(t *testing.T) {
	c := &x509.Certificate{PolicyIdentifiers: []asn1.ObjectIdentifier{{2, 23, 140, 1, 2, 1}, {2, 23, 140, 1, 2, 2}}}
	if got := Classify(c); got != OV {
		t.Errorf("Classify(legacy OV+DV) = %v, want OV", got)
	}
	// Policies, when present, win over PolicyIdentifiers.
	c.Policies = oids(t, "2.23.140.1.2.1")
	if got := Classify(c); got != DV {
		t.Errorf("Classify(Policies DV, legacy OV) = %v, want DV", got)
	}
	if got := Classify(nil); got != Unknown {
		t.Errorf("Classify(nil) = %v, want unknown", got)
	}
	if got := Classify(&x509.Certificate{PolicyIdentifiers: []asn1.ObjectIdentifier{{2, 16, 840, 1, 114412, 2, 1}}}); got != EV {
		t.Errorf("Classify(legacy DigiCert EV) = %v, want EV", got)
	}
}

// TestClassifyParsed classifies certificates that went through DER and back.
func TestClassifyParsed(t *testing.T) {
	for _, tt := range []struct {
		policy string
		want   CertType
	}{{"2.23.140.1.1", EV}, {"2.23.140.1.2.2", OV}, {"2.23.140.1.2.3", IV}, {"2.23.140.1.2.1", DV}, {"1.2.3", Unknown}} {
		c := selfSigned(t, &x509.Certificate{Policies: oids(t, tt.policy)})
		if got := Classify(c); got != tt.want {
			t.Errorf("Classify(parsed %s) = %v, want %v", tt.policy, got, tt.want)
		}
	}
}

// TestEVTableFollowsSources: the table holds exactly the CA-specific EV
// OIDs of the browsers' lists it follows (testdata/ev_oids.txt).
func TestEVTableFollowsSources(t *testing.T) {
	data, err := os.ReadFile("testdata/ev_oids.txt")
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string][]string{} // OID -> sources listing it
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 2 || (f[0] != "mozilla" && f[0] != "chromium") {
			t.Fatalf("bad line %q", line)
		}
		sources[f[1]] = append(sources[f[1]], f[0])
	}
	if len(sources["2.23.140.1.1"]) != 2 {
		t.Errorf("the CA/Browser Forum OID is not in both sources: %v", sources["2.23.140.1.1"])
	}
	delete(sources, "2.23.140.1.1")
	table := map[string]bool{}
	for _, p := range caEVPolicies {
		table[p.oid] = true
		if sources[p.oid] == nil {
			t.Errorf("%s (%s) is in the table but in neither source", p.oid, p.ca)
		}
	}
	for oid, from := range sources {
		if !table[oid] {
			t.Errorf("%s (listed by %v) is missing from the table", oid, from)
		}
	}
	wisekey := selfSigned(t, &x509.Certificate{Policies: oids(t, "2.16.756.5.14.7.4.8", "2.23.140.1.2.2")})
	if got := Classify(wisekey); got != EV {
		t.Errorf("WISeKey EV certificate classified %v", got)
	}
}

func TestEVTableParses(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range caEVPolicies {
		if seen[p.oid] {
			t.Errorf("duplicate EV OID %s", p.oid)
		}
		seen[p.oid] = true
		if got := Classify(&x509.Certificate{Policies: oids(t, p.oid)}); got != EV {
			t.Errorf("Classify(%s, %s) = %v, want EV", p.oid, p.ca, got)
		}
	}
}

func TestClassifyAllocs(t *testing.T) {
	c := &x509.Certificate{Policies: oids(t, "1.3.6.1.4.1.4146.1.20", "2.23.140.1.2.2")}
	legacy := &x509.Certificate{PolicyIdentifiers: []asn1.ObjectIdentifier{{2, 23, 140, 1, 2, 2}}}
	if n := testing.AllocsPerRun(100, func() { Classify(c); Classify(legacy) }); n != 0 {
		t.Errorf("Classify allocates %v times per call, want 0", n)
	}
}

func BenchmarkClassify(b *testing.B) {
	// A typical OV leaf: the CA's own policy and the CA/Browser Forum's.
	c := &x509.Certificate{Policies: oids(b, "2.16.840.1.114412.1.1", "2.23.140.1.2.2")}
	b.ReportAllocs()
	for b.Loop() {
		if Classify(c) != OV {
			b.Fatal("wrong type")
		}
	}
}

func TestCertTypeText(t *testing.T) {
	for typ, want := range map[CertType]string{Unknown: "unknown", DV: "DV", IV: "IV", OV: "OV", EV: "EV", 99: "unknown", -1: "unknown"} {
		if got := typ.String(); got != want {
			t.Errorf("CertType(%d).String() = %q, want %q", int(typ), got, want)
		}
	}
	for _, typ := range []CertType{Unknown, DV, IV, OV, EV} {
		b, err := json.Marshal(typ)
		if err != nil {
			t.Fatal(err)
		}
		var back CertType
		if err := json.Unmarshal(b, &back); err != nil || back != typ {
			t.Errorf("round trip of %v via %s = %v, %v", typ, b, back, err)
		}
	}
	if _, err := CertType(42).MarshalText(); err == nil {
		t.Error("MarshalText(42) succeeded")
	}
	var c CertType
	if err := c.UnmarshalText([]byte("XV")); err == nil {
		t.Error(`UnmarshalText("XV") succeeded`)
	}
	if err := c.UnmarshalText([]byte("ev")); err != nil || c != EV {
		t.Errorf(`UnmarshalText("ev") = %v, %v`, c, err)
	}
}

func TestRevocationText(t *testing.T) {
	for r, want := range map[Revocation]string{RevocationUnknown: "unknown", RevocationGood: "good", RevocationRevoked: "revoked", 7: "unknown"} {
		if got := r.String(); got != want {
			t.Errorf("Revocation(%d).String() = %q, want %q", int(r), got, want)
		}
	}
	for _, r := range []Revocation{RevocationUnknown, RevocationGood, RevocationRevoked} {
		b, err := r.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Revocation
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Errorf("round trip of %v = %v, %v", r, back, err)
		}
	}
	if _, err := Revocation(-1).MarshalText(); err == nil {
		t.Error("MarshalText(-1) succeeded")
	}
	var r Revocation
	if err := r.UnmarshalText([]byte("maybe")); err == nil {
		t.Error(`UnmarshalText("maybe") succeeded`)
	}
}

// selfSigned mints a self-signed certificate from tmpl (filling serial and
// validity when unset) and returns it parsed. For the pure tests; the
// inspection tests use internal/pki.
func selfSigned(t testing.TB, tmpl *x509.Certificate) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = big.NewInt(1)
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		tmpl.NotAfter = tmpl.NotBefore.Add(90 * 24 * time.Hour)
	}
	if tmpl.Subject.String() == "" {
		tmpl.Subject = pkix.Name{CommonName: "test"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
