package uriescape

import (
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// reference is encodeURIComponent from its definition, built on net/url
// (which escapes per UTF-8 byte in upper case) with its few differences
// fixed up.
func reference(s string) string {
	return strings.NewReplacer("+", "%20", "%21", "!", "%27", "'", "%28", "(", "%29", ")", "%2A", "*").Replace(url.QueryEscape(s))
}

func escape(t *testing.T, s string) (string, bool) {
	t.Helper()
	dst := make([]byte, MaxLen(len(s)))
	n, ok := Escape(dst, s)
	return string(dst[:n]), ok
}

func TestEveryByteAtEveryPosition(t *testing.T) {
	for c := 0; c < 128; c++ {
		for pos := 0; pos < 40; pos++ {
			b := []byte(strings.Repeat("aZ09-_.!~*'()xy", 3)[:40])
			b[pos] = byte(c)
			got, ok := escape(t, string(b))
			if want := reference(string(b)); !ok || got != want {
				t.Fatalf("byte %#x at %d: got %q, want %q", c, pos, got, want)
			}
		}
	}
}

func TestUnicodeAndInvalid(t *testing.T) {
	for _, s := range []string{"", "Café", "日本語テキストです、長い文字列を含む", "👩‍💻🇫🇷", strings.Repeat("é", 40), strings.Repeat("a", 33) + "é"} {
		if got, ok := escape(t, s); !ok || got != reference(s) {
			t.Errorf("%q: got %q, %v", s, got, ok)
		}
	}
	for _, s := range []string{"\xff", "abc\xc3", "\xed\xa0\x80", strings.Repeat("a", 20) + "\xc0\xaf"} {
		n, ok := Escape(make([]byte, MaxLen(len(s))), s)
		if ok || n != strings.IndexFunc(s, func(r rune) bool { return r == utf8.RuneError }) {
			t.Errorf("%q: got offset %d, ok %v", s, n, ok)
		}
	}
}

// TestGenericMatchesBulk puts a byte to escape at every position, so that
// the bulk copy stops in every place of a block, and compares the copies.
// checkEscape compares Escape with the reference: the same text for valid
// UTF-8, otherwise the offset of the first ill-formed sequence.
func checkEscape(t *testing.T, s string) {
	t.Helper()
	dst := make([]byte, MaxLen(len(s)))
	n, ok := Escape(dst, s)
	if ok != utf8.ValidString(s) {
		t.Fatalf("%q: ok=%v", s, ok)
	}
	if ok {
		if got := string(dst[:n]); got != reference(s) {
			t.Fatalf("%q: got %q, want %q", s, got, reference(s))
		}
		return
	}
	want := 0
	for want < len(s) {
		r, size := utf8.DecodeRuneInString(s[want:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		want += size
	}
	if n != want {
		t.Fatalf("%q: invalid at %d, want %d", s, n, want)
	}
}

// TestEveryLeadAndSecondByte puts every non-ASCII first byte, followed by
// every second byte and then continuation or ASCII bytes, at every
// position of a short text: the table-driven step and the tail loop both
// see every case the UTF-8 rules distinguish.
func TestEveryLeadAndSecondByte(t *testing.T) {
	for lead := 0x80; lead < 0x100; lead++ {
		for second := 0; second < 0x100; second++ {
			for _, rest := range []string{"\x80\xbf", "\xbfa", "a\x80", "()"} {
				for pos := 0; pos < 22; pos += 3 {
					b := []byte("abc def-ghi jkl~mno pqr")
					seq := append([]byte{byte(lead), byte(second)}, rest...)
					b = append(b[:pos:pos], append(seq, b[pos:]...)...)
					checkEscape(t, string(b))
					checkEscape(t, string(b[:pos+2]))
				}
			}
		}
	}
}

func TestGenericMatchesBulk(t *testing.T) {
	base := strings.Repeat("abcdefghABCDEFGH0123456789-_.!~*'()", 8) + " tail"
	for pos := 0; pos <= len(base); pos++ {
		for _, c := range []byte{' ', '%', 0x80, 0xff} {
			b := []byte(base)
			if pos < len(b) {
				b[pos] = c
			}
			s := string(b)
			x, y := make([]byte, len(s)), make([]byte, len(s))
			k, g := copyUnreserved(x, s), copyUnreservedGeneric(y, s)
			if want := min(pos, len(s)&^15); k != want || g != want || hex.EncodeToString(x[:k]) != hex.EncodeToString(y[:g]) || string(x[:k]) != s[:k] {
				t.Fatalf("%#x at %d: bulk copied %d, generic %d, want %d", c, pos, k, g, want)
			}
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a b", "Café", "\xff", strings.Repeat("x", 40), "👩‍💻"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkEscape(t, s)
	})
}

func BenchmarkEscape(b *testing.B) {
	for _, tc := range []struct{ name, in string }{
		{"user-agent-48", "user-123:b8265c19-4c0c-00e1-90b5-c580a1ac9d45"},
		{"unicode-30", "Café 日本語 👩‍💻 données"},
		{"ascii-1k", strings.Repeat("abcdefgh", 128)},
	} {
		dst := make([]byte, MaxLen(len(tc.in)))
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.in)))
			for b.Loop() {
				Escape(dst, tc.in)
			}
		})
	}
}
