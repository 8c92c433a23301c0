package tlsinspect

import (
	"bytes"
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/consenttrust/appverify/internal/safetext"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"
)

// checkRevocation fills rep's revocation fields for leaf, whose verified
// chain is chain: the stapled response, then CRLs, then OCSP responders; then,
// unless the leaf is revoked, the intermediates' CRLs (checkIntermediates).
// It reports whether an intermediate was found revoked.
func (in *Inspector) checkRevocation(ctx context.Context, rep *Report, leaf *x509.Certificate, chain []*x509.Certificate, staple []byte, now time.Time) (caRevoked bool) {
	if len(chain) < 2 {
		rep.RevocationReason = "the certificate is itself a trusted root"
		return false
	}
	f := fetcher{in: in}
	defer f.close()
	in.checkLeafRevocation(ctx, &f, rep, leaf, chain[1], staple, now)
	if rep.Revocation == RevocationRevoked {
		return false
	}
	return checkIntermediates(ctx, &f, rep, chain, now)
}

// checkLeafRevocation fills rep's revocation fields for leaf, issued by
// issuer: from the staple if it verifies and is at most MaxStapleAge old,
// else from the CRLs, else from the OCSP responders; else, if an old staple
// said revoked, from it.
func (in *Inspector) checkLeafRevocation(ctx context.Context, f *fetcher, rep *Report, leaf, issuer *x509.Certificate, staple []byte, now time.Time) {
	var why []string
	done := func(chk revocationCheck) {
		rep.Revocation = chk.Status
		rep.RevocationSource = chk.Source
		rep.RevocationURL = chk.URL
		rep.RevocationAt = chk.At
		if chk.Status == RevocationRevoked {
			rep.RevocationReason = chk.Detail
		}
	}
	var oldRevoked *revocationCheck // an old staple that says revoked
	if len(staple) > 0 {
		chk, err := checkOCSPResponse(staple, leaf, issuer, now)
		chk.Source = SourceStapled
		switch maxAge := orDefault(in.MaxStapleAge, defaultMaxStapleAge); {
		case err != nil:
			why = append(why, "stapled: "+trimErr(err))
		case in.MaxStapleAge < 0 || now.Sub(chk.At) > maxAge:
			why = append(why, fmt.Sprintf("stapled: produced at %s, older than the %v allowed", chk.At.UTC().Format(time.RFC3339), maxAge))
			if chk.Status == RevocationRevoked {
				oldRevoked = &chk
			}
		default:
			done(chk)
			return
		}
	}
	for _, u := range fetchable(leaf.CRLDistributionPoints) {
		chk, err := f.crl(ctx, u, leaf, issuer, now)
		if err == nil {
			done(chk)
			return
		}
		why = append(why, "CRL "+u+": "+trimErr(err))
	}
	for _, u := range fetchable(leaf.OCSPServer) {
		chk, err := f.ocsp(ctx, u, leaf, issuer, now)
		if err == nil {
			done(chk)
			return
		}
		why = append(why, "OCSP "+u+": "+trimErr(err))
	}
	if oldRevoked != nil {
		done(*oldRevoked)
		return
	}
	if len(why) == 0 {
		rep.RevocationReason = "no stapled response and no CRL or OCSP URL"
		return
	}
	rep.RevocationReason = strings.Join(why, "; ")
}

// maxIntermediateChecks bounds the intermediates of a verified chain whose
// CRLs are checked, nearest the leaf first.
const maxIntermediateChecks = 3

// checkIntermediates checks the intermediates of the verified chain (neither
// the leaf nor the root), up to maxIntermediateChecks of them, against their
// issuers' CRLs, as the leaf's CRLs are checked (same cache, fetcher and
// bounds; at most maxFetchesPerKind URLs each). The first one found revoked
// makes rep revoked, naming it, and checkIntermediates reports true. An
// intermediate without a CRL distribution point, or whose CRLs cannot be
// fetched or used, changes nothing: the leaf's status stands. OCSP is not
// used for intermediates.
func checkIntermediates(ctx context.Context, f *fetcher, rep *Report, chain []*x509.Certificate, now time.Time) bool {
	cas := chain[1 : len(chain)-1]
	if len(cas) > maxIntermediateChecks {
		cas = cas[:maxIntermediateChecks]
	}
	for i, ca := range cas {
		if len(ca.CRLDistributionPoints) == 0 {
			continue
		}
		issuer := chain[i+2]
		for _, u := range fetchable(ca.CRLDistributionPoints) {
			chk, err := f.crl(ctx, u, ca, issuer, now)
			if err != nil {
				continue // try the next URL; an unknown status changes nothing
			}
			if chk.Status == RevocationRevoked {
				rep.Revocation = RevocationRevoked
				rep.RevocationSource = chk.Source
				rep.RevocationURL = chk.URL
				rep.RevocationAt = chk.At
				rep.RevocationReason = fmt.Sprintf("issuing CA certificate %q %s", caName(ca), chk.Detail)
				return true
			}
			// good: a good leaf status rests on this CRL too
			if rep.Revocation == RevocationGood && chk.At.Before(rep.RevocationAt) {
				rep.RevocationAt = chk.At
			}
			break
		}
	}
	return false
}

// caName names a CA certificate in a revocation reason.
func caName(c *x509.Certificate) string {
	if n := safetext.Sanitize(c.Subject.CommonName); n != "" {
		return n
	}
	return safetext.Sanitize(c.Subject.String())
}

func trimErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, errUnusable.Error()+": ")
	return strings.TrimPrefix(s, "tlsinspect: ")
}

// fetchable returns the first URLs with an http or https scheme.
func fetchable(urls []string) []string {
	var out []string
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
			continue
		}
		out = append(out, u)
		if len(out) == maxFetchesPerKind {
			break
		}
	}
	return out
}

// errFetch is wrapped by errors of OCSP and CRL fetches.
var errFetch = errors.New("tlsinspect: revocation fetch failed")

// fetcher makes the OCSP and CRL requests of one inspection.
type fetcher struct {
	in        *Inspector
	transport *http.Transport
}

func (f *fetcher) close() {
	if f.transport != nil {
		f.transport.CloseIdleConnections()
	}
}

func (f *fetcher) client() *http.Client {
	if f.transport == nil {
		f.transport = &http.Transport{
			Proxy:                  nil, // never a proxy from the environment
			DialContext:            f.in.fetchDialer().DialContext,
			TLSClientConfig:        &tls.Config{RootCAs: f.in.roots(), MinVersion: tls.VersionTLS12},
			DisableKeepAlives:      true,
			DisableCompression:     true,
			MaxResponseHeaderBytes: 16 << 10,
			ForceAttemptHTTP2:      false,
		}
	}
	return &http.Client{
		Transport: f.transport,
		// Redirects are not followed: a responder that redirects is unusable.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// fetchLimit returns the time a fetch starting now has: FetchTimeout, or
// less when ctx's deadline comes sooner, and which of the two it is.
func (f *fetcher) fetchLimit(ctx context.Context) (time.Duration, string) {
	limit, by := orDefault(f.in.FetchTimeout, defaultFetchTimeout), "FetchTimeout"
	if d, ok := ctx.Deadline(); ok && time.Until(d) < limit {
		limit, by = max(time.Until(d), 0), "the caller's deadline"
	}
	return limit, by
}

// timedOut is the error of a fetch cut by its deadline: it states the
// deadline in force and wraps errFetch and context.DeadlineExceeded (or
// context.Canceled, when the caller gave up).
func timedOut(ctx context.Context, limit time.Duration, by string) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("%w: %w", errFetch, context.Canceled)
	}
	return fmt.Errorf("%w: timed out after %v (%s): %w", errFetch, limit.Round(time.Millisecond), by, context.DeadlineExceeded)
}

// get fetches u (POSTing body when non-nil) within FetchTimeout (or ctx's
// sooner deadline) and MaxFetchBytes.
func (f *fetcher) get(ctx context.Context, u string, body []byte, contentType string) ([]byte, error) {
	limit, by := f.fetchLimit(ctx)
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	method := http.MethodGet
	var rd io.Reader
	if body != nil {
		method, rd = http.MethodPost, bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errFetch, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := f.client().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, timedOut(ctx, limit, by)
		}
		return nil, fmt.Errorf("%w: %v", errFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: HTTP status %d", errFetch, resp.StatusCode)
	}
	maxBytes := orDefault(f.in.MaxFetchBytes, defaultMaxFetchBytes)
	if resp.ContentLength > maxBytes {
		return nil, fmt.Errorf("%w: response of %d bytes exceeds the %d-byte limit", errFetch, resp.ContentLength, maxBytes)
	}
	var data []byte
	if resp.ContentLength >= 0 {
		// One allocation of the announced size; a short body is an error.
		data = make([]byte, resp.ContentLength)
		_, err = io.ReadFull(resp.Body, data)
	} else {
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, timedOut(ctx, limit, by)
		}
		return nil, fmt.Errorf("%w: %v", errFetch, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: response exceeds the %d-byte limit", errFetch, maxBytes)
	}
	return data, nil
}

// crl checks leaf, issued by issuer, against the CRL at u: the cached one if
// fresh, else one fetched for this and every concurrent miss. The fetch
// belongs to no caller: it runs to its FetchTimeout and fills the cache even
// when the caller that started it stops waiting (at its own deadline).
func (f *fetcher) crl(ctx context.Context, u string, leaf, issuer *x509.Certificate, now time.Time) (revocationCheck, error) {
	cache := f.in.CRLCache
	if cache == nil {
		cache = defaultCRLCache
	}
	key := crlKey(u, issuer)
	set := cache.get(key, now)
	if set == nil {
		start := time.Now()
		ch := cache.flight.DoChan(key, func() (any, error) {
			g := fetcher{in: f.in}
			defer g.close()
			raw, err := g.get(context.WithoutCancel(ctx), u, nil, "")
			if err != nil {
				return nil, err
			}
			set, err := parseCRL(raw, issuer, now)
			if err != nil {
				return nil, err
			}
			cache.put(key, set, now)
			return set, nil
		})
		// The flight ends within FetchTimeout and the time to read what
		// it fetched (at most MaxFetchBytes); a caller may stop sooner.
		select {
		case r := <-ch:
			if r.Err != nil {
				return revocationCheck{}, r.Err
			}
			set = r.Val.(*crlSet)
		case <-ctx.Done():
			d, _ := ctx.Deadline()
			return revocationCheck{}, timedOut(ctx, d.Sub(start), "the caller's deadline")
		}
	}
	if err := checkCRLHeader(set.header, u, leaf, issuer, now); err != nil {
		return revocationCheck{}, err
	}
	return set.check(u, leaf), nil
}

func (f *fetcher) ocsp(ctx context.Context, u string, leaf, issuer *x509.Certificate, now time.Time) (revocationCheck, error) {
	req, err := ocsp.CreateRequest(leaf, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		return revocationCheck{}, fmt.Errorf("%w: building the OCSP request: %v", errFetch, err)
	}
	var raw []byte
	// RFC 5019 §5: GET when the encoded request is short, for caching.
	if enc := base64.StdEncoding.EncodeToString(req); len(enc) <= 255 {
		raw, err = f.get(ctx, strings.TrimSuffix(u, "/")+"/"+url.PathEscape(enc), nil, "")
	} else {
		raw, err = f.get(ctx, u, req, "application/ocsp-request")
	}
	if err != nil {
		return revocationCheck{}, err
	}
	chk, err := checkOCSPResponse(raw, leaf, issuer, now)
	if err != nil {
		return revocationCheck{}, err
	}
	// The responder was asked now: its answer is the CA's current one, even
	// when a CDN in front of it serves a response made hours ago.
	chk.URL, chk.At = u, now
	return chk, nil
}
