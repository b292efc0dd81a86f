package settingsmigrate

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/fuzzgen"
)

// The secrets of the tests: no output or error may contain any of them.
const (
	testSalt  = "migrate-salt-Q7xZ"
	otherSalt = "another-salt-K2pW"
	plainA    = "sk-live-PLAINTEXT-alpha-9f3a"
	plainB    = "ghp_PLAINTEXT_beta_77c1"
)

func mustKey(t testing.TB, salt string) *envelope.Key {
	t.Helper()
	k, err := envelope.NewKey(salt)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sealV1 makes a legacy v1 envelope (AES-256-CBC, PKCS#7) with an IV
// drawn from a source seeded by ivSeed, so that failures reproduce.
func sealV1(t testing.TB, salt, plaintext string, ivSeed byte) string {
	t.Helper()
	return fuzzgen.SealV1(rand.New(rand.NewPCG(uint64(ivSeed), 0)), salt, plaintext)
}

// secretsIn lists what must never appear in output: the salts, the
// plaintexts, and every envelope of the document with its hex fields.
func secretsIn(doc string, key *envelope.Key) []string {
	s := []string{testSalt, otherSalt, plainA, plainB}
	for _, t := range tokenize(nil, []byte(doc)) {
		if t.kind == 's' && (envelope.IsV1(t.text) || envelope.IsV2(t.text)) {
			s = append(s, t.text)
			for _, f := range strings.Split(t.text, ":") {
				if len(f) >= 16 {
					s = append(s, f)
				}
			}
		}
	}
	return s
}

func assertNoSecret(t testing.TB, what, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s leaks a secret (%d bytes): %q", what, len(s), text)
		}
	}
}

// tok is one token of a JSON document: k member name, s string value, n
// number (its text), d delimiter, b boolean, z null.
type tok struct {
	kind byte
	text string
}

// tokenize lists the tokens of data, in order, with encoding/json (numbers
// as their text), telling member names from string values.
func tokenize(t testing.TB, data []byte) []tok {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []tok
	var stack []bool   // per open container: an object that expects a name next
	var objects []bool // per open container: whether it is an object
	for {
		tk, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			if t != nil {
				t.Fatalf("tokenize: %v", err)
			}
			return nil
		}
		n := len(stack)
		if s, ok := tk.(string); ok && n > 0 && objects[n-1] && stack[n-1] {
			out = append(out, tok{'k', s})
			stack[n-1] = false
			continue
		}
		afterValue := func() {
			if n := len(stack); n > 0 && objects[n-1] {
				stack[n-1] = true
			}
		}
		switch v := tk.(type) {
		case json.Delim:
			out = append(out, tok{'d', v.String()})
			switch v {
			case '{':
				stack, objects = append(stack, true), append(objects, true)
			case '[':
				stack, objects = append(stack, false), append(objects, false)
			default:
				stack, objects = stack[:len(stack)-1], objects[:len(objects)-1]
				afterValue()
			}
		case string:
			out = append(out, tok{'s', v})
			afterValue()
		case json.Number:
			out = append(out, tok{'n', string(v)})
			afterValue()
		case bool:
			out = append(out, tok{'b', map[bool]string{true: "true", false: "false"}[v]})
			afterValue()
		case nil:
			out = append(out, tok{'z', "null"})
			afterValue()
		}
	}
}

// assertMigrated checks that out is in with its v1 string values, and only
// those, replaced by v2 envelopes of the same plaintexts: the same members
// in the same order, the same number text.
func assertMigrated(t testing.TB, key *envelope.Key, in, out []byte) {
	t.Helper()
	a, b := tokenize(t, in), tokenize(t, out)
	if len(a) != len(b) {
		t.Fatalf("%d tokens in, %d out", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.kind != y.kind {
			t.Fatalf("token %d: kind %c became %c", i, x.kind, y.kind)
		}
		if x.kind == 's' && envelope.IsV1(x.text) {
			if !envelope.IsV2(y.text) {
				t.Fatalf("token %d: a v1 value was not migrated to v2", i)
			}
			p1, err1 := key.Open(x.text)
			p2, err2 := key.Open(y.text)
			if err1 != nil || err2 != nil || p1 != p2 {
				t.Fatalf("token %d: the migrated value does not open to the same plaintext (%v, %v)", i, err1, err2)
			}
			continue
		}
		if x != y {
			t.Fatalf("token %d changed: %c", i, x.kind)
		}
	}
}
