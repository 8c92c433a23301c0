// Package pki is test machinery for appverify, not API: an in-memory test
// PKI (roots, intermediates, leaves with CA/Browser Forum policy OIDs and
// EV/OV subject attributes, delegated OCSP responders), a loopback
// revocation server (OCSP GET/POST and partitioned CRLs, with fault modes),
// crypto/tls test servers (version limits, SNI, stapled OCSP) and hostile
// servers that misbehave at the TLS layer.
//
// It does not import package testing: every constructor returns a plain
// error prefixed "pki: ", nothing panics, everything is safe for concurrent
// use, and every server listens on 127.0.0.1:0 and ends its goroutines on
// Close. RSA keys are generated once per process and shared.
//
// A typical world:
//
//	root, _ := pki.NewRoot("Test Root")
//	inter, _ := root.NewIntermediate("Test OV CA")
//	rev, _ := pki.NewRevocationServer(pki.RevocationOptions{})
//	defer rev.Close()
//	leaf, _ := inter.Issue(pki.LeafOptions{
//		DNSNames:   []string{"app.example.com"},
//		Subject:    pkix.Name{Organization: []string{"Example Health, Inc."}, Country: []string{"US"}, Province: []string{"MO"}, Locality: []string{"Kansas City"}},
//		Policies:   []x509.OID{pki.OIDOV},
//		OCSPServer: []string{rev.OCSPURL(inter)},
//		CRLDistributionPoints: []string{rev.CRLURL(inter, 0)},
//	})
//	staple, _ := inter.OCSPResponse(leaf.Cert, pki.OCSPGood, time.Now(), time.Now().Add(24*time.Hour))
//	srv, _ := pki.StartTLS(leaf.StapledTLSCertificate(staple), pki.TLSOptions{})
//	defer srv.Close()
//	// Dial srv.Addr() with ServerName "app.example.com" and RootCAs root.Pool().
//	rev.Revoke(inter, leaf.Cert.SerialNumber, time.Now())  // OCSP now says revoked
//	rev.SetFault(inter, pki.FaultStale)                     // and now it is stale
//
// Known limits: golang.org/x/crypto/ocsp sets ProducedAt to the real clock
// (thisUpdate/nextUpdate follow RevocationOptions.Now) and cannot sign with
// Ed25519 keys, so OCSP needs an ECDSA or RSA CA.
package pki
