package redact

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func decodeNumbers(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		in, want string
	}{
		{"scalar", Config{}, `"password"`, `"password"`},
		{"top array", Config{}, `[{"token":1},2]`, `[{"token":"[REDACTED]"},2]`},
		{"object", Config{}, `{"a":{"b":[{"Secret":{"x":1}}]},"n":1.50}`, `{"a":{"b":[{"Secret":"[REDACTED]"}]},"n":1.50}`},
		{"src and event at the top", Config{}.WithKeys("src", "event"), `{"src":"a","event":"b","x":{"src":"c"}}`,
			`{"src":"a","event":"b","x":{"src":"[REDACTED]"}}`},
		{"off", Config{}.WithEnabled(false), `{"password":"p"}`, `{"password":"p"}`},
		{"big numbers kept exactly", Config{}, `{"n":123456789012345678901234567890}`, `{"n":123456789012345678901234567890}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := decodeNumbers(t, tt.in)
			got, err := json.Marshal(tt.cfg.JSON(in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(mustCompact(t, tt.want)) {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
			if again, _ := json.Marshal(in); string(again) != string(mustCompact(t, tt.in)) {
				t.Fatalf("input changed to %s", again)
			}
		})
	}
}

func mustCompact(t testing.TB, s string) []byte {
	t.Helper()
	var v any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return b
}

func TestJSONReturnsItsArgumentWhenClean(t *testing.T) {
	in := map[string]any{"a": []any{map[string]any{"b": 1}}}
	if out := (Config{}).JSON(in); reflect.ValueOf(out).UnsafePointer() != reflect.ValueOf(in).UnsafePointer() {
		t.Fatal("a clean value was copied")
	}
}

func TestJSONDepth(t *testing.T) {
	// chain(n) is an object whose innermost object has depth n.
	chain := func(n int, leaf any) any {
		v := leaf
		for range n {
			v = map[string]any{"l": v}
		}
		return v
	}
	inner := func(v any, n int) any {
		for range n {
			v = v.(map[string]any)["l"]
		}
		return v
	}
	out := Config{}.JSON(chain(MaxDepth-1, map[string]any{"token": "t", "k": 1}))
	if got := inner(out, MaxDepth-1); !reflect.DeepEqual(got, map[string]any{"token": Censor, "k": 1}) {
		t.Fatalf("depth %d: %v", MaxDepth-1, got)
	}
	out = Config{}.JSON(chain(MaxDepth, map[string]any{"k": 1}))
	if got := inner(out, MaxDepth-1).(map[string]any)["l"]; got != Truncated {
		t.Fatalf("depth %d: %v", MaxDepth, got)
	}
	out = Config{}.JSON(chain(MaxDepth-1, map[string]any{"auth": map[string]any{}, "a": []any{}}))
	if got := inner(out, MaxDepth-1); !reflect.DeepEqual(got, map[string]any{"auth": Censor, "a": Truncated}) {
		t.Fatalf("depth %d: %v", MaxDepth, got)
	}
}

func TestJSONBudget(t *testing.T) {
	// Shared at every level: 2^40 members as a tree.
	var v any = "leaf"
	for range 40 {
		v = []any{v, v}
	}
	if got := (Config{}).JSON(v); got != Truncated {
		t.Fatalf("got %T", got)
	}
	big := make([]any, valMaxNodes-1)
	if got := (Config{}).JSON(big); reflect.ValueOf(got).Pointer() != reflect.ValueOf(big).Pointer() {
		t.Fatal("a value within the budget was changed")
	}
}

// The rewritten form of a struct has the keys encoding/json gives it.
type (
	tEmbedA struct {
		A, Shared string
		Tagged    string `json:"t"`
	}
	tEmbedB struct {
		B, Shared string
		Other     string `json:"t"`
	}
	tEmbedC struct{ C string }
	tEmbedD struct{ tEmbedC }
	tEmbedE struct{ tEmbedC }
	tLayout struct {
		tEmbedA
		*tEmbedB
		tEmbedD // tEmbedC twice at the same depth: C conflicts
		tEmbedE
		Name     string  `json:"name,omitempty"`
		Empty    string  `json:",omitempty"`
		Zero     int     `json:"zero,omitzero"`
		Ptr      *string `json:"ptr"`
		Renamed  int     `json:"re-named"`
		BadTag   int     `json:"a\"b"`
		Dash     int     `json:"-,"`
		Skipped  int     `json:"-"`
		password string  // forces the rewrite; never shown
	}
)

func TestStructLayoutMatchesEncodingJSON(t *testing.T) {
	for _, v := range []tLayout{
		{},
		{tEmbedA: tEmbedA{A: "a", Shared: "s", Tagged: "t"}, tEmbedB: &tEmbedB{B: "b", Shared: "s2", Other: "o"}, Name: "n", Zero: 1, password: "p"},
		{tEmbedD: tEmbedD{tEmbedC{"c"}}, Renamed: 2, BadTag: 3, Dash: 4, Skipped: 5},
	} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rewritten := Config{}.JSON(v)
		if _, ok := rewritten.(map[string]any); !ok {
			t.Fatalf("not rewritten: %T", rewritten)
		}
		got, _ := json.Marshal(rewritten)
		if string(mustCompact(t, string(got))) != string(mustCompact(t, string(want))) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

func TestValueFieldNames(t *testing.T) {
	type secretTag struct {
		Name string `json:"token"`
		Key  string `json:"k"`
	}
	got := Config{}.WithKeys("key").JSON(secretTag{Name: "n", Key: "v"})
	want := map[string]any{"token": Censor, "k": Censor} // by JSON name; by Go name
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
}
