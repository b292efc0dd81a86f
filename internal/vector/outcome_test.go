package vector

import (
	"encoding/json"
	"testing"
)

func TestAllowsOnlyListedAnswers(t *testing.T) {
	c := Case{ID: "a", Output: json.RawMessage(`"none"`), Result: Acceptable,
		Upstream: map[string]Observation{"ts": {Output: json.RawMessage(`"v2"`)}, "py": {Error: "not_envelope"}}}
	for _, tt := range []struct {
		got  Outcome
		want bool
	}{
		{Outcome{Output: json.RawMessage(`"none"`)}, true},
		{Outcome{Output: json.RawMessage(`"v2"`)}, true},
		{Outcome{Error: "not_envelope"}, true},
		{Outcome{Output: json.RawMessage(`"banana"`)}, false},
		{Outcome{Error: "malformed"}, false},
		{Outcome{Raised: "TypeError"}, false},
		{Outcome{Fault: "bug"}, false},
		{Outcome{Error: "unspecified"}, false},
	} {
		if got := c.Allows(tt.got); got != tt.want {
			t.Errorf("Allows(%s) = %v", tt.got, got)
		}
	}
	c.Result = Valid // a valid case allows the spec's answer only
	if c.Allows(Outcome{Output: json.RawMessage(`"v2"`)}) {
		t.Error("a valid case tolerates an upstream answer")
	}
}

func TestLoneSurrogatesAreNotReplacementCharacters(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{`"x\ufffd"`, `"x\ud83d"`, false},
		{`"x\ud83d"`, `"x\ud83d"`, true},
		{`"x\ud83d\ude00"`, `"x😀"`, true},
		{`"x\ude00"`, `"x\ufffd"`, false},
		{`"a\\ud83d"`, `"a\\ud83d"`, true}, // an escaped backslash, not an escape
		{`{"a":1,"b":"\ud800"}`, `{"a":1,"b":"\ud800"}`, true},
	} {
		if got := JSONEqual(json.RawMessage(tt.a), json.RawMessage(tt.b)); got != tt.want {
			t.Errorf("JSONEqual(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
	if hasLoneSurrogate([]byte(`"a\\ud83d"`)) {
		t.Error(`an escaped backslash before "ud83d" is not an escape`)
	}
}

func TestFingerprint(t *testing.T) {
	at := "/a"
	for _, tt := range []struct {
		o    Outcome
		want string
	}{
		{Outcome{Error: "malformed"}, "error malformed"},
		{Outcome{Error: "syntax", ErrorAt: &at}, "error syntax@/a"},
		{Outcome{Raised: "ValueError"}, "raised ValueError"},
		{Outcome{Fault: "anything"}, "fault"},
	} {
		if got := tt.o.Fingerprint(); got != tt.want {
			t.Errorf("%s: %q", tt.o, got)
		}
	}
	a := Outcome{Output: json.RawMessage(`{"b": 1, "a": [true, "x"]}`)}.Fingerprint()
	b := Outcome{Output: json.RawMessage(`{"a":[true,"x"],"b":1}`)}.Fingerprint()
	c := Outcome{Output: json.RawMessage(`{"a":[true,"y"],"b":1}`)}.Fingerprint()
	if a != b || a == c || len(a) != len("output ")+16 {
		t.Errorf("output fingerprints %q %q %q", a, b, c)
	}
}
