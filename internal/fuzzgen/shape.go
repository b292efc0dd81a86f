package fuzzgen

import (
	"encoding/hex"
	"math/big"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Shape classifies an input coarsely, by the structure that decides how
// implementations treat it, so that the thousands of inputs of one cause
// share one shape: envelope-like strings by their ":"-separated fields
// (empty, "v2", 24 or 32 hex digits, other even lower-case hex, upper-case
// hex, odd hex, anything else), other text by the classes of characters it
// holds, ids by kind and range.
func Shape(suite string, in Input) string {
	switch suite {
	case "ids.string_to_uuid":
		return idShape(in)
	case "salt.policy":
		env, _ := in["env"].(map[string]any)
		return saltPolicyShape(env)
	case "redact.text":
		return redactShape(in)
	case "ids.create_unique_uuid":
		return cuuShape(in)
	case "redact.secrets":
		return redactSecretsShape(in)
	case "redact.context":
		return redactContextShape(in)
	case "secrets.scan":
		return scanShape(in)
	case "serialize.roundtrip", "manifest.validate":
		return docShape(in)
	}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		s, ok := in[k].(string)
		if !ok {
			parts = append(parts, k+"=?")
			continue
		}
		switch k {
		case "salt":
			// Left out: a salt changes the key, not the path an input
			// takes; a salt an implementation reads differently shows in
			// the outcome (an envelope that does not open).
		case "value", "plaintext":
			if strings.Contains(s, ":") {
				parts = append(parts, k+"="+EnvShape(s))
			} else {
				parts = append(parts, k+"="+EnvShape(s)+"/"+TextClass(s))
			}
		default:
			parts = append(parts, k+"="+TextClass(s))
		}
	}
	return strings.Join(parts, " ")
}

// EnvShape is the field structure of an envelope-like string: "v2:h24:h:h32"
// for a v2 envelope (every field of a "v2:" value counts), "h32:o" for a
// 32-hex IV and an odd ciphertext, and, for three fields or more without
// the v2 prefix, the first field's class and "3+" ("<32 hex>:a:b" and
// "<32 hex>::" are both "h32:3+": implementations that split at the first
// colon see one shape). More than five fields are summarised.
func EnvShape(s string) string {
	if s == "" {
		return "empty"
	}
	fields := strings.Split(s, ":")
	if len(fields) >= 3 && fields[0] != "v2" {
		return FieldClass(fields[0], true) + ":3+"
	}
	v2 := fields[0] == "v2"
	var out []string
	for i, f := range fields {
		if i == 5 {
			out = append(out, "+")
			break
		}
		c := FieldClass(f, i == 0)
		// A length is shape only where the format fixes it: the IV (and a
		// v2 tag); a ciphertext of any even length is "h".
		if (c == "h32" || c == "h24") && !(v2 && (i == 1 || i == 3) || !v2 && i == 0) {
			c = "h"
		}
		out = append(out, c)
	}
	return strings.Join(out, ":")
}

// FieldClass classifies one field: e (empty), v2 (the prefix, first field
// only), h32 and h24 (hex of an IV's or a tag's length), h (other even
// hex), x (anything else, odd hex included: neither is hex to a strict
// reader, and lenient readers drop both the same way). Hex is hex in
// either case, as the spec reads it.
func FieldClass(f string, first bool) string {
	if f == "" {
		return "e"
	}
	if first && f == "v2" {
		return "v2"
	}
	for _, c := range f {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "x"
		}
	}
	switch {
	case len(f)%2 == 1:
		return "x" // odd hex is not hex to a strict reader: as "x"
	case len(f) == 32:
		return "h32"
	case len(f) == 24:
		return "h24"
	}
	return "h"
}

// TextClass names the classes of characters in s, in a fixed order:
// "empty", or some of a (ASCII letters, digits, punctuation), s (space),
// c (controls, line breaks, tabs), n (non-ASCII, BMP), f (zero-width and
// format characters such as the BOM), A (astral).
func TextClass(s string) string {
	if s == "" {
		return "empty"
	}
	var has [6]bool
	for _, c := range s {
		switch {
		case c == ' ':
			has[1] = true
		case c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029 || c == 0x85:
			has[2] = true
		case c < 0x80:
			has[0] = true
		case unicode.Is(unicode.Cf, c):
			has[4] = true
		case c >= 0x10000:
			has[5] = true
		case unicode.IsSpace(c):
			has[1] = true
		default:
			has[3] = true
		}
	}
	var b strings.Builder
	for i, h := range has {
		if h {
			b.WriteByte("ascnfA"[i])
		}
	}
	return b.String()
}

func idShape(in Input) string {
	kind, _ := in["kind"].(string)
	switch kind {
	case "string":
		s, _ := in["value"].(string)
		if uuidLike(s) {
			return "string/uuid"
		}
		return "string/" + TextClass(s)
	case "integer":
		s, _ := in["value"].(string)
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return "integer/?"
		}
		limit := big.NewInt(1<<53 - 1)
		if new(big.Int).Abs(n).Cmp(limit) > 0 {
			return "integer/unsafe"
		}
		if strings.HasPrefix(s, "-0") {
			return "integer/minus-zero"
		}
		return "integer/safe"
	case "float":
		s, _ := in["value"].(string)
		switch {
		case s == "NaN" || strings.Contains(s, "Infinity"):
			return "float/special"
		case strings.ContainsAny(s, "eE"):
			return "float/exponent"
		}
		return "float/decimal"
	case "boolean":
		return "boolean"
	case "null":
		return "null"
	case "bytes":
		h, _ := in["hex"].(string)
		b, _ := hex.DecodeString(h)
		if utf8.Valid(b) {
			return "bytes/utf8-" + TextClass(string(b))
		}
		return "bytes/ill-formed"
	case "utf16":
		h, _ := in["hex"].(string)
		if loneSurrogate(h) {
			return "utf16/lone-surrogate"
		}
		return "utf16/well-formed"
	}
	return kind
}

func uuidLike(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// envWords are the salt-policy variables whose value is a word the spec
// compares: the word as given is one shape, the word with white space
// around it another (the spec trims nothing). NODE_ENV and the override
// are read without regard to case, so case is no shape; the salt is
// compared exactly.
var envWords = map[string]struct {
	word, class string
	same        func(a, b string) bool
}{
	"NODE_ENV":                        {"production", "production", strings.EqualFold},
	"ELIZA_ALLOW_DEFAULT_SECRET_SALT": {"true", "true", strings.EqualFold},
	"SECRET_SALT":                     {"secretsalt", "default", func(a, b string) bool { return a == b }},
}

// loneSurrogate reports whether UTF-16 code units given in hex hold a
// surrogate that is not half of a pair.
func loneSurrogate(h string) bool {
	var units []uint16
	for i := 0; i+4 <= len(h); i += 4 {
		b, err := hex.DecodeString(h[i : i+4])
		if err != nil {
			return false
		}
		units = append(units, uint16(b[0])<<8|uint16(b[1]))
	}
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case u >= 0xD800 && u <= 0xDBFF:
			if i+1 < len(units) && units[i+1] >= 0xDC00 && units[i+1] <= 0xDFFF {
				i++
				continue
			}
			return true
		case u >= 0xDC00 && u <= 0xDFFF:
			return true
		}
	}
	return false
}

func saltPolicyShape(env map[string]any) string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		v, _ := env[k].(string)
		cls := TextClass(v)
		if w, ok := envWords[k]; ok {
			switch {
			case w.same(v, w.word):
				cls = w.class
			case w.same(strings.TrimSpace(v), w.word):
				cls = w.class + "-spaced"
			}
		}
		parts = append(parts, k+"="+cls)
	}
	if len(parts) == 0 {
		return "env=empty"
	}
	return strings.Join(parts, " ")
}

// redactShape: what decides how a redactor's output differs: whether the
// text holds a character outside the BMP (a mask may cut its UTF-16
// halves apart), a replacement pattern ("$", which String.prototype.replace
// expands), or is not UTF-8 at all.
func redactShape(in Input) string {
	text, ok := in["text"].(string)
	kind := "text"
	if !ok {
		h, _ := in["hex"].(string)
		b, _ := hex.DecodeString(h)
		if !utf8.Valid(b) {
			return "hex/ill-formed"
		}
		text, kind = string(b), "hex"
	}
	var parts []string
	for _, c := range text {
		if c >= 0x10000 {
			parts = append(parts, "astral")
			break
		}
	}
	if strings.Contains(text, "$") {
		parts = append(parts, "dollar")
	}
	if len(parts) == 0 {
		parts = append(parts, "plain")
	}
	return kind + "=" + strings.Join(parts, "+")
}
