//go:build linux

package etld

import (
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/net/publicsuffix"
)

// threadCPU returns the CPU time the calling OS thread has used
// (CLOCK_THREAD_CPUTIME_ID): unlike wall time, it does not grow while the
// thread waits for a core that other processes hold.
func threadCPU() time.Duration {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

// BenchmarkETLDPlusOneVsBareCPU is BenchmarkETLDPlusOneVsBare measured in
// thread CPU time, for a ratio that holds on a loaded machine.
func BenchmarkETLDPlusOneVsBareCPU(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const batch = 4096
	var ours, bare time.Duration
	b.ReportAllocs()
	for n := 0; n < b.N; n += batch {
		for k := 0; k < 2; k++ {
			start := threadCPU()
			if (n/batch+k)%2 == 0 {
				for i := 0; i < batch; i++ {
					sink, _ = ETLDPlusOne(benchHosts[i%len(benchHosts)])
				}
				ours += threadCPU() - start
			} else {
				for i := 0; i < batch; i++ {
					sink, _ = publicsuffix.EffectiveTLDPlusOne(benchHosts[i%len(benchHosts)])
				}
				bare += threadCPU() - start
			}
		}
	}
	b.ReportMetric(float64(ours)/float64(bare), "x-bare")
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "ours-cpu-ns/op")
	b.ReportMetric(float64(bare.Nanoseconds())/float64(b.N), "bare-cpu-ns/op")
}

// BenchmarkParseCPU is BenchmarkParse with its thread CPU time per call
// reported ("cpu-ns/op"), which holds on a loaded machine.
func BenchmarkParseCPU(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const uri = "https://app.example.com/oauth2/callback?tenant=abc"
	b.ReportAllocs()
	start := threadCPU()
	for b.Loop() {
		s, err := Parse(uri)
		if err != nil {
			b.Fatal(err)
		}
		sink = s.ETLDPlusOne
	}
	b.ReportMetric(float64((threadCPU()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
