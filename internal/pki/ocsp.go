package pki

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"golang.org/x/crypto/ocsp"
)

// OCSP certificate statuses, re-exported from golang.org/x/crypto/ocsp.
const (
	OCSPGood    = ocsp.Good
	OCSPRevoked = ocsp.Revoked
	OCSPUnknown = ocsp.Unknown
)

// OCSPResponse returns a DER OCSP response for leaf signed directly by ca,
// suitable for stapling (tls.Certificate.OCSPStaple). status is OCSPGood,
// OCSPRevoked (revoked at thisUpdate, reason unspecified) or OCSPUnknown.
// ProducedAt is set by golang.org/x/crypto/ocsp to the real current minute.
func (ca *CA) OCSPResponse(leaf *x509.Certificate, status int, thisUpdate, nextUpdate time.Time) ([]byte, error) {
	if leaf == nil {
		return nil, errors.New("pki: OCSPResponse for a nil certificate")
	}
	return ca.SignOCSP(ocsp.Response{
		Status:       status,
		SerialNumber: leaf.SerialNumber,
		ThisUpdate:   thisUpdate,
		NextUpdate:   nextUpdate,
		RevokedAt:    thisUpdate,
	}, nil)
}

// SignOCSP signs an arbitrary OCSP response template for a certificate
// issued by ca. If responder is non-nil the response is signed by that
// delegated responder and carries its certificate; otherwise ca signs it.
func (ca *CA) SignOCSP(tmpl ocsp.Response, responder *Leaf) ([]byte, error) {
	if ca == nil || ca.Cert == nil || ca.Key == nil {
		return nil, errors.New("pki: SignOCSP on a nil or incomplete CA")
	}
	if tmpl.SerialNumber == nil {
		return nil, errors.New("pki: SignOCSP: template has no serial number")
	}
	respCert, key := ca.Cert, ca.Key
	if responder != nil {
		respCert, key = responder.Cert, responder.Key
		tmpl.Certificate = responder.Cert
	}
	der, err := ocsp.CreateResponse(ca.Cert, respCert, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("pki: creating OCSP response: %w", err)
	}
	return der, nil
}

// issuerMatches reports whether an OCSP request's CertID names ca.
func issuerMatches(req *ocsp.Request, ca *CA) bool {
	if req.HashAlgorithm == 0 || !req.HashAlgorithm.Available() {
		return false
	}
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(ca.Cert.RawSubjectPublicKeyInfo, &info); err != nil {
		return false
	}
	h := req.HashAlgorithm.New()
	h.Write(info.PublicKey.RightAlign())
	if string(h.Sum(nil)) != string(req.IssuerKeyHash) {
		return false
	}
	h.Reset()
	h.Write(ca.Cert.RawSubject)
	return string(h.Sum(nil)) == string(req.IssuerNameHash)
}

// corruptSigner wraps a signer and flips bits in its signatures, producing a
// structurally valid signature that does not verify.
type corruptSigner struct{ crypto.Signer }

func (c corruptSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := c.Signer.Sign(r, digest, opts)
	if err != nil {
		return nil, err
	}
	if len(sig) > 0 {
		sig[len(sig)-1] ^= 0x55
		if len(sig) > 8 {
			sig[len(sig)-8] ^= 0x55
		}
	}
	return sig, nil
}

// corruptTrailingSignature flips bits in the last bytes of a DER structure
// whose final element is a signature BIT STRING (a CRL).
func corruptTrailingSignature(der []byte) []byte {
	out := append([]byte(nil), der...)
	if len(out) > 8 {
		out[len(out)-1] ^= 0x55
		out[len(out)-8] ^= 0x55
	}
	return out
}

// nextSerial returns serial+1 (for the "response for another serial" fault).
func nextSerial(s *big.Int) *big.Int {
	return new(big.Int).Add(s, big.NewInt(1))
}
