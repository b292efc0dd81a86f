package envelope

import (
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
	"unsafe"

	"github.com/interopkit/interop/internal/hexcodec"
)

// AppendSeal appends the v2 envelope of plaintext to dst and returns the
// extended slice, as cipher.AEAD's Seal appends: the caller owns the
// buffer, and a dst with room for SealedLen(len(plaintext)) more bytes is
// extended without allocating.
//
// It follows Seal exactly: an envelope-shaped plaintext (IsV1 or IsV2) is
// appended unchanged, and a plaintext that is not valid UTF-8 fails with
// ErrInvalidUTF8. On failure it returns dst unchanged; any byte it wrote
// beyond len(dst) (the IV, when the random source fails part-way) is zeroed
// again. plaintext must not overlap the spare capacity of dst, where the
// envelope is written; AppendSeal panics if it does.
func (k *Key) AppendSeal(dst, plaintext []byte) ([]byte, error) {
	if overlaps(dst[len(dst):cap(dst)], plaintext) {
		panic("envelope: AppendSeal: plaintext overlaps the spare capacity of dst")
	}
	seal, err := k.sealable(plaintext)
	if err != nil {
		return dst, err
	}
	if !seal {
		return append(dst, plaintext...), nil
	}
	return k.appendV2(dst, plaintext)
}

// AppendOpen appends the plaintext of the v2 or v1 envelope sealed to dst
// and returns the extended slice. It fails as Open fails, with an error
// matching ErrNotEnvelope, ErrMalformed or ErrAuthFailed that never
// contains the value, the plaintext or the salt.
//
// The ciphertext is decoded into dst's spare capacity and decrypted in
// place, so it needs room for len(sealed)/2 more bytes; with that room a v2
// envelope opens without allocating (a legacy v1 envelope allocates its
// CBC decrypter). On failure it returns dst unchanged
// and every byte it wrote beyond len(dst) is zeroed: no plaintext, whole or
// partial, is left in the spare capacity. sealed must not overlap that
// spare capacity; AppendOpen panics if it does.
func (k *Key) AppendOpen(dst, sealed []byte) ([]byte, error) {
	if overlaps(dst[len(dst):cap(dst)], sealed) {
		panic("envelope: AppendOpen: sealed overlaps the spare capacity of dst")
	}
	return k.appendOpen(dst, bytesString(sealed))
}

// SealedLen is the length of the v2 envelope of an n-byte plaintext:
// "v2:", 24 hex digits of IV, ':', 2n of ciphertext, ':', 32 of tag.
func SealedLen(n int) int { return sealedLen(n) }

func sealedLen(n int) int { return len(v2Prefix) + 2*ivLenV2 + 1 + 2*n + 1 + 2*tagLen }

// sealable is the one check in front of every seal: it reports whether p
// is to be sealed (false: it is envelope-shaped and stays as it is), or
// the error of a missing key or of a plaintext that is not UTF-8.
func (k *Key) sealable(p []byte) (bool, error) {
	if !k.ok() {
		return false, ErrNoKey
	}
	if !utf8.Valid(p) {
		return false, errPlaintextUTF8
	}
	s := bytesString(p)
	return !IsV1(s) && !IsV2(s), nil
}

// appendV2 appends the v2 envelope of p, which must be valid UTF-8, to dst.
// Everything happens in the appended region r, without scratch memory:
//
//	r[15:27]         the binary IV, read from the random source
//	r[28+n:44+2n]    ciphertext‖tag, sealed there by GCM
//
// then the tag is hex-encoded to its place, and the ciphertext and the IV
// are hex-encoded in place, each from the upper half of its own hex field
// (hexcodec.Encode allows that overlap).
func (k *Key) appendV2(dst, p []byte) ([]byte, error) {
	n := len(p)
	total := sealedLen(n)
	dst = slices.Grow(dst, total)
	base := len(dst)
	r := dst[base : base+total]
	const ivHex, ctHex = len(v2Prefix), len(v2Prefix) + 2*ivLenV2 + 1 // 3, 28
	iv := r[ivHex+ivLenV2 : ivHex+2*ivLenV2]
	if _, err := io.ReadFull(k.rand, iv); err != nil {
		clear(iv)
		return dst, fmt.Errorf("envelope: reading random iv: %w", err)
	}
	ct := r[ctHex+n : ctHex+2*n]
	k.gcm.Seal(ct[:0], iv, p, aad) // ciphertext, then the tag at r[ctHex+2n:]
	var tag [tagLen]byte
	copy(tag[:], r[ctHex+2*n:])
	hexcodec.Encode(r[ctHex+2*n+1:], tag[:])
	r[ctHex+2*n] = ':'
	hexcodec.Encode(r[ctHex:ctHex+2*n], ct)
	hexcodec.Encode(r[ivHex:ctHex-1], iv)
	r[ctHex-1] = ':'
	copy(r, v2Prefix)
	return dst[:base+total], nil
}

// appendOpen is AppendOpen and Open: the layout checks, then the
// version's opener.
func (k *Key) appendOpen(dst []byte, value string) ([]byte, error) {
	if !k.ok() {
		return dst, ErrNoKey
	}
	if f, ok := parseV2(value); ok {
		return k.appendOpenV2(dst, f)
	}
	if f, ok := parseV1(value); ok {
		return k.appendOpenV1(dst, f)
	}
	return dst, ErrNotEnvelope
}

// stringBytes and bytesString view a string as bytes and bytes as a
// string without copying, for reading only: nothing keeps the view.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// overlaps reports whether a and b share memory.
func overlaps(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa, pb := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&b[0]))
	return pa < pb+uintptr(len(b)) && pb < pa+uintptr(len(a))
}
