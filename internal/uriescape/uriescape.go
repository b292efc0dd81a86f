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

// escaped holds, for every byte, what it becomes in the low bytes of a
// little-endian word: "%XX", or the byte itself when it is unreserved.
var escaped = func() (t [256]uint32) {
	for i := range t {
		if unreserved[i] != 0 {
			t[i] = uint32(i)
			continue
		}
		t[i] = '%' | uint32(upperHex[i>>4])<<8 | uint32(upperHex[i&0x0f])<<16
	}
	return t
}()

// Per first byte of a character: step is its length in bytes (0 for a
// byte no well-formed sequence starts with), width the length of its
// escaped form, and lo and hi the range the second byte must be in (all
// bytes for ASCII). They are the rules of unicode/utf8: no overlong forms,
// no surrogates, nothing above U+10FFFF.
var step, width, lo, hi = func() (st, w, l, h [256]uint8) {
	for c := range 256 {
		l[c], h[c] = 0x80, 0xbf
		switch {
		case c < 0x80:
			st[c], w[c], l[c], h[c] = 1, 3-2*unreserved[c], 0, 0xff
		case c < 0xc2:
			l[c], h[c] = 1, 0
		case c < 0xe0:
			st[c] = 2
		case c < 0xf0:
			st[c] = 3
		case c < 0xf5:
			st[c] = 4
		default:
			l[c], h[c] = 1, 0
		}
		if st[c] > 1 {
			w[c] = 3 * st[c]
		}
	}
	l[0xe0], h[0xed], l[0xf0], h[0xf4] = 0xa0, 0x9f, 0x90, 0x8f
	return st, w, l, h
}()

// need masks the third and fourth bytes that must be continuation bytes,
// by character length.
var need = [5]uint32{0, 0, 0, 0x00ff, 0xffff}

// MaxLen is the buffer Escape needs for an n-byte input: three bytes per
// input byte, and one of slack for its four-byte stores.
func MaxLen(n int) int { return 3*n + 1 }

// Escape writes the escaped form of s into dst, which must hold
// MaxLen(len(s)) bytes, and returns its length. Percent-encoding works per
// UTF-8 byte, so the bytes of a valid sequence are escaped one by one. If s
// is not valid UTF-8 it returns the byte offset of the first invalid
// sequence and ok false.
//
// Runs of unreserved bytes go sixteen at a time while sixteen remain.
// Otherwise one character, of any length, is checked and escaped per
// step, with no branch on its kind: its first byte picks its length, its
// escaped width and the range of its second byte from tables, and four
// words are stored whatever the length (the next step overwrites the
// excess). Branches on the kind of each character, which mixed text
// mispredicts, were the cost of escaping such text.
func Escape(dst []byte, s string) (n int, ok bool) {
	_ = dst[:MaxLen(len(s))]
	i := 0
	for len(s)-i >= 4 {
		c := s[i]
		if unreserved[c] != 0 && len(s)-i >= 16 {
			// copyUnreserved copies at least this byte, and stops at a
			// byte to escape or where fewer than sixteen remain.
			k := copyUnreserved(dst[n:], s[i:])
			n += k
			i += k
			continue
		}
		c1, c2, c3 := s[i+1], s[i+2], s[i+3]
		st := step[c]
		if st == 0 || c1 < lo[c] || c1 > hi[c] || (uint32(c2)|uint32(c3)<<8)&0xc0c0&need[st] != 0x8080&need[st] {
			return i, false
		}
		d := dst[n : n+13]
		binary.LittleEndian.PutUint32(d[0:], escaped[c])
		binary.LittleEndian.PutUint32(d[3:], escaped[c1])
		binary.LittleEndian.PutUint32(d[6:], escaped[c2])
		binary.LittleEndian.PutUint32(d[9:], escaped[c3])
		n += int(width[c])
		i += int(st)
	}
	// The last few bytes, where four cannot be read at once.
	for i < len(s) {
		c := s[i]
		size := 1
		if c >= utf8.RuneSelf {
			if size = seqLen(s[i:]); size == 0 {
				return i, false
			}
		}
		for j := range size {
			binary.LittleEndian.PutUint32(dst[n+3*j:], escaped[s[i+j]])
		}
		n += int(width[c])
		i += size
	}
	return n, true
}

// seqLen returns the length of the well-formed UTF-8 sequence that s
// starts with, whose first byte is not ASCII, or 0 when it is ill-formed.
func seqLen(s string) int {
	c := s[0]
	size := int(step[c])
	if size == 0 || len(s) < size || s[1] < lo[c] || s[1] > hi[c] {
		return 0
	}
	for j := 2; j < size; j++ {
		if s[j]&0xc0 != 0x80 {
			return 0
		}
	}
	return size
}

// copyUnreservedGeneric copies the leading unreserved bytes of s, looking
// at whole 16-byte blocks only, and returns how many it copied. Like the
// SSE2 version it may write the rest of the block where it stops.
func copyUnreservedGeneric(dst []byte, s string) int {
	end := len(s) &^ 15
	n := 0
	for ; n < end && unreserved[s[n]] != 0; n++ {
		dst[n] = s[n]
	}
	return n
}
