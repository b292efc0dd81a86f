package envelope_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/interopkit/interop/internal/benchratio"
)

var sizes = []struct {
	name string
	n    int
}{{"32B", 32}, {"1KiB", 1 << 10}, {"64KiB", 64 << 10}}

func rawGCM() cipher.AEAD {
	sum := sha256.Sum256([]byte("bench"))
	block, _ := aes.NewCipher(sum[:])
	gcm, _ := cipher.NewGCM(block)
	return gcm
}

var sinkString string

// BenchmarkSeal compares Seal (random IV, GCM, hex) with raw AES-GCM Seal
// of the same bytes into a reused buffer (target at 64 KiB: x-raw-speed ≥ 0.5).
func BenchmarkSeal(b *testing.B) {
	k := mustKey(b, "bench")
	gcm := rawGCM()
	for _, sz := range sizes {
		p := strings.Repeat("p", sz.n)
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				sinkString, _ = k.Seal(p)
			}
			benchratio.Report(b, func(n int) {
				nonce := make([]byte, 12)
				dst := make([]byte, 0, sz.n+16)
				pb := []byte(p)
				for range n {
					rand.Read(nonce)
					dst = gcm.Seal(dst[:0], nonce, pb, []byte("elizaos:settings:v2"))
				}
			})
		})
	}
}

// BenchmarkOpen compares Open (strict hex parse, GCM, UTF-8 check) with raw
// AES-GCM Open of the same bytes (target at 64 KiB: x-raw-speed ≥ 0.5).
func BenchmarkOpen(b *testing.B) {
	k := mustKey(b, "bench")
	gcm := rawGCM()
	for _, sz := range sizes {
		p := strings.Repeat("p", sz.n)
		v, _ := k.Seal(p)
		nonce := make([]byte, 12)
		sealed := gcm.Seal(nil, nonce, []byte(p), []byte("elizaos:settings:v2"))
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				sinkString, _ = k.Open(v)
			}
			benchratio.Report(b, func(n int) {
				dst := make([]byte, 0, sz.n)
				for range n {
					dst, _ = gcm.Open(dst[:0], nonce, sealed, []byte("elizaos:settings:v2"))
				}
			})
		})
	}
}
