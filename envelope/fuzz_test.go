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

// FuzzAppendOpen compares AppendOpen with Open on arbitrary values: the
// same plaintext after the prefix, or the same error with dst returned
// unchanged and nothing left in its spare capacity.
func FuzzAppendOpen(f *testing.F) {
	k := mustKey(f, "fuzz")
	sealed, _ := k.Seal("seed")
	for _, s := range []string{"", ":", "v2:", sealed, sealed + "\n", strings.ToUpper(sealed), sealed[:len(sealed)-1] + "0", "00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff", "00112233445566778899aabbccddeeff:"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, v string, extra uint8) {
		p, err := k.Open(v)
		dst := spareBuf("pre", int(extra)*8)
		b, aerr := k.AppendOpen(dst, []byte(v))
		if kind(aerr) != kind(err) || (err != nil && aerr.Error() != err.Error()) {
			t.Fatalf("AppendOpen(%q) error %v, Open error %v", v, aerr, err)
		}
		if err != nil {
			if string(b) != "pre" {
				t.Fatalf("failed AppendOpen(%q) returned %q", v, b)
			}
			checkSpare(t, "failed AppendOpen", b)
			return
		}
		if string(b) != "pre"+p {
			t.Fatalf("AppendOpen(%q) = %q, Open = %q", v, b, p)
		}
	})
}

// FuzzAppendSeal compares AppendSeal with Seal under one fixed IV source:
// the same bytes after the prefix, or the same error with dst unchanged;
// what was sealed opens through AppendOpen.
func FuzzAppendSeal(f *testing.F) {
	k := envelope.NewKeyWithRand("fuzz", fixedIV{})
	for _, s := range []string{"", "a", "Café", "👩‍💻", "a:b", "00112233445566778899aabbccddeeff:", "\xff", "v2:000102030405060708090a0b::000102030405060708090a0b0c0d0e0f"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, x string, extra uint8) {
		s, err := k.Seal(x)
		dst := spareBuf("pre", int(extra)*8)
		b, aerr := k.AppendSeal(dst, []byte(x))
		if kind(aerr) != kind(err) || (err != nil && aerr.Error() != err.Error()) {
			t.Fatalf("AppendSeal(%q) error %v, Seal error %v", x, aerr, err)
		}
		if err != nil {
			if string(b) != "pre" {
				t.Fatalf("failed AppendSeal(%q) returned %q", x, b)
			}
			checkSpare(t, "failed AppendSeal", b)
			return
		}
		if string(b) != "pre"+s {
			t.Fatalf("AppendSeal(%q) = %q, Seal = %q", x, b, s)
		}
		if s != x {
			if p, err := k.AppendOpen(nil, b[3:]); err != nil || string(p) != x {
				t.Fatalf("AppendOpen(AppendSeal(%q)) = %q, %v", x, p, err)
			}
		}
	})
}
