// Package hexcodec encodes lower-case hex and strictly decodes hex, the
// bound on envelope throughput. On amd64 the bulk of the work is done
// sixteen bytes at a time with SSE2 (part of the amd64 baseline, so no CPU
// detection is needed), and decoding 64 characters at a time with AVX2
// where CPUID reports it; elsewhere, under the purego build tag, and for
// the tails, a table-driven loop does it. spec/RATIONALE.md says why.
//
// Decoding is strict: only [0-9a-fA-F] in pairs, the rule of
// spec/envelope.md.
package hexcodec

const lowerHex = "0123456789abcdef"

// val maps a hex digit to its value and every other byte to 0xff.
var val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < 16; i++ {
		t[lowerHex[i]] = byte(i)
		t["0123456789ABCDEF"[i]] = byte(i)
	}
	return t
}()

// IsDigit reports whether c is a hex digit of either case.
func IsDigit(c byte) bool { return val[c] <= 0x0f }

// Encode writes the lower-case hex form of src into dst, which must hold
// 2*len(src) bytes. src may be the upper half of dst itself
// (src == dst[len(src):2*len(src)]): every loop reads a block before it
// writes the twice-as-long block below it, so encoding in place, which
// spares the envelope writer a scratch buffer, is allowed. No other
// overlap is.
func Encode(dst, src []byte) {
	_ = dst[:2*len(src)]
	n := encodeBulk(dst, src)
	encodeGeneric(dst[2*n:], src[n:])
}

// Decode decodes the hex text src into dst, which must hold len(src)/2
// bytes. It reports false when src has an odd length or any character
// outside [0-9a-fA-F]; dst may then be partly written.
func Decode(dst []byte, src string) bool {
	if len(src)%2 != 0 {
		return false
	}
	_ = dst[:len(src)/2]
	n, ok := decodeBulk(dst, src)
	if !ok {
		return false
	}
	return decodeGeneric(dst[n/2:], src[n:])
}

// Valid reports whether s is hex digits in pairs, without decoding.
func Valid(s string) bool {
	if len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if val[s[i]] > 0x0f {
			return false
		}
	}
	return true
}

func encodeGeneric(dst, src []byte) {
	for i, b := range src {
		dst[2*i] = lowerHex[b>>4]
		dst[2*i+1] = lowerHex[b&0x0f]
	}
}

func decodeGeneric(dst []byte, src string) bool {
	for i := 0; i+1 < len(src); i += 2 {
		hi, lo := val[src[i]], val[src[i+1]]
		if hi|lo > 0x0f {
			return false
		}
		dst[i/2] = hi<<4 | lo
	}
	return true
}
