package fuzzgen

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strings"
	"unicode/utf8"
)

// member is one member of a JSON object written as text: the key (as
// written, escapes included) and the value's JSON text.
type member struct{ key, val string }

// docTemplates are valid documents of each type of serialize.roundtrip,
// member by member: the members each type declares, with values of the
// types the spec gives them.
var docTemplates = map[string][]member{
	"Memory": {
		{`"id"`, `"5f4dcc3b-5aa7-4c6f-9d4e-7e5b0f1a2b3c"`}, {`"entityId"`, `"a1b2c3d4-e5f6-4789-8abc-def012345678"`},
		{`"agentId"`, `"b850bc30-45f8-0041-a00a-83df46d8555d"`}, {`"roomId"`, `"0e9f8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c"`},
		{`"worldId"`, `"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"`}, {`"content"`, `{"text":"Hello","actions":["REPLY"]}`},
		{`"createdAt"`, `1704067200000`}, {`"embedding"`, `[0.0123,-0.4567,0.891]`}, {`"unique"`, `true`},
		{`"similarity"`, `0.8731`}, {`"metadata"`, `{"type":"message","source":"discord","timestamp":1704067200000}`},
	},
	"Content": {
		{`"text"`, `"Hello"`}, {`"thought"`, `"greet back"`}, {`"actions"`, `["REPLY"]`}, {`"providers"`, `["TIME"]`},
		{`"source"`, `"discord"`}, {`"inReplyTo"`, `"5f4dcc3b-5aa7-4c6f-9d4e-7e5b0f1a2b3c"`}, {`"channelType"`, `"GROUP"`},
		{`"simple"`, `false`},
	},
	"State": {{`"values"`, `{"agentName":"Eliza"}`}, {`"data"`, `{"room":{"id":"r1"}}`}, {`"text"`, `"state text"`}},
	"ActionResult": {
		{`"success"`, `true`}, {`"text"`, `"done"`}, {`"values"`, `{"k":1}`}, {`"data"`, `{"actionName":"REPLY"}`},
		{`"continueChain"`, `false`},
	},
	"ProviderResult": {{`"text"`, `"It is noon"`}, {`"values"`, `{"time":"12:00"}`}, {`"data"`, `{"tz":"UTC"}`}},
	"PluginManifest": {
		{`"name"`, `"my-plugin"`}, {`"description"`, `"A plugin"`}, {`"version"`, `"1.0.0"`}, {`"language"`, `"typescript"`},
		{`"interop"`, `{"protocol":"ipc","ipcPort":3000}`}, {`"config"`, `{"API_URL":"https://x","RETRIES":3}`},
		{`"dependencies"`, `["plugin-sql"]`}, {`"actions"`, `[{"name":"ECHO","description":"Echo","similes":["SAY"]}]`},
		{`"providers"`, `[{"name":"INFO","description":"Info","dynamic":false,"position":1}]`},
		{`"routes"`, `[{"path":"/r","type":"GET","public":false,"name":"r"}]`}, {`"events"`, `{"MESSAGE_RECEIVED":["h"]}`},
	},
}

// required members of each type: never all dropped by the generator (the
// missing_field path is taken often enough by dropping one on purpose).
var docRequired = map[string][]string{
	"Memory": {`"entityId"`, `"roomId"`, `"content"`}, "State": {`"values"`, `"data"`, `"text"`},
	"ActionResult": {`"success"`}, "PluginManifest": {`"name"`, `"description"`},
}

// oddValues are JSON values where parsers and typed decoders part: nulls,
// numbers beyond 2^53, past the double range, with fractions or exponents,
// negative zero, numbers as strings, lone surrogate escapes, deep nesting,
// the wrong JSON type.
var oddValues = []string{
	`null`, `9007199254740993`, `-9007199254740992`, `12345678901234567890`, `1e400`, `-1e400`, `1.5`, `1.0`, `1E2`, `-0`, `-0.0`,
	`5e-324`, `1.7976931348623157e308`, `"1704067200000"`, `"\ud800"`, `"\udc00\ud800"`, `"\ud83d\ude00"`, `"\u0000"`, `"é"`,
	`[]`, `{}`, `[null]`, `[1,"a",true]`, `{"a":null}`, `true`, `false`, `0`, `""`, `"x"`, `[0.1,1e-7,3.4028235e38,3.5e38]`,
	`{"__proto__":{"x":1}}`, `{"a":1,"a":2}`,
}

// writeDoc writes members as a JSON object.
func writeDoc(ms []member) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(m.key + ":" + m.val)
	}
	b.WriteByte('}')
	return b.String()
}

// mutateDoc makes a document of a template by a few edits: a member
// dropped, a value replaced by an odd one, a member repeated (the same key
// or one spelled with an escape), an unknown member added, members
// reordered, the nesting made deep; sometimes the text is broken
// (truncated, a trailing comma, a BOM) or given as bytes that are not
// UTF-8.
func mutateDoc(r *rand.Rand, tmpl []member, required []string) (string, []byte) {
	var ms []member
	for _, m := range tmpl {
		if containsString(required, m.key) || r.IntN(2) == 0 {
			ms = append(ms, m)
		}
	}
	for range r.IntN(3) {
		if len(ms) == 0 {
			break
		}
		i := r.IntN(len(ms))
		switch r.IntN(8) {
		case 0:
			ms = append(ms[:i], ms[i+1:]...)
		case 1, 2:
			ms[i].val = oddValues[r.IntN(len(oddValues))]
		case 3:
			dup := ms[i]
			if r.IntN(2) == 0 && len(dup.key) > 2 {
				dup.key = `"\u00` + hex.EncodeToString([]byte{dup.key[1]}) + dup.key[2:] // the same name, escaped
			}
			dup.val = oddValues[r.IntN(len(oddValues))]
			ms = append(ms, dup)
		case 4:
			ms = append(ms, member{[]string{`"zz"`, `"_private"`, `"Entity"`, `"extra"`, `"x-build"`, `"__proto__"`}[r.IntN(6)], oddValues[r.IntN(len(oddValues))]})
		case 5:
			j := r.IntN(len(ms))
			ms[i], ms[j] = ms[j], ms[i]
		case 6:
			n := 60 + r.IntN(8)
			ms[i].val = strings.Repeat("[", n) + strings.Repeat("]", n)
		default:
			// A nested object of the value gets an odd member.
			if strings.HasPrefix(ms[i].val, "{") && len(ms[i].val) > 2 {
				ms[i].val = `{"zz":` + oddValues[r.IntN(len(oddValues))] + "," + ms[i].val[1:]
			}
		}
	}
	text := writeDoc(ms)
	switch r.IntN(16) {
	case 0:
		text = text[:r.IntN(len(text))]
	case 1:
		text = text[:len(text)-1] + ",}"
	case 2:
		text = "\uFEFF" + text
	case 3:
		text = []string{" ", "\n", "\t", "\u00a0"}[r.IntN(4)] + text + []string{" ", "\n", "\r\n"}[r.IntN(3)]
	case 4:
		b := []byte(text)
		if i := strings.LastIndex(text, `"`); i > 0 {
			bad := [][]byte{{0xff}, {0xc0, 0xa2}, {0xed, 0xa0, 0x80}, {0xe9}}[r.IntN(4)]
			b = append(append(append([]byte{}, b[:i]...), bad...), b[i:]...)
			return "", b
		}
	}
	return text, nil
}

func genDoc(r *rand.Rand, typ string, in Input) Input {
	text, raw := mutateDoc(r, docTemplates[typ], docRequired[typ])
	if raw != nil {
		in["hex"] = hex.EncodeToString(raw)
	} else {
		in["text"] = text
	}
	return in
}

var docTypes = []string{"Memory", "Content", "State", "ActionResult", "ProviderResult", "PluginManifest"}

// genSerialize makes documents of every type of serialize.roundtrip: the
// type's declared members, some dropped, repeated, retyped or joined by
// unknown ones, numbers past 2^53 or the double range, lone surrogates,
// deep nesting, broken syntax and bytes that are not UTF-8 (where the
// Rust crate's serde types and JSON.parse part from the spec).
func genSerialize(r *rand.Rand) Input {
	typ := docTypes[r.IntN(len(docTypes))]
	return genDoc(r, typ, Input{"type": typ})
}

// genManifest makes plugin manifests the same way (spec/manifest.md).
func genManifest(r *rand.Rand) Input {
	return genDoc(r, "PluginManifest", Input{})
}

var surrogateEscape = regexp.MustCompile(`\\u[dD][89abAB][0-9a-fA-F]{2}`)

// docShape: the features of a JSON document that decide how typed
// decoders treat it: not UTF-8, not JSON, repeated members, members the
// type does not declare, nulls, numbers beyond 2^53 or the double range,
// fractions or exponents, surrogate escapes, nesting past 64.
func docShape(in Input) string {
	typ, _ := in["type"].(string)
	var data []byte
	if t, ok := in["text"].(string); ok {
		data = []byte(t)
	} else {
		h, _ := in["hex"].(string)
		data, _ = hex.DecodeString(h)
	}
	if !utf8.Valid(data) {
		return "doc=ill-formed"
	}
	if !json.Valid(data) {
		return "doc=syntax"
	}
	feats := map[string]bool{}
	if surrogateEscape.Match(data) {
		feats["surrogate"] = true
	}
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		feats["bom"] = true
	}
	known := map[string]bool{}
	for _, m := range docTemplates[typ] {
		var k string
		_ = json.Unmarshal([]byte(m.key), &k)
		known[k] = true
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // the next token is a key
	}
	var stack []*frame
	maxDepth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		isKey := top != nil && top.obj && top.key
		if top != nil && top.obj {
			top.key = !top.key
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.obj {
					top.key = true // the value is done once it closes
				}
				stack = append(stack, &frame{obj: t == '{', keys: map[string]bool{}, key: true})
				maxDepth = max(maxDepth, len(stack))
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].obj {
					stack[len(stack)-1].key = true
				}
			}
			continue
		case string:
			if isKey {
				if top.keys[t] {
					feats["duplicate"] = true
				}
				top.keys[t] = true
				if len(stack) == 1 && typ != "" && !known[t] {
					feats["unknown-member"] = true
				}
			}
		case nil:
			feats["null"] = true
		case json.Number:
			s := string(t)
			if strings.ContainsAny(s, ".eE") {
				f, _, err := big.ParseFloat(s, 10, 2000, big.ToNearestEven)
				switch {
				case err != nil:
				case f.IsInt():
					feats["integral-float"] = true
				default:
					feats["fraction"] = true
				}
				if strings.ContainsAny(s, "eE") {
					if v, _ := f.Float64(); v == 0 && f.Sign() != 0 || f.MantExp(nil) > 1024 {
						feats["double-range"] = true
					}
				}
			} else if n, ok := new(big.Int).SetString(s, 10); ok && new(big.Int).Abs(n).Cmp(big.NewInt(1<<53-1)) > 0 {
				feats["unsafe-integer"] = true
			}
		}
	}
	if maxDepth > 64 {
		feats["deep"] = true
	}
	var fs []string
	for f := range feats {
		fs = append(fs, f)
	}
	// The type is no shape: the peers' deviations (serde's errors without
	// a kind, undeclared members dropped, JSON.parse's rounding) are the
	// same for every type.
	return "doc=" + first(fs, "surrogate", "deep", "duplicate", "unsafe-integer", "double-range", "unknown-member", "null", "fraction", "integral-float")
}
