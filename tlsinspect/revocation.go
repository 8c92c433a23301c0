package tlsinspect

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"golang.org/x/crypto/ocsp"
)

// The sources of a revocation status, as in Report.RevocationSource.
const (
	SourceStapled = "ocsp-stapled"
	SourceCRL     = "crl"
	SourceOCSP    = "ocsp"
)

// clockSkew is how far in the future an OCSP response's or CRL's thisUpdate
// may be and still be accepted.
const clockSkew = 5 * time.Minute

// maxOCSPAge bounds the age of an OCSP response without nextUpdate: the
// Baseline Requirements (§4.9.10) cap an OCSP response's validity at 10 days.
const maxOCSPAge = 10 * 24 * time.Hour

// errUnusable is wrapped by every error of checkOCSPResponse and
// checkCRL: the response or CRL cannot be relied upon, and the status stays
// unknown.
var errUnusable = errors.New("tlsinspect: unusable revocation response")

// revocationCheck is the outcome of one revocation source.
type revocationCheck struct {
	Status Revocation
	// Source is SourceStapled, SourceCRL or SourceOCSP.
	Source string
	// URL is where the response or CRL came from ("" for a stapled one).
	URL string
	// Detail says when and why a certificate was revoked.
	Detail string
	// NextUpdate is when newer information will be available (zero if not
	// given).
	NextUpdate time.Time
	// At is when the status was produced: an OCSP response's thisUpdate, or
	// when a CRL was fetched.
	At time.Time
}

func unusable(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUnusable}, args...)...)
}

// checkOCSPResponse checks a DER OCSP response (RFC 6960) about leaf, issued
// by issuer, at now. The response must be signed by issuer itself, or by a
// delegated responder whose certificate issuer signed, that carries the
// OCSP-signing extended key usage and is valid at now; it must be about
// leaf's serial number and name issuer in its CertID (issuer name and key
// hashes); its thisUpdate may not be more than clockSkew in the
// future and its nextUpdate must not have passed (a response without
// nextUpdate may be at most 10 days old). Any failure returns an error
// wrapping errUnusable and a zero revocationCheck (status unknown);
// an "unknown" certificate status is such a failure too.
func checkOCSPResponse(raw []byte, leaf, issuer *x509.Certificate, now time.Time) (revocationCheck, error) {
	if leaf == nil || issuer == nil {
		return revocationCheck{}, unusable("no certificate or issuer")
	}
	// With a nil issuer the library checks only the signature of an
	// embedded responder certificate; the issuer checks are done here, with
	// the EKU check the library lacks.
	resp, err := ocsp.ParseResponseForCert(raw, leaf, nil)
	if err != nil {
		var re ocsp.ResponseError
		if errors.As(err, &re) {
			return revocationCheck{}, unusable("OCSP responder error %q", re.Status.String())
		}
		// A response that parses without the certificate has none for it.
		var pe ocsp.ParseError
		if errors.As(err, &pe) {
			if _, err2 := ocsp.ParseResponseForCert(raw, nil, nil); err2 == nil {
				return revocationCheck{}, unusable("OCSP response is for another serial number")
			}
		}
		return revocationCheck{}, unusable("OCSP response: %v", err)
	}
	if resp.SerialNumber == nil || leaf.SerialNumber == nil || resp.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
		return revocationCheck{}, unusable("OCSP response is for another serial number")
	}
	if !ocspAboutIssuer(resp, leaf, issuer) {
		return revocationCheck{}, unusable("OCSP response is about another issuer's certificate")
	}
	if err := checkOCSPSigner(resp, issuer, now); err != nil {
		return revocationCheck{}, err
	}
	if resp.ThisUpdate.IsZero() || resp.ThisUpdate.After(now.Add(clockSkew)) {
		return revocationCheck{}, unusable("OCSP thisUpdate %v is in the future", resp.ThisUpdate)
	}
	if resp.NextUpdate.IsZero() {
		if now.Sub(resp.ThisUpdate) > maxOCSPAge {
			return revocationCheck{}, unusable("OCSP response without nextUpdate is older than 10 days")
		}
	} else if !now.Before(resp.NextUpdate) {
		return revocationCheck{}, unusable("OCSP response is stale: nextUpdate %v has passed", resp.NextUpdate.UTC())
	}
	chk := revocationCheck{Source: SourceOCSP, NextUpdate: resp.NextUpdate, At: resp.ThisUpdate}
	switch resp.Status {
	case ocsp.Good:
		chk.Status = RevocationGood
	case ocsp.Revoked:
		chk.Status = RevocationRevoked
		chk.Detail = revokedDetail(resp.RevokedAt, resp.RevocationReason)
	default:
		return revocationCheck{}, unusable("OCSP status unknown")
	}
	return chk, nil
}

// ocspCertID and ocspResponseData are the parts of RFC 6960's ResponseData
// that golang.org/x/crypto/ocsp reads but does not return.
type ocspCertID struct {
	HashAlgorithm  pkix.AlgorithmIdentifier
	IssuerNameHash []byte
	IssuerKeyHash  []byte
	SerialNumber   *big.Int
}

type ocspResponseData struct {
	Version        int `asn1:"optional,default:0,explicit,tag:0"`
	RawResponderID asn1.RawValue
	ProducedAt     asn1.RawValue
	Responses      []struct{ CertID ocspCertID }
}

// ocspAboutIssuer reports whether the single response the library chose (the
// first for leaf's serial number) names issuer in its CertID (RFC 6960
// §4.1.1, §3.2 step 1): a serial number means nothing without its issuer,
// and a responder key may serve several CAs.
func ocspAboutIssuer(resp *ocsp.Response, leaf, issuer *x509.Certificate) bool {
	var data ocspResponseData
	if _, err := asn1.Unmarshal(resp.TBSResponseData, &data); err != nil {
		return false
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(issuer.RawSubjectPublicKeyInfo, &spki); err != nil {
		return false
	}
	h := resp.IssuerHash
	if h == 0 || !h.Available() {
		return false
	}
	sum := func(b []byte) []byte { d := h.New(); d.Write(b); return d.Sum(nil) }
	for _, r := range data.Responses {
		if r.CertID.SerialNumber == nil || r.CertID.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
			continue
		}
		return bytes.Equal(r.CertID.IssuerNameHash, sum(issuer.RawSubject)) &&
			bytes.Equal(r.CertID.IssuerKeyHash, sum(spki.PublicKey.RightAlign()))
	}
	return false
}

// checkOCSPSigner verifies that issuer vouches for resp's signature.
func checkOCSPSigner(resp *ocsp.Response, issuer *x509.Certificate, now time.Time) error {
	responder := resp.Certificate
	if responder == nil || bytes.Equal(responder.Raw, issuer.Raw) {
		if err := resp.CheckSignatureFrom(issuer); err != nil {
			return unusable("OCSP signature does not verify with the issuer: %v", err)
		}
		return nil
	}
	// A delegated responder (RFC 6960 §4.2.2.2).
	if err := responder.CheckSignatureFrom(issuer); err != nil {
		return unusable("OCSP responder certificate not issued by the issuer: %v", err)
	}
	if !slices.Contains(responder.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
		return unusable("OCSP responder certificate lacks the OCSP-signing extended key usage")
	}
	if now.Before(responder.NotBefore) || now.After(responder.NotAfter) {
		return unusable("OCSP responder certificate is not valid at %v", now.UTC())
	}
	if err := resp.CheckSignatureFrom(responder); err != nil {
		return unusable("OCSP signature does not verify with the responder: %v", err)
	}
	return nil
}

var reasonCodes = map[int]string{
	0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged", 4: "superseded",
	5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL", 9: "privilegeWithdrawn", 10: "aACompromise",
}

func revokedDetail(at time.Time, reason int) string {
	name, ok := reasonCodes[reason]
	if !ok {
		name = fmt.Sprintf("reason %d", reason)
	}
	return fmt.Sprintf("revoked at %s (%s)", at.UTC().Format(time.RFC3339), name)
}

var (
	oidIssuingDistributionPoint = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidDeltaCRLIndicator        = asn1.ObjectIdentifier{2, 5, 29, 27}
)

// issuingDistributionPoint is RFC 5280 §5.2.5.
type issuingDistributionPoint struct {
	DistributionPoint          asn1.RawValue  `asn1:"optional,tag:0"`
	OnlyContainsUserCerts      bool           `asn1:"optional,tag:1"`
	OnlyContainsCACerts        bool           `asn1:"optional,tag:2"`
	OnlySomeReasons            asn1.BitString `asn1:"optional,tag:3"`
	IndirectCRL                bool           `asn1:"optional,tag:4"`
	OnlyContainsAttributeCerts bool           `asn1:"optional,tag:5"`
}

func checkIDP(der []byte, url string, leaf *x509.Certificate) error {
	var idp issuingDistributionPoint
	rest, err := asn1.Unmarshal(der, &idp)
	if err != nil || len(rest) != 0 {
		return unusable("CRL issuingDistributionPoint is malformed")
	}
	switch {
	case idp.IndirectCRL:
		return unusable("indirect CRLs are not supported")
	case idp.OnlySomeReasons.BitLength > 0:
		return unusable("CRL covers only some revocation reasons")
	case idp.OnlyContainsAttributeCerts:
		return unusable("CRL covers only attribute certificates")
	case leaf == nil:
		return nil // scope is judged per certificate
	case idp.OnlyContainsCACerts && !leaf.IsCA:
		return unusable("CRL covers only CA certificates")
	case idp.OnlyContainsUserCerts && leaf.IsCA:
		return unusable("CRL covers only end-entity certificates")
	}
	if len(idp.DistributionPoint.FullBytes) == 0 {
		return nil
	}
	// distributionPoint [0] DistributionPointName; fullName [0] GeneralNames.
	var fullName asn1.RawValue
	if _, err := asn1.Unmarshal(idp.DistributionPoint.Bytes, &fullName); err != nil {
		return unusable("CRL issuingDistributionPoint name is malformed")
	}
	if fullName.Class != asn1.ClassContextSpecific || fullName.Tag != 0 {
		return unusable("CRL issuingDistributionPoint uses a relative name")
	}
	names := fullName.Bytes
	for len(names) > 0 {
		var gn asn1.RawValue
		names, err = asn1.Unmarshal(names, &gn)
		if err != nil {
			return unusable("CRL issuingDistributionPoint name is malformed")
		}
		if gn.Class != asn1.ClassContextSpecific || gn.Tag != 6 { // uniformResourceIdentifier
			continue
		}
		uri := string(gn.Bytes)
		if uri == url || slices.Contains(leaf.CRLDistributionPoints, uri) {
			return nil
		}
	}
	return unusable("CRL is for another distribution point (partition)")
}
