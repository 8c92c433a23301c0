package pki

import (
	"crypto/x509"
	"encoding/asn1"
)

// oid builds an x509.OID from fixed, valid arcs. x509.OIDFromInts only fails
// for fewer than two arcs or a first arc above 2, which never happens here.
func oid(arcs ...uint64) x509.OID {
	o, _ := x509.OIDFromInts(arcs)
	return o
}

// CA/Browser Forum certificate policy identifiers (Baseline Requirements §7.1.6.1).
var (
	OIDEV = oid(2, 23, 140, 1, 1)    // Extended Validation
	OIDOV = oid(2, 23, 140, 1, 2, 2) // Organization Validated
	OIDIV = oid(2, 23, 140, 1, 2, 3) // Individual Validated
	OIDDV = oid(2, 23, 140, 1, 2, 1) // Domain Validated
)

// The same policy identifiers in encoding/asn1 form.
var (
	ASN1EV = asn1.ObjectIdentifier{2, 23, 140, 1, 1}
	ASN1OV = asn1.ObjectIdentifier{2, 23, 140, 1, 2, 2}
	ASN1IV = asn1.ObjectIdentifier{2, 23, 140, 1, 2, 3}
	ASN1DV = asn1.ObjectIdentifier{2, 23, 140, 1, 2, 1}
)

// Subject attribute types used by EV certificates, for pkix.Name.ExtraNames.
var (
	// OIDJurisdictionLocality is jurisdictionLocalityName (1.3.6.1.4.1.311.60.2.1.1).
	OIDJurisdictionLocality = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1}
	// OIDJurisdictionState is jurisdictionStateOrProvinceName (1.3.6.1.4.1.311.60.2.1.2).
	OIDJurisdictionState = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2}
	// OIDJurisdictionCountry is jurisdictionCountryName (1.3.6.1.4.1.311.60.2.1.3).
	OIDJurisdictionCountry = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3}
	// OIDBusinessCategory is businessCategory (2.5.4.15).
	OIDBusinessCategory = asn1.ObjectIdentifier{2, 5, 4, 15}
	// OIDSerialNumber is the subject serialNumber attribute (2.5.4.5); pkix.Name
	// also has a SerialNumber field for it.
	OIDSerialNumber = asn1.ObjectIdentifier{2, 5, 4, 5}
)

// Extension identifiers.
var (
	// OIDMustStaple is the TLS Feature extension (RFC 7633) used for OCSP Must-Staple.
	OIDMustStaple = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 24}
	// OIDOCSPNoCheck is id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
	OIDOCSPNoCheck = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}
	// OIDIssuingDistributionPoint is the CRL issuingDistributionPoint extension (RFC 5280 §5.2.5).
	OIDIssuingDistributionPoint = asn1.ObjectIdentifier{2, 5, 29, 28}
)
