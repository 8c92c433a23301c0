package appident

import (
	"crypto/tls"
	"testing"
)

func TestVersionName(t *testing.T) {
	for v, want := range map[uint16]string{tls.VersionTLS10: "TLS1.0", tls.VersionTLS11: "TLS1.1",
		tls.VersionTLS12: "TLS1.2", tls.VersionTLS13: "TLS1.3", 0x0300: "SSL3.0", 0x7f1c: "0x7F1C"} {
		if got := versionName(v); got != want {
			t.Errorf("versionName(%#x) = %q, want %q", v, got, want)
		}
	}
}
