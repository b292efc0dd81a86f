package envelope

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"unicode/utf8"
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
	_, ok := parseV2(value)
	return ok
}

// IsV1 reports whether value is a legacy v1 envelope under strict
// detection: exactly two colon-separated fields, a 16-byte IV and a
// ciphertext of any length, both pairs of hexadecimal digits.
func IsV1(value string) bool {
	_, ok := parseV1(value)
	return ok
}

func parseV2(value string) (v2Fields, bool) {
	rest, ok := strings.CutPrefix(value, v2Prefix)
	if !ok {
		return v2Fields{}, false
	}
	iv, rest, ok := strings.Cut(rest, ":")
	if !ok || len(iv) != 2*ivLenV2 || !isHex(iv) {
		return v2Fields{}, false
	}
	ct, tag, ok := strings.Cut(rest, ":")
	if !ok || len(tag) != 2*tagLen || !isHex(tag) || !isHex(ct) {
		return v2Fields{}, false
	}
	// isHex rejects ':', so no fifth field can hide in ct or tag.
	return v2Fields{iv: iv, ct: ct, tag: tag}, true
}

func parseV1(value string) (v1Fields, bool) {
	iv, ct, ok := strings.Cut(value, ":")
	if !ok || len(iv) != 2*ivLenV1 || !isHex(iv) || !isHex(ct) {
		return v1Fields{}, false
	}
	return v1Fields{iv: iv, ct: ct}, true
}

// isHex reports whether s is an even number of [0-9a-fA-F] characters.
func isHex(s string) bool {
	if len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// appendHex appends the lower-case hex form of b.
func appendHex(dst, b []byte) []byte { return hex.AppendEncode(dst, b) }

// decodeHex decodes a field already checked by isHex.
func decodeHex(dst []byte, s string) {
	// Cannot fail: the field was validated by isHex and dst is sized for it.
	_, _ = hex.Decode(dst, []byte(s))
}

func (k *Key) openV2(f v2Fields) (string, error) {
	n := len(f.ct) / 2
	var iv [ivLenV2]byte
	decodeHex(iv[:], f.iv)
	buf := make([]byte, n+tagLen)
	decodeHex(buf[:n], f.ct)
	decodeHex(buf[n:], f.tag)
	pt, err := k.gcm.Open(buf[:0], iv[:], buf, aad)
	if err != nil {
		return "", ErrAuthFailed
	}
	if !utf8.Valid(pt) {
		return "", errMalformedUTF8
	}
	return string(pt), nil
}

func (k *Key) openV1(f v1Fields) (string, error) {
	n := len(f.ct) / 2
	if n == 0 || n%ivLenV1 != 0 {
		return "", errMalformedLength
	}
	var iv [ivLenV1]byte
	decodeHex(iv[:], f.iv)
	buf := make([]byte, n)
	decodeHex(buf, f.ct)
	cipher.NewCBCDecrypter(k.cbc, iv[:]).CryptBlocks(buf, buf)
	pad, ok := unpad(buf)
	if !ok {
		clear(buf)
		return "", ErrAuthFailed
	}
	pt := buf[:len(buf)-pad]
	// The whole plaintext is decoded at once: a multi-byte character that
	// straddles the last block is kept, unlike upstream TS.
	if !utf8.Valid(pt) {
		clear(buf)
		return "", errMalformedUTF8
	}
	return string(pt), nil
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
