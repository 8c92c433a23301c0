package tlsinspect_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log"
	"net"
	"time"

	"github.com/consenttrust/appverify/internal/pki"
	"github.com/consenttrust/appverify/tlsinspect"
)

var subject = pkix.Name{
	Organization: []string{"Example Health, Inc."}, Country: []string{"US"},
	Province: []string{"MO"}, Locality: []string{"Kansas City"},
}

func ExampleClassify() {
	root, err := pki.NewRoot("Example Root")
	if err != nil {
		log.Fatal(err)
	}
	for _, policy := range []x509.OID{pki.OIDEV, pki.OIDOV, pki.OIDIV, pki.OIDDV} {
		leaf, err := root.Issue(pki.LeafOptions{DNSNames: []string{"app.example.com"}, Policies: []x509.OID{policy}})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(policy, tlsinspect.Classify(leaf.Cert))
	}
	fmt.Println(tlsinspect.Classify(&x509.Certificate{}))
	// Output:
	// 2.23.140.1.1 EV
	// 2.23.140.1.2.2 OV
	// 2.23.140.1.2.3 IV
	// 2.23.140.1.2.1 DV
	// unknown
}

// connectTo dials one address whatever it is asked for, as curl's
// --connect-to, so that the example reaches a loopback server for
// app.example.com.
type connectTo string

func (a connectTo) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	return (&net.Dialer{}).DialContext(ctx, network, string(a))
}

func ExampleInspector_Inspect() {
	root, _ := pki.NewRoot("Example Root")
	ca, _ := root.NewIntermediate("Example OV CA")
	leaf, err := ca.Issue(pki.LeafOptions{
		DNSNames: []string{"app.example.com"},
		Subject:  subject,
		Policies: []x509.OID{pki.OIDOV},
	})
	if err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	staple, _ := ca.OCSPResponse(leaf.Cert, pki.OCSPGood, now.Add(-time.Hour), now.Add(24*time.Hour))
	srv, err := pki.StartTLS(leaf.StapledTLSCertificate(staple), pki.TLSOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	in := &tlsinspect.Inspector{Dialer: connectTo(srv.Addr()), Roots: root.Pool()}
	r, err := in.Inspect(context.Background(), "app.example.com", 443)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tls.VersionName(r.Version), r.Type, "trusted:", r.Trusted, "hostname:", r.HostnameMatch)
	fmt.Println("revocation:", r.Revocation, "from", r.RevocationSource)
	org, loc, ok := r.LegalEntity()
	fmt.Printf("%s (%s) shown: %v\n", org, loc, ok)
	fmt.Println("findings:", len(r.Findings))
	// Output:
	// TLS 1.3 OV trusted: true hostname: true
	// revocation: good from ocsp-stapled
	// Example Health, Inc. (US, MO, Kansas City) shown: true
	// findings: 0
}

func ExampleInspector_Inspect_selfSigned() {
	leaf, _ := (*pki.CA)(nil).Issue(pki.LeafOptions{DNSNames: []string{"app.example.com"}, SelfSigned: true,
		Subject: subject, Policies: []x509.OID{pki.OIDEV}})
	srv, err := pki.StartTLS(leaf.TLSCertificate(), pki.TLSOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	root, _ := pki.NewRoot("Some Other Root")
	in := &tlsinspect.Inspector{Dialer: connectTo(srv.Addr()), Roots: root.Pool()}
	r, err := in.Inspect(context.Background(), "app.example.com", 443)
	if err != nil {
		log.Fatal(err)
	}
	// The certificate claims EV, but nothing vouches for the claim.
	fmt.Println(r.Type, "trusted:", r.Trusted, "self-signed:", r.SelfSigned)
	_, _, ok := r.LegalEntity()
	fmt.Println("organization shown:", ok)
	for _, f := range r.Findings {
		fmt.Println(f.Code)
	}
	// Output:
	// EV trusted: false self-signed: true
	// organization shown: false
	// cert.untrusted
	// cert.self_signed
	// cert.no_revocation_pointer
}
