package fuzzgen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/suite"
	"github.com/interopkit/interop/internal/vector"
)

func TestEnvShape(t *testing.T) {
	h32 := strings.Repeat("ab", 16)
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{h32 + ":a:b", "h32:3+"},
		{h32 + "::", "h32:3+"},
		{strings.ToUpper(h32) + ":00:00", "h32:3+"},
		{h32 + ":a", "h32:x"}, // odd hex is not hex
		{h32 + ":x", "h32:x"},
		{h32 + ":", "h32:e"},
		{h32 + ":0011", "h32:h"},
		{"v2:" + strings.Repeat("0", 24) + "::" + h32, "v2:h24:e:h32"},
		{"v2:" + strings.Repeat("0", 24) + ":" + h32 + ":" + h32, "v2:h24:h:h32"},
		{h32 + ":" + h32, "h32:h"},
		{strings.Repeat("0", 24) + ":" + h32, "h24:h"},
		{"v2:x:y:z:w:v:u", "v2:x:x:x:x:+"},
		{"V2:00", "x:h"},
		{":", "e:e"},
		{":::", "e:3+"},
		{"plain", "x"},
	} {
		if got := EnvShape(tc.in); got != tc.want {
			t.Errorf("EnvShape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextClass(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty"}, {"abc", "a"}, {"a b", "as"}, {"a\tb", "ac"}, {"é", "n"}, {"\uFEFFx", "af"}, {"😀", "A"}, {"\u00A0", "s"},
		{"é😀 \n", "scnA"},
	} {
		if got := TextClass(tc.in); got != tc.want {
			t.Errorf("TextClass(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestShape(t *testing.T) {
	for _, tc := range []struct {
		suite string
		in    Input
		want  string
	}{
		{"envelope.roundtrip", Input{"salt": "sälz", "plaintext": strings.Repeat("0", 32) + ":a:b"}, "plaintext=h32:3+"},
		{"envelope.roundtrip", Input{"salt": "", "plaintext": "\uFEFFhi"}, "plaintext=x/af"},
		{"envelope.detect", Input{"value": "v2:"}, "value=v2:e"},
		{"ids.string_to_uuid", Input{"kind": "string", "value": "550e8400-e29b-41d4-a716-446655440000"}, "string/uuid"},
		{"ids.string_to_uuid", Input{"kind": "string", "value": "é"}, "string/n"},
		{"ids.string_to_uuid", Input{"kind": "integer", "value": "9007199254740991"}, "integer/safe"},
		{"ids.string_to_uuid", Input{"kind": "integer", "value": "9007199254740992"}, "integer/unsafe"},
		{"ids.string_to_uuid", Input{"kind": "integer", "value": "-0"}, "integer/minus-zero"},
		{"ids.string_to_uuid", Input{"kind": "float", "value": "1e21"}, "float/exponent"},
		{"ids.string_to_uuid", Input{"kind": "float", "value": "NaN"}, "float/special"},
		{"ids.string_to_uuid", Input{"kind": "boolean", "value": true}, "boolean"},
		{"ids.string_to_uuid", Input{"kind": "bytes", "hex": "ff"}, "bytes/ill-formed"},
		{"ids.string_to_uuid", Input{"kind": "utf16", "hex": "d800"}, "utf16/lone-surrogate"},
		{"ids.string_to_uuid", Input{"kind": "utf16", "hex": "d83dde00"}, "utf16/well-formed"},
		{"ids.string_to_uuid", Input{"kind": "utf16", "hex": "dc00d800"}, "utf16/lone-surrogate"},
		{"salt.policy", Input{"env": map[string]any{"NODE_ENV": " Production", "SECRET_SALT": "secretsalt"}}, "NODE_ENV=production-spaced SECRET_SALT=default"},
		{"salt.policy", Input{"env": map[string]any{}}, "env=empty"},
	} {
		if got := Shape(tc.suite, tc.in); got != tc.want {
			t.Errorf("Shape(%s, %v) = %q, want %q", tc.suite, tc.in, got, tc.want)
		}
	}
}

func TestShrinks(t *testing.T) {
	h32 := strings.Repeat("ab", 16)
	has := func(list []Input, want Input) bool {
		for _, c := range list {
			if reflect.DeepEqual(c, want) {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		name      string
		suite     string
		in        Input
		want, not []Input
	}{
		{"a field dropped, emptied, joined", "envelope.roundtrip", Input{"salt": "", "plaintext": h32 + ":a:b"},
			[]Input{{"salt": "", "plaintext": h32 + ":b"}, {"salt": "", "plaintext": h32 + "::b"}, {"salt": "", "plaintext": h32 + ":ab"}}, nil},
		{"hex in pairs", "envelope.detect", Input{"value": "v2:" + h32 + ":x"},
			[]Input{{"value": "v2:" + h32[2:] + ":x"}, {"value": "v2:" + h32[:30] + ":x"}, {"value": "v2:" + h32[:16] + ":x"}},
			[]Input{{"value": "v2:" + h32[1:] + ":x"}}},
		{"code points, not bytes", "envelope.roundtrip", Input{"salt": "", "plaintext": "é😀"},
			[]Input{{"salt": "", "plaintext": "😀"}, {"salt": "", "plaintext": "é"}, {"salt": "", "plaintext": ""}}, nil},
		{"UTF-16 by units", "ids.string_to_uuid", Input{"kind": "utf16", "hex": "0041d800"},
			[]Input{{"kind": "utf16", "hex": "d800"}, {"kind": "utf16", "hex": "0041"}}, []Input{{"kind": "utf16", "hex": "041d800"}}},
		{"bytes by pairs", "ids.string_to_uuid", Input{"kind": "bytes", "hex": "41ff"},
			[]Input{{"kind": "bytes", "hex": "ff"}}, []Input{{"kind": "bytes", "hex": "1ff"}}},
		{"integers keep their form", "ids.string_to_uuid", Input{"kind": "integer", "value": "-105"},
			[]Input{{"kind": "integer", "value": "-15"}, {"kind": "integer", "value": "105"}}, []Input{{"kind": "integer", "value": "-05"}}},
		{"environment members dropped", "salt.policy", Input{"env": map[string]any{"NODE_ENV": "production", "SECRET_SALT": "x"}},
			[]Input{{"env": map[string]any{"SECRET_SALT": "x"}}, {"env": map[string]any{"NODE_ENV": "production"}}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Shrinks(tc.suite, tc.in)
			for _, w := range tc.want {
				if !has(got, w) {
					t.Errorf("missing %v", w)
				}
			}
			for _, n := range tc.not {
				if has(got, n) {
					t.Errorf("proposed %v", n)
				}
			}
			for i, c := range got {
				if Size(c) >= Size(tc.in) {
					t.Errorf("%v is not smaller", c)
				}
				if i > 0 && Size(c) < Size(got[i-1]) {
					t.Error("not smallest first")
				}
				if c["kind"] != tc.in["kind"] {
					t.Errorf("kind changed: %v", c)
				}
			}
		})
	}
}

// Every generated input is a valid vector input of its suite as the Go
// reference answers it, and a seed always gives the same inputs.
func TestGeneratorsMakeValidInputs(t *testing.T) {
	for _, s := range Suites() {
		t.Run(s, func(t *testing.T) {
			gen, _ := Lookup(s)
			a, b := rand.New(rand.NewPCG(9, 9)), rand.New(rand.NewPCG(9, 9))
			var cases []vector.Case
			for i := range 300 {
				in := gen(a)
				if again := gen(b); !reflect.DeepEqual(in, again) {
					t.Fatalf("not deterministic: %v / %v", in, again)
				}
				raw, _ := json.Marshal(in)
				c := vector.Case{ID: fmt.Sprintf("c%d", i), Description: "g", Input: raw, Result: vector.Valid, Flags: []string{}}
				got, _, err := suite.Check(s, &c)
				if err != nil {
					continue // refused as input by the reference: the fuzzer counts it and moves on
				}
				c.Output, c.Error, c.ErrorAt = got.Output, got.Error, got.ErrorAt
				if c.Error != "" {
					c.Result = vector.Invalid
				}
				cases = append(cases, c)
			}
			if len(cases) < 250 {
				t.Fatalf("only %d of 300 inputs accepted by the reference", len(cases))
			}
			doc, _ := json.Marshal(vector.File{Schema: "vectors/" + s + ".schema.json", Suite: s, SpecVersion: "v1", Description: "g",
				Generator: vector.Generator{Name: "g", Upstream: "g"}, Notes: map[string]string{}, Cases: cases})
			_, problems, err := vector.Read(fstest.MapFS{s + "/g.json": &fstest.MapFile{Data: doc}})
			if err != nil || len(problems) > 0 {
				t.Fatalf("%v %v", err, problems[:min(3, len(problems))])
			}
		})
	}
}

// The generators reach the shapes where the upstream bugs are.
func TestGeneratorsReachTheBugs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	want := map[string]bool{"plaintext=h32:3+": false, "plaintext=h32:x": false, "plaintext=v2:h24:h:h32": false}
	kinds := map[string]bool{}
	gen, _ := Lookup("envelope.roundtrip")
	ids, _ := Lookup("ids.string_to_uuid")
	for range 2000 {
		if s := Shape("envelope.roundtrip", gen(r)); want[s] == false {
			if _, ok := want[s]; ok {
				want[s] = true
			}
		}
		kinds[Shape("ids.string_to_uuid", ids(r))] = true
	}
	for s, seen := range want {
		if !seen {
			t.Errorf("roundtrip plaintexts never shaped %s", s)
		}
	}
	for _, k := range []string{"integer/unsafe", "float/special", "boolean", "null", "bytes/ill-formed", "utf16/lone-surrogate"} {
		if !kinds[k] {
			t.Errorf("ids never %s", k)
		}
	}
}

func TestResealShrinks(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	open := func(salt, value string) (string, error) {
		k, err := envelope.NewKey(salt)
		if err != nil {
			return "", err
		}
		return k.Open(value)
	}
	find := func(list []Input, salt string) []string {
		var out []string
		for _, c := range list {
			if c["salt"] == salt {
				out = append(out, c["value"].(string))
			}
		}
		return out
	}
	// v1, three blocks: the same plaintext under a shorter salt; a block
	// dropped under the same salt.
	pt := strings.Repeat("abcdefghijklmnop", 2) + "xyz"
	v1 := SealV1(r, "long-salt", pt)
	got := ResealShrinks("long-salt", v1)
	for _, v := range find(got, "") {
		if p, err := open("", v); err != nil || p != pt {
			t.Errorf("v1 under the empty salt: %q %v", p, err)
		}
	}
	dropped := 0
	for _, v := range find(got, "long-salt") {
		if p, err := open("long-salt", v); err == nil && len(p) == len(pt)-16 {
			dropped++
		}
	}
	if dropped == 0 {
		t.Error("no v1 block dropped")
	}
	// v2 that opens: re-sealed under a shorter salt, and shorter plaintexts.
	v2 := SealV2(r, "long-salt", "héllo")
	got = ResealShrinks("long-salt", v2)
	if vs := find(got, ""); len(vs) == 0 {
		t.Fatal("no v2 re-sealed under the empty salt")
	} else if p, err := open("", vs[0]); err != nil || p != "héllo" {
		t.Errorf("v2 under the empty salt: %q %v", p, err)
	}
	shorter := 0
	for _, v := range find(got, "long-salt") {
		if p, err := open("long-salt", v); err == nil && len([]rune(p)) < 5 {
			shorter++
		}
	}
	if shorter == 0 {
		t.Error("no shorter v2 plaintext")
	}
	// A v2 with a wrong tag stays wrong under the new salt.
	bad := v2[:len(v2)-2] + "00"
	if bad == v2 {
		bad = v2[:len(v2)-2] + "11"
	}
	for _, c := range ResealShrinks("long-salt", bad) {
		if _, err := open(c["salt"].(string), c["value"].(string)); err == nil {
			t.Errorf("a wrong tag opened after re-sealing: %v", c)
		}
	}
	if ResealShrinks("s", "not:an:envelope") != nil {
		t.Error("re-sealed something that is not an envelope")
	}
}

func TestRedactShape(t *testing.T) {
	for _, tc := range []struct {
		in   Input
		want string
	}{
		{Input{"text": "KEY=abc"}, "text=plain"},
		{Input{"text": "KEY=abc😀"}, "text=astral"},
		{Input{"text": "KEY=$&"}, "text=dollar"},
		{Input{"text": "KEY=$&😀"}, "text=astral+dollar"},
		{Input{"hex": "41ff"}, "hex/ill-formed"},
		{Input{"hex": "41"}, "hex=plain"},
	} {
		if got := Shape("redact.text", tc.in); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The new generators reach the shapes where the upstream deviations are
// (each named by a known failure or a deviation flag of vectors/).
func TestNewGeneratorsReachTheBugs(t *testing.T) {
	for suite, shapes := range map[string][]string{
		"ids.create_unique_uuid": {"agent=uuid base=same", "agent=uuid-upper base=same-fold", "agent=invalid/uuid-ish base=a", "agent=uuid base=holds-agent"},
		"redact.secrets":         {"secrets=tie", "secrets=dollar-name", "secrets=int-name", "secrets=astral", "secrets=plain", "secrets=none"},
		"redact.context": {"keys=off", "keys=truncated", "keys=event-listed", "keys=env-key", "keys=folded", "keys=d1", "keys=top",
			"keys=deep", "keys=array", "keys=unsafe-number", "keys=none"},
		"secrets.scan":        {"rules=none", "rules=GitHub", "rules=Generic", "rules=Private", "rules=Slack", "rules=AWS", "rules=OpenAI-style"},
		"serialize.roundtrip": {"doc=ill-formed", "doc=syntax", "doc=surrogate", "doc=deep", "doc=duplicate", "doc=unsafe-integer", "doc=double-range", "doc=unknown-member", "doc=null", "doc=plain"},
		"manifest.validate":   {"doc=ill-formed", "doc=syntax", "doc=duplicate", "doc=plain"},
	} {
		gen, ok := Lookup(suite)
		if !ok {
			t.Fatalf("no generator for %s", suite)
		}
		seen := map[string]bool{}
		r := rand.New(rand.NewPCG(5, 6))
		for range 4000 {
			sh := Shape(suite, gen(r))
			seen[sh] = true
			if i := strings.IndexByte(sh, ' '); i > 0 && strings.HasPrefix(sh, "rules=") {
				seen[sh[:i]] = true
			}
		}
		for _, want := range shapes {
			if !seen[want] {
				t.Errorf("%s: never shaped %s", suite, want)
			}
		}
	}
}

func TestNewShapes(t *testing.T) {
	u := "b8265c19-4c0c-00e1-90b5-c580a1ac9d45"
	for _, tc := range []struct {
		suite string
		in    Input
		want  string
	}{
		{"ids.create_unique_uuid", Input{"agentId": u, "base": u}, "agent=uuid base=same"},
		{"ids.create_unique_uuid", Input{"agentId": strings.ToUpper(u), "base": u}, "agent=uuid-upper base=same-fold"},
		{"ids.create_unique_uuid", Input{"agentId": "{" + u + "}", "base": "x"}, "agent=invalid/uuid-ish base=a"},
		{"redact.secrets", Input{"text": "abcdefghij", "secrets": map[string]any{"A$&": "abcdefghij"}}, "secrets=dollar-name"},
		{"redact.secrets", Input{"text": "abcdefghij", "secrets": map[string]any{"A": "abcdefghij", "B": "abcdefghij"}}, "secrets=tie"},
		{"redact.secrets", Input{"text": "abcdefg", "secrets": map[string]any{"A": "abcdefg"}}, "secrets=none"},
		{"redact.context", Input{"context": map[string]any{"x": map[string]any{"password": "p"}}}, "keys=d1"},
		{"redact.context", Input{"context": map[string]any{"password": "p"}}, "keys=top"},
		{"redact.context", Input{"context": map[string]any{"Password": "p"}}, "keys=folded"},
		{"redact.context", Input{"context": map[string]any{"custom": "p"}, "env": map[string]any{"ELIZA_LOG_REDACT_KEYS": "custom"}}, "keys=env-key"},
		{"redact.context", Input{"context": map[string]any{"password": "p"}, "env": map[string]any{"ELIZA_LOG_REDACT": " OFF "}}, "keys=off"},
		{"redact.context", Input{"context": map[string]any{"event": "e"}, "env": map[string]any{"ELIZA_LOG_REDACT_KEYS": "event"}}, "keys=event-listed"},
		{"redact.context", Input{"context": map[string]any{"n": json.Number("9007199254740993")}}, "keys=unsafe-number"},
		{"redact.context", Input{"context": map[string]any{"n": []any{map[string]any{"token": "t"}}}}, "keys=array"},
		{"secrets.scan", Input{"text": "API_KEY=abcdefghijkl"}, "rules=Generic"},
		{"secrets.scan", Input{"text": "x\r\nghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "rules=GitHub breaks"},
		{"serialize.roundtrip", Input{"type": "Content", "text": `{"text":"a","text":"b"}`}, "doc=duplicate"},
		{"serialize.roundtrip", Input{"type": "Content", "text": `{"zz":1}`}, "doc=unknown-member"},
		{"serialize.roundtrip", Input{"type": "Content", "text": `{"text":"\ud800"}`}, "doc=surrogate"},
		{"serialize.roundtrip", Input{"type": "Content", "text": `{"text":`}, "doc=syntax"},
		{"serialize.roundtrip", Input{"type": "Memory", "text": `{"createdAt":9007199254740993}`}, "doc=unsafe-integer"},
		{"serialize.roundtrip", Input{"type": "Memory", "text": `{"createdAt":1e400}`}, "doc=double-range"},
		{"serialize.roundtrip", Input{"type": "Memory", "hex": "7bff7d"}, "doc=ill-formed"},
		{"manifest.validate", Input{"text": `{"name":"x"}`}, "doc=plain"},
	} {
		if got := Shape(tc.suite, tc.in); got != tc.want {
			t.Errorf("Shape(%s, %v) = %q, want %q", tc.suite, tc.in, got, tc.want)
		}
	}
}

func TestJSONShrinks(t *testing.T) {
	got := JSONShrinks(`{"a":1, "b":[1,{"c":"x,}"}], "d":{}}`)
	want := []string{`{"a":1, "b":[1,{}], "d":{}}`, `{"a":1, "b":[{"c":"x,}"}], "d":{}}`, `{"a":1, "b":[1], "d":{}}`,
		`{"b":[1,{"c":"x,}"}], "d":{}}`, `{"a":1, "d":{}}`, `{"a":1, "b":[1,{"c":"x,}"}]}`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSONShrinks = %q, want %q", got, want)
	}
	for _, s := range got {
		if !json.Valid([]byte(s)) {
			t.Errorf("%s is not JSON", s)
		}
	}
	if JSONShrinks(`{"a":`) != nil {
		t.Error("shrank a text that does not scan")
	}
	// serialize.roundtrip texts shrink by members first.
	in := Input{"type": "Content", "text": `{"text":"a","zz":[1,2]}`}
	found := false
	for _, c := range Shrinks("serialize.roundtrip", in) {
		if c["text"] == `{"text":"a"}` {
			found = true
		}
	}
	if !found {
		t.Error("no member dropped from a serialize.roundtrip text")
	}
}

// The fuzzer's own envelope builders make what package envelope reads:
// the same key derivation, AAD and layouts.
func TestSealsOpenWithEnvelope(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, salt := range []string{"", "salt", "sälz \t"} {
		k, err := envelope.NewKey(salt)
		if err != nil {
			t.Fatal(err)
		}
		for _, pt := range []string{"", "x", strings.Repeat("long plaintext ", 9), "ünïcødé 🔑"} {
			for name, v := range map[string]string{"v2": SealV2(r, salt, pt), "v1": SealV1(r, salt, pt)} {
				got, err := k.Open(v)
				if err != nil || got != pt {
					t.Errorf("%s of %q under %q opens to %q, %v", name, pt, salt, got, err)
				}
			}
		}
	}
}
