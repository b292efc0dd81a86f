package suite

import (
	"errors"
	"testing"
)

func TestSerializeBadInputIsAHarnessError(t *testing.T) {
	run, ok := Lookup("serialize.roundtrip")
	if !ok {
		t.Fatal("serialize.roundtrip is not registered")
	}
	for _, in := range []string{
		`{"type":"Memory"}`,
		`{"type":"Memory","text":"{}","hex":"7b7d"}`,
		`{"type":"Unknown","text":"{}"}`,
		`{"type":"Content","hex":"7g"}`,
		`{"text":"{}"}`,
		`{"type":"Content","text":"{}","extra":1}`,
	} {
		if _, err := run([]byte(in)); !errors.Is(err, ErrInput) {
			t.Errorf("%s: got %v, want a harness error", in, err)
		}
	}
}

func TestSerializeOutcomes(t *testing.T) {
	run, _ := Lookup("serialize.roundtrip")
	for in, want := range map[string]string{
		`{"type":"Content","text":"{\"b\":1,\"a\":[1.0]}"}`: `output "{\"a\":[1],\"b\":1}"`,
		`{"type":"Content","hex":"7b2278223aff7d"}`:         `error invalid_utf8`,
		`{"type":"State","text":"{\"values\":{}}"}`:         `error missing_field at "/data"`,
		`{"type":"ActionResult","text":"{\"success\":1}"}`:  `error invalid_type at "/success"`,
	} {
		got, err := run([]byte(in))
		if err != nil || got.String() != want {
			t.Errorf("%s: got %v, %v; want %s", in, got, err, want)
		}
	}
}
