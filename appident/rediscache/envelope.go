package rediscache

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"time"
)

// A stored value is an envelope around the Checker's bytes:
//
//	byte 0      format version (1)
//	byte 1      flags: 1 = a MAC follows the header
//	bytes 2-9   expiry, Unix milliseconds, big-endian
//	32 bytes    HMAC-SHA256, if flagged
//	the rest    the Checker's data
//
// The MAC covers the Redis key (length-prefixed), the header and the data,
// so a signed value is valid only under the key it was written for and
// until the expiry it was written with: it cannot be moved to another site,
// nor its lifetime extended.
const (
	formatVersion = 1
	flagMAC       = 1
	headerLen     = 10
	macLen        = sha256.Size
)

// Reasons a stored value is refused; each is read as a miss.
var (
	errMalformed = errors.New("rediscache: stored value is malformed or of another format version")
	errUnsigned  = errors.New("rediscache: stored value carries no MAC, and a MAC key is set")
	errBadMAC    = errors.New("rediscache: stored value's MAC does not verify")
	errExpired   = errors.New("rediscache: stored value is past its expiry")
)

// seal wraps data for storage under rkey until expires, signed with macKey
// if it is not empty.
func seal(rkey string, data []byte, expires time.Time, macKey []byte) []byte {
	n := headerLen + len(data)
	if len(macKey) > 0 {
		n += macLen
	}
	v := make([]byte, headerLen, n)
	v[0] = formatVersion
	binary.BigEndian.PutUint64(v[2:], uint64(expires.UnixMilli()))
	if len(macKey) > 0 {
		v[1] = flagMAC
		v = append(v, mac(macKey, rkey, v[:headerLen], data)...)
	}
	return append(v, data...)
}

// open checks a value read from rkey at now and returns the Checker's data,
// which aliases v. With a macKey, only values signed with it are accepted;
// without one, a MAC present is not checked (a replica without the key
// trusts Redis anyway).
func open(rkey string, v []byte, now time.Time, macKey []byte) ([]byte, error) {
	if len(v) < headerLen || v[0] != formatVersion || v[1]&^flagMAC != 0 {
		return nil, errMalformed
	}
	header, rest := v[:headerLen], v[headerLen:]
	signed := v[1]&flagMAC != 0
	var sum []byte
	if signed {
		if len(rest) < macLen {
			return nil, errMalformed
		}
		sum, rest = rest[:macLen], rest[macLen:]
	}
	if len(macKey) > 0 {
		if !signed {
			return nil, errUnsigned
		}
		if !hmac.Equal(sum, mac(macKey, rkey, header, rest)) {
			return nil, errBadMAC
		}
	}
	expires := time.UnixMilli(int64(binary.BigEndian.Uint64(header[2:])))
	if !now.Before(expires) {
		return nil, errExpired
	}
	return rest, nil
}

func mac(macKey []byte, rkey string, header, data []byte) []byte {
	h := hmac.New(sha256.New, macKey)
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(rkey)))
	h.Write(n[:])
	h.Write([]byte(rkey))
	h.Write(header)
	h.Write(data)
	return h.Sum(nil)
}
