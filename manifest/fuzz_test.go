package manifest_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/interopkit/interop/manifest"
	"github.com/interopkit/interop/types"
)

var documentErrors = []error{manifest.ErrTooLarge, manifest.ErrInvalidUTF8, manifest.ErrSyntax, manifest.ErrTooDeep, manifest.ErrDuplicateKey, manifest.ErrRange}

// typesKinds pairs the document errors with the types errors of the same
// kind; the manifest limits (too_large, too_deep) have no pair.
var typesKinds = map[error]error{
	manifest.ErrInvalidUTF8: types.ErrInvalidUTF8, manifest.ErrSyntax: types.ErrSyntax,
	manifest.ErrDuplicateKey: types.ErrDuplicateKey, manifest.ErrRange: types.ErrRange,
}

// FuzzValidate feeds arbitrary documents to Validate and Check, and builds
// a valid manifest around the fuzzed text and number:
//   - nothing panics, and two runs give the same result;
//   - an error is always a *DocumentError of exactly one kind;
//   - a document Validate reads is JSON by encoding/json's standard too
//     (the reader is stricter, never looser);
//   - Validate and types.PluginManifest read JSON alike: a document error
//     other than the manifest limits is the types error of the same kind
//     at the same pointer, and a document Validate reads fails in types, if
//     at all, only for its shape;
//   - every problem's pointer names a location that exists in the document;
//   - Check agrees with Validate;
//   - a manifest valid by construction has no problems.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		minimal, `{}`, `[]`, `null`, `{"a":1,"a":2}`, `{"x":1e400}`, `"\ud800"`, `{"routes":[{"path":"/","type":"GET"}]}`,
		`{"config":{"a/b~":[],"":{}}}`, `{"name":"x","name":"x"}`, strings.Repeat("[", 200), "\ufeff{}", `{"n\u0061me":1,"name":2}`,
		`{"providers":[{"name":"P","position":1.0}],"version":"1.0.0\n"}`, `{"a":1e400,"a":1}`, `{"a":1,"a":2,`,
		`{"config":{"N":9007199254740992}}`, `{"x":-9007199254740991}`,
	} {
		f.Add([]byte(s), "description text", 1.5)
	}
	f.Fuzz(func(t *testing.T, doc []byte, text string, num float64) {
		problems, err := manifest.Validate(doc)
		again, err2 := manifest.Validate(doc)
		if !reflect.DeepEqual(problems, again) || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("not deterministic: %v %v / %v %v", problems, err, again, err2)
		}
		if err != nil {
			var de *manifest.DocumentError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DocumentError", err)
			}
			n := 0
			for _, k := range documentErrors {
				if errors.Is(err, k) {
					n++
				}
			}
			if n != 1 || problems != nil {
				t.Fatalf("error %v matches %d kinds, problems %v", err, n, problems)
			}
		} else {
			if !json.Valid(doc) {
				t.Fatalf("Validate read %q, which encoding/json rejects", doc)
			}
			var v any
			if err := json.Unmarshal(doc, &v); err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				if !exists(v, p.Pointer) || p.Rule == "" || p.Message == "" || strings.Contains(p.String(), "\n") {
					t.Fatalf("problem %#v does not name an existing location", p)
				}
			}
		}
		compareWithTypes(t, doc, typesKinds)
		res, cerr := manifest.Check(doc)
		if (cerr == nil) != (err == nil) || !reflect.DeepEqual(res.Problems, problems) {
			t.Fatalf("Check disagrees with Validate: %v %v / %v %v", res.Problems, cerr, problems, err)
		}

		// A manifest that is valid by construction, whatever the fuzzed
		// text and number are.
		if math.IsNaN(num) || math.IsInf(num, 0) {
			num = 0
		}
		num = math.Mod(num, 1<<53) // a magnitude above 2^53-1 is out_of_range
		valid := map[string]any{
			"name": "fuzz-plugin", "description": text, "version": "1.2.3", "language": "rust",
			"config":    map[string]any{text: num, "b": text},
			"actions":   []any{map[string]any{"name": text, "description": text, "similes": []string{text}}},
			"events":    map[string]any{text: []string{text}},
			"x-" + text: map[string]any{text: []any{num, text, nil}},
		}
		b, err := json.Marshal(valid)
		if err != nil {
			t.Fatal(err)
		}
		if ps, err := manifest.Validate(b); err != nil || len(ps) != 0 {
			if len(b) <= manifest.MaxSize {
				t.Fatalf("valid manifest %s: %v %v", b, ps, err)
			}
		}
	})
}

// exists reports whether an RFC 6901 pointer names a value in v.
func exists(v any, ptr string) bool {
	if ptr == "" {
		return true
	}
	if ptr[0] != '/' {
		return false
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return false
			}
			v = c[i]
		default:
			return false
		}
	}
	return true
}
