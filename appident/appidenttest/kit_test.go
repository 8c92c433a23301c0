package appidenttest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ocsp"

	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// get fetches u with client and returns the body.
func get(t *testing.T, client *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := client.Get(u)
	require.NoError(t, err, "GET %s", u)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// handshake connects to host through the world's dialer and returns the
// handshake's state.
func handshake(t *testing.T, w *appidenttest.World, host string) tls.ConnectionState {
	t.Helper()
	conn, err := w.Dialer().DialContext(context.Background(), "tcp", host+":443")
	require.NoError(t, err)
	tc := tls.Client(conn, &tls.Config{ServerName: host, RootCAs: w.Roots(), Time: w.Now})
	defer tc.Close()
	require.NoError(t, tc.SetDeadline(time.Now().Add(5*time.Second)))
	require.NoError(t, tc.Handshake())
	return tc.ConnectionState()
}

func TestSiteRunsHandler(t *testing.T) {
	w := appidenttest.New(t)
	callback := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(rw, "code="+r.URL.Query().Get("code")+" on "+r.Host+r.URL.Path)
	})
	site, err := w.AddSite(appidenttest.SiteOptions{Host: "app.kithealth.com", Handler: callback})
	require.NoError(t, err)
	client := w.Client()
	_, body := get(t, client, site.URI+"?code=abc")
	assert.Equal(t, "code=abc on app.kithealth.com/callback", body)

	require.NoError(t, site.SetHandler(http.NotFoundHandler()))
	resp, _ := get(t, client, site.URI)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.NoError(t, site.SetHandler(nil))
	_, body = get(t, client, site.URI)
	assert.Equal(t, "ok", body)

	down, err := w.AddSite(appidenttest.SiteOptions{Host: "app.downhealth.com", TLSFault: appidenttest.TLSDown})
	require.NoError(t, err)
	assert.Error(t, down.SetHandler(callback))
	assert.Error(t, down.Reissue(appidenttest.SiteOptions{}))
	assert.Error(t, down.SetStaple(true))
	assert.Error(t, down.SetRevocationTimes(appidenttest.RevocationTimes{}))
	assert.Nil(t, down.Certificate())
}

func TestReissue(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(appidenttest.SiteOptions{Host: "app.kithealth.com", Type: tlsinspect.DV})
	require.NoError(t, err)
	first := site.Certificate()
	require.NotNil(t, first)
	assert.Equal(t, tlsinspect.DV, tlsinspect.Classify(handshake(t, w, site.Host).PeerCertificates[0]))

	require.NoError(t, site.Reissue(appidenttest.SiteOptions{Type: tlsinspect.OV, Organization: "Kit Health, Inc.", Country: "US"}))
	leaf := handshake(t, w, site.Host).PeerCertificates[0]
	assert.True(t, leaf.Equal(site.Certificate()), "the site serves the certificate it reports")
	assert.False(t, leaf.Equal(first), "the old certificate is still served")
	assert.Equal(t, tlsinspect.OV, tlsinspect.Classify(leaf))
	assert.Equal(t, []string{"Kit Health, Inc."}, leaf.Subject.Organization)
	assert.Equal(t, []string{"app.kithealth.com"}, leaf.DNSNames)

	// A renewal from an untrusted CA does not verify.
	require.NoError(t, site.Reissue(appidenttest.SiteOptions{Untrusted: true}))
	conn, err := w.Dialer().DialContext(context.Background(), "tcp", site.Host+":443")
	require.NoError(t, err)
	tc := tls.Client(conn, &tls.Config{ServerName: site.Host, RootCAs: w.Roots()})
	defer tc.Close()
	var unknown x509.UnknownAuthorityError
	assert.ErrorAs(t, tc.Handshake(), &unknown)
}

// ocspFor asks the certificate's OCSP responder (the world's revocation
// server) about it, through the world's client.
func ocspFor(t *testing.T, w *appidenttest.World, leaf, issuer *x509.Certificate) *ocsp.Response {
	t.Helper()
	req, err := ocsp.CreateRequest(leaf, issuer, nil)
	require.NoError(t, err)
	require.Len(t, leaf.OCSPServer, 1)
	resp, err := w.Client().Post(leaf.OCSPServer[0], "application/ocsp-request", bytes.NewReader(req))
	require.NoError(t, err)
	defer resp.Body.Close()
	der, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r, err := ocsp.ParseResponseForCert(der, leaf, issuer)
	require.NoError(t, err)
	return r
}

func TestStapleAndRevocationTimes(t *testing.T) {
	w := appidenttest.New(t)
	now := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	w.SetNow(now)
	site, err := w.AddSite(appidenttest.SiteOptions{Host: "app.kithealth.com", Type: tlsinspect.OV})
	require.NoError(t, err)
	st := handshake(t, w, site.Host)
	assert.Empty(t, st.OCSPResponse, "stapled without SetStaple")
	leaf, issuer := st.PeerCertificates[0], st.PeerCertificates[1]

	require.NoError(t, site.SetStaple(true))
	staple, err := ocsp.ParseResponseForCert(handshake(t, w, site.Host).OCSPResponse, leaf, issuer)
	require.NoError(t, err)
	assert.Equal(t, ocsp.Good, staple.Status)
	assert.Equal(t, now.Add(-time.Minute), staple.ThisUpdate)
	assert.Equal(t, now.Add(-time.Minute+24*time.Hour), staple.NextUpdate)

	// New times apply to the staple at once and to what the responder and
	// the CRL say from now on.
	rt := appidenttest.RevocationTimes{Age: 3 * time.Hour, Validity: 7 * time.Hour}
	require.NoError(t, site.SetRevocationTimes(rt))
	staple, err = ocsp.ParseResponseForCert(handshake(t, w, site.Host).OCSPResponse, leaf, issuer)
	require.NoError(t, err)
	assert.Equal(t, now.Add(-3*time.Hour), staple.ThisUpdate)
	assert.Equal(t, now.Add(4*time.Hour), staple.NextUpdate)
	live := ocspFor(t, w, leaf, issuer)
	assert.Equal(t, now.Add(-3*time.Hour), live.ThisUpdate)
	assert.Equal(t, now.Add(4*time.Hour), live.NextUpdate)
	require.Len(t, leaf.CRLDistributionPoints, 1)
	_, der := get(t, w.Client(), leaf.CRLDistributionPoints[0])
	crl, err := x509.ParseRevocationList([]byte(der))
	require.NoError(t, err)
	assert.Equal(t, now.Add(-3*time.Hour), crl.ThisUpdate)
	assert.Equal(t, now.Add(4*time.Hour), crl.NextUpdate)
	assert.Error(t, site.SetRevocationTimes(appidenttest.RevocationTimes{Age: -time.Second}))

	// A staple ages with the world's clock; a revocation shows in it only
	// once stapled again.
	w.Advance(time.Hour)
	site.Revoke()
	staple, err = ocsp.ParseResponseForCert(handshake(t, w, site.Host).OCSPResponse, leaf, issuer)
	require.NoError(t, err)
	assert.Equal(t, ocsp.Good, staple.Status)
	assert.Equal(t, now.Add(-3*time.Hour), staple.ThisUpdate)
	require.NoError(t, site.SetStaple(true))
	staple, err = ocsp.ParseResponseForCert(handshake(t, w, site.Host).OCSPResponse, leaf, issuer)
	require.NoError(t, err)
	assert.Equal(t, ocsp.Revoked, staple.Status)
	assert.Equal(t, now.Add(-2*time.Hour), staple.ThisUpdate)

	require.NoError(t, site.SetStaple(false))
	assert.Empty(t, handshake(t, w, site.Host).OCSPResponse)

	self, err := w.AddSite(appidenttest.SiteOptions{Host: "app.selfhealth.com", SelfSigned: true})
	require.NoError(t, err)
	assert.Error(t, self.SetStaple(true))
}

func TestClientReachesSitesAndLoopback(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(appidenttest.SiteOptions{Host: "app.kithealth.com"})
	require.NoError(t, err)
	// An authorization server on plain loopback http sets a cookie and
	// redirects to the site; the client follows and keeps the cookie.
	as := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("session"); err == nil {
			_, _ = io.WriteString(rw, "welcome back "+c.Value)
			return
		}
		http.SetCookie(rw, &http.Cookie{Name: "session", Value: "s1", Path: "/"})
		http.Redirect(rw, r, site.URI+"?code=xyz", http.StatusFound)
	}))
	defer as.Close()
	client := w.Client()
	resp, body := get(t, client, as.URL+"/authorize")
	assert.Equal(t, "ok", body)
	assert.Equal(t, site.URI+"?code=xyz", resp.Request.URL.String())
	_, body = get(t, client, as.URL+"/again")
	assert.Equal(t, "welcome back s1", body)

	// A loopback https server with the world's loopback certificate.
	cert, err := w.LoopbackCertificate()
	require.NoError(t, err)
	tlsAS := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(rw, "tls "+r.Host)
	}))
	tlsAS.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	tlsAS.StartTLS()
	defer tlsAS.Close()
	_, body = get(t, client, tlsAS.URL)
	assert.Equal(t, "tls "+tlsAS.Listener.Addr().String(), body)

	// Nothing outside the world and loopback.
	for _, u := range []string{"https://example.com/", "http://10.0.0.1:8080/", "https://app.kithealth.com:8443/", "https://[2001:db8::1]/"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		cancel()
		if assert.Error(t, err, u) {
			continue
		}
		resp.Body.Close()
	}
}
