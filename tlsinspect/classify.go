package tlsinspect

import (
	"crypto/x509"
	"encoding/asn1"
	"strconv"
	"strings"
)

// The CA/Browser Forum reserved policy OIDs (Baseline Requirements §7.1.6.1,
// EV Guidelines §9.3.2). Baseline Requirements §7.1.2.7 make one of them
// mandatory in every subscriber certificate.
var (
	oidEV = mustOID("2.23.140.1.1")
	oidOV = mustOID("2.23.140.1.2.2")
	oidIV = mustOID("2.23.140.1.2.3")
	oidDV = mustOID("2.23.140.1.2.1")
)

// caEVPolicies are EV policy OIDs of individual CAs that browsers accept as
// marking an EV certificate, for certificates that carry a CA's own EV OID
// without (or before) the CA/Browser Forum's 2.23.140.1.1.
//
// Source: exactly the CA-specific OIDs of Mozilla's
// security/certverifier/ExtendedValidation.cpp and of Chromium's
// net/data/ssl/chrome_root_store/root_store.textproto (ev_policy_oids), which
// are checked in as testdata/ev_oids.txt with their commits and the date they
// were copied; TestEVTableFollowsSources fails when the two differ. CAs the
// browsers dropped (Symantec/VeriSign, GeoTrust, StartCom, WoSign,
// Camerfirma, E-Tugra, Staat der Nederlanden, ...) are not in the sources and
// so not here. The table only decides the type: trust is decided by chain
// verification to the configured roots, independently.
var caEVPolicies = []struct {
	oid string
	ca  string
}{
	{"2.16.756.1.89.1.2.1.1", "SwissSign"},
	{"2.16.840.1.114404.1.1.2.4.1", "Trustwave (SecureTrust)"},
	{"1.3.6.1.4.1.6449.1.2.1.5.1", "Sectigo (Comodo)"},
	{"2.16.840.1.114413.1.7.23.3", "GoDaddy"},
	{"2.16.840.1.114414.1.7.23.3", "Starfield"},
	{"2.16.840.1.114412.2.1", "DigiCert"},
	{"1.3.6.1.4.1.8024.0.2.100.1.2", "QuoVadis"},
	{"2.16.840.1.114028.10.1.2", "Entrust"},
	{"2.16.578.1.26.1.3.3", "Buypass"},
	{"1.3.6.1.4.1.34697.2.1", "AffirmTrust"},
	{"1.3.6.1.4.1.34697.2.2", "AffirmTrust"},
	{"1.3.6.1.4.1.34697.2.3", "AffirmTrust"},
	{"1.3.6.1.4.1.34697.2.4", "AffirmTrust"},
	{"1.2.616.1.113527.2.5.1.1", "Certum (Asseco)"},
	{"1.3.6.1.4.1.14777.6.1.1", "Izenpe"},
	{"1.3.6.1.4.1.14777.6.1.2", "Izenpe"},
	{"1.3.6.1.4.1.7879.13.24.1", "T-Systems (Telekom Security)"},
	{"1.3.6.1.4.1.40869.1.1.22.3", "TWCA"},
	{"1.3.6.1.4.1.4788.2.202.1", "D-TRUST"},
	{"1.3.159.1.17.1", "Actalis"},
	{"2.16.156.112554.3", "CFCA"},
	{"1.2.392.200091.100.721.1", "SECOM Trust Systems"},
	{"2.16.756.5.14.7.4.8", "WISeKey"},
	{"1.2.156.112559.1.1.6.1", "GDCA"},
}

// policyOID is one recognised policy OID, kept in both forms the x509
// package exposes so that Classify compares without allocating.
type policyOID struct {
	oid  x509.OID
	ints asn1.ObjectIdentifier
	typ  CertType
}

// knownPolicies lists the CA/Browser Forum OIDs first, then the CA EV OIDs.
var knownPolicies = func() []policyOID {
	ps := []policyOID{
		{oidEV, mustInts("2.23.140.1.1"), EV},
		{oidOV, mustInts("2.23.140.1.2.2"), OV},
		{oidIV, mustInts("2.23.140.1.2.3"), IV},
		{oidDV, mustInts("2.23.140.1.2.1"), DV},
	}
	for _, p := range caEVPolicies {
		ps = append(ps, policyOID{mustOID(p.oid), mustInts(p.oid), EV})
	}
	return ps
}()

// Classify returns the kind of validation the certificate's policy OIDs
// claim: EV, OV, IV, DV or Unknown. It reads cert.Policies, and the legacy
// cert.PolicyIdentifiers only when Policies is empty (a certificate built by
// hand rather than parsed). When several recognised OIDs are present the
// strongest wins (EV > OV > IV > DV). A nil certificate is Unknown.
//
// Classify says what the certificate claims, not whether to believe it:
// only a chain that verifies to trusted roots (see [Inspector]) makes the
// claim worth anything. It does not allocate.
func Classify(cert *x509.Certificate) CertType {
	if cert == nil {
		return Unknown
	}
	best := Unknown
	if len(cert.Policies) > 0 {
		for i := range cert.Policies {
			if t := classifyOID(&cert.Policies[i]); t > best {
				best = t
			}
		}
		return best
	}
	for _, id := range cert.PolicyIdentifiers {
		for i := range knownPolicies {
			if knownPolicies[i].typ > best && id.Equal(knownPolicies[i].ints) {
				best = knownPolicies[i].typ
			}
		}
	}
	return best
}

func classifyOID(o *x509.OID) CertType {
	for i := range knownPolicies {
		if o.Equal(knownPolicies[i].oid) {
			return knownPolicies[i].typ
		}
	}
	return Unknown
}

func mustOID(s string) x509.OID {
	o, err := x509.ParseOID(s)
	if err != nil {
		panic("tlsinspect: bad OID in table: " + s)
	}
	return o
}

func mustInts(s string) asn1.ObjectIdentifier {
	var id asn1.ObjectIdentifier
	for _, part := range strings.Split(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			panic("tlsinspect: bad OID in table: " + s)
		}
		id = append(id, n)
	}
	return id
}
