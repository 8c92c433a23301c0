package tlsinspect

import (
	"crypto/x509"
	"fmt"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// cdnOrganizations are subject organization names used by CDN and hosting
// front ends that terminate TLS for their customers with certificates of
// their own. Matching is case-insensitive on a prefix of the sanitized O
// value, so "Cloudflare, Inc." and "Amazon.com, Inc." match.
//
// Sources: the organizations in certificates served by each operator's
// shared front ends, as listed in their documentation of shared or
// "universal" certificates.
var cdnOrganizations = []struct {
	prefix string
	name   string
}{
	{"cloudflare", "Cloudflare"},
	{"akamai", "Akamai"},
	{"fastly", "Fastly"},
	{"amazon", "Amazon CloudFront"},
	{"google llc", "Google"},
	{"microsoft corporation", "Microsoft Azure CDN"},
	{"incapsula", "Imperva Incapsula"},
	{"imperva", "Imperva Incapsula"},
	{"stackpath", "StackPath"},
	{"highwinds", "StackPath (Highwinds)"},
	{"sucuri", "Sucuri"},
	{"limelight", "Edgio (Limelight)"},
	{"edgecast", "Edgio (Edgecast)"},
	{"edgio", "Edgio"},
	{"verizon digital media", "Edgio (Verizon Digital Media)"},
	{"bunny", "bunny.net"},
	{"cdn77", "CDN77"},
	{"keycdn", "KeyCDN"},
	{"netlify", "Netlify"},
	{"vercel", "Vercel"},
	{"github, inc", "GitHub Pages"},
}

// MaxSANSites is the number of distinct registrable domains (eTLD+1, Public
// Suffix List with its private section) a certificate's SANs may span before
// it is taken for a CDN's shared certificate.
const MaxSANSites = 10

// DetectCDN reports whether cert looks like a CDN's certificate rather than
// the app's own, and why: either its subject organization is a known CDN
// operator's, or its DNS SANs span more than [MaxSANSites] distinct
// registrable domains. When it does, the organization must not be shown as
// the app's.
func DetectCDN(cert *x509.Certificate) (bool, string) {
	if cert == nil {
		return false, ""
	}
	for _, o := range cert.Subject.Organization {
		o = strings.ToLower(Sanitize(o))
		for _, c := range cdnOrganizations {
			if strings.HasPrefix(o, c.prefix) {
				return true, "certificate organization is the CDN operator " + c.name
			}
		}
	}
	if len(cert.DNSNames) > MaxSANSites {
		sites := make(map[string]struct{}, MaxSANSites+1)
		for _, name := range cert.DNSNames {
			name = strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(name, ".")), "*.")
			site, err := publicsuffix.EffectiveTLDPlusOne(name)
			if err != nil {
				continue
			}
			sites[site] = struct{}{}
			if len(sites) > MaxSANSites {
				return true, fmt.Sprintf("certificate names more than %d unrelated domains, as a CDN's shared certificate does", MaxSANSites)
			}
		}
	}
	return false, ""
}
