package envelope_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/interopkit/interop/envelope"
)

// FuzzOpen feeds arbitrary values to Open: it never panics, every failure
// is one of the three kinds, and detection agrees with what Open reports.
func FuzzOpen(f *testing.F) {
	k := mustKey(f, "fuzz")
	sealed, _ := k.Seal("seed")
	for _, s := range []string{"", ":", "v2:", sealed, sealed + "\n", strings.ToUpper(sealed), "00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff", "00112233445566778899aabbccddeeff:", "v2:000102030405060708090a0b::000102030405060708090a0b0c0d0e0f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		p, err := k.Open(v)
		isEnv := envelope.IsV1(v) || envelope.IsV2(v)
		if envelope.IsV1(v) && envelope.IsV2(v) {
			t.Fatalf("%q detected as both v1 and v2", v)
		}
		switch {
		case err == nil:
			if !isEnv || !utf8.ValidString(p) {
				t.Fatalf("Open(%q) succeeded but detection says %v / plaintext valid %v", v, isEnv, utf8.ValidString(p))
			}
		case errors.Is(err, envelope.ErrNotEnvelope):
			if isEnv {
				t.Fatalf("Open(%q) says not an envelope but detection disagrees", v)
			}
		case errors.Is(err, envelope.ErrMalformed), errors.Is(err, envelope.ErrAuthFailed):
			if !isEnv {
				t.Fatalf("Open(%q) = %v but it is not an envelope", v, err)
			}
		default:
			t.Fatalf("Open(%q): unexpected error %v", v, err)
		}
		if got, want := k.OpenCompat(v), p; err != nil && got != v || err == nil && got != want {
			t.Fatalf("OpenCompat(%q) = %q; Open gave %q, %v", v, got, p, err)
		}
		if m, err := k.Migrate(v); err == nil && m != v && !envelope.IsV2(m) {
			t.Fatalf("Migrate(%q) = %q is not v2", v, m)
		}
	})
}

// FuzzSealOpen checks Open(Seal(x)) == x for every valid UTF-8 x that is not
// itself envelope-shaped, and that Seal leaves envelope-shaped x alone.
func FuzzSealOpen(f *testing.F) {
	k := mustKey(f, "fuzz")
	for _, s := range []string{"", "a", "Café", "👩‍💻", "a:b", "00112233445566778899aabbccddeeff:", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, x string) {
		v, err := k.Seal(x)
		switch {
		case envelope.IsV1(x) || envelope.IsV2(x):
			if err != nil || v != x {
				t.Fatalf("Seal(envelope-shaped %q) = %q, %v", x, v, err)
			}
		case !utf8.ValidString(x):
			if !errors.Is(err, envelope.ErrInvalidUTF8) {
				t.Fatalf("Seal(invalid %q) = %v", x, err)
			}
		default:
			if err != nil || !envelope.IsV2(v) {
				t.Fatalf("Seal(%q) = %q, %v", x, v, err)
			}
			if p, err := k.Open(v); err != nil || p != x {
				t.Fatalf("Open(Seal(%q)) = %q, %v", x, p, err)
			}
		}
	})
}
