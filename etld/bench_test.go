package etld

import (
	"testing"
	"time"

	"golang.org/x/net/publicsuffix"
)

// benchHosts are already-lowercase ASCII hosts, as most redirect URIs have:
// the case the fast path serves.
var benchHosts = []string{
	"www.example.com",
	"app.example.co.uk",
	"my-project.github.io",
	"login.auth.provider-name.com",
	"b.c.kobe.jp",
}

var sink string

// BenchmarkETLDPlusOne and BenchmarkBarePublicSuffix run on the same hosts:
// compare them in one run (go test -bench 'ETLDPlusOne$|BarePublicSuffix').
func BenchmarkETLDPlusOne(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s, err := ETLDPlusOne(benchHosts[i%len(benchHosts)])
		if err != nil {
			b.Fatal(err)
		}
		sink = s
	}
}

func BenchmarkBarePublicSuffix(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s, err := publicsuffix.EffectiveTLDPlusOne(benchHosts[i%len(benchHosts)])
		if err != nil {
			b.Fatal(err)
		}
		sink = s
	}
}

// BenchmarkETLDPlusOneVsBare times ETLDPlusOne and the bare
// publicsuffix.EffectiveTLDPlusOne in alternating batches on the same
// hosts, so that load on a shared machine falls on both alike, and reports
// the ratio of their times ("x-bare"; the budget is 1.3).
func BenchmarkETLDPlusOneVsBare(b *testing.B) {
	const batch = 256
	var ours, bare time.Duration
	b.ReportAllocs()
	for n := 0; n < b.N; n += batch {
		for k := 0; k < 2; k++ {
			start := time.Now()
			if (n/batch+k)%2 == 0 {
				for i := 0; i < batch; i++ {
					sink, _ = ETLDPlusOne(benchHosts[i%len(benchHosts)])
				}
				ours += time.Since(start)
			} else {
				for i := 0; i < batch; i++ {
					sink, _ = publicsuffix.EffectiveTLDPlusOne(benchHosts[i%len(benchHosts)])
				}
				bare += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(ours)/float64(bare), "x-bare")
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "ours-ns/op")
	b.ReportMetric(float64(bare.Nanoseconds())/float64(b.N), "bare-ns/op")
}

func BenchmarkETLDPlusOneICANNOnly(b *testing.B) {
	p := Parser{Mode: ICANNOnly}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s, err := p.ETLDPlusOne(benchHosts[i%len(benchHosts)])
		if err != nil {
			b.Fatal(err)
		}
		sink = s
	}
}

// BenchmarkETLDPlusOneSlow measures the IDNA path: mixed case and Unicode.
func BenchmarkETLDPlusOneSlow(b *testing.B) {
	hosts := []string{"WWW.Example.COM", "www.bücher.de", "www.食狮.公司.cn."}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s, err := ETLDPlusOne(hosts[i%len(hosts)])
		if err != nil {
			b.Fatal(err)
		}
		sink = s
	}
}

func BenchmarkParse(b *testing.B) {
	const uri = "https://app.example.com/oauth2/callback?tenant=abc"
	b.ReportAllocs()
	for b.Loop() {
		s, err := Parse(uri)
		if err != nil {
			b.Fatal(err)
		}
		sink = s.ETLDPlusOne
	}
}

func BenchmarkParseIDN(b *testing.B) {
	const uri = "https://www.xn--bcher-kva.de/callback"
	b.ReportAllocs()
	for b.Loop() {
		s, err := Parse(uri)
		if err != nil {
			b.Fatal(err)
		}
		sink = s.DisplayDomain
	}
}

// BenchmarkDisplayDomain compares DisplayDomain with the bare conversion of
// the same name to Unicode (its baseline): on an ASCII name, and on IDNs
// that pass every check (the slowest case: all rules and the top-domain
// lookup run) or fail one.
func BenchmarkDisplayDomain(b *testing.B) {
	topSkeletons() // built once, on first use
	for _, name := range []string{"example.com", "xn--bcher-kva.de", "xn--n3h9a.xn--p1ai", "xn--googl-fsa.com"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = DisplayDomain(name)
			}
		})
		b.Run(name+"/baseline-ToUnicode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink, _ = lookup.ToUnicode(name)
			}
		})
	}
}

// BenchmarkBuildTopSkeletons is the one-off cost of the top domains'
// skeletons, paid by the first IDN DisplayDomain sees.
func BenchmarkBuildTopSkeletons(b *testing.B) {
	for b.Loop() {
		if len(buildTopSkeletons()) < 8462 {
			b.Fatal("too few skeletons")
		}
	}
}
