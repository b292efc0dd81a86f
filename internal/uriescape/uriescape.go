// Package uriescape escapes text as JavaScript's encodeURIComponent does,
// validating UTF-8 in the same pass. It is the first half of the elizaOS
// id derivation (spec/ids.md), and runs of unreserved bytes, the bulk of
// most identifiers, are copied sixteen at a time with SSE2 on amd64.
package uriescape

import (
	"encoding/binary"
	"unicode/utf8"
)

const upperHex = "0123456789ABCDEF"

// unreserved is 1 for the bytes encodeURIComponent leaves as they are.
var unreserved = func() (t [256]uint8) {
	for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()" {
		t[r] = 1
	}
	return t
}()

// escaped holds "%XX" of every byte in the low three bytes of a
// little-endian word, so that an escape is one four-byte store.
var escaped = func() (t [256]uint32) {
	for i := range t {
		t[i] = '%' | uint32(upperHex[i>>4])<<8 | uint32(upperHex[i&0x0f])<<16
	}
	return t
}()

// MaxLen is the buffer Escape needs for an n-byte input: three bytes per
// input byte, and one of slack for its four-byte stores.
func MaxLen(n int) int { return 3*n + 1 }

// Escape writes the escaped form of s into dst, which must hold
// MaxLen(len(s)) bytes, and returns its length. Percent-encoding works per
// UTF-8 byte, so the bytes of a valid sequence are escaped one by one. If s
// is not valid UTF-8 it returns the byte offset of the first invalid
// sequence and ok false.
func Escape(dst []byte, s string) (n int, ok bool) {
	_ = dst[:MaxLen(len(s))]
	// bulk is whether a block copy may succeed here: after one fails, the
	// block holds a byte to escape, so bytes go one at a time until it has
	// been escaped.
	bulk := true
	for i := 0; i < len(s); {
		if bulk && len(s)-i >= 16 {
			k := copyUnreserved(dst[n:], s[i:])
			n += k
			i += k
			if i == len(s) {
				break
			}
			bulk = false
		}
		c := s[i]
		if unreserved[c] != 0 {
			dst[n] = c
			n++
			i++
			continue
		}
		// One reserved ASCII byte, or every byte of a valid multi-byte
		// sequence.
		size := 1
		if c >= utf8.RuneSelf {
			r, sz := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && sz == 1 {
				return i, false
			}
			size = sz
		}
		for end := i + size; i < end; i++ {
			binary.LittleEndian.PutUint32(dst[n:], escaped[s[i]])
			n += 3
		}
		bulk = true
	}
	return n, true
}

// copyUnreservedGeneric copies the leading whole 16-byte blocks of s that
// are all unreserved and returns how many bytes it copied.
func copyUnreservedGeneric(dst []byte, s string) int {
	n := 0
	for ; n+16 <= len(s); n += 16 {
		var all uint8 = 1
		for j := n; j < n+16; j++ {
			all &= unreserved[s[j]]
		}
		if all == 0 {
			break
		}
		copy(dst[n:n+16], s[n:n+16])
	}
	return n
}
