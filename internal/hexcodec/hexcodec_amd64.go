//go:build amd64 && !purego

package hexcodec

import "unsafe"

//go:noescape
func encodeSSE2(dst, src *byte, n int)

//go:noescape
func decodeSSE2(dst, src *byte, n int) bool

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
// returns how many characters it consumed.
func decodeBulk(dst []byte, src string) (int, bool) {
	n := len(src) &^ 31
	if n == 0 {
		return 0, true
	}
	return n, decodeSSE2(&dst[0], unsafe.StringData(src), n)
}
