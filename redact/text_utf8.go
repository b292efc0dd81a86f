package redact

import (
	"strings"
	"unicode/utf8"
)

// textWellFormed returns s with every ill-formed UTF-8 sequence replaced by
// U+FFFD, one per maximal subpart (Unicode §3.9, "U+FFFD substitution of
// maximal subparts"), which is exactly what the WHATWG UTF-8 decoder
// (TextDecoder, Node's Buffer.toString) produces. The redactors work on the
// text a JavaScript peer would hold for the same bytes, and their output is
// always valid UTF-8. Valid input is returned as is, without copying.
func textWellFormed(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || size > 1 { // a valid sequence (possibly an encoded U+FFFD)
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		b.WriteRune(utf8.RuneError)
		i += textMaximalSubpart(s[i:])
	}
	return b.String()
}

// textMaximalSubpart is the length of the ill-formed sequence at the start
// of s: the lead byte and the continuation bytes that still form a prefix of
// a well-formed sequence, or 1 when the first byte cannot start one.
func textMaximalSubpart(s string) int {
	lo, hi := byte(0x80), byte(0xBF) // allowed range of the next byte
	need := 0
	switch c := s[0]; {
	case 0xC2 <= c && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0 // no overlong forms
	case c == 0xED:
		need, hi = 2, 0x9F // no surrogates
	case 0xE1 <= c && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90 // no overlong forms
	case c == 0xF4:
		need, hi = 3, 0x8F // nothing above U+10FFFF
	case 0xF1 <= c && c <= 0xF3:
		need = 3
	default: // continuation byte, C0, C1, F5..FF
		return 1
	}
	i := 1
	for ; i <= need && i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return i
		}
		lo, hi = 0x80, 0xBF
	}
	return i
}
