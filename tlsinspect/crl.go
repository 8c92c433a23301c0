package tlsinspect

import (
	"bytes"
	"crypto/x509"
	"math/big"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// A CRL is checked before it is trusted, and read without building a
// structure per entry: parseCRL finds the issuer name and the signed part
// (tbsCertList) by walking the DER, compares the issuer name, has
// crypto/x509 parse only the header (the CRL re-encoded without its
// entries) and verifies the signature over the original tbsCertList with the
// issuer's key. Only a CRL that passes is read entry by entry, into a crlSet:
// the revoked serial numbers' DER bytes in one buffer and a sorted slice of
// 16-byte records. A CRL takes about its DER size in memory while it is read
// (the body) and less once reduced; one that fails its signature costs its
// bytes and its header.

// crlSet is a CRL reduced to what checking a certificate against it needs:
// its header without entries, and its revoked serial numbers sorted for
// binary search.
type crlSet struct {
	header  *x509.RevocationList // no entries, no raw DER of the whole CRL
	fetched time.Time            // when the CRL was fetched
	serials []byte               // the revoked serials' DER INTEGER contents, back to back
	revoked []revokedSerial      // sorted by serial, one per serial
	size    int64                // approximate memory, for CRLCache.MaxBytes
}

// revokedSerial is one CRL entry: its serial is serials[off:off+n].
type revokedSerial struct {
	at     int64 // revocation time, Unix seconds
	off    uint32
	reason int16
	n      uint8
}

const revokedSerialSize = 16

func (s *crlSet) serial(e revokedSerial) []byte { return s.serials[e.off : e.off+uint32(e.n)] }

// check returns leaf's status per the set, whose header has been checked.
func (s *crlSet) check(url string, leaf *x509.Certificate) revocationCheck {
	chk := revocationCheck{Status: RevocationGood, Source: SourceCRL, URL: url, NextUpdate: s.header.NextUpdate, At: s.fetched}
	key, ok := serialDER(leaf.SerialNumber)
	if !ok {
		return chk
	}
	if i, found := slices.BinarySearchFunc(s.revoked, key, func(e revokedSerial, k []byte) int {
		return bytes.Compare(s.serial(e), k)
	}); found {
		e := s.revoked[i]
		chk.Status = RevocationRevoked
		chk.Detail = revokedDetail(time.Unix(e.at, 0), int(e.reason))
	}
	return chk
}

// serialDER returns the contents of n's DER INTEGER encoding, as CRL entries
// carry it.
func serialDER(n *big.Int) ([]byte, bool) {
	if n == nil {
		return nil, false
	}
	var b cryptobyte.Builder
	b.AddASN1BigInt(n)
	der, err := b.Bytes()
	if err != nil {
		return nil, false
	}
	in := cryptobyte.String(der)
	var content cryptobyte.String
	if !in.ReadASN1(&content, cbasn1.INTEGER) {
		return nil, false
	}
	return content, true
}

// checkCRL checks leaf, issued by issuer, against raw, a DER CRL fetched
// from url, at now, as Inspect does: the CRL must be signed by issuer and
// current, and in scope for leaf (see checkCRLHeader). The check's At is
// now, taken as the fetch time. Any failure returns an error wrapping
// errUnusable.
func checkCRL(raw []byte, url string, leaf, issuer *x509.Certificate, now time.Time) (revocationCheck, error) {
	if leaf == nil || issuer == nil {
		return revocationCheck{}, unusable("no certificate or issuer")
	}
	set, err := parseCRL(raw, issuer, now)
	if err != nil {
		return revocationCheck{}, err
	}
	if err := checkCRLHeader(set.header, url, leaf, issuer, now); err != nil {
		return revocationCheck{}, err
	}
	return set.check(url, leaf), nil
}

// parseCRL checks raw's issuer name and signature against issuer, then its
// header at now (all but the scope, which depends on the certificate), and
// only then reads its entries.
func parseCRL(raw []byte, issuer *x509.Certificate, now time.Time) (*crlSet, error) {
	if issuer == nil {
		return nil, unusable("no issuer")
	}
	malformed := unusable("CRL is malformed")
	input := cryptobyte.String(raw)
	var outer, tbsRaw, sigAlg, sig cryptobyte.String
	if !input.ReadASN1(&outer, cbasn1.SEQUENCE) || !input.Empty() ||
		!outer.ReadASN1Element(&tbsRaw, cbasn1.SEQUENCE) ||
		!outer.ReadASN1Element(&sigAlg, cbasn1.SEQUENCE) ||
		!outer.ReadASN1Element(&sig, cbasn1.BIT_STRING) || !outer.Empty() {
		return nil, malformed
	}
	tbs := tbsRaw
	var content cryptobyte.String
	if !tbs.ReadASN1(&content, cbasn1.SEQUENCE) {
		return nil, malformed
	}
	body := content
	var skip, name cryptobyte.String
	if body.PeekASN1Tag(cbasn1.INTEGER) && !body.ReadASN1(&skip, cbasn1.INTEGER) { // version
		return nil, malformed
	}
	if !body.ReadASN1(&skip, cbasn1.SEQUENCE) || !body.ReadASN1Element(&name, cbasn1.SEQUENCE) {
		return nil, malformed
	}
	if !bytes.Equal(name, issuer.RawSubject) {
		return nil, unusable("CRL issuer is not the certificate's issuer")
	}
	for i := range 2 { // thisUpdate, then nextUpdate (optional)
		if body.PeekASN1Tag(cbasn1.UTCTime) || body.PeekASN1Tag(cbasn1.GeneralizedTime) {
			var tag cbasn1.Tag
			body.ReadAnyASN1(&skip, &tag)
		} else if i == 0 {
			return nil, malformed
		}
	}
	headerLen := len(content) - len(body)
	var entries cryptobyte.String
	if body.PeekASN1Tag(cbasn1.SEQUENCE) && !body.ReadASN1(&entries, cbasn1.SEQUENCE) {
		return nil, malformed
	}
	// The CRL without its entries: crypto/x509 parses it cheaply.
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(content[:headerLen])
			b.AddBytes(body) // crlExtensions
		})
		b.AddBytes(sigAlg)
		b.AddBytes(sig)
	})
	headerDER, err := b.Bytes()
	if err != nil {
		return nil, malformed
	}
	header, err := x509.ParseRevocationList(headerDER)
	if err != nil {
		return nil, unusable("CRL: %v", err)
	}
	header.RawTBSRevocationList = tbsRaw // what the issuer signed
	err = header.CheckSignatureFrom(issuer)
	header.RawTBSRevocationList = nil // keep no reference to raw
	if err != nil {
		return nil, unusable("CRL signature does not verify with the issuer: %v", err)
	}
	if err := checkCRLHeader(header, "", nil, issuer, now); err != nil {
		return nil, err
	}
	set := &crlSet{header: header, fetched: now}
	if err := set.read(entries); err != nil {
		return nil, err
	}
	return set, nil
}

// read fills s from the revokedCertificates of a verified CRL, in two
// passes: one to count, one to fill slices of the exact size.
func (s *crlSet) read(entries cryptobyte.String) error {
	count, total := 0, 0
	if err := walkEntries(entries, func(serial []byte, _ time.Time, _ int) {
		count++
		total += len(serial)
	}); err != nil {
		return err
	}
	if total > 1<<32-1 {
		return unusable("CRL is too large")
	}
	s.serials = make([]byte, 0, total)
	s.revoked = make([]revokedSerial, 0, count)
	_ = walkEntries(entries, func(serial []byte, at time.Time, reason int) {
		s.revoked = append(s.revoked, revokedSerial{at: at.Unix(), off: uint32(len(s.serials)), n: uint8(len(serial)), reason: int16(reason)})
		s.serials = append(s.serials, serial...)
	})
	// Stable, so that the first entry listed for a serial is the one kept.
	slices.SortStableFunc(s.revoked, func(a, b revokedSerial) int { return bytes.Compare(s.serial(a), s.serial(b)) })
	s.revoked = slices.CompactFunc(s.revoked, func(a, b revokedSerial) bool { return bytes.Equal(s.serial(a), s.serial(b)) })
	s.size = int64(cap(s.serials)) + int64(cap(s.revoked))*revokedSerialSize + int64(len(s.header.Raw)) + 1024
	return nil
}

// DER contents of the CRL entry extensions' OIDs.
var (
	oidReasonCode        = []byte{0x55, 0x1d, 0x15} // 2.5.29.21
	oidCertificateIssuer = []byte{0x55, 0x1d, 0x1d} // 2.5.29.29
)

// walkEntries calls fn for each entry of revokedCertificates (RFC 5280 §5.1)
// except removeFromCRL ones, which belong in delta CRLs. It allocates
// nothing. A malformed entry, a serial number not minimally encoded or over
// 255 bytes, a reason code out of range, a certificateIssuer (indirect CRL)
// or an unknown critical entry extension make the CRL unusable.
func walkEntries(entries cryptobyte.String, fn func(serial []byte, at time.Time, reason int)) error {
	malformed := unusable("CRL entry is malformed")
	for !entries.Empty() {
		var entry, serial, when cryptobyte.String
		var tag cbasn1.Tag
		if !entries.ReadASN1(&entry, cbasn1.SEQUENCE) || !entry.ReadASN1(&serial, cbasn1.INTEGER) ||
			!entry.ReadAnyASN1(&when, &tag) {
			return malformed
		}
		if len(serial) == 0 || len(serial) > 255 ||
			len(serial) > 1 && (serial[0] == 0 && serial[1]&0x80 == 0 || serial[0] == 0xff && serial[1]&0x80 != 0) {
			return unusable("CRL entry serial number is not DER")
		}
		at, ok := parseTime(tag, when)
		if !ok {
			return unusable("CRL entry revocation date is malformed")
		}
		reason := 0
		if !entry.Empty() {
			var exts cryptobyte.String
			if !entry.ReadASN1(&exts, cbasn1.SEQUENCE) || !entry.Empty() {
				return malformed
			}
			for !exts.Empty() {
				var ext, oid, value cryptobyte.String
				critical := false
				if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1(&oid, cbasn1.OBJECT_IDENTIFIER) ||
					ext.PeekASN1Tag(cbasn1.BOOLEAN) && !ext.ReadASN1Boolean(&critical) ||
					!ext.ReadASN1(&value, cbasn1.OCTET_STRING) || !ext.Empty() {
					return malformed
				}
				switch {
				case bytes.Equal(oid, oidReasonCode):
					if !value.ReadASN1Enum(&reason) || !value.Empty() || reason < 0 || reason > 255 {
						return unusable("CRL entry reason code is malformed")
					}
				case bytes.Equal(oid, oidCertificateIssuer):
					return unusable("indirect CRLs are not supported")
				case critical:
					return unusable("CRL entry has an unknown critical extension")
				}
			}
		}
		if reason == 8 { // removeFromCRL
			continue
		}
		fn(serial, at, reason)
	}
	return nil
}

// parseTime reads a UTCTime or GeneralizedTime in the form RFC 5280 §4.1.2.5
// requires (seconds, Z, no fraction) without allocating.
func parseTime(tag cbasn1.Tag, b []byte) (time.Time, bool) {
	var year int
	switch {
	case tag == cbasn1.UTCTime && len(b) == 13:
		yy, ok := digits(b[:2])
		if !ok {
			return time.Time{}, false
		}
		year, b = 1900+yy, b[2:]
		if yy < 50 {
			year += 100
		}
	case tag == cbasn1.GeneralizedTime && len(b) == 15:
		var ok bool
		if year, ok = digits(b[:4]); !ok {
			return time.Time{}, false
		}
		b = b[4:]
	default:
		return time.Time{}, false
	}
	if b[10] != 'Z' {
		return time.Time{}, false
	}
	var f [5]int // month, day, hour, minute, second
	for i := range f {
		v, ok := digits(b[2*i : 2*i+2])
		if !ok {
			return time.Time{}, false
		}
		f[i] = v
	}
	t := time.Date(year, time.Month(f[0]), f[1], f[2], f[3], f[4], 0, time.UTC)
	if f[0] < 1 || f[0] > 12 || t.Day() != f[1] || f[2] > 23 || f[3] > 59 || f[4] > 59 {
		return time.Time{}, false
	}
	return t, true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// checkCRLHeader checks that crl may answer for leaf (RFC 5280 §6.3): the CRL
// must name issuer (its signature is checked by parseCRL), be current at now
// (thisUpdate at most clockSkew ahead, nextUpdate present and not passed),
// complete (no delta-CRL indicator), and in scope: an
// issuingDistributionPoint extension must not make it indirect,
// reason-partitioned, or CA- or attribute-only, and the distribution point it
// names must be one of leaf's, or url. A partitioned CRL without that
// extension counts when fetched from one of leaf's own distribution points.
// A nil leaf skips what depends on the certificate.
func checkCRLHeader(crl *x509.RevocationList, url string, leaf, issuer *x509.Certificate, now time.Time) error {
	if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) {
		return unusable("CRL issuer is not the certificate's issuer")
	}
	if crl.ThisUpdate.After(now.Add(clockSkew)) {
		return unusable("CRL thisUpdate %v is in the future", crl.ThisUpdate.UTC())
	}
	if crl.NextUpdate.IsZero() {
		return unusable("CRL has no nextUpdate")
	}
	if !now.Before(crl.NextUpdate) {
		return unusable("CRL is stale: nextUpdate %v has passed", crl.NextUpdate.UTC())
	}
	for _, ext := range crl.Extensions {
		switch {
		case ext.Id.Equal(oidDeltaCRLIndicator):
			return unusable("delta CRLs are not supported")
		case ext.Id.Equal(oidIssuingDistributionPoint):
			if err := checkIDP(ext.Value, url, leaf); err != nil {
				return err
			}
		case ext.Critical:
			return unusable("CRL has an unknown critical extension %v", ext.Id)
		}
	}
	return nil
}
