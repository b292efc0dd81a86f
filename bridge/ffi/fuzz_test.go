package ffi

import (
	"encoding/json"
	"testing"
)

// FuzzErrorObject checks the fast reading of the ABI's failure object
// against a plain decode: a result is a failure exactly when it is a JSON
// object whose only member is "error", a string.
func FuzzErrorObject(f *testing.F) {
	for _, s := range []string{`{"error":"x"}`, ` { "error" : "x" } `, `{"error":"x","success":false}`, `{"success":false,"error":"x"}`,
		`{"error":1}`, `{"error":"x"`, `null`, `{}`, `{"error":"a\u0000b"}`, `{"error":"x","error":"y"}`, `{"\u0065rror":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, ok := errorObject(raw)
		var obj map[string]json.RawMessage
		want := json.Unmarshal(raw, &obj) == nil && obj != nil && len(obj) == 1
		var wantMsg string
		if want {
			e, has := obj["error"]
			want = has && json.Unmarshal(e, &wantMsg) == nil
		}
		// A duplicate "error" key decodes to one member either way.
		if ok != want || msg != wantMsg {
			t.Fatalf("errorObject(%q) = %q, %v; a plain decode says %q, %v", raw, msg, ok, wantMsg, want)
		}
	})
}
