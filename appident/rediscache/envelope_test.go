package rediscache

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"
)

// FuzzOpen: whatever bytes are read from Redis, open never panics, an
// error comes with no data, and data returned is the tail of the value.
// With a MAC key, only what seal made under that key and Redis key opens.
func FuzzOpen(f *testing.F) {
	exp := time.UnixMilli(1_900_000_000_000)
	key := []byte("0123456789abcdef0123456789abcdef")
	f.Add([]byte{}, false)
	f.Add([]byte{1, 0, 0, 0, 1, 0xba, 0x43, 0xb7, 0x40, 0}, false)
	f.Add(seal("ns:v1:e:k", []byte("evidence"), exp, nil), false)
	f.Add(seal("ns:v1:e:k", []byte("evidence"), exp, key), true)
	f.Add(seal("ns:v1:e:k", nil, exp, key), true)
	now := exp.Add(-time.Hour)
	f.Fuzz(func(t *testing.T, v []byte, withKey bool) {
		var mk []byte
		if withKey {
			mk = key
		}
		data, err := open("ns:v1:e:k", v, now, mk)
		if err != nil {
			if data != nil {
				t.Fatalf("open returned %q with error %v", data, err)
			}
			return
		}
		if !bytes.HasSuffix(v, data) {
			t.Fatalf("open returned %q, not the tail of %q", data, v)
		}
		if withKey && !bytes.Equal(seal("ns:v1:e:k", data, time.UnixMilli(int64(binary.BigEndian.Uint64(v[2:10]))), key), v) {
			t.Fatalf("a value seal did not make opened under the MAC key: %q", v)
		}
		// What opens, sealed again, opens to the same data.
		again, err := open("ns:v1:e:k", seal("ns:v1:e:k", data, exp, mk), now, mk)
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("round trip of %q: %q, %v", data, again, err)
		}
	})
}
