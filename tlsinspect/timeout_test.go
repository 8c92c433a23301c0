package tlsinspect

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/internal/pki"
)

// TestTimeoutMessages: a timeout's message states the deadline in force:
// the Inspector's own, or the context's when it comes sooner.
func TestTimeoutMessages(t *testing.T) {
	t.Run("handshake", func(t *testing.T) {
		h, err := pki.StartHostile(pki.HostileSilent)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(h.Close)
		for _, tt := range []struct {
			timeout, ctxTimeout time.Duration
			want                string
		}{
			{200 * time.Millisecond, 0, "timeout after 200ms"},
			{5 * time.Second, 300 * time.Millisecond, "timeout after 300ms"},
		} {
			in := &Inspector{Dialer: &connectTo{addr: h.Addr()}, Timeout: tt.timeout}
			ctx := context.Background()
			if tt.ctxTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxTimeout)
				defer cancel()
			}
			_, err := in.Inspect(ctx, testHost, 443)
			if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Timeout %v, context %v: %v, want %q", tt.timeout, tt.ctxTimeout, err, tt.want)
			}
		}
	})
	for _, path := range []string{"crl", "ocsp"} {
		t.Run(path, func(t *testing.T) {
			w := newWorld(t, pki.RevocationOptions{SlowDelay: 10 * time.Second})
			edit := crlOnly(w)
			if path == "ocsp" {
				edit = ocspOnly(w)
			}
			l := w.leaf(t, edit)
			w.rev.SetFault(w.inter, pki.FaultSlow)
			srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
			for _, tt := range []struct {
				fetchTimeout, ctxTimeout time.Duration
				want                     string
			}{
				{300 * time.Millisecond, 0, "timed out after 300ms (FetchTimeout)"},
				{5 * time.Second, 600 * time.Millisecond, "(the caller's deadline)"},
			} {
				in := w.inspector(srv.Addr())
				in.FetchTimeout = tt.fetchTimeout
				ctx := context.Background()
				if tt.ctxTimeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.ctxTimeout)
					defer cancel()
				}
				r, err := in.Inspect(ctx, testHost, 443)
				if err != nil {
					t.Fatal(err)
				}
				if r.Revocation != RevocationUnknown || !strings.Contains(r.RevocationReason, tt.want) || strings.Contains(r.RevocationReason, "5s") {
					t.Errorf("FetchTimeout %v, context %v: %v (%s), want %q", tt.fetchTimeout, tt.ctxTimeout, r.Revocation, r.RevocationReason, tt.want)
				}
			}
		})
	}
}

// TestAlertWatch: plaintext alerts are found however the stream is cut,
// and encrypted ones (longer records) or other records are not taken for
// alerts.
func TestAlertWatch(t *testing.T) {
	stream := []byte{
		22, 3, 3, 0, 3, 1, 2, 3, // a handshake record
		21, 3, 3, 0, 3, 2, 70, 9, // a 3-byte alert record: not plaintext
		23, 3, 3, 0, 0, // an empty record
		21, 3, 1, 0, 2, 2, 70, // protocol_version
	}
	for cut := 1; cut <= len(stream); cut++ {
		var w alertWatch
		for p := stream; len(p) > 0; {
			k := min(cut, len(p))
			w.feed(p[:k])
			p = p[k:]
		}
		if w.alert != alertProtocolVersion {
			t.Errorf("chunks of %d: alert %d", cut, w.alert)
		}
	}
	var w alertWatch
	w.feed(stream[:len(stream)-7])
	if w.alert != 0 {
		t.Errorf("alert %d taken from a 3-byte alert record", w.alert)
	}
}
