package ids

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestAlgorithm checks the construction against an independent one built
// from the standard library: url.PathEscape differs from
// encodeURIComponent only on a known set of bytes, which are fixed up.
func TestAlgorithm(t *testing.T) {
	inputs := []string{"", "a", "hello world", "Café", "日本語", "👩‍💻", "a/b?c=d&e#f", "~!*'()-_.", "\x00\x1f\x7f", strings.Repeat("x", 1000)}
	for _, in := range inputs {
		got, err := StringToUUID(in)
		if err != nil {
			t.Fatalf("StringToUUID(%q): %v", in, err)
		}
		sum := sha1.Sum([]byte(referenceEscape(in)))
		b := sum[:16]
		b[8] = b[8]&0x3f | 0x80
		b[6] &= 0x0f
		h := hex.EncodeToString(b)
		want := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		if got != want {
			t.Errorf("StringToUUID(%q) = %s, want %s", in, got, want)
		}
		if got[14] != '0' || !strings.ContainsRune("89ab", rune(got[19])) {
			t.Errorf("StringToUUID(%q) = %s: version digit must be 0 and variant 8-b", in, got)
		}
	}
}

// referenceEscape is encodeURIComponent written from its definition: keep
// the unreserved marks, percent-encode every other UTF-8 byte upper-case.
func referenceEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	// Cross-check with net/url, which also escapes per byte in upper case.
	if u := url.QueryEscape(s); strings.ReplaceAll(strings.ReplaceAll(u, "+", "%20"), "%7E", "~") != strings.NewReplacer("!", "%21", "*", "%2A", "'", "%27", "(", "%28", ")", "%29").Replace(b.String()) {
		panic("reference escape disagrees with net/url for " + s)
	}
	return b.String()
}

func TestUUIDPassthrough(t *testing.T) {
	for _, in := range []string{
		"550E8400-E29B-41D4-A716-446655440000",
		"550e8400-e29b-41d4-a716-446655440000",
		"00000000-0000-0000-0000-000000000000",
		"FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF",
	} {
		if got, err := StringToUUID(in); err != nil || got != in {
			t.Errorf("StringToUUID(%q) = %q, %v; want the input unchanged", in, got, err)
		}
	}
	for _, in := range []string{
		"550e8400-e29b-41d4-a716-446655440000\n",
		" 550e8400-e29b-41d4-a716-446655440000",
		"{550e8400-e29b-41d4-a716-446655440000}",
		"550e8400e29b41d4a716446655440000",
		"550e8400-e29b-41d4-a716-44665544000g",
	} {
		got, err := StringToUUID(in)
		if err != nil || got == in || !IsUUID(got) {
			t.Errorf("StringToUUID(%q) = %q, %v; want a hashed id", in, got, err)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want error
	}{
		{"invalid utf-8", "ok\xffno", ErrInvalidUTF8},
		{"lone surrogate bytes", "\xed\xa0\x80", ErrInvalidUTF8},
		{"bool", true, ErrInvalidType},
		{"nil", nil, ErrInvalidType},
		{"float64", 1.0, ErrInvalidType},
		{"float32", float32(2), ErrInvalidType},
		{"json float", json.Number("1.5"), ErrInvalidType},
		{"json exponent", json.Number("1e3"), ErrInvalidType},
		{"json plus sign", json.Number("+1"), ErrInvalidType},
		{"json leading zero", json.Number("01"), ErrInvalidType},
		{"json empty", json.Number(""), ErrInvalidType},
		{"slice", []string{"a"}, ErrInvalidType},
		{"too big", int64(MaxSafeInteger + 1), ErrOutOfRange},
		{"too small", int64(-MaxSafeInteger - 1), ErrOutOfRange},
		{"min int64", int64(math.MinInt64), ErrOutOfRange},
		{"uint64 max", uint64(math.MaxUint64), ErrOutOfRange},
		{"json huge", json.Number("123456789012345678901234567890"), ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValueToUUID(tt.v)
			if !errors.Is(err, tt.want) || got != "" {
				t.Fatalf("ValueToUUID(%#v) = %q, %v; want %v", tt.v, got, err, tt.want)
			}
			if msg := err.Error(); msg != strings.ToLower(msg) && !strings.Contains(msg, "UTF") {
				t.Errorf("error message %q is not lower-case", msg)
			}
		})
	}
	_, err := StringToUUID("ab\xffcd")
	if err == nil || !strings.Contains(err.Error(), "at byte 2") {
		t.Errorf("invalid utf-8 error %v should name byte 2", err)
	}
}

func TestIntegers(t *testing.T) {
	for _, n := range []int64{0, 1, -1, 123, MaxSafeInteger, -MaxSafeInteger} {
		got, err := ValueToUUID(n)
		want, _ := StringToUUID(strconv.FormatInt(n, 10))
		if err != nil || got != want {
			t.Errorf("ValueToUUID(%d) = %q, %v; want %q", n, got, err, want)
		}
		for _, v := range []any{int(n), json.Number(strconv.FormatInt(n, 10))} {
			if g, err := ValueToUUID(v); err != nil || g != want {
				t.Errorf("ValueToUUID(%T %v) = %q, %v; want %q", v, v, g, err, want)
			}
		}
	}
	for v, text := range map[any]string{int8(-5): "-5", int16(300): "300", int32(-70000): "-70000", uint(7): "7", uint8(8): "8", uint16(9): "9", uint32(10): "10", uint64(11): "11"} {
		want, _ := StringToUUID(text)
		if got, err := ValueToUUID(v); err != nil || got != want {
			t.Errorf("ValueToUUID(%T %v) = %q, %v; want the id of %q", v, v, got, err, text)
		}
	}
}

func TestCreateUniqueUUID(t *testing.T) {
	agent, _ := StringToUUID("agent-alpha")
	if got, err := CreateUniqueUUID(agent, agent); err != nil || got != agent {
		t.Errorf("same base: got %q, %v; want the agent id", got, err)
	}
	want, _ := StringToUUID("user-123:" + agent)
	if got, err := CreateUniqueUUID(agent, "user-123"); err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	upper := strings.ToUpper(agent)
	if got, _ := CreateUniqueUUID(agent, upper); got == agent {
		t.Error("base equal to the agent id only up to case must be hashed")
	}
	if _, err := CreateUniqueUUID("agent-alpha", "x"); !errors.Is(err, ErrInvalidAgentID) {
		t.Errorf("non-uuid agent: got %v, want ErrInvalidAgentID", err)
	}
	if _, err := CreateUniqueUUID(agent, "\xff"); !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("invalid base: got %v, want ErrInvalidUTF8", err)
	}
}

func FuzzStringToUUID(f *testing.F) {
	for _, s := range []string{"", "test", "550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440000\n", "Café", "\xff", "\xed\xa0\x80", "👩‍💻"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := StringToUUID(s)
		switch {
		case IsUUID(s):
			if err != nil || got != s {
				t.Fatalf("uuid input %q: got %q, %v", s, got, err)
			}
		case !utf8.ValidString(s):
			if !errors.Is(err, ErrInvalidUTF8) {
				t.Fatalf("invalid utf-8 %q: got %q, %v", s, got, err)
			}
		default:
			if err != nil || !IsUUID(got) || got != strings.ToLower(got) || got[14] != '0' || !strings.ContainsRune("89ab", rune(got[19])) {
				t.Fatalf("StringToUUID(%q) = %q, %v", s, got, err)
			}
			again, _ := StringToUUID(s)
			if again != got {
				t.Fatalf("not deterministic for %q", s)
			}
			// An id is a fixed point.
			if fixed, _ := StringToUUID(got); fixed != got {
				t.Fatalf("id %q is not returned unchanged", got)
			}
		}
	})
}
