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

func TestGenericMatchesBulk(t *testing.T) {
	s := strings.Repeat("abcdefghABCDEFGH0123456789-_.!~*'()", 8) + " tail"
	a, b := make([]byte, len(s)), make([]byte, len(s))
	if copyUnreserved(a, s) != copyUnreservedGeneric(b, s) || hex.EncodeToString(a) != hex.EncodeToString(b) {
		t.Fatal("bulk and generic copies differ")
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a b", "Café", "\xff", strings.Repeat("x", 40), "👩‍💻"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := escape(t, s)
		if ok != utf8.ValidString(s) {
			t.Fatalf("%q: ok=%v", s, ok)
		}
		if ok && got != reference(s) {
			t.Fatalf("%q: got %q, want %q", s, got, reference(s))
		}
	})
}
