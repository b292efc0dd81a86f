package ids

import (
	"crypto/sha1"
	"strings"
	"testing"

	"github.com/interopkit/interop/internal/benchratio"
	"github.com/interopkit/interop/internal/uriescape"
)

var (
	sink      string
	sinkBytes []byte
)

var benchInputs = []struct{ name, in string }{
	{"ascii-11", "hello world"},
	{"user-agent-48", "user-123:b8265c19-4c0c-00e1-90b5-c580a1ac9d45"},
	{"unicode-30", "Café 日本語 👩‍💻 données"},
	{"ascii-1k", strings.Repeat("abcdefgh", 128)},
}

// BenchmarkStringToUUID compares the whole derivation with a raw SHA-1 of
// the already-escaped bytes (target: x-raw-speed ≥ 0.7).
func BenchmarkStringToUUID(b *testing.B) {
	for _, tc := range benchInputs {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink, _ = StringToUUID(tc.in)
			}
			benchratio.Report(b, rawSHA1(tc.in))
		})
	}
}

// BenchmarkAppendUUID is BenchmarkStringToUUID through AppendUUID into a
// reused buffer, the form the target is for.
func BenchmarkAppendUUID(b *testing.B) {
	for _, tc := range benchInputs {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 36)
			for b.Loop() {
				buf, _ = AppendUUID(buf[:0], tc.in)
			}
			sinkBytes = buf
			benchratio.Report(b, rawSHA1(tc.in))
		})
	}
}

// rawSHA1 is the baseline: SHA-1 of the escaped bytes, escaped beforehand.
func rawSHA1(in string) func(int) {
	escaped := escapeAll(in)
	return func(n int) {
		for range n {
			sum := sha1.Sum(escaped)
			sink = string(sum[:1])
		}
	}
}

func escapeAll(s string) []byte {
	buf := make([]byte, uriescape.MaxLen(len(s)))
	n, _ := uriescape.Escape(buf, s)
	return buf[:n]
}
