//go:build amd64 && !purego

package hexcodec

import "unsafe"

//go:noescape
func encodeSSE2(dst, src *byte, n int)

//go:noescape
func decodeSSE2(dst, src *byte, n int) bool

//go:noescape
func decodeAVX2(dst, src *byte, n int) bool

func cpuid(leaf, sub uint32) (a, b, c, d uint32)

func xgetbv() uint32

// useAVX2 is whether decoding may use AVX2: the CPU has it and the OS
// saves the YMM registers. Tests turn it off to cover the SSE2 loop.
var useAVX2 = func() bool {
	max, _, _, _ := cpuid(0, 0)
	if max < 7 {
		return false
	}
	_, _, c, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if c&osxsave == 0 || c&avx == 0 || xgetbv()&6 != 6 {
		return false
	}
	_, b, _, _ := cpuid(7, 0)
	return b&(1<<5) != 0
}()

// encodeBulk encodes the largest multiple of 16 bytes of src and returns
// how many bytes it encoded.
func encodeBulk(dst, src []byte) int {
	n := len(src) &^ 15
	if n > 0 {
		encodeSSE2(&dst[0], &src[0], n)
	}
	return n
}

// decodeBulk decodes the largest multiple of 32 characters of src and
// returns how many characters it consumed: 64 at a time with AVX2 where
// the CPU has it (twice the SSE2 rate, which is what keeps Open near the
// speed of AES-GCM), the rest 32 at a time with SSE2.
func decodeBulk(dst []byte, src string) (int, bool) {
	n := len(src) &^ 31
	if n == 0 {
		return 0, true
	}
	m := 0
	if useAVX2 {
		if m = n &^ 63; m > 0 && !decodeAVX2(&dst[0], unsafe.StringData(src), m) {
			return m, false
		}
	}
	if m == n {
		return n, true
	}
	return n, decodeSSE2(&dst[m/2], unsafe.StringData(src[m:]), n-m)
}
