package envcheck

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/vector"
)

func TestCanonical(t *testing.T) {
	iv, tag := "000102030405060708090a0b", "000102030405060708090a0b0c0d0e0f"
	for v, want := range map[string]bool{
		"v2:" + iv + ":6869:" + tag:                                true,
		"v2:" + iv + ":6869:" + "000102030405060708090A0B0C0D0E0F": false,
		"v2:" + iv + ":68:" + tag:                                  false,
		"v1:" + iv + ":6869:" + tag:                                false,
		"v2:" + iv + ":6869:" + tag + ":":                          false,
		"v2:" + iv[:22] + ":6869:" + tag:                           false,
	} {
		if got := Canonical(v, 2); got != want {
			t.Errorf("Canonical(%q) = %v, want %v", v, got, want)
		}
	}
}

func str(s string) vector.Outcome {
	b, _ := json.Marshal(s)
	return vector.Outcome{Output: b}
}

func statusOf(o vector.Outcome) string {
	var st struct{ Status string }
	json.Unmarshal(o.Output, &st)
	return st.Status
}

func seal(t *testing.T, salt, p string) string {
	t.Helper()
	k, err := envelope.NewKey(salt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.Seal(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeals(t *testing.T) {
	in := SealInput{Salt: "s", Plaintext: "hello"}
	a, b := seal(t, "s", "hello"), seal(t, "s", "hello")
	other := seal(t, "other salt", "hello")
	for _, tt := range []struct {
		name    string
		outs    []vector.Outcome
		want    string
		finding string
	}{
		{"two fresh envelopes", []vector.Outcome{str(a), str(b)}, StatusSealed, ""},
		{"the plaintext back", []vector.Outcome{str("hello"), str("hello")}, StatusUnchanged, LeftInClear},
		{"once in clear", []vector.Outcome{str(a), str("hello")}, StatusInconsistent, LeftInClear},
		{"the same IV twice", []vector.Outcome{str(a), str(a)}, StatusIVRepeated, ""},
		{"upper-case hex", []vector.Outcome{str("v2:" + strings.ToUpper(a[3:])), str(b)}, StatusNotCanonical, ""},
		{"another salt", []vector.Outcome{str(other), str(b)}, StatusDoesNotOpen, ""},
		{"not an envelope", []vector.Outcome{str("banana"), str(b)}, StatusNotEnvelope, ""},
		{"a status object", []vector.Outcome{{Output: json.RawMessage(`{"status":"sealed"}`)}, str(b)}, StatusNotString, ""},
	} {
		got, finding := Seals(in, tt.outs, StatusSealed)
		if statusOf(got) != tt.want || finding != tt.finding {
			t.Errorf("%s: %s %q, want %s %q", tt.name, got, finding, tt.want, tt.finding)
		}
	}
	// An error of the implementation is its outcome, unchanged.
	got, _ := Seals(in, []vector.Outcome{{Raised: "TypeError"}, str(a)}, StatusSealed)
	if got.Raised != "TypeError" {
		t.Errorf("raised: %s", got)
	}
	// Where the spec returns the value as is, the plaintext back is right.
	if got, finding := Seals(in, []vector.Outcome{str("hello"), str("hello")}, StatusUnchanged); statusOf(got) != StatusUnchanged || finding != "" {
		t.Errorf("unchanged: %s %q", got, finding)
	}
	// A v2 envelope of another plaintext of the same length.
	wrong := seal(t, "s", "HELLO")
	if got, _ := Seals(in, []vector.Outcome{str(wrong), str(b)}, StatusSealed); statusOf(got) != StatusWrongPlaintext {
		t.Errorf("wrong plaintext: %s", got)
	}
}

func TestMigrate(t *testing.T) {
	fresh := seal(t, "s", "legacy")
	p := "legacy"
	in := MigrateInput{Salt: "s", Value: "00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff"}
	for _, tt := range []struct {
		name    string
		out     vector.Outcome
		want    string
		finding string
	}{
		{"migrated", str(fresh), StatusMigrated, ""},
		{"unchanged", str(in.Value), StatusUnchanged, ""},
		{"plaintext in clear", str("legacy"), StatusNotEnvelope, LeftInClear},
		{"does not open", str(seal(t, "t", "legacy")), StatusDoesNotOpen, ""},
	} {
		got, finding := Migrate(in, tt.out, &p)
		if statusOf(got) != tt.want || finding != tt.finding {
			t.Errorf("%s: %s %q, want %s %q", tt.name, got, finding, tt.want, tt.finding)
		}
	}
}

func TestIVs(t *testing.T) {
	var envs []string
	for range 64 {
		envs = append(envs, seal(t, "s", "x"))
	}
	r, err := IVs(envs)
	if err != nil || r.Distinct != 64 || len(r.Constant) != 0 {
		t.Fatalf("random IVs: %+v %v", r, err)
	}
	same := []string{envs[0], envs[0]}
	if r, _ := IVs(same); r.Distinct != 1 || len(r.Constant) != 96 {
		t.Fatalf("one IV twice: %+v", r)
	}
	if _, err := IVs([]string{"banana"}); err == nil {
		t.Fatal("not an envelope: no error")
	}
}

func TestInterpretPassesOtherSuitesThrough(t *testing.T) {
	c := &vector.Case{ID: "x", Input: json.RawMessage(`{"value":"v"}`), Output: json.RawMessage(`"none"`)}
	got, finding := Interpret("envelope.detect", c, []vector.Outcome{str("none")})
	if string(got.Output) != `"none"` || finding != "" || Runs("envelope.detect") != 1 || Runs("envelope.roundtrip") != 2 {
		t.Fatalf("%s %q", got, finding)
	}
}
