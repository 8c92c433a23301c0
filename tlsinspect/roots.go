package tlsinspect

import (
	"crypto/x509"
	"sync"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// defaultRoots is the pool used when Inspector.Roots is nil: the system pool,
// or, where the system has none, Mozilla's NSS bundle. It is built once per
// process.
var defaultRoots = sync.OnceValue(func() *x509.CertPool {
	if pool, err := x509.SystemCertPool(); err == nil && pool != nil {
		return pool
	}
	return mozillaRoots()
})

// mozillaRoots returns a new pool holding the roots of Mozilla's NSS trust
// store as packaged in golang.org/x/crypto/x509roots/fallback/bundle, with
// their distrust-after constraints. Unlike importing
// golang.org/x/crypto/x509roots/fallback, it changes nothing process-wide.
func mozillaRoots() *x509.CertPool {
	pool := x509.NewCertPool()
	for r := range bundle.Roots() {
		cert, err := x509.ParseCertificate(r.Certificate)
		if err != nil {
			continue // the bundle is generated from parsed certificates; never expected
		}
		if r.Constraint != nil {
			pool.AddCertWithConstraint(cert, r.Constraint)
		} else {
			pool.AddCert(cert)
		}
	}
	return pool
}
