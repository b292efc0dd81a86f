package settingsmigrate

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/jsontext"
)

func TestMigrate(t *testing.T) {
	key := mustKey(t, testSalt)
	v1a := sealV1(t, testSalt, plainA, 1)
	v1b := sealV1(t, testSalt, plainB, 2)
	v1Empty := sealV1(t, testSalt, "", 3)
	v1EnvShaped := sealV1(t, testSalt, v1a, 4) // a plaintext that is itself an envelope
	v2, _ := key.Seal(plainB)
	v1Upper := strings.ToUpper(v1a)
	// \u escapes spell the same v1 value: detection is on the value, not
	// on its spelling in the file.
	v1Escaped := fmt.Sprintf(`\u%04x`, v1b[0]) + v1b[1:] // the first hex digit written as an escape
	tests := []struct {
		name string
		doc  string
		want Stats
	}{
		{"character secrets", `{"name":"eliza","settings":{"secrets":{"OPENAI_API_KEY":"` + v1a + `","OTHER":"` + v2 + `"}}}`, Stats{3, 1, 1, 1}},
		{"world settings objects", `{"settings":{"TOKEN":{"name":"Token","value":"` + v1a + `","secret":true,"public":false},"N":{"value":null}}}`, Stats{2, 1, 0, 1}},
		{"arrays and depth", `[[["` + v1a + `"]],{"a":[{"b":"` + v1b + `"}]},"` + v1Empty + `"]`, Stats{3, 3, 0, 0}},
		{"numbers keep their text", "{\"f\": 1.50e+2,\n \"big\": 123456789012345678901, \"neg\": -0.0, \"s\": \"" + v1a + "\"}", Stats{1, 1, 0, 0}},
		{"whitespace, escapes and order kept", "{\n  \"z\": \"caf\\u00e9\",\n\t\"a\": \"" + v1a + "\" ,\"m\":[ true,false , null ]\n}\n", Stats{2, 1, 0, 1}},
		{"upper-case hex is v1", `{"k":"` + v1Upper + `"}`, Stats{1, 1, 0, 0}},
		{"escaped v1", `{"k":"` + v1Escaped + `"}`, Stats{1, 1, 0, 0}},
		{"envelope-shaped plaintext is resealed", `{"k":"` + v1EnvShaped + `"}`, Stats{1, 1, 0, 0}},
		{"member names are not values", `{"` + v1a + `":"plain"}`, Stats{1, 0, 0, 1}},
		{"near misses are plain", `["` + v1a + `\n","V2` + v2[2:] + `"," ` + v1a + `","` + v1a[:31] + `:00"]`, Stats{4, 0, 0, 4}},
		{"nothing to do", `{"a":"b","c":"` + v2 + `"}`, Stats{2, 0, 1, 1}},
		{"scalar document", `"` + v1a + `"`, Stats{1, 1, 0, 0}},
		{"empty object", ` {} `, Stats{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.doc)
			out, st, err := Migrate(in, key)
			if err != nil {
				t.Fatal(err)
			}
			if st != tc.want {
				t.Fatalf("stats %+v, want %+v", st, tc.want)
			}
			assertMigrated(t, key, in, out)
			if st.Migrated == 0 && !bytes.Equal(in, out) {
				t.Fatal("nothing migrated but the bytes changed")
			}
			if st.Migrated > 0 && bytes.Contains(out, []byte(v1a[33:])) {
				t.Fatal("a v1 ciphertext survived")
			}
			// Idempotent: a second pass migrates nothing and returns the
			// bytes as they are.
			again, st2, err := Migrate(out, key)
			if err != nil || st2.Migrated != 0 || st2.AlreadyV2 != st.AlreadyV2+st.Migrated || !bytes.Equal(again, out) {
				t.Fatalf("second pass: %+v %v", st2, err)
			}
		})
	}
}

// Outside the migrated strings, the bytes are the input's: the result is
// the input with each v1 token swapped for a v2 token.
func TestMigrateChangesOnlyTheStrings(t *testing.T) {
	key := mustKey(t, testSalt)
	v1 := sealV1(t, testSalt, plainA, 9)
	doc := "{ \"a\" : [ 1e5 , \"" + v1 + "\" ] ,\r\n \"b\":\"" + v1 + "\"}"
	out, st, err := Migrate([]byte(doc), key)
	if err != nil || st.Migrated != 2 {
		t.Fatal(st, err)
	}
	parts := strings.Split(doc, `"`+v1+`"`)
	rest := string(out)
	for i, p := range parts {
		if !strings.HasPrefix(rest, p) {
			t.Fatalf("part %d of the input is not kept verbatim", i)
		}
		rest = rest[len(p):]
		if i < len(parts)-1 {
			end := strings.IndexByte(rest[1:], '"') + 2
			if !envelope.IsV2(rest[1 : end-1]) {
				t.Fatalf("replacement %d is not a v2 envelope", i)
			}
			rest = rest[end:]
		}
	}
	if rest != "" {
		t.Fatalf("trailing bytes %q", rest)
	}
}

func TestMigrateRefuses(t *testing.T) {
	key := mustKey(t, testSalt)
	good := sealV1(t, testSalt, plainA, 1)
	foreignV1 := sealV1(t, otherSalt, plainB, 5)
	other := mustKey(t, otherSalt)
	foreignV2, _ := other.Seal(plainB)
	v2, _ := key.Seal(plainA)
	tampered := v2[:len(v2)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", v2[len(v2)-1])+1)%16])
	if _, err := key.Open(foreignV1); err == nil {
		t.Fatal("fixture: the foreign v1 value opens under the test salt; change its IV seed")
	}
	tests := []struct {
		name    string
		doc     string
		is      []error
		pointer string
	}{
		{"v1 under another salt", `{"settings":{"secrets":{"A":"` + good + `","B":"` + foreignV1 + `"}}}`, []error{ErrDoesNotOpen, envelope.ErrAuthFailed}, "/settings/secrets/B"},
		{"v2 under another salt", `{"a":["` + good + `",{"value":"` + foreignV2 + `"}]}`, []error{ErrDoesNotOpen, envelope.ErrAuthFailed}, "/a/1/value"},
		{"tampered v2", `{"x":"` + tampered + `"}`, []error{ErrDoesNotOpen, envelope.ErrAuthFailed}, "/x"},
		{"v1 of a bad length", `{"x":"` + good[:33] + `00"}`, []error{ErrDoesNotOpen, envelope.ErrMalformed}, "/x"},
		{"pointer escapes", `{"a/b":{"c~d":"` + foreignV1 + `"}}`, []error{ErrDoesNotOpen}, "/a~1b/c~0d"},
		{"unterminated", `{"a":"` + good + `"`, []error{ErrNotJSON, jsontext.ErrSyntax}, ""},
		{"trailing data", `{"a":"` + good + `"} {}`, []error{ErrNotJSON, jsontext.ErrSyntax}, ""},
		{"two values", `"` + good + `" "x"`, []error{ErrNotJSON, jsontext.ErrSyntax}, ""},
		{"empty", ``, []error{ErrNotJSON, jsontext.ErrSyntax}, ""},
		{"byte order mark", "\ufeff{}", []error{ErrNotJSON, jsontext.ErrSyntax}, ""},
		{"invalid utf-8", "{\"a\":\"" + good + "\",\"b\":\"\xff\"}", []error{ErrNotJSON, jsontext.ErrInvalidUTF8}, ""},
		{"lone surrogate", `{"a":"\ud800"}`, []error{ErrNotJSON, jsontext.ErrInvalidUTF8}, "/a"},
		{"duplicate member", `{"s":{"k":"` + good + `","k":"x"}}`, []error{ErrNotJSON, jsontext.ErrDuplicateKey}, "/s/k"},
		{"duplicate by escape", `{"k":1,"\u006b":2}`, []error{ErrNotJSON, jsontext.ErrDuplicateKey}, "/k"},
		{"too deep", strings.Repeat("[", jsontext.MaxDepth+1) + strings.Repeat("]", jsontext.MaxDepth+1), []error{ErrNotJSON, jsontext.ErrTooDeep}, strings.Repeat("/0", jsontext.MaxDepth)},
		{"not json", `{"a":{"b":[1,2}}}`, []error{ErrNotJSON, jsontext.ErrSyntax}, "/a/b"},
		{"bad literal", `{"a":tru}`, []error{ErrNotJSON, jsontext.ErrSyntax}, "/a"},
		{"trailing comma", `["` + good + `",]`, []error{ErrNotJSON, jsontext.ErrSyntax}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, st, err := Migrate([]byte(tc.doc), key)
			if err == nil {
				t.Fatalf("accepted: %+v", st)
			}
			if out != nil || st != (Stats{}) {
				t.Fatal("a failed migration returned a document or counts")
			}
			for _, want := range tc.is {
				if !errors.Is(err, want) {
					t.Errorf("error %q is not %v", err, want)
				}
			}
			var e *Error
			if !errors.As(err, &e) || e.Pointer != tc.pointer {
				t.Errorf("pointer of %q: want %q", err, tc.pointer)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.pointer)) {
				t.Errorf("message %q does not name the pointer", err)
			}
			assertNoSecret(t, "error", err.Error(), append(secretsIn(tc.doc, key), good, foreignV1, foreignV2, tampered))
		})
	}
	if _, _, err := Migrate([]byte(`{}`), nil); !errors.Is(err, envelope.ErrNoKey) {
		t.Fatalf("nil key: %v", err)
	}
}
