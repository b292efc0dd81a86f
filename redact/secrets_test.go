package redact_test

import (
	"testing"
	"unicode/utf8"

	"github.com/interopkit/interop/redact"
)

func TestSecretsExamples(t *testing.T) {
	for _, c := range []struct {
		text    string
		secrets map[string]string
		want    string
	}{
		{"x supersecret y", nil, "x supersecret y"},
		{"", map[string]string{"A": "abcdefgh"}, ""},
		{"x supersecret y", map[string]string{"S": "supersecret"}, "x [REDACTED:S] y"},
		{"x supersecret y", map[string]string{"S$&": "supersecret"}, "x [REDACTED:S$&] y"},    // literal marker
		{"abcdefghij", map[string]string{"B": "cdefghij", "A": "abcdefgh"}, "[REDACTED:A]ij"}, // tie: by name
		{"x \xffsupersecret", map[string]string{"N\xfe": "\xffsupersecret"}, "x [REDACTED:N\uFFFD]"},
	} {
		got := redact.Secrets(c.text, c.secrets)
		if got != c.want {
			t.Errorf("Secrets(%q, %q) = %q, want %q", c.text, c.secrets, got, c.want)
		}
	}
}

// TestSecretsDeterministic: map iteration order is random, the result is not.
func TestSecretsDeterministic(t *testing.T) {
	secrets := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		secrets[n] = "same-length-" + n
		secrets[n+n] = "shared-value-x"
	}
	text := "same-length-a shared-value-x same-length-h"
	want := redact.Secrets(text, secrets)
	if want != "[REDACTED:a] [REDACTED:aa] [REDACTED:h]" {
		t.Fatalf("Secrets = %q", want)
	}
	for range 100 {
		if got := redact.Secrets(text, secrets); got != want {
			t.Fatalf("Secrets = %q, then %q", want, got)
		}
	}
	if !utf8.ValidString(redact.Secrets("\xff\xfe12345678", map[string]string{"X": "12345678"})) {
		t.Fatal("invalid UTF-8 in the output")
	}
}
