//go:build amd64 && !purego

package uriescape

import "unsafe"

//go:noescape
func copyUnreservedSSE2(dst, src *byte, n int) int

// copyUnreserved copies the leading unreserved bytes of s (at least 16
// bytes long), within its whole 16-byte blocks, and returns how many it
// copied. It may write up to the end of the block where it stops.
func copyUnreserved(dst []byte, s string) int {
	_ = dst[:len(s)&^15]
	return copyUnreservedSSE2(&dst[0], unsafe.StringData(s), len(s)&^15)
}
