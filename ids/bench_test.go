package ids

import (
	"crypto/sha1"
	"strings"
	"testing"

	"github.com/interopkit/interop/internal/benchratio"
	"github.com/interopkit/interop/internal/uriescape"
)

var sink string

// BenchmarkStringToUUID compares the whole derivation with a raw SHA-1 of
// the already-escaped bytes (target: x-raw-speed ≥ 0.7).
func BenchmarkStringToUUID(b *testing.B) {
	for _, tc := range []struct{ name, in string }{
		{"ascii-11", "hello world"},
		{"user-agent-48", "user-123:b8265c19-4c0c-00e1-90b5-c580a1ac9d45"},
		{"unicode-30", "Café 日本語 👩‍💻 données"},
		{"ascii-1k", strings.Repeat("abcdefgh", 128)},
	} {
		escaped := escapeAll(tc.in)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink, _ = StringToUUID(tc.in)
			}
			benchratio.Report(b, func(n int) {
				for range n {
					sum := sha1.Sum(escaped)
					sink = string(sum[:1])
				}
			})
		})
	}
}

func escapeAll(s string) []byte {
	buf := make([]byte, uriescape.MaxLen(len(s)))
	n, _ := uriescape.Escape(buf, s)
	return buf[:n]
}
