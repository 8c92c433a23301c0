package samples

import (
	"fmt"
	"net/url"

	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// Start starts an offline world (appidenttest) holding every sample's site:
// its TLS server with the sample's certificate and its TXT records. Close it
// when done; pass its Config to appident.New.
func Start() (*appidenttest.World, error) {
	w, err := appidenttest.NewWorld()
	if err != nil {
		return nil, err
	}
	for _, s := range All() {
		opts, ok, err := s.siteOptions()
		if err != nil {
			w.Close()
			return nil, err
		}
		if !ok {
			continue
		}
		if _, err := w.AddSite(opts); err != nil {
			w.Close()
			return nil, fmt.Errorf("samples: %s: %w", s.Key, err)
		}
	}
	return w, nil
}

// siteOptions returns the site the sample needs; ok is false when it needs
// none (a development redirect URI is never dialled).
func (s Sample) siteOptions() (opts appidenttest.SiteOptions, ok bool, err error) {
	if s.Cert == None {
		return opts, false, nil
	}
	u, err := url.Parse(s.App.RedirectURIs[0])
	if err != nil {
		return opts, false, fmt.Errorf("samples: %s: %w", s.Key, err)
	}
	opts = appidenttest.SiteOptions{
		Host:         u.Hostname(),
		Type:         tlsinspect.OV,
		Organization: s.Subject.Organization,
		Country:      s.Subject.Country,
		State:        s.Subject.State,
		Locality:     s.Subject.Locality,
		TXT:          s.TXT,
	}
	switch s.Cert {
	case EV:
		opts.Type = tlsinspect.EV
		opts.Staple = true // revocation from a stapled OCSP response
	case DV:
		opts.Type = tlsinspect.DV
	case SelfSigned:
		opts.SelfSigned = true
	case Expired:
		opts.Expired = true
	case Revoked:
		opts.Revoked = true
	case CDN:
		opts.CDN = true
	}
	return opts, true, nil
}
