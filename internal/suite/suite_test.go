package suite

import (
	"encoding/json"
	"testing"

	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/vectors"
)

// TestVectors runs the Go reference over every case of every vector file:
// the table of this test is vectors/.
func TestVectors(t *testing.T) {
	files, problems, err := vector.Read(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("invalid vector file: %s", p)
	}
	suites := map[string]int{}
	for _, f := range files {
		_, ok := Lookup(f.Suite)
		if !ok {
			t.Errorf("%s: suite %q has no Go implementation", f.Path, f.Suite)
			continue
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			suites[f.Suite]++
			t.Run(f.Suite+"/"+c.ID, func(t *testing.T) {
				got, finding, err := Check(f.Suite, c)
				if err != nil {
					t.Fatalf("%s: %v", c.Name(f), err)
				}
				if finding != "" {
					t.Errorf("%s: %s", c.Name(f), finding)
				}
				if !c.Matches(got) {
					t.Fatalf("%s (%s)\nwant %s\ngot  %s", c.Name(f), c.Description, c.Expected(), got)
				}
			})
		}
	}
	// Every suite the Go peer claims must have vectors, or its claim is
	// never checked.
	for _, name := range Names() {
		if suites[name] == 0 {
			t.Errorf("suite %s has no vector cases", name)
		}
	}
}

func TestBadInputIsAHarnessError(t *testing.T) {
	for suite, input := range map[string]string{
		"ids.string_to_uuid":     `{"kind":"string","value":1}`,
		"ids.create_unique_uuid": `{"agentId":"x"}`,
		"envelope.open_v2":       `{"salt":"s","value":"v","extra":1}`,
		"envelope.detect":        `[]`,
		"salt.policy":            `{"env":{"A":1}}`,
	} {
		run, _ := Lookup(suite)
		if _, err := run([]byte(input)); err == nil {
			t.Errorf("%s %s: want a harness error", suite, input)
		}
	}
	run, _ := Lookup("ids.string_to_uuid")
	for _, in := range []string{`{"kind":"float","value":"abc"}`, `{"kind":"bytes","hex":"zz"}`, `{"kind":"utf16","hex":"d80"}`, `{"kind":"what"}`} {
		if _, err := run([]byte(in)); err == nil {
			t.Errorf("%s: want a harness error", in)
		}
	}
}

// TestSuiteTable checks the one table of suites: each name once, and Names
// lists exactly the names Lookup finds.
func TestSuiteTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range suites() {
		if seen[s.name] {
			t.Errorf("suite %s is in the table twice", s.name)
		}
		seen[s.name] = true
		if s.run == nil {
			t.Errorf("suite %s has no function", s.name)
		}
	}
	names := Names()
	if len(names) != len(seen) {
		t.Fatalf("Names lists %d suites, the table has %d", len(names), len(seen))
	}
	for _, n := range names {
		if _, ok := Lookup(n); !ok {
			t.Errorf("Lookup(%q) finds nothing", n)
		}
	}
	if _, ok := Lookup("no.such.suite"); ok {
		t.Error("Lookup finds a suite that is not in the table")
	}
}

// A member with an empty name and a null value is logged like any other:
// slog alone would drop it as a zero attribute (a case the fuzzer found).
func TestRedactContextEmptyKeyNull(t *testing.T) {
	out, err := redactContextSuite(json.RawMessage(`{"context":{"":null,"a":null,"password":null}}`))
	if err != nil || out.Error != "" {
		t.Fatalf("redact.context: %+v, %v", out, err)
	}
	if !vector.JSONEqual(out.Output, json.RawMessage(`{"":null,"a":null,"password":"[REDACTED]"}`)) {
		t.Fatalf("logged %s", out.Output)
	}
}
