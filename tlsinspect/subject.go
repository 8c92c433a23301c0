package tlsinspect

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"github.com/consenttrust/appverify/internal/safetext"
	"strings"
)

// The EV jurisdiction attributes (EV Guidelines §9.2.4), from Microsoft's arc.
var (
	oidJurisdictionLocality = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1}
	oidJurisdictionState    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2}
	oidJurisdictionCountry  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3}
	oidOrganization         = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidCountry              = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidState                = asn1.ObjectIdentifier{2, 5, 4, 8}
	oidLocality             = asn1.ObjectIdentifier{2, 5, 4, 7}
)

// certSubject is the legal entity a certificate's subject names, sanitized for
// display: every value is cleaned by the module's one cleaning (label.Sanitize's), and values that are only
// dots, dashes or spaces count as absent ("").
type certSubject struct {
	// Organization is the first present subject O value.
	Organization string
	// Location is from the subject C, ST and L.
	Location Location
	// Jurisdiction is where an EV subject is incorporated or registered,
	// from the jurisdictionCountryName, jurisdictionStateOrProvinceName and
	// jurisdictionLocalityName attributes (1.3.6.1.4.1.311.60.2.1.3, .2, .1).
	Jurisdiction Location
}

// HasLegalEntity reports whether the subject carries an organization and a
// country, as an OV or EV subject must (Baseline Requirements §7.1.4.2).
func (s certSubject) HasLegalEntity() bool {
	return s.Organization != "" && s.Location.Country != ""
}

// parseSubject extracts the organization and locations from a certificate
// subject (or any distinguished name). It reads name.Names, the attributes as
// they appear in the certificate, so that the EV jurisdiction attributes are
// seen too; for a pkix.Name built by hand with empty Names it falls back to
// the Organization, Country, Province and Locality fields.
func parseSubject(name pkix.Name) certSubject {
	var s certSubject
	if len(name.Names) == 0 {
		s.Organization = firstPresent(name.Organization)
		s.Location.Country = firstPresent(name.Country)
		s.Location.State = firstPresent(name.Province)
		s.Location.Locality = firstPresent(name.Locality)
		return s
	}
	for _, atv := range name.Names {
		var dst *string
		switch {
		case atv.Type.Equal(oidOrganization):
			dst = &s.Organization
		case atv.Type.Equal(oidCountry):
			dst = &s.Location.Country
		case atv.Type.Equal(oidState):
			dst = &s.Location.State
		case atv.Type.Equal(oidLocality):
			dst = &s.Location.Locality
		case atv.Type.Equal(oidJurisdictionCountry):
			dst = &s.Jurisdiction.Country
		case atv.Type.Equal(oidJurisdictionState):
			dst = &s.Jurisdiction.State
		case atv.Type.Equal(oidJurisdictionLocality):
			dst = &s.Jurisdiction.Locality
		default:
			continue
		}
		if *dst != "" {
			continue // the first present value wins
		}
		if v, ok := atv.Value.(string); ok {
			*dst = present(v)
		}
	}
	return s
}

func firstPresent(vs []string) string {
	for _, v := range vs {
		if p := present(v); p != "" {
			return p
		}
	}
	return ""
}

// present sanitizes v and returns "" for placeholder values.
func present(v string) string {
	v = safetext.Sanitize(v)
	if strings.Trim(v, ".- ") == "" {
		return ""
	}
	return v
}
