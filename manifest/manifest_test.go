package manifest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/interopkit/interop/manifest"
	"github.com/interopkit/interop/types"
)

const minimal = `{"name":"my-plugin","description":"A plugin","version":"1.0.0","language":"typescript"}`

// with returns the minimal manifest with extra members appended (raw JSON).
func with(members string) []byte {
	return []byte(strings.TrimSuffix(minimal, "}") + "," + members + "}")
}

func TestValidateProblems(t *testing.T) {
	type p = manifest.Problem
	for _, tc := range []struct {
		name string
		doc  []byte
		want []p
	}{
		{"minimal", []byte(minimal), nil},
		{"route type instead of method", with(`"routes":[{"path":"/a","type":"GET"}]`), []p{
			{Pointer: "/routes/0", Rule: "required", Property: "method", Message: `missing property "method"`},
		}},
		{"several, sorted", []byte(`{"name":"Bad","version":1,"language":"go","config":{"x":[]}}`), []p{
			{Pointer: "", Rule: "required", Property: "description", Message: `missing property "description"`},
			{Pointer: "/config/x", Rule: "oneOf", Message: "matches none of the alternatives"},
			{Pointer: "/language", Rule: "enum", Message: `want one of "typescript", "rust", "python"`},
			{Pointer: "/name", Rule: "pattern", Message: `does not match ^[a-z][a-z0-9-]*$`},
			{Pointer: "/version", Rule: "type", Message: "want string, got number"},
		}},
		{"integer", with(`"providers":[{"name":"P","position":2.5}]`), []p{
			{Pointer: "/providers/0/position", Rule: "type", Message: "want integer, got number"},
		}},
		{"escaped pointer", with(`"config":{"a/b~":{}}`), []p{
			{Pointer: "/config/a~1b~0", Rule: "oneOf", Message: "matches none of the alternatives"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := manifest.Validate(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    manifest.Problem
		want string
	}{
		{manifest.Problem{Pointer: "/routes/0", Rule: "required", Property: "method", Message: `missing property "method"`}, `/routes/0: required: missing property "method"`},
		{manifest.Problem{Pointer: "", Rule: "type", Message: "want object, got array"}, `(root): type: want object, got array`},
		// A member name cannot forge a second output line.
		{manifest.Problem{Pointer: "/config/a\nb\u2028", Rule: "oneOf", Message: "m"}, `/config/a\u000ab\u2028: oneOf: m`},
		{manifest.Problem{Pointer: "/" + strings.Repeat("x", 500), Rule: "type", Message: "m"}, "/" + strings.Repeat("x", 199) + "…: type: m"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestMessagesNeverContainValues(t *testing.T) {
	const secret = "sk-live-SECRETVALUE"
	doc := []byte(`{"name":"` + secret + `","description":{"k":"` + secret + `"},"version":"` + secret + `","language":"` + secret + `","config":{"TOKEN":["` + secret + `"]}}`)
	res, err := manifest.Check(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 5 {
		t.Fatalf("want 5 problems, got %v", res.Problems)
	}
	for _, p := range res.Problems {
		if strings.Contains(p.String(), "SECRET") {
			t.Errorf("problem echoes a value: %s", p)
		}
	}
	for _, h := range res.Hints {
		if strings.Contains(h.String(), "SECRET") {
			t.Errorf("hint echoes a value: %s", h)
		}
	}
	for _, bad := range []string{`{"a":"` + secret + `"`, `{"a":"` + secret + `","a":1}`, `{"` + secret + `":1e999}`} {
		_, err := manifest.Validate([]byte(bad))
		if err == nil {
			t.Fatalf("%s: want an error", bad)
		}
		if strings.Contains(err.Error(), "SECRET") && !strings.Contains(bad, `"`+secret+`":`) {
			t.Errorf("error echoes a value: %v", err)
		}
	}
}

func TestDocumentErrors(t *testing.T) {
	deep := strings.Repeat("[", manifest.MaxDepth+1)
	for _, tc := range []struct {
		doc        string
		want       error
		pointer    string
		line, col  int
		hasPointer bool
	}{
		{"", manifest.ErrSyntax, "", 1, 1, false},
		{"{\n  \"a\": 1,\n  \"a\": 2}", manifest.ErrDuplicateKey, "/a", 3, 3, true},
		{`{"x":[1,2,1e400]}`, manifest.ErrRange, "/x/2", 1, 11, true},
		// The range is the one of package types: no integer beyond 2^53-1,
		// however it is spelt, anywhere in the document.
		{`{"x":[1,2,9007199254740992]}`, manifest.ErrRange, "/x/2", 1, 11, true},
		{`{"config":{"N":-1e16}}`, manifest.ErrRange, "/config/N", 1, 16, true},
		{`{"a~/b":9007199254740991.5}`, manifest.ErrRange, "/a~0~1b", 1, 9, true},
		{`{"x":"\udc00"}`, manifest.ErrInvalidUTF8, "", 1, 7, false},
		{"{\"x\":\"\xff\"}", manifest.ErrInvalidUTF8, "", 1, 7, false},
		{deep, manifest.ErrTooDeep, "", 1, manifest.MaxDepth + 1, false},
		{"{} {}", manifest.ErrSyntax, "", 1, 4, false},
		{"\ufeff{}", manifest.ErrSyntax, "", 1, 1, false},
		{`{"a":NaN}`, manifest.ErrSyntax, "", 1, 6, false},
		{"{\"a\":\"\t\"}", manifest.ErrSyntax, "", 1, 7, false},
		// The phases of spec/types.md: invalid UTF-8 anywhere first; then
		// the first syntax, lone-surrogate or depth error; then the first
		// duplicate member or out-of-range number.
		{"{\"a\" 1,\"b\":\"\xff\"}", manifest.ErrInvalidUTF8, "", 1, 13, false},
		{`{"a":1,"a":2,`, manifest.ErrSyntax, "", 1, 14, false},
		{`{"a":1e400,`, manifest.ErrSyntax, "", 1, 12, false},
		{`{"a":1,"a":2,"b":` + deep, manifest.ErrTooDeep, "", 1, 17 + manifest.MaxDepth, false}, // the object is level 1,
		{`{"a":1,"a":2,"b":"\ud800"}`, manifest.ErrInvalidUTF8, "", 1, 19, false},
		{`{"a":1e400,"a":1}`, manifest.ErrRange, "/a", 1, 6, true},
		{`{"a":1,"a":1e400}`, manifest.ErrDuplicateKey, "/a", 1, 8, true},
	} {
		_, err := manifest.Validate([]byte(tc.doc))
		if !errors.Is(err, tc.want) {
			t.Errorf("%.60q: got %v, want %v", tc.doc, err, tc.want)
			continue
		}
		var de *manifest.DocumentError
		if !errors.As(err, &de) {
			t.Fatalf("%.60q: %T is not a *DocumentError", tc.doc, err)
		}
		if de.HasPointer != tc.hasPointer || de.Pointer != tc.pointer || de.Line != tc.line || de.Column != tc.col {
			t.Errorf("%.60q: got pointer %v %q at %d:%d, want %v %q at %d:%d", tc.doc, de.HasPointer, de.Pointer, de.Line, de.Column, tc.hasPointer, tc.pointer, tc.line, tc.col)
		}
		for _, other := range documentErrors {
			if other != tc.want && errors.Is(err, other) {
				t.Errorf("%.60q: %v also matches %v", tc.doc, err, other)
			}
		}
	}
	if _, err := manifest.Validate([]byte(strings.Repeat("[", manifest.MaxDepth) + strings.Repeat("]", manifest.MaxDepth))); err != nil {
		t.Errorf("nesting of exactly MaxDepth: %v", err)
	}
}

// TestSameJSONAsTypes checks the promise of the shared reader: a document
// that manifest reads as JSON is one that types reads as JSON (types may
// still reject its shape), and a document manifest rejects as JSON for any
// reason but the manifest limits is rejected by types with the same kind
// at the same place.
func TestSameJSONAsTypes(t *testing.T) {
	docs := []string{
		minimal, `{}`, `[]`, `{"a":1,"a":2}`, `{"name":9007199254740992}`, `{"config":{"X":1e300}}`, `{"a":"\ud800"}`,
		"{\"a\":\"\xc0\xa2\"}", `{"a":1,"a":2,`, `{"a":[1e400,{"b":1,"b":2}]}`, `{"name":"x","x":4503599627370495.5}`,
		`{"name":"x","x":-9007199254740991}`, `{"description":1e-400}`,
	}
	for _, doc := range docs {
		compareWithTypes(t, []byte(doc), typesKinds)
	}
}

func compareWithTypes(t *testing.T, doc []byte, kinds map[error]error) {
	t.Helper()
	_, err := manifest.Validate(doc)
	var m types.PluginManifest
	terr := m.UnmarshalJSON(doc)
	var de *manifest.DocumentError
	if !errors.As(err, &de) {
		// manifest read the JSON: types may only object to the shape.
		if terr != nil && !errors.Is(terr, types.ErrType) && !errors.Is(terr, types.ErrMissing) {
			t.Fatalf("%.60q: manifest reads the JSON, types says %v", doc, terr)
		}
		return
	}
	want, ok := kinds[de.Err]
	if !ok {
		return // too_large and too_deep are manifest limits
	}
	var te *types.Error
	if !errors.As(terr, &te) || te.Kind != want || (de.HasPointer && te.Path != de.Pointer) {
		t.Fatalf("%.60q: manifest says %v, types says %v", doc, err, terr)
	}
}

func TestDocumentErrorMessage(t *testing.T) {
	for doc, want := range map[string]string{
		"{\n\"a\":1,\"a\":2}":        "manifest: duplicate member at /a (line 2, column 7): the name occurs earlier in the same object",
		`{"a" 1}`:                    "manifest: invalid json (line 1, column 6): unexpected character '1'",
		`{"n":12345678901234567890}`: "manifest: number out of range at /n (line 1, column 6): number magnitude above 2^53-1",
		"[[[[":                       "manifest: invalid json (line 1, column 5): unexpected end of input",
		`"\udfff"`:                   "manifest: invalid unicode (line 1, column 2): lone surrogate escape",
	} {
		_, err := manifest.Validate([]byte(doc))
		if err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %q", doc, err, want)
		}
	}
	_, err := manifest.Validate([]byte(strings.Repeat("[", manifest.MaxDepth+1)))
	if want := fmt.Sprintf("manifest: nesting too deep (line 1, column %d): nesting deeper than %d", manifest.MaxDepth+1, manifest.MaxDepth); err == nil || err.Error() != want {
		t.Errorf("too deep: got %v, want %q", err, want)
	}
}

func TestSizeLimit(t *testing.T) {
	pad := func(n int) []byte {
		doc := with(`"pad":""`)
		return append(doc[:len(doc)-2], append(bytes.Repeat([]byte("x"), n-len(doc)), '"', '}')...)
	}
	at := pad(manifest.MaxSize)
	if len(at) != manifest.MaxSize {
		t.Fatalf("test document has %d bytes", len(at))
	}
	if ps, err := manifest.Validate(at); err != nil || ps != nil {
		t.Fatalf("a document of exactly MaxSize bytes: %v %v", ps, err)
	}
	over := pad(manifest.MaxSize + 1)
	if _, err := manifest.Validate(over); !errors.Is(err, manifest.ErrTooLarge) {
		t.Fatalf("MaxSize+1 bytes: got %v", err)
	}
	// The reader stops after MaxSize+1 bytes: an endless stream fails too.
	endless := io.MultiReader(bytes.NewReader(over), iotest.ErrReader(errors.New("read past the limit")))
	if _, err := manifest.ValidateReader(endless); !errors.Is(err, manifest.ErrTooLarge) {
		t.Fatalf("ValidateReader over the limit: got %v", err)
	}
	if _, err := manifest.CheckReader(iotest.ErrReader(errors.New("boom"))); err == nil || errors.Is(err, manifest.ErrSyntax) {
		t.Fatalf("a read error must be reported as such, got %v", err)
	}
	if ps, err := manifest.ValidateReader(strings.NewReader(minimal)); err != nil || ps != nil {
		t.Fatalf("ValidateReader(minimal) = %v, %v", ps, err)
	}
}

func TestCheckHints(t *testing.T) {
	type h struct{ pointer, code string }
	for _, tc := range []struct {
		name  string
		doc   string
		valid bool
		want  []h
	}{
		{"clean", `{"name":"p","description":"d","version":"0.1.0","language":"rust"}`, true, nil},
		{"default version", minimal, true, []h{{"/version", manifest.HintDefaultVersion}}},
		{"python child", `{"name":"w","description":"d","version":"0.1.0","language":"python",
			"actions":[{"name":"A","description":"a","similes":null}],
			"providers":[{"name":"P","description":null,"dynamic":null,"position":null,"private":null}],
			"routes":[{"path":"/a","type":"GET","public":false,"name":"a"},{"path":"/b","method":"GET","type":"x"}]}`, false, []h{
			{"/actions/0/similes", manifest.HintNullMember},
			{"/providers/0/description", manifest.HintNullMember},
			{"/providers/0/dynamic", manifest.HintNullMember},
			{"/providers/0/position", manifest.HintNullMember},
			{"/providers/0/private", manifest.HintNullMember},
			{"/routes/0", manifest.HintRouteType},
		}},
		{"rust inline script", `{"name":"p","description":"d","version":"1.0.0","actions":[]}`, false, []h{
			{"", manifest.HintMissingLanguage},
			{"/version", manifest.HintDefaultVersion},
		}},
		{"interop cwd", `{"name":"p","description":"d","version":"0.1.0","language":"rust","interop":{"cwd":5}}`, true, []h{{"/interop/cwd", manifest.HintInteropCwd}}},
		{"interop cwd string", `{"name":"p","description":"d","version":"0.1.0","language":"rust","interop":{"cwd":"/x"}}`, true, nil},
		{"null config value is allowed", `{"name":"p","description":"d","version":"0.1.0","language":"rust","config":{"A":null}}`, true, nil},
		{"null required member", `{"name":null,"description":"d","version":"0.1.0","language":"rust"}`, false, []h{{"/name", manifest.HintNullMember}}},
		{"not an object", `[]`, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := manifest.Check([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid() != tc.valid {
				t.Errorf("Valid() = %v, problems %v", res.Valid(), res.Problems)
			}
			var got []h
			for _, x := range res.Hints {
				got = append(got, h{x.Pointer, x.Code})
				if x.Message == "" || !strings.Contains(x.String(), ": hint "+x.Code+": ") {
					t.Errorf("bad hint text %q", x.String())
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("hints %v, want %v", got, tc.want)
			}
			ps, _ := manifest.Validate([]byte(tc.doc))
			if !reflect.DeepEqual(ps, res.Problems) {
				t.Errorf("Check and Validate disagree: %v vs %v", res.Problems, ps)
			}
		})
	}
	if _, err := manifest.Check([]byte("{")); !errors.Is(err, manifest.ErrSyntax) {
		t.Errorf("Check of a non-JSON document: %v", err)
	}
}

func TestHintNamesChildAndFix(t *testing.T) {
	res, err := manifest.Check([]byte(`{"name":"p","description":"d","version":"1.0.0","routes":[{"path":"/","type":"GET"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		manifest.HintRouteType:       {"bridge_server", `"method"`},
		manifest.HintMissingLanguage: {"Rust", "inline", "declare"},
		manifest.HintDefaultVersion:  {"1.0.0", "declares"},
	}
	for _, h := range res.Hints {
		for _, w := range want[h.Code] {
			if !strings.Contains(h.Message, w) {
				t.Errorf("%s: message %q lacks %q", h.Code, h.Message, w)
			}
		}
		delete(want, h.Code)
	}
	if len(want) > 0 {
		t.Errorf("missing hints %v", want)
	}
}

func TestSchemaEmbedded(t *testing.T) {
	var s struct {
		ID      string `json:"$id"`
		Schema  string `json:"$schema"`
		Title   string `json:"title"`
		Require []string
	}
	if err := json.Unmarshal(manifest.Schema(), &s); err != nil {
		t.Fatal(err)
	}
	if s.ID != manifest.SchemaID || s.Schema != "http://json-schema.org/draft-07/schema#" || s.Title != "elizaOS Plugin Definition" {
		t.Fatalf("schema header: %+v", s)
	}
	// Schema returns a copy the caller may modify.
	b := manifest.Schema()
	b[0] = 'X'
	if manifest.Schema()[0] != '{' {
		t.Fatal("Schema() exposes the embedded bytes")
	}
}

func TestDeterministic(t *testing.T) {
	doc := []byte(`{"version":1,"language":"go","config":{"a":[],"b":{},"c":[],"d":{},"e":[]},"dependencies":[1,2,3,4,5,6,7,8,9,10,11],"routes":[{},{},{}]}`)
	first, err := manifest.Validate(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2+5+11+1+6+1 {
		t.Fatalf("got %d problems: %v", len(first), first)
	}
	for range 50 {
		again, _ := manifest.Validate(doc)
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("order changed:\n%v\n%v", first, again)
		}
	}
}

func ExampleValidate() {
	doc := []byte(`{"name":"weather","description":"Weather","version":"1.0.0","language":"python",
		"routes":[{"path":"/weather","type":"GET"}]}`)
	problems, err := manifest.Validate(doc)
	if err != nil {
		fmt.Println("not a manifest document:", err)
		return
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output:
	// /routes/0: required: missing property "method"
}

func ExampleCheck() {
	doc := []byte(`{"name":"weather","description":"Weather","version":"0.2.0",
		"routes":[{"path":"/weather","type":"GET"}]}`)
	res, err := manifest.Check(doc)
	if err != nil {
		fmt.Println("not a manifest document:", err)
		return
	}
	for _, p := range res.Problems {
		fmt.Println(p)
	}
	for _, h := range res.Hints {
		fmt.Println(h.Pointer, h.Code)
	}
	fmt.Println("valid:", res.Valid())
	// Output:
	// (root): required: missing property "language"
	// /routes/0: required: missing property "method"
	//  missing-language
	// /routes/0 route-type
	// valid: false
}
