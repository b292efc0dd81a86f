package ids

import (
	"crypto/sha1"
	"fmt"
	"sync"

	"github.com/interopkit/interop/internal/hexcodec"
	"github.com/interopkit/interop/internal/uriescape"
)

// short is the longest input whose escaped form always fits the stack
// buffer of hashUUID; such inputs allocate nothing but the result.
const short = 64

// hashUUID formats SHA-1(encodeURIComponent(s)) as an elizaOS id. It fails
// with ErrInvalidUTF8, naming the offset, when s is not valid UTF-8:
// validation happens in the escaping pass.
func hashUUID(s string) (string, error) {
	var stack [3*short + 1]byte
	buf := stack[:]
	if len(s) > short {
		bp := getBuf(uriescape.MaxLen(len(s)))
		defer bufs.Put(bp)
		buf = *bp
	}
	n, ok := uriescape.Escape(buf, s)
	if !ok {
		return "", fmt.Errorf("%w at byte %d", ErrInvalidUTF8, n)
	}
	sum := sha1.Sum(buf[:n])
	return format(&sum), nil
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

// format sets the variant and version bits of the first 16 bytes of the
// digest and writes them as a lower-case 8-4-4-4-12 UUID.
func format(sum *[sha1.Size]byte) string {
	b := sum[:16]
	b[8] = b[8]&0x3f | 0x80
	b[6] &= 0x0f
	var h [32]byte
	hexcodec.Encode(h[:], b)
	var out [36]byte
	copy(out[0:8], h[0:8])
	out[8] = '-'
	copy(out[9:13], h[8:12])
	out[13] = '-'
	copy(out[14:18], h[12:16])
	out[18] = '-'
	copy(out[19:23], h[16:20])
	out[23] = '-'
	copy(out[24:36], h[20:32])
	return string(out[:])
}
