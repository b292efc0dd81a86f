//go:build amd64 && !purego

package hexcodec

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// TestDecodeBothLoops runs every byte value at every position of a text
// that has an AVX2 block (64 characters), an SSE2 block (32) and a generic
// tail (6), with AVX2 on (where the CPU has it) and off, so that each
// assembly loop is compared with encoding/hex on every character.
func TestDecodeBothLoops(t *testing.T) {
	saved := useAVX2
	defer func() { useAVX2 = saved }()
	modes := []bool{false}
	if saved {
		modes = append(modes, true)
	} else {
		t.Log("this CPU has no AVX2: only the SSE2 loop is tested")
	}
	const n = 64 + 32 + 6
	for _, avx := range modes {
		useAVX2 = avx
		for c := 0; c < 256; c++ {
			for pos := 0; pos < n; pos++ {
				s := []byte(strings.Repeat("a0F9", n/4+1)[:n])
				s[pos] = byte(c)
				want, err := hex.DecodeString(string(s))
				dst := make([]byte, n/2)
				ok := Decode(dst, string(s))
				if ok != (err == nil) || (ok && !bytes.Equal(dst, want)) {
					t.Fatalf("avx2=%v char %#x at %d: ok=%v stdlib err=%v got %x want %x", avx, c, pos, ok, err, dst, want)
				}
			}
		}
		// Every byte value decoded, in both cases.
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		for _, s := range []string{hex.EncodeToString(all), strings.ToUpper(hex.EncodeToString(all))} {
			dst := make([]byte, 256)
			if !Decode(dst, s) || !bytes.Equal(dst, all) {
				t.Fatalf("avx2=%v: every byte value does not round-trip", avx)
			}
		}
	}
}
