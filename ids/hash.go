package ids

import (
	"crypto/sha1"
	"encoding/binary"
)

const upperHex = "0123456789ABCDEF"
const lowerHex = "0123456789abcdef"

// unreserved8 is 1 for the bytes encodeURIComponent leaves as they are and
// 0 for the others; bytes rather than bools so that eight lookups combine
// without a branch per byte.
var unreserved8 = func() (t [256]uint8) {
	for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()" {
		t[r] = 1
	}
	return t
}()

// hexVal maps an ASCII hex digit to its value and every other byte to 0xff.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < 16; i++ {
		t[lowerHex[i]] = byte(i)
		t[upperHex[i]] = byte(i)
	}
	return t
}()

// short is the largest input whose escaped form (three bytes per input byte
// at most) always fits the stack buffer of hashUUID; such inputs allocate
// nothing but the result.
const short = 64

// piece bounds how much input a long string is escaped in at a time, so
// the scratch buffer stays small however long the input.
const piece = 4096

// hashUUID formats SHA-1(escape(s)) as an elizaOS id.
func hashUUID(s string) string {
	var sum [sha1.Size]byte
	if len(s) <= short {
		var buf [3 * short]byte
		sum = sha1.Sum(buf[:escapeInto(buf[:], s)])
		return format(sum[:16])
	}
	// Escaping is per byte, so escaping the input piece by piece and
	// hashing the pieces in order is exact.
	h := sha1.New()
	buf := make([]byte, 3*min(len(s), piece))
	for len(s) > 0 {
		p := s[:min(len(s), piece)]
		s = s[len(p):]
		h.Write(buf[:escapeInto(buf, p)])
	}
	h.Sum(sum[:0])
	return format(sum[:16])
}

// escapeInto writes the encodeURIComponent form of s into buf, which must
// be large enough, and returns its length. Percent-encoding works per
// UTF-8 byte, so escaping bytes one at a time is exact. Runs of eight
// unreserved bytes are copied at once: identifiers are mostly such runs.
func escapeInto(buf []byte, s string) int {
	t := &unreserved8
	n := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && t[s[i]]&t[s[i+1]]&t[s[i+2]]&t[s[i+3]]&t[s[i+4]]&t[s[i+5]]&t[s[i+6]]&t[s[i+7]] != 0 {
			// The compiler combines these into one 8-byte load and store.
			_ = buf[n+7]
			binary.LittleEndian.PutUint64(buf[n:], uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
				uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56)
			n += 8
			i += 8
			continue
		}
		c := s[i]
		if t[c] != 0 {
			buf[n] = c
			n++
		} else {
			buf[n], buf[n+1], buf[n+2] = '%', upperHex[c>>4], upperHex[c&0x0f]
			n += 3
		}
		i++
	}
	return n
}

// uuidPos is where the hex digits of each byte start in the 36-character
// form.
var uuidPos = [16]uint8{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// format sets the variant and version bits of b and writes it as a
// lower-case 8-4-4-4-12 UUID.
func format(b []byte) string {
	_ = b[15]
	b[8] = b[8]&0x3f | 0x80
	b[6] &= 0x0f
	var out [36]byte
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	for i, p := range uuidPos {
		out[p] = lowerHex[b[i]>>4]
		out[p+1] = lowerHex[b[i]&0x0f]
	}
	return string(out[:])
}
