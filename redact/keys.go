package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// keySet is a set of folded secret keys. It is never modified after
// newKeySet returns, so it is shared freely.
type keySet struct {
	folded map[string]struct{}
	// ascii holds the ASCII folded keys by keySig. An ASCII key folds to
	// an ASCII key of the same length and first and last letters, so most
	// attribute keys are rejected by one lookup, and the others are
	// compared in place, without folding or hashing them.
	ascii [256][]string
}

// keySig hashes the length, the first and the last byte of a non-empty
// ASCII key, lower-cased, into 0..255.
func keySig(k string) uint8 {
	return uint8(len(k)*37) ^ keyLowerByte(k[0])*3 ^ keyLowerByte(k[len(k)-1])*101
}

func keyLowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// newKeySet returns the union of base (nil: empty) and the folded keys.
func newKeySet(base *keySet, keys []string) *keySet {
	s := &keySet{folded: make(map[string]struct{}, len(keys))}
	if base != nil {
		for k := range base.folded {
			s.add(k)
		}
	}
	for _, k := range keys {
		if k != "" {
			s.add(keyFold(k))
		}
	}
	return s
}

func (s *keySet) add(folded string) {
	if _, dup := s.folded[folded]; dup {
		return
	}
	s.folded[folded] = struct{}{}
	if folded != "" && keyIsASCII(folded) {
		sig := keySig(folded)
		s.ascii[sig] = append(s.ascii[sig], folded)
	}
}

// match reports whether key folds to a member of s. It does not allocate
// for ASCII keys, the common case in log records.
func (s *keySet) match(key string) bool {
	if key == "" {
		return false // never a member: empty keys are not added
	}
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			_, ok := s.folded[keyFold(key)]
			return ok
		}
	}
	for _, k := range s.ascii[keySig(key)] {
		if len(k) == len(key) && keyEqualASCIIFold(k, key) {
			return true
		}
	}
	return false
}

// keyEqualASCIIFold reports whether key lower-cases to folded, both ASCII
// of the same length and folded in lower case.
func keyEqualASCIIFold(folded, key string) bool {
	for i := 0; i < len(key); i++ {
		if keyLowerByte(key[i]) != folded[i] {
			return false
		}
	}
	return true
}

func keyIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// keyFold lower-cases s exactly as Python's str.lower does (and
// JavaScript's String.prototype.toLowerCase, which agrees with it): the
// simple lower-case mapping of every character, except that U+0130 (LATIN
// CAPITAL LETTER I WITH DOT ABOVE) becomes "i\u0307" and U+03A3 (GREEK
// CAPITAL LETTER SIGMA) becomes final sigma U+03C2 at the end of a word
// (Unicode's Final_Sigma condition). Those are the only unconditional or
// language-independent mappings of SpecialCasing.txt that differ from the
// simple mapping, which is what Go's strings.ToLower applies. Bytes that are
// not UTF-8 are kept as they are, so they never fold into a valid key.
func keyFold(s string) string {
	if keyIsASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 1)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteByte(s[i])
		case r == '\u0130':
			b.WriteString("i\u0307")
		case r == '\u03a3':
			if keyFinalSigma(s, i, i+n) {
				b.WriteRune('\u03c2')
			} else {
				b.WriteRune('\u03c3')
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		i += n
	}
	return b.String()
}

// keyFinalSigma reports whether the sigma at s[start:end] is in Unicode's
// Final_Sigma context, tested the way CPython tests it: skipping
// case-ignorable characters, the nearest other character before it is
// cased, and the nearest one after it is not (or there is none).
func keyFinalSigma(s string, start, end int) bool {
	before := false
	for i := start; i > 0; {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		i -= n
		if !keyCaseIgnorable(r) {
			before = keyCased(r)
			break
		}
	}
	if !before {
		return false
	}
	for i := end; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if !keyCaseIgnorable(r) {
			return !keyCased(r)
		}
	}
	return true
}

// keyCased is Unicode's Cased property: Lowercase, Uppercase or titlecase.
func keyCased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// keyCaseIgnorable is Unicode's Case_Ignorable property: the general
// categories Mn, Me, Cf, Lm and Sk, and the characters whose Word_Break
// property is MidLetter, MidNumLet or Single_Quote.
func keyCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '\u00b7', '\u0387', '\u055f', '\u05f4', '\u2018', '\u2019',
		'\u2024', '\u2027', '\ufe13', '\ufe52', '\ufe55', '\uff07', '\uff0e', '\uff1a':
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// keyTrim removes leading and trailing white space as Python's str.strip
// does: Unicode White_Space (Go's unicode.IsSpace) and also the ASCII
// information separators U+001C..U+001F, which Python counts as white
// space and Go does not.
func keyTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || '\x1c' <= r && r <= '\x1f'
	})
}
