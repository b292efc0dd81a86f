//go:build amd64 && !purego

package uriescape

import "unsafe"

//go:noescape
func copyUnreservedSSE2(dst, src *byte, n int) int

// copyUnreserved copies the leading whole 16-byte blocks of s (at least 16
// bytes long) that are all unreserved and returns how many bytes it copied.
func copyUnreserved(dst []byte, s string) int {
	_ = dst[:len(s)&^15]
	return copyUnreservedSSE2(&dst[0], unsafe.StringData(s), len(s)&^15)
}
