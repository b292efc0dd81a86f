package redact_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/interopkit/interop/redact"
)

// FuzzText feeds arbitrary bytes to Text: it never panics, its output is
// valid UTF-8, and invalid input is read as its U+FFFD form (Secrets with
// no secrets returns exactly that form, so the two must agree).
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"", "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz", `{"apiKey": "abc"}`, "--token 'x'",
		"Authorization: Bearer abc", "-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY-----",
		"123456789:abcdefghijklmnopqrstuvwxyz", "KEY=\xff\xe2\x82", "API_KEY=$&abcdefghijklmnopqrstuvwxyz",
		"KEY=a\U0001F600bcdefghijklmnopqrstu",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := redact.Text(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q is not valid UTF-8", s, got)
		}
		clean := redact.Secrets(s, nil)
		if !utf8.ValidString(clean) || utf8.ValidString(s) && clean != s {
			t.Fatalf("Secrets(%q, nil) = %q", s, clean)
		}
		if again := redact.Text(clean); again != got {
			t.Fatalf("Text(%q) = %q but Text of its U+FFFD form %q = %q", s, got, clean, again)
		}
	})
}

// fuzzTemplate plants a secret in a fixed context that one of the default
// patterns recognises: format holds %s where the token goes, alphabet is
// what the token is made of, and alnumEnds asks for a token that starts and
// ends with a letter or digit (for patterns that end with \b).
type fuzzTemplate struct {
	format    string
	prefix    string // fixed start of the token (part of the secret)
	alphabet  string
	alnumEnds bool
	min       int
}

const (
	fuzzAlnum  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	fuzzB64    = fuzzAlnum + "+/="
	fuzzHeader = fuzzAlnum + "._-+="
	// Anything a pattern-1 value may hold except white space, quotes,
	// backslashes, and the "*" and "…" of masks (so that a mask cannot
	// re-create the token), with $ sequences and non-ASCII text.
	fuzzEnv = fuzzAlnum + "-_.+/=~!@#%^&()[]{}<>,;?|$`é中\U0001F600"
)

var fuzzTemplates = []fuzzTemplate{
	{format: "OPENAI_API_KEY=%s", alphabet: fuzzEnv, min: 18},
	{format: `export DB_PASSWORD="%s"`, alphabet: fuzzEnv, min: 18},
	{format: `{"apiKey": "%s"}`, alphabet: fuzzEnv + " \n'\\:", min: 18},
	{format: "--api-key %s", alphabet: fuzzEnv + "\\", min: 18},
	{format: "Authorization: Bearer %s", alphabet: fuzzHeader, min: 18},
	{format: "Bearer %s", alphabet: fuzzHeader, alnumEnds: true, min: 18},
	{format: "%s", prefix: "sk-", alphabet: fuzzAlnum + "_-", alnumEnds: true, min: 15},
	{format: "%s", prefix: "ghp_", alphabet: fuzzAlnum, min: 20},
	{format: "%s", prefix: "github_pat_", alphabet: fuzzAlnum + "_", alnumEnds: true, min: 20},
	{format: "%s", prefix: "xoxb-", alphabet: fuzzAlnum + "-", alnumEnds: true, min: 13},
	{format: "%s", prefix: "xapp-", alphabet: fuzzAlnum + "-", alnumEnds: true, min: 13},
	{format: "%s", prefix: "gsk_", alphabet: fuzzAlnum + "_-", alnumEnds: true, min: 14},
	{format: "%s", prefix: "AIza", alphabet: fuzzAlnum + "_-", alnumEnds: true, min: 20},
	{format: "%s", prefix: "pplx-", alphabet: fuzzAlnum + "_-", alnumEnds: true, min: 13},
	{format: "%s", prefix: "npm_", alphabet: fuzzAlnum, min: 14},
	{format: "%s", prefix: "1234567:", alphabet: fuzzAlnum + "_-", alnumEnds: true, min: 20},
	{format: "-----BEGIN RSA PRIVATE KEY-----\n%s\n-----END RSA PRIVATE KEY-----", alphabet: fuzzB64 + "\n", alnumEnds: true, min: 18},
}

// fuzzPick maps bytes onto the characters of an alphabet.
func fuzzPick(seed []byte, alphabet string, n int) string {
	chars := []rune(alphabet)
	var b strings.Builder
	for i := range n {
		c := byte(i * 31)
		if len(seed) > 0 {
			c += seed[i%len(seed)] + byte(i/len(seed))
		}
		b.WriteRune(chars[int(c)%len(chars)])
	}
	return b.String()
}

// fuzzBenign maps arbitrary bytes onto text that cannot start, end or
// continue a pattern across the separators around the planted secret (no
// quotes, "=", ":", "-", "\\"): the surrounding prose of a prompt.
func fuzzBenign(seed []byte) string {
	return fuzzPick(seed, fuzzAlnum+" \n\t.,;!?()éü中\U0001F511", len(seed))
}

// FuzzTextPlanted plants a secret of every pattern in arbitrary
// surrounding text: whatever the text and the token, the token must not
// survive in the output.
func FuzzTextPlanted(f *testing.F) {
	for i := range fuzzTemplates {
		f.Add(uint8(i), []byte("Hello, world."), []byte("abcdefghijklmnopqrstuvwxyz0123"), []byte("Bye"))
	}
	f.Add(uint8(0), []byte(""), []byte("$&$'$`$$"), []byte(""))
	f.Fuzz(func(t *testing.T, which uint8, before, token, after []byte) {
		tp := fuzzTemplates[int(which)%len(fuzzTemplates)]
		n := max(tp.min, len(token)%64)
		body := fuzzPick(token, tp.alphabet, n)
		if tp.alnumEnds {
			body = fuzzPick(token, fuzzAlnum, 1) + body[1:len(body)-1] + fuzzPick(token[min(1, len(token)):], fuzzAlnum, 1)
		}
		secret := tp.prefix + body
		pre, post := fuzzBenign(before), fuzzBenign(after)
		if strings.Contains(pre, secret) || strings.Contains(post, secret) {
			return // the text itself carries the token in clear
		}
		in := pre + " " + strings.Replace(tp.format, "%s", secret, 1) + " " + post
		out := redact.Text(in)
		if strings.Contains(out, secret) {
			t.Fatalf("secret %q survives:\n in %q\nout %q", secret, in, out)
		}
	})
}

// FuzzMask: never panics, valid UTF-8, and the mask never reveals more
// than 10 UTF-16 code units of the token.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"", "short", "abcdefghijklmnopqr", "abcde\U0001F600fghijklmnop", "\xff\xfe\xfd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := redact.Mask(s)
		if !utf8.ValidString(m) {
			t.Fatalf("Mask(%q) = %q is not valid UTF-8", s, m)
		}
		if m == "***" {
			return
		}
		head, tail, ok := strings.Cut(m, "…")
		if !ok || len(utf16Units(head)) > 6 || len(utf16Units(tail)) > 4 {
			t.Fatalf("Mask(%q) = %q", s, m)
		}
	})
}

func utf16Units(s string) []int {
	var u []int
	for _, r := range s {
		u = append(u, 1)
		if r >= 0x10000 {
			u = append(u, 1)
		}
	}
	return u
}

// FuzzSecrets: never panics, valid UTF-8, deterministic, and a single
// secret value of 8+ code units does not survive (unless its own marker
// holds it).
func FuzzSecrets(f *testing.F) {
	f.Add("x supersecret y", "S", "supersecret", "T", "other-secret")
	f.Add("aaaaaaaaaaaa", "$&", "aaaaaaaa", "", "aaaaaaaaa")
	f.Fuzz(func(t *testing.T, text, n1, v1, n2, v2 string) {
		secrets := map[string]string{n1: v1, n2: v2}
		got := redact.Secrets(text, secrets)
		if !utf8.ValidString(got) {
			t.Fatalf("Secrets = %q is not valid UTF-8", got)
		}
		if again := redact.Secrets(text, secrets); again != got {
			t.Fatalf("Secrets is not deterministic: %q then %q", got, again)
		}
		// A value without brackets can only come back from inside its own
		// marker, which the condition rules out.
		one := map[string]string{n1: v1}
		v, name := redact.Secrets(v1, nil), redact.Secrets(n1, nil)
		if len(utf16Units(v)) >= 8 && !strings.ContainsAny(v, "[]") && !strings.Contains("REDACTED:"+name, v) {
			if out := redact.Secrets(text, one); strings.Contains(out, v) {
				t.Fatalf("secret %q survives in %q", v, out)
			}
		}
	})
}
