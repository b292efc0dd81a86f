package redact

import (
	"strings"
	"unicode/utf8"
)

// The masking rule of upstream redactSensitiveText, in UTF-16 code units
// because upstream measures and slices JavaScript strings.
const (
	maskMinUnits   = 18 // shorter tokens are masked completely
	maskKeepStart  = 6  // code units kept from the start of a longer token
	maskKeepEnd    = 4  // code units kept from its end
	maskShort      = "***"
	maskEllipsis   = "…" // U+2026, one code unit
	maskBrokenPair = "\uFFFD"
)

// Mask hides token the way Text hides every secret it finds: a token shorter
// than 18 UTF-16 code units becomes "***"; a longer one becomes its first 6
// code units, "…" (U+2026) and its last 4 code units.
//
// Lengths count UTF-16 code units, as in JavaScript: a character outside the
// Basic Multilingual Plane (an emoji, say) counts as two. When a cut falls
// between the two halves of such a character, the half that is kept is
// written as U+FFFD, which is what the lone surrogate JavaScript produces
// there becomes when it is encoded as UTF-8. Invalid UTF-8 in token is first
// replaced with U+FFFD (see Text), so the result is always valid UTF-8.
//
// Mask is meant for tools that print something they matched themselves,
// such as a secrets scanner, so that they show as much of a secret as
// the log redactor would and no more.
func Mask(token string) string {
	return maskToken(textWellFormed(token))
}

// maskToken is Mask for a token that is already valid UTF-8.
func maskToken(token string) string {
	if maskUTF16Len(token) < maskMinUnits {
		return maskShort
	}
	var b strings.Builder
	b.Grow(maskKeepStart*4 + len(maskEllipsis) + maskKeepEnd*4)

	// Head: whole characters while they fit in 6 units; a character that
	// straddles the cut contributes only its high surrogate.
	units := 0
	for _, r := range token {
		w := maskRuneUnits(r)
		if units+w > maskKeepStart {
			if units < maskKeepStart {
				b.WriteString(maskBrokenPair)
			}
			break
		}
		b.WriteRune(r)
		units += w
		if units == maskKeepStart {
			break
		}
	}
	b.WriteString(maskEllipsis)

	// Tail: walk back from the end until 4 units are covered; a character
	// that straddles the cut contributes only its low surrogate.
	start, units, broken := len(token), 0, false
	for units < maskKeepEnd {
		r, size := utf8.DecodeLastRuneInString(token[:start])
		w := maskRuneUnits(r)
		if units+w > maskKeepEnd {
			broken = true
			break
		}
		start -= size
		units += w
	}
	if broken {
		b.WriteString(maskBrokenPair)
	}
	b.WriteString(token[start:])
	return b.String()
}

// maskRuneUnits is the number of UTF-16 code units of r.
func maskRuneUnits(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// maskUTF16Len is the length of valid UTF-8 text s in UTF-16 code units,
// JavaScript's String.prototype.length.
func maskUTF16Len(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x80:
		case c >= 0xF0: // lead byte of a 4-byte sequence: 4 bytes, 2 units
			n -= 2
		case c >= 0xE0: // lead byte of a 3-byte sequence: 3 bytes, 1 unit
			n -= 2
		case c >= 0xC0: // lead byte of a 2-byte sequence: 2 bytes, 1 unit
			n--
		}
	}
	return n
}
