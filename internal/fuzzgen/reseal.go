package fuzzgen

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// ResealShrinks shrinks an input {salt, value} whose value is a v1 or v2
// envelope by encrypting again rather than by editing text, which would
// only break the ciphertext: the same bytes under a shorter salt (same IV,
// same raw plaintext, so that a padding fault or a wrong tag stays what it
// was), and, under the same salt, a v1 envelope without one of its blocks
// or a v2 envelope of a shorter plaintext.
func ResealShrinks(salt, value string) []Input {
	var out []Input
	salts := runeShrinks(salt)
	if f := strings.Split(value, ":"); len(f) == 2 {
		iv, ct, ok := v1Parts(f[0], f[1])
		if !ok {
			return nil
		}
		upper := f[1] != strings.ToLower(f[1])
		raw := cbcRaw(key(salt), iv, ct, false)
		for _, s := range salts {
			out = append(out, Input{"salt": s, "value": v1Text(iv, cbcRaw(key(s), iv, raw, true), upper)})
		}
		for i := 0; i < len(raw)/aes.BlockSize && len(raw) > aes.BlockSize; i++ {
			shorter := append(append([]byte{}, raw[:i*aes.BlockSize]...), raw[(i+1)*aes.BlockSize:]...)
			out = append(out, Input{"salt": salt, "value": v1Text(iv, cbcRaw(key(salt), iv, shorter, true), upper)})
		}
		return out
	}
	f := strings.Split(value, ":")
	if len(f) != 4 || f[0] != "v2" {
		return nil
	}
	iv, err1 := hex.DecodeString(f[1])
	ct, err2 := hex.DecodeString(f[2])
	tag, err3 := hex.DecodeString(f[3])
	if err1 != nil || err2 != nil || err3 != nil || len(iv) != 12 || len(tag) != 16 {
		return nil
	}
	gcm, _ := cipher.NewGCM(key(salt))
	pt, err := gcm.Open(nil, iv, append(append([]byte{}, ct...), tag...), aadV2)
	if err != nil {
		// It does not open: keep the raw plaintext (CTR) and the wrong tag.
		raw := ctr(key(salt), iv, ct)
		for _, s := range salts {
			out = append(out, Input{"salt": s, "value": "v2:" + f[1] + ":" + hex.EncodeToString(ctr(key(s), iv, raw)) + ":" + f[3]})
		}
		return out
	}
	seal := func(s string, p []byte) string {
		g, _ := cipher.NewGCM(key(s))
		c := g.Seal(nil, iv, p, aadV2)
		return "v2:" + f[1] + ":" + hex.EncodeToString(c[:len(p)]) + ":" + hex.EncodeToString(c[len(p):])
	}
	for _, s := range salts {
		out = append(out, Input{"salt": s, "value": seal(s, pt)})
	}
	var shorter [][]byte
	if utf8.Valid(pt) {
		for _, p := range runeShrinks(string(pt)) {
			shorter = append(shorter, []byte(p))
		}
	} else {
		for i := range pt {
			shorter = append(shorter, append(append([]byte{}, pt[:i]...), pt[i+1:]...))
		}
	}
	for _, p := range shorter {
		out = append(out, Input{"salt": salt, "value": seal(salt, p)})
	}
	return out
}

func v1Parts(ivHex, ctHex string) ([]byte, []byte, bool) {
	iv, err1 := hex.DecodeString(ivHex)
	ct, err2 := hex.DecodeString(ctHex)
	if err1 != nil || err2 != nil || len(iv) != aes.BlockSize || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, nil, false
	}
	return iv, ct, true
}

func v1Text(iv, ct []byte, upper bool) string {
	s := hex.EncodeToString(iv) + ":" + hex.EncodeToString(ct)
	if upper {
		s = strings.ToUpper(s)
	}
	return s
}

// cbcRaw encrypts or decrypts whole blocks with no padding.
func cbcRaw(b cipher.Block, iv, in []byte, encrypt bool) []byte {
	out := make([]byte, len(in))
	if encrypt {
		cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, in)
	} else {
		cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, in)
	}
	return out
}

// ctr applies GCM's keystream (CTR from the IV's second counter block).
func ctr(b cipher.Block, iv, in []byte) []byte {
	j := append(append([]byte{}, iv...), 0, 0, 0, 2)
	out := make([]byte, len(in))
	cipher.NewCTR(b, j).XORKeyStream(out, in)
	return out
}
