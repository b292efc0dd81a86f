package hexcodec

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestEncodeMatchesStdlib(t *testing.T) {
	for n := 0; n < 300; n++ {
		for off := 0; off < 3; off++ {
			src := make([]byte, n+off)[off:]
			for i := range src {
				src[i] = byte(i*37 + n)
			}
			dst := make([]byte, 2*n+off)[off:]
			Encode(dst, src)
			if want := hex.EncodeToString(src); string(dst) != want {
				t.Fatalf("n=%d off=%d: Encode = %s, want %s", n, off, dst, want)
			}
		}
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	dst := make([]byte, 512)
	Encode(dst, all)
	if string(dst) != hex.EncodeToString(all) {
		t.Fatal("every byte value")
	}
}

// TestDecodeEveryCharacter puts every byte value at every position of a
// 32-character block (the bulk path) and of the tail (the generic path).
func TestDecodeEveryCharacter(t *testing.T) {
	const n = 70 // two bulk blocks plus a tail of 6
	for c := 0; c < 256; c++ {
		for pos := 0; pos < n; pos++ {
			s := []byte(strings.Repeat("a0F9", n/4+1)[:n])
			s[pos] = byte(c)
			want, err := hex.DecodeString(string(s))
			dst := make([]byte, n/2)
			ok := Decode(dst, string(s))
			if ok != (err == nil) || Valid(string(s)) != ok || (ok && !bytes.Equal(dst, want)) {
				t.Fatalf("char %#x at %d: ok=%v valid=%v stdlib err=%v got %x want %x", c, pos, ok, Valid(string(s)), err, dst, want)
			}
		}
	}
}

func TestGenericMatchesBulk(t *testing.T) {
	src := make([]byte, 1000)
	for i := range src {
		src[i] = byte(i * 7)
	}
	a, b := make([]byte, 2000), make([]byte, 2000)
	Encode(a, src)
	encodeGeneric(b, src)
	if !bytes.Equal(a, b) {
		t.Fatal("bulk and generic encoders differ")
	}
	x, y := make([]byte, 1000), make([]byte, 1000)
	if !Decode(x, string(a)) || !decodeGeneric(y, string(a)) || !bytes.Equal(x, y) || !bytes.Equal(x, src) {
		t.Fatal("bulk and generic decoders differ")
	}
}

func TestDecodeOdd(t *testing.T) {
	if Decode(make([]byte, 2), "abc") || Valid("abc") {
		t.Fatal("odd length must fail")
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "00", "0g", "DEADbeef01234567", strings.Repeat("0123456789abcdefABCDEF", 3), "\x80\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dst := make([]byte, len(s)/2+1)
		ok := Decode(dst, s)
		want, err := hex.DecodeString(s)
		if ok != (err == nil) || Valid(s) != ok {
			t.Fatalf("%q: ok=%v valid=%v stdlib %v", s, ok, Valid(s), err)
		}
		if ok && !bytes.Equal(dst[:len(want)], want) {
			t.Fatalf("%q: got %x want %x", s, dst, want)
		}
		if ok {
			enc := make([]byte, 2*len(want))
			Encode(enc, want)
			if string(enc) != strings.ToLower(s) {
				t.Fatalf("Encode(Decode(%q)) = %q", s, enc)
			}
		}
	})
}

func BenchmarkEncode64K(b *testing.B) {
	src := bytes.Repeat([]byte{0x5a, 0xf1, 0x03}, 64<<10/3+1)[:64<<10]
	dst := make([]byte, 128<<10)
	b.SetBytes(64 << 10)
	for b.Loop() {
		Encode(dst, src)
	}
}

func BenchmarkDecode64K(b *testing.B) {
	s := strings.Repeat("0123456789abcdefABCDEF", 128<<10/22+1)[:128<<10]
	dst := make([]byte, 64<<10)
	b.SetBytes(64 << 10)
	for b.Loop() {
		Decode(dst, s)
	}
}

// TestEncodeInPlace checks the overlap Encode allows: src is the upper
// half of dst, as the envelope writer lays it out.
func TestEncodeInPlace(t *testing.T) {
	for n := 0; n < 200; n++ {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(i*53 + 7)
		}
		buf := make([]byte, 2*n)
		copy(buf[n:], src)
		Encode(buf, buf[n:])
		if string(buf) != hex.EncodeToString(src) {
			t.Fatalf("n=%d: in-place Encode = %s", n, buf)
		}
	}
}
