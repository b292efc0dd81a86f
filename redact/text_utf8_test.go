package redact

import "testing"

// TestTextWellFormed checks the WHATWG decoding of ill-formed UTF-8: one
// U+FFFD per maximal subpart (expected values as Node's TextDecoder gives
// them), and valid text untouched.
func TestTextWellFormed(t *testing.T) {
	const r = "\uFFFD"
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"\xef\xbf\xbd", r}, // an encoded U+FFFD is valid
		{"\xe2\x82", r},     // truncated 3-byte sequence
		{"\xe2\x82A", r + "A"},
		{"\xed\xa0\x80", r + r + r}, // encoded surrogate
		{"\xc0\xaf", r + r},         // overlong
		{"\xf4\x90\x80\x80", r + r + r + r},
		{"\xf0\x9f\x98", r}, // truncated 4-byte sequence
		{"\xff", r},
		{"\x80", r},
		{"\xe0\x80\x80A", r + r + r + "A"},
		{"\xf0\x8f\x80\x80", r + r + r + r},
		{"\xf0\x9f\x98\x80\xff", "\U0001F600" + r},
		{"a\xc3", "a" + r},
		{"\xc3(", r + "("},
	} {
		if got := textWellFormed(c.in); got != c.want {
			t.Errorf("textWellFormed(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMaskUTF16Len(t *testing.T) {
	for s, want := range map[string]int{"": 0, "a": 1, "é": 1, "€": 1, "\U0001F600": 2, "a\U0001F600é": 4} {
		if got := maskUTF16Len(s); got != want {
			t.Errorf("maskUTF16Len(%q) = %d, want %d", s, got, want)
		}
	}
}
