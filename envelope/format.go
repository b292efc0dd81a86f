package envelope

import (
	"crypto/cipher"
	"crypto/subtle"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/interopkit/interop/internal/hexcodec"
)

// v2Fields and v1Fields hold the hex fields of a parsed envelope. They are
// validated but not yet decoded.
type v2Fields struct{ iv, ct, tag string }
type v1Fields struct{ iv, ct string }

// IsV2 reports whether value is a v2 envelope under strict detection:
// exactly four colon-separated fields, the first exactly "v2", then a
// 12-byte IV, a ciphertext of any length and a 16-byte tag, each written as
// pairs of hexadecimal digits of either case. The ciphertext is not opened.
func IsV2(value string) bool {
	f, ok := parseV2(value)
	return ok && hexcodec.Valid(f.ct)
}

// IsV1 reports whether value is a legacy v1 envelope under strict
// detection: exactly two colon-separated fields, a 16-byte IV and a
// ciphertext of any length, both pairs of hexadecimal digits.
func IsV1(value string) bool {
	f, ok := parseV1(value)
	return ok && hexcodec.Valid(f.ct)
}

// parseV2 checks the v2 layout and every field but the ciphertext, which
// the caller validates: Open decodes it in the same pass, IsV2 checks it.
func parseV2(value string) (v2Fields, bool) {
	rest, ok := strings.CutPrefix(value, v2Prefix)
	if !ok {
		return v2Fields{}, false
	}
	iv, rest, ok := strings.Cut(rest, ":")
	if !ok || len(iv) != 2*ivLenV2 || !isHex(iv) {
		return v2Fields{}, false
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return v2Fields{}, false
	}
	// Hex has no ':', so a fifth field would make ct fail validation.
	ct, tag := rest[:i], rest[i+1:]
	if len(tag) != 2*tagLen || !isHex(tag) {
		return v2Fields{}, false
	}
	return v2Fields{iv: iv, ct: ct, tag: tag}, true
}

// parseV1 checks the v1 layout and the IV; as with parseV2, the
// ciphertext is the caller's to validate.
func parseV1(value string) (v1Fields, bool) {
	// The IV has a fixed length, so the first ':' must follow it; looking
	// there instead of searching keeps Seal of a long plaintext O(1) here.
	const n = 2 * ivLenV1
	if len(value) <= n || value[n] != ':' || !isHex(value[:n]) {
		return v1Fields{}, false
	}
	return v1Fields{iv: value[:n], ct: value[n+1:]}, true
}

// isHex reports whether s is an even number of [0-9a-fA-F] characters.
func isHex(s string) bool { return hexcodec.Valid(s) }

// appendOpenV2 decodes and validates the ciphertext in one pass (a
// ciphertext that is not hex means the value was not an envelope) into
// dst's spare capacity, followed by the tag and the IV, and opens it in
// place. Whatever happens, the tag and IV are zeroed again afterwards, and
// on failure so is everything else it wrote.
func (k *Key) appendOpenV2(dst []byte, f v2Fields) ([]byte, error) {
	n := len(f.ct) / 2
	dst = slices.Grow(dst, n+tagLen+ivLenV2)
	base := len(dst)
	buf := dst[base : base+n+tagLen+ivLenV2]
	defer clear(buf[n:])
	if !hexcodec.Decode(buf[:n], f.ct) {
		clear(buf[:n])
		return dst, ErrNotEnvelope
	}
	hexcodec.Decode(buf[n:n+tagLen], f.tag) // validated by parseV2
	hexcodec.Decode(buf[n+tagLen:], f.iv)   // validated by parseV2
	pt, err := k.gcm.Open(buf[:0], buf[n+tagLen:], buf[:n+tagLen], aad)
	if err != nil {
		clear(buf[:n])
		return dst, ErrAuthFailed
	}
	if !utf8.Valid(pt) {
		clear(buf[:n])
		return dst, errMalformedUTF8
	}
	return dst[:base+n], nil
}

// appendOpenV1 decodes the ciphertext into dst's spare capacity and
// decrypts it in place, zeroing what it wrote on failure. It allocates the
// CBC decrypter: v1 is only read, once per stored value, by Migrate.
func (k *Key) appendOpenV1(dst []byte, f v1Fields) ([]byte, error) {
	n := len(f.ct) / 2
	dst = slices.Grow(dst, n)
	base := len(dst)
	buf := dst[base : base+n]
	if !hexcodec.Decode(buf, f.ct) {
		clear(buf)
		return dst, ErrNotEnvelope
	}
	if n == 0 || n%ivLenV1 != 0 {
		clear(buf)
		return dst, errMalformedLength
	}
	var iv [ivLenV1]byte
	hexcodec.Decode(iv[:], f.iv) // validated by parseV1
	cipher.NewCBCDecrypter(k.cbc, iv[:]).CryptBlocks(buf, buf)
	pad, ok := unpad(buf)
	if !ok {
		clear(buf)
		return dst, ErrAuthFailed
	}
	pt := buf[:n-pad]
	// The whole plaintext is decoded at once: a multi-byte character that
	// straddles the last block is kept, unlike upstream TS.
	if !utf8.Valid(pt) {
		clear(buf)
		return dst, errMalformedUTF8
	}
	clear(buf[n-pad:])
	return dst[:base+n-pad], nil
}

// ownedString returns b as a string without copying it. b must be a
// buffer this package allocated and never touches again, which holds for
// every caller: the plaintext buffers of Open and Migrate and the text
// buffers of Seal and Migrate.
func ownedString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// unpad checks PKCS#7 padding in time independent of the padding bytes.
func unpad(b []byte) (int, bool) {
	last := b[len(b)-1]
	p := int(last)
	good := subtle.ConstantTimeLessOrEq(1, p) & subtle.ConstantTimeLessOrEq(p, ivLenV1)
	for i := 1; i <= ivLenV1; i++ {
		// Bytes within the claimed padding must all equal it.
		inPad := subtle.ConstantTimeLessOrEq(i, p)
		eq := subtle.ConstantTimeByteEq(b[len(b)-i], last)
		good &= subtle.ConstantTimeSelect(inPad, eq, 1)
	}
	return p, good == 1
}
