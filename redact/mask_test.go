package redact_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/interopkit/interop/redact"
)

func TestMask(t *testing.T) {
	const e = "\U0001F600" // two UTF-16 code units
	for _, c := range []struct{ in, want string }{
		{"", "***"},
		{"abcdefghijklmnopq", "***"},                       // 17 units
		{"abcdefghijklmnopqr", "abcdef…opqr"},              // 18 units
		{strings.Repeat(e, 8), "***"},                      // 8 characters, 16 units
		{strings.Repeat(e, 9), e + e + e + "…" + e + e},    // 18 units, cuts between pairs
		{"abcde" + e + "fghijklmnop", "abcde\uFFFD…mnop"},  // head cut inside a pair
		{"abcdefghijklmn" + e + "xyz", "abcdef…\uFFFDxyz"}, // tail cut inside a pair
		{"ééééééééééééééééé", "***"},                       // 17 units, 34 bytes
		{"éééééééééééééééééé", "éééééé…éééé"},              // 18 units
		{"$&abcdefghijklmnopqr$'", "$&abcd…qr$'"},          // literal
		{"abcdefghijklmnop\xff\xfe", "abcdef…op\uFFFD\uFFFD"},
	} {
		got := redact.Mask(c.in)
		if got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Mask(%q) = %q is not valid UTF-8", c.in, got)
		}
	}
}
