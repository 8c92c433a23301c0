//go:build !unix

package label

func cpuTime() int64 { return 0 }
