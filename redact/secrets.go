package redact

import (
	"cmp"
	"slices"
	"strings"
)

// secretsMinUnits is the shortest secret value, in UTF-16 code units, that
// Secrets replaces: shorter values would cause false positives.
const secretsMinUnits = 8

// Secrets returns text with every occurrence of each known secret value
// replaced with "[REDACTED:<name>]", where secrets maps names to values, as
// upstream redactSecrets does.
//
// Matching is literal and case-sensitive. Values shorter than 8 UTF-16 code
// units are ignored. Longer values are replaced first, so that a secret
// that contains another one is replaced whole; values of equal length are
// taken in ascending order of their names (byte order, which for UTF-8 is
// code point order). Each value is replaced everywhere in the current text,
// left to right, before the next value is looked for, so a shorter value is
// also found inside the "[REDACTED:<name>]" markers written before it. The
// marker is inserted literally: a name containing "$&" is not expanded as
// upstream's replacement pattern would (which writes the secret back).
//
// Invalid UTF-8 in text, names and values is replaced with U+FFFD first,
// as Text does, so the result is always valid UTF-8.
func Secrets(text string, secrets map[string]string) string {
	text = textWellFormed(text)
	if text == "" || len(secrets) == 0 {
		return text
	}
	type secret struct {
		name, rawName, value string
		units                int
	}
	list := make([]secret, 0, len(secrets))
	for name, value := range secrets {
		v := textWellFormed(value)
		n := maskUTF16Len(v)
		if n < secretsMinUnits {
			continue
		}
		list = append(list, secret{name: textWellFormed(name), rawName: name, value: v, units: n})
	}
	// Map iteration order is random; this order is total (raw names are
	// distinct), so the result does not depend on it.
	slices.SortFunc(list, func(a, b secret) int {
		if c := cmp.Compare(b.units, a.units); c != 0 {
			return c
		}
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.rawName, b.rawName)
	})
	for _, s := range list {
		if strings.Contains(text, s.value) {
			text = strings.ReplaceAll(text, s.value, "[REDACTED:"+s.name+"]")
		}
	}
	return text
}
