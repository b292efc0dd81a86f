//go:build cgobench

package ffi

import (
	"testing"

	"github.com/interopkit/interop/bridge/ffi/internal/cgocall"
)

// BenchmarkRoundTripCgo is BenchmarkRoundTrip/raw through cgo: the
// baseline of the purego loader (go test -tags cgobench).
func BenchmarkRoundTripCgo(b *testing.B) {
	l, err := cgocall.Open(library(b, examples[0].path))
	if err != nil {
		b.Fatal(err)
	}
	args := benchArgs(b)
	for b.Loop() {
		if out := l.Invoke(args[0], args[1], args[2], args[3]); out == "" {
			b.Fatal("no result")
		}
	}
}
