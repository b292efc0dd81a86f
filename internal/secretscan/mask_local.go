package secretscan

import "unicode/utf16"

// mask is the redaction mask of spec/redact-text.md: fewer than 18 UTF-16
// code units become "***", longer values keep their first 6 and last 4.
// TEMPORARY until redact.Mask lands.
func mask(s string) string {
	u := utf16.Encode([]rune(s))
	if len(u) < 18 {
		return "***"
	}
	return string(utf16.Decode(u[:6])) + "…" + string(utf16.Decode(u[len(u)-4:]))
}
