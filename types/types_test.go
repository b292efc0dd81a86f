package types_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/interopkit/interop/types"
)

// fullMemory is a Memory with every member set, built in Go.
func fullMemory() types.Memory {
	return types.Memory{
		ID:        new("id-1"),
		EntityID:  "e",
		AgentID:   new("a"),
		CreatedAt: new(int64(1704067200000)),
		Content: types.Content{
			Text:           new("hi <&> \u2028"),
			Actions:        []string{"REPLY"},
			Providers:      []string{},
			Attachments:    []types.Media{{ID: "m", URL: "u", ContentType: new("image")}},
			MentionContext: &types.MentionContext{IsMention: true},
			Data:           map[string]any{"k": []any{1.5, "x", nil, true}},
			Extra:          map[string]any{"custom": map[string]any{"b": 1, "a": int64(2)}},
		},
		Embedding:  []float64{0.1, -0.0, 1e-7},
		RoomID:     "r",
		Unique:     new(false),
		Similarity: new(0.5),
		Metadata:   &types.MemoryMetadata{Type: new("message"), Timestamp: new(int64(-1)), Tags: []string{"t"}},
		Extra:      map[string]any{"\U0001F600": "astral", "\uff61": "halfwidth"},
	}
}

const fullMemoryJSON = `{"agentId":"a","content":{"actions":["REPLY"],"attachments":[{"contentType":"image","id":"m","url":"u"}],` +
	`"custom":{"a":2,"b":1},"data":{"k":[1.5,"x",null,true]},"mentionContext":{"isMention":true,"isReply":false,"isThread":false},` +
	`"providers":[],"text":"hi <&> ` + "\u2028" + `"},"createdAt":1704067200000,"embedding":[0.1,0,1e-7],"entityId":"e","id":"id-1",` +
	`"metadata":{"tags":["t"],"timestamp":-1,"type":"message"},"roomId":"r","similarity":0.5,"unique":false,` +
	`"` + "\U0001F600" + `":"astral","` + "\uff61" + `":"halfwidth"}`

func TestMarshalCanonical(t *testing.T) {
	m := fullMemory()
	got, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != fullMemoryJSON {
		t.Fatalf("got  %s\nwant %s", got, fullMemoryJSON)
	}
	var back types.Memory
	if err := back.UnmarshalJSON(got); err != nil {
		t.Fatal(err)
	}
	again, err := back.MarshalJSON()
	if err != nil || string(again) != string(got) {
		t.Fatalf("second write differs: %s, %v", again, err)
	}
	// Reading gives the encoding/json shapes: integers come back as float64,
	// -0 as 0; everything else is as built.
	m.Content.Extra["custom"] = map[string]any{"a": 2.0, "b": 1.0}
	m.Embedding[1] = 0
	if !reflect.DeepEqual(back, m) {
		t.Fatalf("read back %+v\nwant      %+v", back, m)
	}
}

func TestNilAndEmpty(t *testing.T) {
	for _, tc := range []struct {
		c    types.Content
		want string
	}{
		{types.Content{}, `{}`},
		{types.Content{Actions: []string{}, Data: map[string]any{}, Extra: map[string]any{}}, `{"actions":[],"data":{}}`},
		{types.Content{Text: new("")}, `{"text":""}`},
	} {
		got, err := tc.c.MarshalJSON()
		if err != nil || string(got) != tc.want {
			t.Errorf("got %s, %v; want %s", got, err, tc.want)
		}
	}
	// Required members are always written, zero or not.
	got, err := types.State{}.MarshalJSON()
	if err != nil || string(got) != `{"data":{},"text":"","values":{}}` {
		t.Errorf("zero State: %s, %v", got, err)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	const secret = "sk-live-0123456789abcdef"
	for _, tc := range []struct {
		in     string
		kind   error
		path   string
		offset int
	}{
		{`{"entityId":"e","roomId":"r","content":{"text":["` + secret + `"]}}`, types.ErrType, "/content/text", 47},
		{`{"entityId":"e","roomId":"r","content":{}`, types.ErrSyntax, "", 41},
		{`{"entityId":"e","roomId":"r","content":{},"x":1,"x":2}`, types.ErrDuplicateKey, "/x", 48},
		{`{"entityId":"e","roomId":"r","content":{"n":1e16}}`, types.ErrRange, "/content/n", 44},
		{`{"entityId":"e","content":{}}`, types.ErrMissing, "/roomId", 28},
		{`{"entityId":"e","roomId":null,"content":{}}`, types.ErrMissing, "/roomId", 16},
		{`{"entityId":"e","roomId":"r","content":{"t":"\udc00"}}`, types.ErrInvalidUTF8, "", 45},
		{"{\"entityId\":\"\xff\"}", types.ErrInvalidUTF8, "", 13},
		{`{"entityId":"e","roomId":"r","content":{"x":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}}`, types.ErrTooDeep, "", 1042},
		{`{"a/b~":{"c":[0,1e999]}}`, types.ErrRange, "/a~1b~0/c/1", 16},
	} {
		var m types.Memory
		m.EntityID = "unchanged"
		err := m.UnmarshalJSON([]byte(tc.in))
		var e *types.Error
		if !errors.As(err, &e) || !errors.Is(err, tc.kind) {
			t.Errorf("%.60s: got %v, want %v", tc.in, err, tc.kind)
			continue
		}
		if (tc.kind != types.ErrSyntax && tc.kind != types.ErrInvalidUTF8 && tc.kind != types.ErrTooDeep && e.Path != tc.path) || e.Offset != tc.offset {
			t.Errorf("%.60s: at %q offset %d, want %q offset %d", tc.in, e.Path, e.Offset, tc.path, tc.offset)
		}
		if strings.Contains(err.Error(), secret) || !strings.HasPrefix(err.Error(), "types: ") {
			t.Errorf("message %q", err)
		}
		if m.EntityID != "unchanged" {
			t.Errorf("%.60s: value changed on error", tc.in)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	var c types.Content
	err := c.UnmarshalJSON([]byte(`{"mentionContext":{"isMention":1}}`))
	want := `types: wrong type at "/mentionContext/isMention": expected boolean, found number (offset 31)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

func TestMarshalErrors(t *testing.T) {
	cyclic := &types.Content{}
	cyclic.ActionCallbacks = cyclic
	deep := any(nil)
	for range types.MaxDepth {
		deep = []any{deep}
	}
	for name, tc := range map[string]struct {
		v    json.Marshaler
		kind error
		path string
	}{
		"extra repeats declared":   {types.Content{Extra: map[string]any{"text": "x"}}, types.ErrDuplicateKey, "/text"},
		"invalid utf-8 value":      {types.Content{Text: new("a\xffb")}, types.ErrInvalidUTF8, "/text"},
		"invalid utf-8 extra name": {types.Content{Extra: map[string]any{"\xff": 1}}, types.ErrInvalidUTF8, "/\xff"},
		"NaN":                      {types.Memory{Similarity: new(math.NaN())}, types.ErrRange, "/similarity"},
		"unsafe float":             {types.ActionResult{Values: map[string]any{"n": 1e16}}, types.ErrRange, "/values/n"},
		"unsafe timestamp":         {types.Memory{CreatedAt: new(int64(1 << 53))}, types.ErrRange, "/createdAt"},
		"unsupported Go type":      {types.ProviderResult{Data: map[string]any{"s": struct{}{}}}, types.ErrType, "/data/s"},
		"config not scalar":        {types.PluginManifest{Config: map[string]any{"k": []any{}}}, types.ErrType, "/config/k"},
		"cycle":                    {*cyclic, types.ErrTooDeep, ""},
		"too deep":                 {types.Content{Extra: map[string]any{"d": deep}}, types.ErrTooDeep, ""},
	} {
		_, err := tc.v.MarshalJSON()
		var e *types.Error
		if !errors.As(err, &e) || !errors.Is(err, tc.kind) {
			t.Errorf("%s: got %v, want %v", name, err, tc.kind)
			continue
		}
		if tc.path != "" && e.Path != tc.path || e.Offset != -1 {
			t.Errorf("%s: at %q offset %d, want %q", name, e.Path, e.Offset, tc.path)
		}
	}
}

// TestEncodingJSON shows the package inside encoding/json: the methods are
// used, but json.Marshal rewrites <, > and & (the reason to call
// MarshalJSON directly), and json.Unmarshal reports syntax errors itself.
func TestEncodingJSON(t *testing.T) {
	var wrapper struct {
		M types.Memory `json:"m"`
	}
	in := `{"m":{"entityId":"e","roomId":"r","content":{"text":"<b>"}}}`
	if err := json.Unmarshal([]byte(in), &wrapper); err != nil {
		t.Fatal(err)
	}
	if *wrapper.M.Content.Text != "<b>" {
		t.Fatalf("text %q", *wrapper.M.Content.Text)
	}
	got, err := json.Marshal(wrapper)
	if err != nil || string(got) != `{"m":{"content":{"text":"\u003cb\u003e"},"entityId":"e","roomId":"r"}}` {
		t.Fatalf("json.Marshal: %s, %v", got, err)
	}
	err = json.Unmarshal([]byte(`{"m":{"entityId":"e","roomId":"r","content":{"text":1}}}`), &wrapper)
	if !errors.Is(err, types.ErrType) {
		t.Fatalf("json.Unmarshal: %v", err)
	}
}

func TestManifest(t *testing.T) {
	in := `{"name":"p","description":"d","config":{"A":null,"B":1,"C":"s","D":true},` +
		`"routes":[{"path":"/r","type":"GET"}],"actions":[{"name":"A","description":"a","similes":null,` +
		`"examples":[[{"name":"u","content":{"text":"hi"}}]]}],"events":{"E":["h"]}}`
	var m types.PluginManifest
	if err := m.UnmarshalJSON([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if v, ok := m.Config["A"]; !ok || v != nil {
		t.Errorf("config null not kept: %v %v", v, ok)
	}
	if m.Routes[0].Method != nil || m.Routes[0].Extra["type"] != "GET" {
		t.Errorf("route %+v", m.Routes[0])
	}
	if m.Actions[0].Similes != nil || *m.Actions[0].Examples[0][0].Content.Text != "hi" {
		t.Errorf("action %+v", m.Actions[0])
	}
	got, err := m.MarshalJSON()
	want := `{"actions":[{"description":"a","examples":[[{"content":{"text":"hi"},"name":"u"}]],"name":"A"}],` +
		`"config":{"A":null,"B":1,"C":"s","D":true},"description":"d","events":{"E":["h"]},"name":"p","routes":[{"path":"/r","type":"GET"}]}`
	if err != nil || string(got) != want {
		t.Fatalf("got  %s, %v\nwant %s", got, err, want)
	}
}

// TestEveryTypeRoundTrips reads a document with every member of every
// exported type and checks that each type's own methods agree with the
// enclosing type's.
func TestEveryTypeRoundTrips(t *testing.T) {
	state := `{"data":{"actionPlan":{"currentStep":0,"metadata":{},"steps":[{"action":"A","error":"e",` +
		`"result":{"success":true},"status":"failed","x":1}],"thought":"t","totalSteps":1,"x":1},` +
		`"actionResults":[{"continueChain":true,"data":{},"error":"e","success":false,"text":"t","values":{},"x":1}],` +
		`"entity":{},"providers":{"P":{"data":{},"text":"t","values":{},"x":1}},"room":{},` +
		`"workingMemory":{"w":{"actionName":"A","result":{"success":true},"timestamp":5,"x":1}},"world":{},"x":1},` +
		`"text":"","values":{"actionNames":"a","agentName":"n","providers":"p","x":1},"x":1}`
	var s types.State
	if err := s.UnmarshalJSON([]byte(state)); err != nil {
		t.Fatal(err)
	}
	got, err := s.MarshalJSON()
	if err != nil || string(got) != state {
		t.Fatalf("got  %s, %v\nwant %s", got, err, state)
	}
	parts := map[string]json.Marshaler{
		`{"actionNames":"a","agentName":"n","providers":"p","x":1}`:                    s.Values,
		`{"actionName":"A","result":{"success":true},"timestamp":5,"x":1}`:             s.Data.WorkingMemory["w"],
		`{"action":"A","error":"e","result":{"success":true},"status":"failed","x":1}`: s.Data.ActionPlan.Steps[0],
	}
	for want, v := range parts {
		if got, err := v.MarshalJSON(); err != nil || string(got) != want {
			t.Errorf("%T: %s, %v; want %s", v, got, err, want)
		}
	}
	for _, v := range []json.Unmarshaler{new(types.MemoryMetadata), new(types.Media), new(types.MentionContext),
		new(types.StateValues), new(types.StateData), new(types.WorkingMemoryEntry), new(types.ActionPlan),
		new(types.ActionPlanStep), new(types.Interop), new(types.ActionDefinition), new(types.ActionExample),
		new(types.ProviderDefinition), new(types.EvaluatorDefinition), new(types.ServiceDefinition), new(types.RouteDefinition)} {
		if err := v.UnmarshalJSON([]byte(`[]`)); !errors.Is(err, types.ErrType) {
			t.Errorf("%T: %v", v, err)
		}
		if err := v.UnmarshalJSON([]byte(`{"zz":[1,{"b":null}]}`)); err != nil && !errors.Is(err, types.ErrMissing) {
			t.Errorf("%T: %v", v, err)
		}
	}
}
