package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// KeyType selects the kind of key generated for a certificate.
type KeyType int

// Key types. The zero value is ECDSA P-256, which is fast to generate.
const (
	KeyECDSAP256 KeyType = iota
	KeyECDSAP384
	KeyECDSAP224 // weak curve: Go creates and parses such certificates, but crypto/tls cannot serve them
	KeyRSA2048   // one key per process, shared by every certificate asking for it
	KeyRSA1024   // weak; one key per process, shared
	KeyEd25519
)

// String returns a short name such as "ECDSA-P256".
func (k KeyType) String() string {
	switch k {
	case KeyECDSAP256:
		return "ECDSA-P256"
	case KeyECDSAP384:
		return "ECDSA-P384"
	case KeyECDSAP224:
		return "ECDSA-P224"
	case KeyRSA2048:
		return "RSA-2048"
	case KeyRSA1024:
		return "RSA-1024"
	case KeyEd25519:
		return "Ed25519"
	}
	return fmt.Sprintf("KeyType(%d)", int(k))
}

var (
	rsa2048Once sync.Once
	rsa2048Key  *rsa.PrivateKey
	rsa2048Err  error
	rsa1024Once sync.Once
	rsa1024Key  *rsa.PrivateKey
	rsa1024Err  error
)

// NewKey generates a key of type k. RSA keys are generated once per process
// and shared, because generating them is slow and their strength does not
// matter in tests.
func NewKey(k KeyType) (crypto.Signer, error) {
	var (
		key crypto.Signer
		err error
	)
	switch k {
	case KeyECDSAP256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case KeyECDSAP384:
		key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case KeyECDSAP224:
		key, err = ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	case KeyRSA2048:
		rsa2048Once.Do(func() { rsa2048Key, rsa2048Err = rsa.GenerateKey(rand.Reader, 2048) })
		key, err = rsa2048Key, rsa2048Err
	case KeyRSA1024:
		rsa1024Once.Do(func() { rsa1024Key, rsa1024Err = rsa.GenerateKey(rand.Reader, 1024) })
		key, err = rsa1024Key, rsa1024Err
	case KeyEd25519:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("pki: unknown key type %d", int(k))
	}
	if err != nil {
		return nil, fmt.Errorf("pki: generating %v key: %w", k, err)
	}
	return key, nil
}

// CA is a certificate authority: a root (Parent == nil) or an intermediate.
// It is safe for concurrent use; do not modify its fields after creation.
type CA struct {
	Cert   *x509.Certificate
	Key    crypto.Signer
	Parent *CA // nil for a root

	mu     sync.Mutex
	issued map[string]bool // serial (decimal) -> issued by this CA
}

// CAOptions customises NewRoot and NewIntermediate. The zero value is fine.
type CAOptions struct {
	// Subject overrides the subject; CommonName is always the cn argument.
	// Default O is "appverify test PKI", C is "US".
	Subject pkix.Name
	// NotBefore and NotAfter default to now-1h and now+10 years.
	NotBefore, NotAfter time.Time
	// KeyType defaults to ECDSA P-256. Ed25519 CAs cannot sign OCSP
	// responses (golang.org/x/crypto/ocsp does not support it).
	KeyType KeyType
	// Key, if set, is used instead of generating one.
	Key crypto.Signer
	// Policies are certificate policy OIDs for an intermediate (e.g. OIDEV).
	Policies []x509.OID
	// MaxPathLen is the basic constraints path length; 0 means no limit.
	MaxPathLen int
	// OCSPServer and CRLDistributionPoints are put in an intermediate's
	// certificate, for checking the intermediate's own revocation.
	OCSPServer            []string
	CRLDistributionPoints []string
}

func firstCAOptions(opts []CAOptions) CAOptions {
	if len(opts) > 0 {
		return opts[0]
	}
	return CAOptions{}
}

// NewRoot creates a self-signed root CA. At most one CAOptions is used.
func NewRoot(cn string, opts ...CAOptions) (*CA, error) {
	return newCA(cn, nil, firstCAOptions(opts))
}

// NewIntermediate creates a CA certified by ca. At most one CAOptions is used.
func (ca *CA) NewIntermediate(cn string, opts ...CAOptions) (*CA, error) {
	if ca == nil || ca.Cert == nil || ca.Key == nil {
		return nil, errors.New("pki: NewIntermediate on a nil or incomplete CA")
	}
	return newCA(cn, ca, firstCAOptions(opts))
}

func newCA(cn string, parent *CA, o CAOptions) (*CA, error) {
	key := o.Key
	if key == nil {
		var err error
		if key, err = NewKey(o.KeyType); err != nil {
			return nil, err
		}
	}
	now := time.Now()
	subject := o.Subject
	subject.CommonName = cn
	if len(subject.Organization) == 0 {
		subject.Organization = []string{"appverify test PKI"}
	}
	if len(subject.Country) == 0 {
		subject.Country = []string{"US"}
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	skid, err := subjectKeyID(key.Public())
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             orTime(o.NotBefore, now.Add(-time.Hour)),
		NotAfter:              orTime(o.NotAfter, now.AddDate(10, 0, 0)),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            o.MaxPathLen,
		MaxPathLenZero:        false,
		SubjectKeyId:          skid,
		Policies:              o.Policies,
		OCSPServer:            o.OCSPServer,
		CRLDistributionPoints: o.CRLDistributionPoints,
	}
	parentCert, parentKey := tmpl, key
	if parent != nil {
		parentCert, parentKey = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		return nil, fmt.Errorf("pki: creating CA %q: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parsing CA %q: %w", cn, err)
	}
	if parent != nil {
		parent.record(cert.SerialNumber)
	}
	return &CA{Cert: cert, Key: key, Parent: parent}, nil
}

func orTime(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

func randomSerial() (*big.Int, error) {
	// 16 random bytes with the top bit clear: positive, at most 20 octets.
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("pki: serial: %w", err)
	}
	b[0] &= 0x7f
	b[0] |= 0x01 // never zero
	return new(big.Int).SetBytes(b), nil
}

func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("pki: marshalling public key: %w", err)
	}
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &info); err != nil {
		return nil, fmt.Errorf("pki: parsing public key: %w", err)
	}
	h := crypto.SHA1.New()
	h.Write(info.PublicKey.RightAlign())
	return h.Sum(nil), nil
}

func (ca *CA) record(serial *big.Int) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if ca.issued == nil {
		ca.issued = make(map[string]bool)
	}
	ca.issued[serial.String()] = true
}

// Issued reports whether ca issued a certificate with this serial number
// (through Issue, NewIntermediate or NewOCSPResponder).
func (ca *CA) Issued(serial *big.Int) bool {
	if ca == nil || serial == nil {
		return false
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return ca.issued[serial.String()]
}

// Root returns the root at the top of ca's chain.
func (ca *CA) Root() *CA {
	r := ca
	for r != nil && r.Parent != nil {
		r = r.Parent
	}
	return r
}

// Pool returns a new pool holding the root of ca's chain (ca itself for a root).
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	if r := ca.Root(); r != nil && r.Cert != nil {
		p.AddCert(r.Cert)
	}
	return p
}

// Chain returns ca's certificate followed by its ancestors' certificates,
// excluding the root. A root returns nil.
func (ca *CA) Chain() []*x509.Certificate {
	var out []*x509.Certificate
	for c := ca; c != nil && c.Parent != nil; c = c.Parent {
		out = append(out, c.Cert)
	}
	return out
}

// IntermediatePool returns a pool of the intermediates of Chain.
func (ca *CA) IntermediatePool() *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range ca.Chain() {
		p.AddCert(c)
	}
	return p
}

// LeafOptions describes an end-entity certificate. The zero value gives an
// ECDSA P-256 serverAuth certificate valid from now-1h to now+90d with no
// names; set at least DNSNames or IPAddresses for TLS.
type LeafOptions struct {
	DNSNames    []string
	IPAddresses []net.IP
	// Subject is the subject name (O, C, ST, L, SerialNumber, ExtraNames for
	// the EV jurisdiction and businessCategory attributes). CommonName
	// defaults to the first DNS name.
	Subject pkix.Name
	// Policies are certificate policy OIDs (OIDEV, OIDOV, OIDIV, OIDDV, ...).
	Policies []x509.OID
	// NotBefore and NotAfter default to now-1h and now+90d.
	NotBefore, NotAfter time.Time
	// KeyType of the leaf key (default ECDSA P-256). Ignored if Key is set.
	KeyType KeyType
	// Key, if set, is the leaf key (for example to reuse one key across
	// certificates).
	Key crypto.Signer
	// SignatureAlgorithm overrides the issuer's default signature algorithm.
	// x509.SHA1WithRSA and x509.ECDSAWithSHA1 can still be minted by Go
	// (with an issuer key of the matching type); such certificates parse but
	// fail verification with x509.InsecureAlgorithmError. MD5 cannot be minted.
	SignatureAlgorithm x509.SignatureAlgorithm
	// OCSPServer and IssuingCertificateURL go in Authority Information Access.
	OCSPServer            []string
	IssuingCertificateURL []string
	CRLDistributionPoints []string
	// SelfSigned makes the leaf sign itself instead of being issued by the CA.
	SelfSigned bool
	// Serial defaults to a random 127-bit number.
	Serial *big.Int
	// IsCA sets basicConstraints cA=TRUE on the leaf (a misissuance case).
	IsCA bool
	// ExtKeyUsage defaults to serverAuth. Add x509.ExtKeyUsageOCSPSigning for
	// a delegated OCSP responder (see NewOCSPResponder).
	ExtKeyUsage []x509.ExtKeyUsage
	// MustStaple adds the TLS Feature status_request extension (RFC 7633).
	MustStaple bool
	// ExtraExtensions are added verbatim.
	ExtraExtensions []pkix.Extension
}

// Leaf is an issued end-entity certificate with its key.
type Leaf struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// Chain is the leaf followed by the issuing intermediates, without the root.
	Chain []*x509.Certificate
	// Issuer is the CA that issued the leaf (nil if self-signed).
	Issuer *CA
}

// Issue creates a leaf certificate signed by ca (or by itself if
// opts.SelfSigned).
func (ca *CA) Issue(opts LeafOptions) (*Leaf, error) {
	if !opts.SelfSigned && (ca == nil || ca.Cert == nil || ca.Key == nil) {
		return nil, errors.New("pki: Issue on a nil or incomplete CA")
	}
	key := opts.Key
	if key == nil {
		var err error
		if key, err = NewKey(opts.KeyType); err != nil {
			return nil, err
		}
	}
	now := time.Now()
	serial := opts.Serial
	if serial == nil {
		var err error
		if serial, err = randomSerial(); err != nil {
			return nil, err
		}
	}
	subject := opts.Subject
	if subject.CommonName == "" && len(opts.DNSNames) > 0 {
		subject.CommonName = opts.DNSNames[0]
	}
	eku := opts.ExtKeyUsage
	if eku == nil {
		eku = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	ku := x509.KeyUsageDigitalSignature
	if _, ok := key.Public().(*rsa.PublicKey); ok {
		ku |= x509.KeyUsageKeyEncipherment
	}
	if opts.IsCA {
		ku |= x509.KeyUsageCertSign
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             orTime(opts.NotBefore, now.Add(-time.Hour)),
		NotAfter:              orTime(opts.NotAfter, now.AddDate(0, 0, 90)),
		KeyUsage:              ku,
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		IsCA:                  opts.IsCA,
		DNSNames:              opts.DNSNames,
		IPAddresses:           opts.IPAddresses,
		Policies:              opts.Policies,
		OCSPServer:            opts.OCSPServer,
		IssuingCertificateURL: opts.IssuingCertificateURL,
		CRLDistributionPoints: opts.CRLDistributionPoints,
		SignatureAlgorithm:    opts.SignatureAlgorithm,
		ExtraExtensions:       append([]pkix.Extension(nil), opts.ExtraExtensions...),
	}
	if opts.MustStaple {
		// TLSFeature ::= SEQUENCE OF INTEGER; status_request is 5.
		val, err := asn1.Marshal([]int{5})
		if err != nil {
			return nil, fmt.Errorf("pki: must-staple: %w", err)
		}
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: OIDMustStaple, Value: val})
	}
	parentCert, parentKey := tmpl, key
	if !opts.SelfSigned {
		parentCert, parentKey = ca.Cert, ca.Key
	} else {
		skid, err := subjectKeyID(key.Public())
		if err != nil {
			return nil, err
		}
		tmpl.SubjectKeyId = skid
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		return nil, fmt.Errorf("pki: creating leaf: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parsing leaf: %w", err)
	}
	leaf := &Leaf{Cert: cert, Key: key, Chain: []*x509.Certificate{cert}}
	if !opts.SelfSigned {
		ca.record(cert.SerialNumber)
		leaf.Chain = append(leaf.Chain, ca.Chain()...)
		leaf.Issuer = ca
	}
	return leaf, nil
}

// NewOCSPResponder issues a delegated OCSP responder certificate (EKU
// OCSPSigning plus id-pkix-ocsp-nocheck) for ca.
func (ca *CA) NewOCSPResponder() (*Leaf, error) {
	return ca.Issue(LeafOptions{
		Subject:         pkix.Name{CommonName: "OCSP responder", Organization: []string{"appverify test PKI"}},
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
		ExtraExtensions: []pkix.Extension{{Id: OIDOCSPNoCheck, Value: []byte{0x05, 0x00}}},
	})
}

// TLSCertificate returns the leaf as a tls.Certificate carrying the chain
// (without the root). Set OCSPStaple on the result to staple a response.
func (l *Leaf) TLSCertificate() tls.Certificate {
	if l == nil {
		return tls.Certificate{}
	}
	out := tls.Certificate{PrivateKey: l.Key, Leaf: l.Cert}
	for _, c := range l.Chain {
		out.Certificate = append(out.Certificate, c.Raw)
	}
	return out
}

// StapledTLSCertificate is TLSCertificate with OCSPStaple set to staple.
func (l *Leaf) StapledTLSCertificate(staple []byte) tls.Certificate {
	c := l.TLSCertificate()
	c.OCSPStaple = staple
	return c
}

// ChainPEM returns the PEM encoding of Chain.
func (l *Leaf) ChainPEM() []byte {
	var out []byte
	for _, c := range l.Chain {
		out = append(out, CertPEM(c)...)
	}
	return out
}

// CertPEM returns the PEM encoding of cert.
func CertPEM(cert *x509.Certificate) []byte {
	if cert == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// KeyPEM returns the PKCS #8 PEM encoding of key.
func KeyPEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pki: marshalling key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
