package ids

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/interopkit/interop/internal/uriescape"
)

// short is the longest input whose escaped form always fits the stack
// buffer of appendHash; such inputs need no other memory.
const short = 64

// appendHash appends SHA-1(encodeURIComponent(s)) formatted as an elizaOS
// id to dst, where s is the concatenation of parts (escaped one after the
// other, which is escaping their concatenation, without building it). It
// fails with ErrInvalidUTF8, naming the offset in s, when s is not valid
// UTF-8 (validation happens in the escaping pass), and then returns dst
// unchanged, having written nothing beyond it.
func appendHash(dst []byte, parts ...string) ([]byte, error) {
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	var stack [3*short + 1]byte
	buf := stack[:]
	if total > short {
		bp := getBuf(uriescape.MaxLen(total))
		defer bufs.Put(bp)
		buf = *bp
	}
	n, at := 0, 0
	for _, p := range parts {
		k, ok := uriescape.Escape(buf[n:], p)
		if !ok {
			return dst, invalidUTF8(at + k)
		}
		n += k
		at += len(p)
	}
	sum := sha1.Sum(buf[:n])
	return appendFormat(dst, &sum), nil
}

// invalidUTF8 is kept out of line so that the error's allocation stays
// off the path of valid input.
//
//go:noinline
func invalidUTF8(at int) error { return fmt.Errorf("%w at byte %d", ErrInvalidUTF8, at) }

// hashUUID is appendHash into a new string.
func hashUUID(s string) (string, error) {
	var out [36]byte
	b, err := appendHash(out[:0], s)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// bufs recycles escape buffers of long inputs; escaped ids are not
// secret, so buffers are reused as they are.
var bufs sync.Pool

func getBuf(n int) *[]byte {
	if bp, ok := bufs.Get().(*[]byte); ok && cap(*bp) >= n {
		*bp = (*bp)[:n]
		return bp
	}
	b := make([]byte, n)
	return &b
}

// appendFormat sets the variant and version bits of the first 16 bytes of
// the digest and appends them to dst as a lower-case 8-4-4-4-12 UUID: one
// two-byte store per byte, from a table, at fixed offsets.
func appendFormat(dst []byte, sum *[sha1.Size]byte) []byte {
	b := sum[:16]
	b[8] = b[8]&0x3f | 0x80
	b[6] &= 0x0f
	dst = slices.Grow(dst, 36)
	base := len(dst)
	out := (*[36]byte)(dst[base : base+36])
	for i, at := range uuidOffsets {
		binary.LittleEndian.PutUint16(out[at:], hexPairs[b[i]])
	}
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	return dst[:base+36]
}

// uuidOffsets is where the hex digits of each of the 16 bytes go.
var uuidOffsets = [16]uint8{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// hexPairs holds the two lower-case hex digits of every byte as a
// little-endian word.
var hexPairs = func() (t [256]uint16) {
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = uint16(digits[i>>4]) | uint16(digits[i&0x0f])<<8
	}
	return t
}()
