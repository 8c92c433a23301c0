package pki_test

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"time"

	"github.com/consenttrust/appverify/internal/pki"
	"golang.org/x/crypto/ocsp"
)

// A root, an OV issuing CA, a revocation server and a TLS server stapling
// a good OCSP response.
func Example() {
	root, err := pki.NewRoot("Test Root")
	if err != nil {
		fmt.Println(err)
		return
	}
	inter, err := root.NewIntermediate("Test OV CA")
	if err != nil {
		fmt.Println(err)
		return
	}
	rev, err := pki.NewRevocationServer(pki.RevocationOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rev.Close()
	leaf, err := inter.Issue(pki.LeafOptions{
		DNSNames: []string{"app.example.com"},
		Subject: pkix.Name{Organization: []string{"Example Health, Inc."}, Country: []string{"US"},
			Province: []string{"MO"}, Locality: []string{"Kansas City"}},
		Policies:              []x509.OID{pki.OIDOV},
		OCSPServer:            []string{rev.OCSPURL(inter)},
		CRLDistributionPoints: []string{rev.CRLURL(inter, 0)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Now()
	staple, err := inter.OCSPResponse(leaf.Cert, pki.OCSPGood, now, now.Add(24*time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := pki.StartTLS(leaf.StapledTLSCertificate(staple), pki.TLSOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	conn, err := tls.Dial("tcp", srv.Addr(), &tls.Config{ServerName: "app.example.com", RootCAs: root.Pool()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	st := conn.ConnectionState()
	resp, err := ocsp.ParseResponseForCert(st.OCSPResponse, st.PeerCertificates[0], inter.Cert)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.PeerCertificates[0].Subject.Organization[0], resp.Status == ocsp.Good)
	// Output: Example Health, Inc. true
}
