package tlsinspect

import (
	"crypto/x509"
	"fmt"
	"github.com/consenttrust/appverify/internal/safetext"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
//
// sites are registrable domains (eTLD+1, Public Suffix List with its
// private section) the operator runs itself, where its organization is the
// site's own. Only domains whose every host is the operator's belong here:
// not its hosting domains (azurewebsites.net, cloudfront.net, pages.dev,
// github.io: each customer's subdomain of those is a site of its own in the
// private section, so it never matches) nor shared ones whose subdomains are
// tenants' (sharepoint.com). The TXT record an app needs at the eTLD+1 can
// be placed there only by the operator too.
var cdnOrganizations = []struct {
	prefix string
	name   string
	sites  []string
}{
	{"cloudflare", "Cloudflare", []string{"cloudflare.com"}},
	{"akamai", "Akamai", []string{"akamai.com"}},
	{"fastly", "Fastly", []string{"fastly.com"}},
	{"amazon", "Amazon CloudFront", []string{"amazon.com"}},
	{"google llc", "Google", []string{"google.com"}},
	{"microsoft corporation", "Microsoft Azure CDN", []string{"microsoft.com", "microsoftonline.com", "live.com"}},
	{"incapsula", "Imperva Incapsula", nil},
	{"imperva", "Imperva Incapsula", []string{"imperva.com"}},
	{"stackpath", "StackPath", nil},
	{"highwinds network", "StackPath (Highwinds)", nil},
	{"sucuri", "Sucuri", nil},
	{"limelight networks", "Edgio (Limelight)", nil},
	{"edgecast", "Edgio (Edgecast)", nil},
	{"edgio", "Edgio", nil},
	{"verizon digital media", "Edgio (Verizon Digital Media)", nil},
	{"bunnyway", "bunny.net", nil},
	{"cdn77", "CDN77", nil},
	{"keycdn", "KeyCDN", nil},
	{"netlify", "Netlify", []string{"netlify.com"}},
	{"vercel", "Vercel", []string{"vercel.com"}},
	{"github, inc", "GitHub Pages", []string{"github.com"}},
}

// maxSANSites is the number of distinct registrable domains (eTLD+1, Public
// Suffix List with its private section) a certificate's SANs may span before
// it is taken for a CDN's shared certificate.
const maxSANSites = 10

// DetectCDN reports whether cert, as served for host, looks like a CDN's
// certificate rather than the app's own, and why: either its subject
// organization is a known CDN operator's, or its DNS SANs span more than
// ten (maxSANSites) distinct registrable domains. When it does, the organization
// must not be shown as the app's. A CDN operator's organization is not a
// CDN's when host's registrable domain is one the operator runs itself
// (Microsoft at login.microsoftonline.com, Cloudflare at dash.cloudflare.com):
// the organization is then the site's. For any other host, a customer's
// included, and for an empty host, it is the CDN's.
func DetectCDN(cert *x509.Certificate, host string) (bool, string) {
	if cert == nil {
		return false, ""
	}
	site := ""
	if host = strings.ToLower(strings.TrimSuffix(host, ".")); host != "" {
		site, _ = publicsuffix.EffectiveTLDPlusOne(host)
	}
	own := false
	for _, o := range cert.Subject.Organization {
		o = strings.ToLower(safetext.Sanitize(o))
		for _, c := range cdnOrganizations {
			if hasWordPrefix(o, c.prefix) {
				if site == "" || !slices.Contains(c.sites, site) {
					return true, "certificate organization is the CDN operator " + c.name
				}
				own = true
				break
			}
		}
	}
	if own {
		return false, "" // the operator's own site, whatever else it names
	}
	if len(cert.DNSNames) > maxSANSites {
		sites := make(map[string]struct{}, maxSANSites+1)
		for _, name := range cert.DNSNames {
			name = strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(name, ".")), "*.")
			site, err := publicsuffix.EffectiveTLDPlusOne(name)
			if err != nil {
				continue
			}
			sites[site] = struct{}{}
			if len(sites) > maxSANSites {
				return true, fmt.Sprintf("certificate names more than %d unrelated domains, as a CDN's shared certificate does", maxSANSites)
			}
		}
	}
	return false, ""
}

// hasWordPrefix reports whether o starts with prefix as whole words: the
// prefix is all of o or followed by a character that is not a letter or
// digit ("amazon.com, inc." and "cloudflare, inc." match, "amazonia health"
// does not).
func hasWordPrefix(o, prefix string) bool {
	if !strings.HasPrefix(o, prefix) {
		return false
	}
	rest := o[len(prefix):]
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
