package suite

import "testing"

func TestRedactTextBadInput(t *testing.T) {
	for suite, inputs := range map[string][]string{
		"redact.text":    {`{}`, `{"text":"a","hex":"61"}`, `{"hex":"6"}`, `{"hex":"zz"}`, `{"text":1}`, `{"text":"a","x":1}`},
		"redact.secrets": {`{"text":"a"}`, `{"secrets":{}}`, `{"text":"a","secrets":{"A":1}}`, `{"text":"a","secrets":[]}`},
	} {
		run, ok := Lookup(suite)
		if !ok {
			t.Fatalf("%s is not registered", suite)
		}
		for _, in := range inputs {
			if _, err := run([]byte(in)); err == nil {
				t.Errorf("%s %s: want a harness error", suite, in)
			}
		}
	}
	run, _ := Lookup("redact.text")
	got, err := run([]byte(`{"hex":"4b45593dff"}`))
	if err != nil || string(got.Output) != `"KEY=***"` {
		t.Errorf("hex input: %s, %v", got.Output, err)
	}
}
