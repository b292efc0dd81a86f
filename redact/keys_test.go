package redact

import (
	"strings"
	"testing"
)

func TestKeyFoldIsPythonLower(t *testing.T) {
	// Expected values are Python's str.lower() (and JavaScript's
	// toLowerCase()) of the input.
	tests := []struct{ in, want string }{
		{"", ""},
		{"apiKey", "apikey"},
		{"API_KEY", "api_key"},
		{"to\u212Aen", "token"},                       // KELVIN SIGN lower-cases to k
		{"\u017Fecret", "\u017Fecret"},                // LONG S is lower case already
		{"\u017FECRET", "\u017Fecret"},                // ... so only the ASCII letters change
		{"AUTHOR\u0130ZATION", "authori\u0307zation"}, // I WITH DOT ABOVE: two characters
		{"author\u0131zation", "author\u0131zation"},  // dotless i stays
		{"\u00c4\u00d6\u00dc\u1e9e", "\u00e4\u00f6\u00fc\u00df"},
		{"\uff30\uff21\uff33\uff33", "\uff50\uff41\uff53\uff53"}, // fullwidth
		{"\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2"}, // final sigma at the end of a word
		{"\u03a3", "\u03c3"},                                     // alone: not final
		{"\u03a3\u0391", "\u03c3\u03b1"},                         // at the start: not final
		{"\u0391\u03a3\u0391", "\u03b1\u03c3\u03b1"},             // inside a word: not final
		{"\u0391\u03a3 \u0391", "\u03b1\u03c2 \u03b1"},           // before a space: final
		{"\u0391'\u03a3", "\u03b1'\u03c2"},                       // case-ignorable apostrophe skipped before
		{"\u0391\u03a3'\u0391", "\u03b1\u03c3'\u03b1"},           // ... and after
		{"\u0391\u0301\u03a3", "\u03b1\u0301\u03c2"},             // combining mark skipped
		{"1\u03a3", "1\u03c3"},                                   // a digit is not cased
		{"\xffPASSWORD", "\xffpassword"},                         // invalid UTF-8 kept as bytes
		{"\u01c5", "\u01c6"},                                     // titlecase Dz
	}
	for _, tt := range tests {
		if got := keyFold(tt.in); got != tt.want {
			t.Errorf("keyFold(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
	}
}

func TestMatches(t *testing.T) {
	c := Config{}.WithKeys("P\u00e4sswort", "\u039f\u0394\u039f\u03a3", strings.Repeat("k", 70), "x y")
	for _, key := range []string{
		"password", "PASSWORD", "Password", "passwd", "apiKey", "APIKEY", "apikey", "api_key", "API_KEY",
		"apiSecret", "api_secret", "authorization", "Authorization", "auth", "AUTH", "credential", "credentials",
		"privateKey", "private_key", "accessToken", "access_token", "refreshToken", "refresh_token", "cookie",
		"Cookie", "session", "jwt", "JWT", "bearer", "Bearer", "secret", "token", "to\u212Aen", "TO\u212AEN",
		"P\u00c4SSWORT", "p\u00e4sswort", "\u03bf\u03b4\u03bf\u03c2", "\u039f\u0394\u039f\u03a3",
		strings.Repeat("K", 70), "X Y",
	} {
		if !c.Matches(key) {
			t.Errorf("Matches(%+q) = false", key)
		}
	}
	for _, key := range []string{
		"", "passwords", "Passwords", "tokenizer", "api-key", "api key", "apikey ", " token", "secret_key",
		"\u017Fecret", "AUTHOR\u0130ZATION", "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44", "passw\u00f6rd",
		"\u03bf\u03b4\u03bf\u03c3", "\xffpassword", "password\x00", "x", "xy", strings.Repeat("k", 69),
		strings.Repeat("k", 71), "src", "event",
	} {
		if c.Matches(key) {
			t.Errorf("Matches(%+q) = true", key)
		}
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	s := Config{}.set()
	for _, key := range []string{"requestId", "Authorization", "password", "X", strings.Repeat("A", 64)} {
		if n := testing.AllocsPerRun(100, func() { s.match(key) }); n != 0 {
			t.Errorf("match(%q): %v allocations", key, n)
		}
	}
}

func TestKeyTrimIsPythonStrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{" \t\n\v\f\r a \r\n", "a"},
		{"\x1c\x1d\x1e\x1fa\x1f", "a"}, // Python strips the ASCII separators, Go's TrimSpace does not
		{"\u0085\u00a0a\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000", "a"},
		{"\ufeffa\u200b", "\ufeffa\u200b"}, // BOM and ZWSP are not white space to Python
		{"\u180ea", "\u180ea"},             // nor is the Mongolian vowel separator
		{"a b", "a b"},
	}
	for _, tt := range tests {
		if got := keyTrim(tt.in); got != tt.want {
			t.Errorf("keyTrim(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
	}
}
