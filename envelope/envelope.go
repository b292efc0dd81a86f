// Package envelope seals and opens elizaOS settings values.
//
// Two wire formats exist. Version 2, the only one written, is
//
//	v2:<iv>:<ciphertext>:<tag>
//
// where each field is hexadecimal, iv is 12 random bytes, tag is the
// 16-byte AES-256-GCM tag, and the additional authenticated data is the
// UTF-8 text "elizaos:settings:v2". The legacy version 1, which is only read,
// is
//
//	<iv>:<ciphertext>
//
// with a 16-byte iv and AES-256-CBC with PKCS#7 padding. Both use the key
// SHA-256(UTF-8 salt); NewKey derives it once so that it is not recomputed
// per value.
//
// Detection is strict: every field must be hexadecimal digits of either case
// in pairs, and anything else is not an envelope. Open fails closed with
// errors that match ErrNotEnvelope, ErrMalformed or ErrAuthFailed under
// errors.Is; no error message ever contains the value, the plaintext, the key
// or the salt. OpenCompat offers the fail-open contract of
// @elizaos/core 2.0.0-alpha.537 for callers that depend on it.
//
// The normative description is spec/envelope.md; the salt policy is
// spec/salt.md.
package envelope

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"unicode/utf8"

	"github.com/interopkit/interop/internal/jsontext"
)

const (
	v2Prefix = "v2:"
	ivLenV2  = 12
	tagLen   = 16
	ivLenV1  = aes.BlockSize
)

// aad binds v2 ciphertexts to their purpose.
var aad = []byte("elizaos:settings:v2")

var (
	// ErrNotEnvelope reports a value that is neither a v1 nor a v2 envelope.
	ErrNotEnvelope = errors.New("envelope: value is not an encrypted envelope")
	// ErrMalformed reports an envelope-shaped value that cannot be
	// decrypted: a v1 ciphertext of a length CBC cannot hold, or decrypted
	// bytes that are not UTF-8.
	ErrMalformed = errors.New("envelope: malformed envelope")
	// ErrAuthFailed reports a failed cryptographic check: the GCM tag of a
	// v2 envelope, or the padding of a v1 envelope. A wrong salt is the usual
	// cause.
	ErrAuthFailed = errors.New("envelope: authentication failed")
	// ErrInvalidUTF8 reports a plaintext or salt that is not valid UTF-8.
	// To errors.Is it is also the JSON layer's invalid_utf8 (one kind, as
	// the vectors spell it), but not ids.ErrInvalidUTF8.
	ErrInvalidUTF8 error = jsontext.NewSentinel(jsontext.KindUTF8, "envelope: text is not valid utf-8")
	// ErrNoKey reports a method called on a nil or zero Key; keys come
	// from NewKey.
	ErrNoKey = errors.New("envelope: key is not initialised (use NewKey)")
)

// Key is the key derived from one salt, made by NewKey. It is safe for
// concurrent use. Its formatted and logged forms never show the key or the
// salt. Methods of a nil or zero Key fail with ErrNoKey.
type Key struct {
	gcm  cipher.AEAD
	cbc  cipher.Block
	rand io.Reader
}

// NewKey derives the key of salt. It fails only when salt is not valid
// UTF-8, since upstream hashes the UTF-8 encoding of the salt text.
func NewKey(salt string) (*Key, error) {
	if !utf8.ValidString(salt) {
		return nil, fmt.Errorf("%w: salt", ErrInvalidUTF8)
	}
	return newKey(salt, rand.Reader), nil
}

func newKey(salt string, r io.Reader) *Key {
	sum := sha256.Sum256([]byte(salt))
	block, err := aes.NewCipher(sum[:])
	if err != nil {
		panic("envelope: aes with a 32-byte key: " + err.Error()) // unreachable: the key size is fixed
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		panic("envelope: gcm: " + err.Error()) // unreachable: standard nonce and tag sizes
	}
	clear(sum[:])
	return &Key{gcm: gcm, cbc: block, rand: r}
}

func (k *Key) ok() bool { return k != nil && k.gcm != nil }

// String implements fmt.Stringer without revealing key material.
func (k *Key) String() string { return "envelope.Key{[REDACTED]}" }

// GoString implements fmt.GoStringer without revealing key material.
func (k *Key) GoString() string { return k.String() }

// LogValue implements slog.LogValuer without revealing key material.
func (k *Key) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

// Seal encrypts plaintext into a fresh v2 envelope with a random IV.
//
// A plaintext that already is envelope-shaped (IsV1 or IsV2) is returned
// unchanged, as upstream returns it, so Seal is idempotent; the consequence
// is that a secret which happens to look like an envelope is stored as it
// is. The empty string is sealed. A plaintext that is not valid UTF-8 fails
// with ErrInvalidUTF8, since no conforming reader could open it.
//
// Seal is AppendSeal into an exactly sized new buffer.
func (k *Key) Seal(plaintext string) (string, error) {
	p := stringBytes(plaintext)
	switch seal, err := k.sealable(p); {
	case err != nil:
		return "", err
	case !seal:
		return plaintext, nil
	}
	out, err := k.appendV2(make([]byte, 0, sealedLen(len(p))), p)
	if err != nil {
		return "", err
	}
	return ownedString(out), nil
}

// Open decrypts a v2 or v1 envelope. It fails closed: the error matches
// ErrNotEnvelope, ErrMalformed or ErrAuthFailed and never contains the
// value, the plaintext or the salt.
//
// Open is AppendOpen into a new buffer.
func (k *Key) Open(value string) (string, error) {
	p, err := k.appendOpen(nil, value)
	if err != nil {
		return "", err
	}
	return ownedString(p), nil
}

// OpenCompat has the fail-open contract of @elizaos/core 2.0.0-alpha.537's
// decryptStringValue: it returns the plaintext when value opens and value
// itself, unchanged, on any failure. Prefer Open, which cannot mistake a
// ciphertext for a plaintext.
func (k *Key) OpenCompat(value string) string {
	p, err := k.Open(value)
	if err != nil {
		return value
	}
	return p
}

// Migrate rewrites a v1 envelope that opens as a fresh v2 envelope of the
// same plaintext. v2 envelopes (which are not verified) and values that are
// not envelopes come back unchanged. A v1 envelope that does not open is an
// error, never returned as if it were a plaintext.
//
// Migrate has no append form: it runs once per stored value. Its
// intermediate plaintext is zeroed before it returns.
func (k *Key) Migrate(value string) (string, error) {
	if !k.ok() {
		return "", ErrNoKey
	}
	if IsV2(value) {
		return value, nil
	}
	f, ok := parseV1(value)
	if !ok {
		return value, nil
	}
	p, err := k.appendOpenV1(nil, f)
	if errors.Is(err, ErrNotEnvelope) { // the ciphertext field is not hex
		return value, nil
	}
	if err != nil {
		return "", err
	}
	defer clear(p)
	// Sealed unconditionally: a migrated secret that happens to look like an
	// envelope must not be written back in clear, as Seal would leave it.
	out, err := k.appendV2(make([]byte, 0, sealedLen(len(p))), p)
	if err != nil {
		return "", err
	}
	return ownedString(out), nil
}
