package redact_test

import (
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/interopkit/interop/redact"
	"github.com/interopkit/interop/vectors"
)

// textVectorCase is the part of a vector case these tests read.
type textVectorCase struct {
	ID    string          `json:"id"`
	Input json.RawMessage `json:"input"`
	Out   *string         `json:"output"`
}

// textVectors returns the cases of every file of a suite.
func textVectors(t *testing.T, suite string) []textVectorCase {
	t.Helper()
	paths, err := fs.Glob(vectors.FS, suite+"/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no vector files for %s: %v", suite, err)
	}
	var out []textVectorCase
	for _, p := range paths {
		b, err := fs.ReadFile(vectors.FS, p)
		if err != nil {
			t.Fatal(err)
		}
		var f struct{ Cases []textVectorCase }
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, f.Cases...)
	}
	return out
}

// TestTextVectors runs Text over the redact.text vectors (spec/redact-text.md).
func TestTextVectors(t *testing.T) {
	cases := textVectors(t, "redact.text")
	if len(cases) < 80 {
		t.Fatalf("only %d redact.text cases", len(cases))
	}
	for _, c := range cases {
		var in struct {
			Text *string
			Hex  *string
		}
		if err := json.Unmarshal(c.Input, &in); err != nil || c.Out == nil {
			t.Fatalf("%s: bad case: %v", c.ID, err)
		}
		var s string
		switch {
		case in.Text != nil:
			s = *in.Text
		case in.Hex != nil:
			b, err := hex.DecodeString(*in.Hex)
			if err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			s = string(b)
		}
		if got := redact.Text(s); got != *c.Out {
			t.Errorf("%s: Text(%q)\n got %q\nwant %q", c.ID, s, got, *c.Out)
		}
	}
}

// TestSecretsVectors runs Secrets over the redact.secrets vectors.
func TestSecretsVectors(t *testing.T) {
	cases := textVectors(t, "redact.secrets")
	if len(cases) < 15 {
		t.Fatalf("only %d redact.secrets cases", len(cases))
	}
	for _, c := range cases {
		var in struct {
			Text    string
			Secrets map[string]string
		}
		if err := json.Unmarshal(c.Input, &in); err != nil || c.Out == nil {
			t.Fatalf("%s: bad case: %v", c.ID, err)
		}
		if got := redact.Secrets(in.Text, in.Secrets); got != *c.Out {
			t.Errorf("%s: Secrets(%q, %q)\n got %q\nwant %q", c.ID, in.Text, in.Secrets, got, *c.Out)
		}
	}
}

// Hand-checked examples; the vectors are the full contract.
func TestTextExamples(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz", "OPENAI_API_KEY=sk-pro…wxyz"},
		{"openai_api_key: 'short'", "openai_api_key: '***'"},
		// The value, not an earlier copy of it, is masked.
		{"KEY=KEY", "KEY=***"},
		// The mask is literal: "$&" is not expanded into the secret.
		{"API_KEY=$&abcdefghijklmnopqrstuvwxyz", "API_KEY=$&abcd…wxyz"},
		// Backreference: the closing quote must equal the opening one.
		{`TOKEN="abcdefghijklmnopqrstuvwxyz'`, `TOKEN="abcdefghijklmnopqrstuvwxyz'`},
		{`TOKEN='abcdefghijklmnopqrstuvwxyz'`, `TOKEN='abcdef…wxyz'`},
		// JavaScript \s (U+00A0) and ASCII-only folding (U+017F is not s).
		{"API_KEY=\u00a0abcdefghijklmnopqrstuvwxyz", "API_KEY=\u00a0abcdef…wxyz"},
		{"\u017fk-abcdefghijklmnopqrstuvwxyz", "\u017fk-abcdefghijklmnopqrstuvwxyz"},
		{"-----BEGIN PRIVATE KEY-----\nAAAA\nBBBB\n-----END PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----\n…redacted…\n-----END PRIVATE KEY-----"},
		// Invalid UTF-8 becomes U+FFFD, one per maximal subpart.
		{"x\xe2\x82 y\xff", "x\uFFFD y\uFFFD"},
	} {
		if got := redact.Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestTextNotIdempotent pins the documented behaviour: a partly shown token
// is masked again by a second pass.
func TestTextNotIdempotent(t *testing.T) {
	once := redact.Text("API_KEY=abcdefghijklmnopqrstuvwxyz")
	if once != "API_KEY=abcdef…wxyz" {
		t.Fatalf("first pass: %q", once)
	}
	if twice := redact.Text(once); twice != "API_KEY=***" {
		t.Fatalf("second pass: %q", twice)
	}
}

func TestTextInvalidUTF8(t *testing.T) {
	for _, s := range []string{"\xff", "\xed\xa0\x80", "KEY=\xff\xfe", "sk-abcdefgh\xc0", strings.Repeat("\x80", 100)} {
		got := redact.Text(s)
		if !utf8.ValidString(got) {
			t.Errorf("Text(%q) = %q is not valid UTF-8", s, got)
		}
	}
}

// TestTextConcurrent runs Text from several goroutines (for -race).
func TestTextConcurrent(t *testing.T) {
	in := "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123 and GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz"
	want := redact.Text(in)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got := redact.Text(in); got != want {
					t.Errorf("concurrent Text = %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
