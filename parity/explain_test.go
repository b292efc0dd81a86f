package parity

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/interopkit/interop/internal/fuzzgen"
	"github.com/interopkit/interop/internal/secretscan"
	"github.com/interopkit/interop/internal/vector"
)

func TestHexFieldReaders(t *testing.T) {
	for _, tc := range []struct {
		read     func(string) (string, bool)
		in, want string
		ok       bool
	}{
		{lenientHex, "00-11Zz2", "0011", true},
		{lenientHex, "", "", true},
		{lenientHex, "咩", "", true},
		{lenientHex, "abc", "ab", true},
		{fromhexSpaces, "00 11\n22", "001122", true},
		{fromhexSpaces, " 0011 ", "0011", true},
		{fromhexSpaces, "0 011", "", false},               // inside a pair: bytes.fromhex fails
		{fromhexSpaces, "00\u00a011", "00\u00a011", true}, // not ASCII white space: left for the hex reader to refuse
		{fromhexSpaces, "00\v11\f22\r", "001122", true},
	} {
		got, ok := tc.read(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("%q: got %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRewriteHexFields(t *testing.T) {
	for _, tc := range []struct {
		in   fuzzgen.Input
		want string // the rewritten value, "" for no rewrite
	}{
		{fuzzgen.Input{"value": "550E8400E29B41D4A716-446655440000:咩"}, "550E8400E29B41D4A716446655440000:"},
		{fuzzgen.Input{"salt": "s", "value": "v2:0a-0b:zz:0c"}, "v2:0a0b::0c"},
		{fuzzgen.Input{"salt": "s", "plaintext": "00112233445566778899aabbccddeeff:a:b"}, "00112233445566778899aabbccddeeff::"},
		{fuzzgen.Input{"value": "no colon-"}, ""},
		{fuzzgen.Input{"value": "0011:2233"}, ""}, // nothing to delete
		{fuzzgen.Input{"value": 7}, ""},
	} {
		got, ok := rewriteHexFields(tc.in, lenientHex)
		key := "value"
		if _, pt := tc.in["plaintext"]; pt {
			key = "plaintext"
		}
		switch {
		case tc.want == "" && ok:
			t.Errorf("%v rewritten to %v", tc.in, got)
		case tc.want != "" && tc.in[key] == tc.want && ok:
			t.Errorf("%v: unchanged value reported as a rewrite", tc.in)
		case tc.want != "" && tc.in[key] != tc.want && (!ok || got[key] != tc.want):
			t.Errorf("%v: got %v %v, want %q", tc.in, got, ok, tc.want)
		}
		if ok && tc.in["salt"] != nil && got["salt"] != tc.in["salt"] {
			t.Errorf("salt lost: %v", got)
		}
	}
	// The caller's input is not changed.
	in := fuzzgen.Input{"value": "00 11:22"}
	if _, ok := rewriteHexFields(in, fromhexSpaces); !ok || in["value"] != "00 11:22" {
		t.Fatalf("input changed: %v", in)
	}
}

// The model reproduces upstream's report exactly: the trimmed line,
// secret included, for every finding of the reference.
func TestLinesInClear(t *testing.T) {
	text := "first\n  APIKEY=_\u0085S9J-BU \r\nghp_" + strings.Repeat("a", 36) + "\n"
	findings := secretscan.ScanText(text)
	ref, _ := json.Marshal(findings)
	got, ok := linesInClear(fuzzgen.Input{"text": text}, vector.Outcome{Output: ref})
	if !ok {
		t.Fatal("no answer")
	}
	var out []secretscan.Finding
	json.Unmarshal(got.Output, &out)
	if len(out) != len(findings) || len(out) < 2 {
		t.Fatalf("findings %v", out)
	}
	for i, f := range out {
		if f.Line != findings[i].Line || f.Rule != findings[i].Rule || f.Severity != findings[i].Severity {
			t.Errorf("finding %d changed: %+v", i, f)
		}
	}
	if out[0].Text != "APIKEY=_\u0085S9J-BU" || out[len(out)-1].Text != "ghp_"+strings.Repeat("a", 36) {
		t.Errorf("texts %+v", out)
	}
	for _, bad := range []vector.Outcome{{Error: "x"}, {Output: json.RawMessage(`[]`)}, {Output: json.RawMessage(`[{"line": 9}]`)}} {
		if _, ok := linesInClear(fuzzgen.Input{"text": text}, bad); ok {
			t.Errorf("answered for %v", bad)
		}
	}
}

// detectWSFile has one case of the white-space sort: with it listed, the
// explanation is in force; the fuzz inputs show the sort in other shapes.
const detectWSFile = `{
  "schema": "vectors/envelope.detect.schema.json", "suite": "envelope.detect", "specVersion": "v1",
  "description": "test vectors", "generator": {"name": "test", "upstream": "none"}, "notes": {},
  "cases": [
    {"id": "d-ws", "description": "a space between pairs of a v1 IV", "input": {"value": "00112233 445566778899aabbccddeeff:00"}, "output": "none", "result": "valid", "flags": []}
  ]
}`

func wsConfig(t *testing.T, mode string, known map[string]*KnownFailures) FuzzConfig {
	return FuzzConfig{
		Peers:   []PeerSpec{fake(t, "go", "good"), fake(t, "fake", mode)},
		Suites:  []string{"envelope.detect"},
		N:       1500,
		Seed:    11,
		Vectors: withFiles(map[string]string{"envelope.detect/ws.json": detectWSFile}),
		Known:   known, CaseTimeout: 5 * time.Second, StartTimeout: 10 * time.Second,
	}
}

func listed(t *testing.T, answer string) map[string]*KnownFailures {
	fp := vector.Outcome{Output: json.RawMessage(answer)}.Fingerprint()
	return map[string]*KnownFailures{"fake": {Peer: "fake", Failures: []KnownEntry{{Case: "d-ws", Suite: "envelope.detect", Observed: fp, Reason: "white space skipped"}}}}
}

// A sort of deviation modelled by an explanation is known in every shape
// once one case of it is listed; set the entry aside and it is found
// again; a peer whose listed answer the model does not reproduce gets no
// explanation in force.
func TestFuzzExplanationMakesASortKnown(t *testing.T) {
	defer checkLeaks(t)()
	name := explanations[0].name
	rep, err := Fuzz(context.Background(), wsConfig(t, "wshex", listed(t, `"v1"`)))
	if err != nil {
		t.Fatal(err)
	}
	sr := rep.Suites[0]
	// The lenient model reads the listed case as the peer does too (it
	// deletes the space): both are in force, and each is still held to
	// what the peer answers.
	if !contains(sr.InForce["fake"], name) || sr.InForce["go"] != nil {
		t.Fatalf("in force: %v", sr.InForce)
	}
	explained := 0
	for _, n := range sr.Explained["fake"] {
		explained += n
	}
	// Explained inputs were, by construction, of no known shape.
	if rep.NewCauses() != 0 || explained == 0 || sr.Known["fake"] < explained {
		t.Fatalf("new causes %d, explained %v, known %v: %+v", rep.NewCauses(), sr.Explained, sr.Known, sr.Causes)
	}
	var b strings.Builder
	rep.WriteText(&b)
	if !strings.Contains(b.String(), "explanations in force for fake, inputs each made known: ") {
		t.Fatalf("summary:\n%s", b.String())
	}

	aside, err := Fuzz(context.Background(), wsConfig(t, "wshex", nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("listed: %d inputs made known by explanations %v; set aside: %d new causes", explained, sr.Explained["fake"], aside.NewCauses())
	if aside.NewCauses() == 0 || aside.Suites[0].InForce != nil || aside.Suites[0].Explained != nil {
		t.Fatalf("entry set aside: %d new causes, in force %v", aside.NewCauses(), aside.Suites[0].InForce)
	}

	// Another sort of bug with a listed case: the model does not
	// reproduce it, so nothing is in force and new shapes are new.
	other, err := Fuzz(context.Background(), wsConfig(t, "wsv2", listed(t, `"v2"`)))
	if err != nil {
		t.Fatal(err)
	}
	if other.Suites[0].InForce != nil || other.NewCauses() == 0 {
		t.Fatalf("another sort: in force %v, %d new causes", other.Suites[0].InForce, other.NewCauses())
	}
}
