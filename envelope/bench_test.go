package envelope_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/benchratio"
)

var sizes = []struct {
	name string
	n    int
}{{"32B", 32}, {"1KiB", 1 << 10}, {"64KiB", 64 << 10}, {"1MiB", 1 << 20}}

func rawGCM() cipher.AEAD {
	sum := sha256.Sum256([]byte("bench"))
	block, _ := aes.NewCipher(sum[:])
	gcm, _ := cipher.NewGCM(block)
	return gcm
}

var (
	sinkString string
	sinkBytes  []byte
)

// rawSeal is the baseline of the seal benchmarks: a random nonce and
// AES-GCM Seal of the same bytes into a reused buffer.
func rawSeal(gcm cipher.AEAD, p []byte) func(int) {
	return func(n int) {
		nonce := make([]byte, 12)
		dst := make([]byte, 0, len(p)+16)
		for range n {
			rand.Read(nonce)
			dst = gcm.Seal(dst[:0], nonce, p, []byte("elizaos:settings:v2"))
		}
	}
}

// rawOpen is the baseline of the open benchmarks: AES-GCM Open of the same
// bytes into a reused buffer.
func rawOpen(gcm cipher.AEAD, p []byte) func(int) {
	nonce := make([]byte, 12)
	sealed := gcm.Seal(nil, nonce, p, []byte("elizaos:settings:v2"))
	return func(n int) {
		dst := make([]byte, 0, len(p))
		for range n {
			dst, _ = gcm.Open(dst[:0], nonce, sealed, []byte("elizaos:settings:v2"))
		}
	}
}

// BenchmarkSeal compares Seal (random IV, GCM, hex, a new string) with raw
// AES-GCM Seal of the same bytes into a reused buffer.
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
			benchratio.Report(b, rawSeal(gcm, []byte(p)))
		})
	}
}

// BenchmarkAppendSeal is BenchmarkSeal through AppendSeal into a reused
// buffer (target at 64 KiB: x-raw-speed ≥ 0.5).
func BenchmarkAppendSeal(b *testing.B) {
	k := mustKey(b, "bench")
	gcm := rawGCM()
	for _, sz := range sizes {
		p := []byte(strings.Repeat("p", sz.n))
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			buf := make([]byte, 0, envelope.SealedLen(sz.n))
			for b.Loop() {
				buf, _ = k.AppendSeal(buf[:0], p)
			}
			sinkBytes = buf
			benchratio.Report(b, rawSeal(gcm, p))
		})
	}
}

// BenchmarkOpen compares Open (strict hex parse, GCM, UTF-8 check, a new
// string) with raw AES-GCM Open of the same bytes into a reused buffer.
func BenchmarkOpen(b *testing.B) {
	k := mustKey(b, "bench")
	gcm := rawGCM()
	for _, sz := range sizes {
		p := strings.Repeat("p", sz.n)
		v, _ := k.Seal(p)
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				sinkString, _ = k.Open(v)
			}
			benchratio.Report(b, rawOpen(gcm, []byte(p)))
		})
	}
}

// BenchmarkAppendOpen is BenchmarkOpen through AppendOpen into a reused
// buffer (target at 64 KiB: x-raw-speed ≥ 0.5).
func BenchmarkAppendOpen(b *testing.B) {
	k := mustKey(b, "bench")
	gcm := rawGCM()
	for _, sz := range sizes {
		p := strings.Repeat("p", sz.n)
		v, _ := k.Seal(p)
		sealed := []byte(v)
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			buf := make([]byte, 0, len(sealed)/2)
			for b.Loop() {
				buf, _ = k.AppendOpen(buf[:0], sealed)
			}
			sinkBytes = buf
			benchratio.Report(b, rawOpen(gcm, []byte(p)))
		})
	}
}
