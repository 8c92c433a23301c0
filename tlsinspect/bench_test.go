package tlsinspect

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/consenttrust/appverify/internal/pki"
)

// The two handshake benchmarks share one server, certificate and staple:
// BenchmarkInspectStapled is the whole inspection (handshake, chain
// verification, staple verification, findings); BenchmarkBareHandshake is
// what tls.Dial does with the same roots (handshake with chain and hostname
// verification); BenchmarkBareHandshakeNoVerify skips verification. The
// target is InspectStapled <= 1.15 x BareHandshake.

type benchEnv struct {
	w   *world
	srv *pki.TLSServer
}

func newBenchEnv(b *testing.B) *benchEnv {
	w := newWorld(b)
	l := w.leaf(b, nil)
	return &benchEnv{w: w, srv: serve(b, l.StapledTLSCertificate(w.staple(b, l, pki.OCSPGood)), pki.TLSOptions{})}
}

func BenchmarkInspectStapled(b *testing.B) {
	e := newBenchEnv(b)
	in := e.w.inspector(e.srv.Addr())
	in.FetchDialer = dialFunc(func(context.Context, string, string) (net.Conn, error) {
		b.Fatal("a fetch although the staple answered")
		return nil, nil
	})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := in.Inspect(ctx, testHost, 443)
		if err != nil || !r.Trusted || r.Revocation != RevocationGood {
			b.Fatalf("%v %+v", err, r)
		}
	}
}

func benchBare(b *testing.B, verify bool) {
	e := newBenchEnv(b)
	cfg := &tls.Config{ServerName: testHost, RootCAs: e.w.root.Pool(), InsecureSkipVerify: !verify}
	b.ReportAllocs()
	for b.Loop() {
		c, err := tls.Dial("tcp", e.srv.Addr(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

func BenchmarkBareHandshake(b *testing.B)         { benchBare(b, true) }
func BenchmarkBareHandshakeNoVerify(b *testing.B) { benchBare(b, false) }

// BenchmarkInspectVsBare alternates an inspection and a bare tls.Dial (with
// verification) in every iteration, so that both see the same machine load,
// and reports each one's mean and their ratio.
func BenchmarkInspectVsBare(b *testing.B) {
	e := newBenchEnv(b)
	in := e.w.inspector(e.srv.Addr())
	cfg := &tls.Config{ServerName: testHost, RootCAs: e.w.root.Pool()}
	ctx := context.Background()
	var inspect, bare time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := in.Inspect(ctx, testHost, 443); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		c, err := tls.Dial("tcp", e.srv.Addr(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
		t2 := time.Now()
		inspect += t1.Sub(t0)
		bare += t2.Sub(t1)
	}
	b.ReportMetric(float64(inspect.Nanoseconds())/float64(b.N), "inspect-ns/op")
	b.ReportMetric(float64(bare.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(inspect)/float64(bare), "ratio")
}
