// Package fuzzgen generates inputs for differential fuzzing
// (interop parity fuzz), classifies their shape for grouping disagreements
// by cause, and proposes smaller variants of an input for minimization.
// Every input it makes is a valid vector input of its suite (the suite's
// JSON Schema), so that a candidate can be written as a vector file as is.
//
// Inputs are JSON objects held as map[string]any whose leaves are strings
// (and, for booleans, bool): the form the vector schemas use.
package fuzzgen

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Input is one generated input: a vector case's "input" object.
type Input = map[string]any

// Generator makes one input from the seeded source.
type Generator func(r *rand.Rand) Input

// generators are where the upstream bugs live (see
// /work/shared/reference/upstream-core.md and the deviation flags of
// spec/vectors.md): non-string ids, envelope-shaped plaintexts, real v1
// ciphertexts, salts with Unicode and whitespace, the salt environment.
var generators = map[string]Generator{
	"ids.string_to_uuid": genID,
	"envelope.detect":    func(r *rand.Rand) Input { return Input{"value": envelopeValue(r, Text(r))} },
	"envelope.malformed": genOpen,
	"envelope.open_v1":   genOpenV1,
	"envelope.open_v2":   genOpenV2,
	"envelope.migrate":   genMigrate,
	"envelope.roundtrip": func(r *rand.Rand) Input { return Input{"salt": Salt(r), "plaintext": Plaintext(r)} },
	"salt.policy":        genSaltPolicy,
	"redact.text":        genRedactText,

	"ids.create_unique_uuid": genCreateUniqueUUID,
	"redact.secrets":         genRedactSecrets,
	"redact.context":         genRedactContext,
	"secrets.scan":           genSecretsScan,
	"serialize.roundtrip":    genSerialize,
	"manifest.validate":      genManifest,
}

// Lookup returns the generator of a suite.
func Lookup(suite string) (Generator, bool) {
	g, ok := generators[suite]
	return g, ok
}

// Suites lists the suites that have a generator, sorted.
func Suites() []string {
	out := make([]string, 0, len(generators))
	for s := range generators {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// pieces of text that tend to break implementations: UUID shapes, the
// envelope separator, hex, line endings, NUL and other controls, BOMs,
// combining marks, astral characters and the unreserved set.
var pieces = []string{
	"550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-446655440000", "\n", "\r\n", "\x00", "\t", " ",
	":", "v2:", "00", "ff", "FF", "%", "%41", "é", "e\u0301", "\uFEFF", "\u200B", "\u00A0", "日本", "👩‍💻", "😀",
	"\U0010FFFF", "~!*'()", "-_.", "+", "&", "=", "a", "Z", "9", "\u2028", "$&", "$$", "\\", "\"",
}

// Text is a short random string of valid UTF-8 (a JSON string can carry
// nothing else; lone surrogates go through the utf16 input kind).
func Text(r *rand.Rand) string {
	var b strings.Builder
	n := r.IntN(6)
	for range n {
		if r.IntN(3) == 0 {
			var c rune
			switch r.IntN(4) {
			case 0:
				c = rune(r.IntN(0x80))
			case 1:
				c = rune(0x80 + r.IntN(0x780))
			case 2:
				c = rune(0x800 + r.IntN(0xF800))
			default:
				c = rune(0x10000 + r.IntN(0x100000))
			}
			if !utf8.ValidRune(c) {
				c = 'x'
			}
			b.WriteRune(c)
			continue
		}
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// Salt is a salt: usually plain, sometimes empty, with whitespace around
// it, Unicode, or the default salt.
func Salt(r *rand.Rand) string {
	switch r.IntN(8) {
	case 0:
		return ""
	case 1:
		return " s\t"
	case 2:
		return "secretsalt"
	case 3, 4:
		return Text(r)
	case 5:
		return "sälz\u00A0" + Text(r)
	}
	return "salt-" + strconv.Itoa(r.IntN(100))
}

// alnum is the alphabet of random tokens.
const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// from is n bytes drawn from set.
func from(r *rand.Rand, set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

// Hex is n random lower-case hex digits.
func Hex(r *rand.Rand, n int) string { return from(r, "0123456789abcdef", n) }

// field is one ":"-separated field of an envelope-shaped string.
func field(r *rand.Rand) string {
	switch r.IntN(9) {
	case 0:
		return ""
	case 1:
		return "a"
	case 2:
		return "b"
	case 3:
		return Hex(r, 2*r.IntN(4))
	case 4:
		return Hex(r, 32)
	case 5:
		return Hex(r, 24)
	case 6:
		return strings.ToUpper(Hex(r, 32))
	case 7:
		return Hex(r, 1+2*r.IntN(3)) // odd
	}
	return Text(r)
}

// EnvelopeShaped is a plaintext that looks like an envelope: "<32 hex>:…"
// (the Rust crate's v1 check splits at the first colon), "v2:…", colons
// only, hex only, an IV without its prefix.
func EnvelopeShaped(r *rand.Rand) string {
	switch r.IntN(8) {
	case 0:
		return Hex(r, 32) + ":" + field(r)
	case 1:
		return Hex(r, 32) + ":" + field(r) + ":" + field(r)
	case 2:
		return "v2:" + field(r) + ":" + field(r) + ":" + field(r)
	case 3:
		return strings.Repeat(":", 1+r.IntN(4))
	case 4:
		return Hex(r, []int{24, 32, 64, 2, 31}[r.IntN(5)])
	case 5:
		return Hex(r, 24) + ":" + field(r) + ":" + Hex(r, 32)
	case 6:
		return "v2:" + Hex(r, 24) + ":" + Hex(r, 2*r.IntN(5)) + ":" + Hex(r, 32)
	}
	n := 1 + r.IntN(4)
	fs := make([]string, n)
	for i := range fs {
		fs[i] = field(r)
	}
	return strings.Join(fs, ":")
}

// Plaintext is half the time envelope-shaped, otherwise random text.
func Plaintext(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return EnvelopeShaped(r)
	}
	return Text(r)
}

func key(salt string) cipher.Block {
	sum := sha256.Sum256([]byte(salt))
	block, _ := aes.NewCipher(sum[:]) // a 32-byte key cannot fail
	return block
}

// aadV2 is the additional data of every v2 envelope (spec/envelope.md).
// The fuzzer builds envelopes with crypto/cipher rather than package
// envelope because it must fix the IV (a seed gives the same inputs) and
// make what envelope refuses to make (bad padding, a wrong tag); the test
// TestSealsOpenWithEnvelope holds this constant and the builders to the
// envelope package.
var aadV2 = []byte("elizaos:settings:v2")

// SealV2 is a real v2 envelope (AES-256-GCM) of plaintext under salt. The
// IV comes from the seeded source, so a seed always gives the same
// inputs; these are test inputs, never secrets.
func SealV2(r *rand.Rand, salt, plaintext string) string {
	gcm, _ := cipher.NewGCM(key(salt))
	iv := make([]byte, 12)
	for i := range iv {
		iv[i] = byte(r.Uint32())
	}
	ct := gcm.Seal(nil, iv, []byte(plaintext), aadV2)
	n := len(plaintext)
	return "v2:" + hex.EncodeToString(iv) + ":" + hex.EncodeToString(ct[:n]) + ":" + hex.EncodeToString(ct[n:])
}

// SealV1 is a real v1 envelope (AES-256-CBC, PKCS#7) of plaintext under
// salt: "<32 hex iv>:<hex ciphertext>".
func SealV1(r *rand.Rand, salt, plaintext string) string {
	iv := make([]byte, aes.BlockSize)
	for i := range iv {
		iv[i] = byte(r.Uint32())
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	buf := append([]byte(plaintext), make([]byte, pad)...)
	for i := len(plaintext); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(key(salt), iv).CryptBlocks(buf, buf)
	return hex.EncodeToString(iv) + ":" + hex.EncodeToString(buf)
}

// Mutate applies one small change: a flipped hex digit, a case change, a
// deletion, an insertion, a truncation, or a separator removed.
func Mutate(r *rand.Rand, s string) string {
	if s == "" {
		return s
	}
	i := r.IntN(len(s))
	switch r.IntN(6) {
	case 0:
		return s[:i] + string("0123456789abcdef"[r.IntN(16)]) + s[i+1:]
	case 1:
		return strings.ToUpper(s[:i]) + s[i:]
	case 2:
		return s[:i] + s[i+1:]
	case 3:
		return s[:i] + pieces[r.IntN(len(pieces))] + s[i:]
	case 4:
		return s[:i]
	}
	return strings.Replace(s, ":", "", 1)
}

// envelopeValue is a value to detect or open under salt: a real v1 or v2
// envelope (of a plaintext that may itself be envelope-shaped), often
// mutated, or an envelope-shaped string.
func envelopeValue(r *rand.Rand, salt string) string {
	var v string
	switch r.IntN(5) {
	case 0:
		v = SealV2(r, salt, Plaintext(r))
	case 1:
		v = SealV1(r, salt, Plaintext(r))
	case 2, 3:
		return EnvelopeShaped(r)
	default:
		return Text(r)
	}
	if r.IntN(3) > 0 {
		v = Mutate(r, v)
	}
	return v
}

func genOpen(r *rand.Rand) Input {
	salt := Salt(r)
	return Input{"salt": salt, "value": envelopeValue(r, salt)}
}

// genOpenV1 and genOpenV2 make real envelopes, never mutated: these suites
// test opening (a value that does not open is envelope.malformed's), of
// plaintexts that are envelope-shaped or Unicode, under varied salts.
func genOpenV1(r *rand.Rand) Input {
	salt := Salt(r)
	return Input{"salt": salt, "value": SealV1(r, salt, Plaintext(r))}
}

func genOpenV2(r *rand.Rand) Input {
	salt := Salt(r)
	return Input{"salt": salt, "value": SealV2(r, salt, Plaintext(r))}
}

func genMigrate(r *rand.Rand) Input {
	salt := Salt(r)
	var v string
	switch r.IntN(4) {
	case 0, 1:
		v = SealV1(r, salt, Plaintext(r)) // the plaintext is envelope-shaped half the time
	case 2:
		v = Mutate(r, SealV1(r, salt, Text(r)))
	default:
		v = envelopeValue(r, salt)
	}
	return Input{"salt": salt, "value": v}
}

// genSaltPolicy sets the three variables of the salt policy to values
// that differ in case, whitespace and spelling.
func genSaltPolicy(r *rand.Rand) Input {
	env := map[string]any{}
	if r.IntN(3) > 0 {
		env["SECRET_SALT"] = []string{"", " ", "secretsalt", "secretsalt ", "SecretSalt", "my-salt", "\u00A0", "日本"}[r.IntN(8)]
	}
	if r.IntN(4) > 0 {
		env["NODE_ENV"] = []string{"production", "Production", "PRODUCTION", " production", "production\n", "prod", "development", "", "test"}[r.IntN(9)]
	}
	if r.IntN(2) == 0 {
		env["ELIZA_ALLOW_DEFAULT_SECRET_SALT"] = []string{"true", "TRUE", "True", "1", "yes", "false", "", " true", "true\n", "0"}[r.IntN(10)]
	}
	return Input{"env": env}
}

// genID makes the id inputs where most Python and Rust deviations live:
// integers (safe, at the boundary, big), floats in every JS spelling,
// booleans, null, raw bytes (valid and invalid UTF-8) and UTF-16 with lone
// surrogates, as well as strings.
func genID(r *rand.Rand) Input {
	switch r.IntN(10) {
	case 0, 1, 2:
		return Input{"kind": "string", "value": Text(r)}
	case 3:
		return Input{"kind": "integer", "value": []string{"0", "-0", "1", "-1", "42", "9007199254740991", "-9007199254740991",
			"9007199254740992", "-9007199254740992", "9007199254740993", "18446744073709551616", "123456789012345678901234567890",
			strconv.Itoa(r.IntN(1 << 30)), "-" + strconv.Itoa(1+r.IntN(1<<30))}[r.IntN(14)]}
	case 4:
		return Input{"kind": "float", "value": []string{"0.5", "1.5", "-0.0", "1e21", "1e-7", "1.0", "NaN", "Infinity", "-Infinity",
			"5e-324", "1.7976931348623157e308", "9007199254740993.0", "0.1", "100", "-0", "2e0"}[r.IntN(16)]}
	case 5:
		return Input{"kind": "boolean", "value": r.IntN(2) == 0}
	case 6:
		return Input{"kind": "null"}
	case 7:
		b := []byte(Text(r))
		switch r.IntN(4) {
		case 0:
			b = append(b, 0xff)
		case 1:
			b = append(b, 0xc0, 0x80) // overlong NUL
		case 2:
			b = append(b, 0xed, 0xa0, 0x80) // an encoded surrogate
		}
		return Input{"kind": "bytes", "hex": hex.EncodeToString(b)}
	}
	// UTF-16 code units, with lone surrogates.
	var b strings.Builder
	for range 1 + r.IntN(4) {
		switch r.IntN(5) {
		case 0:
			b.WriteString("d800")
		case 1:
			b.WriteString("dfff")
		case 2:
			b.WriteString("d83dde00") // a pair
		case 3:
			b.WriteString("dc00d800") // reversed pair
		default:
			b.WriteString("00" + Hex(r, 2))
		}
	}
	return Input{"kind": "utf16", "hex": b.String()}
}

// secretish are the pieces of text a redactor looks for, and the
// characters around them that implementations treat differently:
// replacement patterns, case folding (ſ), unusual spaces, lone halves of
// astral characters when a mask cuts them.
var secretish = []string{
	"api_key: ", "API_KEY=", "password=", "DB_PAſſWORD=", "SECRET_KEY=", "token ", "GITHUB_TOKEN=", "Authorization: Bearer ",
	"sk-", "sk-ant-", "ghp_", "xoxb-", "AKIA", "eyJhbGciOiJIUzI1NiJ9.", "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----",
	"$&", "$$", "$`", "$'", "\u202f", "\u00a0", "😀", "\n", "\"", "{\"token\": \"", "\"}",
}

// genRedactText makes text with secret-looking tokens, sometimes as
// bytes that are not UTF-8.
func genRedactText(r *rand.Rand) Input {
	var b strings.Builder
	for range 1 + r.IntN(4) {
		switch r.IntN(4) {
		case 0:
			b.WriteString(Text(r))
		case 1:
			b.WriteString(secretish[r.IntN(len(secretish))])
		default:
			b.WriteString(secretish[r.IntN(len(secretish))])
			b.WriteString(from(r, alnum, 8+r.IntN(40)))
		}
	}
	if r.IntN(10) == 0 {
		return Input{"hex": hex.EncodeToString(append([]byte(b.String()), 0xff))}
	}
	return Input{"text": b.String()}
}
