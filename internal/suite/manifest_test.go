package suite

import (
	"testing"
)

func TestManifestInputIsAHarnessError(t *testing.T) {
	run, ok := Lookup("manifest.validate")
	if !ok {
		t.Fatal("manifest.validate is not registered")
	}
	for _, in := range []string{`{}`, `{"text":"{}","hex":"7b7d"}`, `{"hex":"zz"}`, `{"text":1}`, `{"manifest":{}}`} {
		if _, err := run([]byte(in)); err == nil {
			t.Errorf("%s: want a harness error", in)
		}
	}
	got, err := run([]byte(`{"hex":"7b2261223a312c2261223a327d"}`)) // {"a":1,"a":2}
	if err != nil || got.Error != "duplicate_key" || got.ErrorAt == nil || *got.ErrorAt != "/a" {
		t.Errorf("duplicate member: got %+v, %v", got, err)
	}
	got, err = run([]byte(`{"text":"[]"}`))
	if err != nil || string(got.Output) != `{"valid":false,"errors":[{"pointer":"","rule":"type"}]}` {
		t.Errorf("array document: got %s, %v", got.Output, err)
	}
}
