package parity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/interopkit/interop/internal/envcheck"
	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/suite"
	"github.com/interopkit/interop/internal/vector"
)

// threeFields is the plaintext shape the Rust crate leaves in clear: its
// v1 check splits at the first colon.
var threeFields = regexp.MustCompile(`^[0-9a-fA-F]{32}:[^:]*:`)

// fuzzFakeAnswer injects the Rust crate's bug into the fake peer:
//
//	clear3  returns a roundtrip plaintext "<32 hex>:…:…" as is (left in clear)
//	crash3  crashes on such a plaintext
//	wshex   detects envelopes with ASCII white space deleted from each
//	        field made of hex pairs and white space (Python's bytes.fromhex)
//	wsv2    answers "v2" to every value with white space in it
//	wsempty as wshex (detect and open_v1), and answers "v2" to a v1
//	        envelope with an empty ciphertext
func fuzzFakeAnswer(kind string, m *peerproto.Message, res *peerproto.Message) bool {
	if kind == "wshex" || kind == "wsv2" || kind == "wsempty" {
		return fakeWhiteSpace(kind, m, res)
	}
	if m.Suite != "envelope.roundtrip" {
		return false
	}
	var in envcheck.SealInput
	if json.Unmarshal(m.Input, &in) != nil || !threeFields.MatchString(in.Plaintext) {
		return false
	}
	if kind == "crash3" {
		fmt.Fprintln(os.Stderr, "fake peer: panicked on a three-field plaintext")
		os.Exit(3)
	}
	res.Output, res.Error, res.Raised, res.Fault, res.Skip = mustJSON(in.Plaintext), "", "", "", ""
	return true
}

// pairsAndSpace is a field Python's bytes.fromhex reads: hex pairs with
// white space between them. Written apart from the explanation it tests.
var pairsAndSpace = regexp.MustCompile(`^[ \t\n\v\f\r]*(?:[0-9a-fA-F]{2}[ \t\n\v\f\r]*)*$`)

// emptyV1 is a v1 envelope with an empty ciphertext: the "wsempty" fake
// answers "v2" to it (a second deviation, listed in the tests that use it).
var emptyV1 = regexp.MustCompile(`^[0-9a-f]{32}:$`)

func fakeWhiteSpace(kind string, m *peerproto.Message, res *peerproto.Message) bool {
	var in map[string]any
	if m.Suite != "envelope.detect" && m.Suite != "envelope.open_v1" || json.Unmarshal(m.Input, &in) != nil {
		return false
	}
	value, _ := in["value"].(string)
	if kind == "wsv2" {
		if m.Suite != "envelope.detect" || !strings.ContainsAny(value, " \t\n\v\f\r") {
			return false
		}
		res.Output, res.Error = json.RawMessage(`"v2"`), ""
		return true
	}
	fields := strings.Split(value, ":")
	for i, f := range fields {
		if pairsAndSpace.MatchString(f) {
			fields[i] = strings.Map(func(r rune) rune {
				if strings.ContainsRune(" \t\n\v\f\r", r) {
					return -1
				}
				return r
			}, f)
		}
	}
	read := strings.Join(fields, ":")
	if kind == "wsempty" && m.Suite == "envelope.detect" && emptyV1.MatchString(read) {
		res.Output, res.Error = json.RawMessage(`"v2"`), ""
		return true
	}
	if read == value {
		return false
	}
	in["value"] = read
	mm := *m
	mm.Input, _ = json.Marshal(in)
	*res = *suite.Handle(&mm)
	return true
}

const roundtrip3File = `{
  "schema": "vectors/envelope.roundtrip.schema.json", "suite": "envelope.roundtrip", "specVersion": "v1",
  "description": "test vectors", "generator": {"name": "test", "upstream": "none"}, "notes": {},
  "cases": [
    {"id": "r-1", "description": "ascii", "input": {"salt": "s", "plaintext": "hello"}, "output": {"status": "sealed"}, "result": "valid", "flags": []},
    {"id": "r-3f", "description": "three fields", "input": {"salt": "s", "plaintext": "00112233445566778899aabbccddeeff:a:b"}, "output": {"status": "sealed"}, "result": "valid", "flags": []}
  ]
}`

// knownClear3 lists the fake's bug on r-3f, as rust.json lists the crate's.
func knownClear3() map[string]*KnownFailures {
	fp := vector.Outcome{Output: json.RawMessage(`{"status":"unchanged"}`)}.Fingerprint()
	return map[string]*KnownFailures{"fake": {Peer: "fake", Failures: []KnownEntry{{Case: "r-3f", Suite: "envelope.roundtrip", Observed: fp,
		Reason: "SECRET LEFT IN CLEAR: the v1 check splits at the first colon"}}}}
}

func fuzzConfig(t *testing.T, mode string, known map[string]*KnownFailures) FuzzConfig {
	suites := "INTEROP_FAKE_SUITES=envelope.roundtrip"
	return FuzzConfig{
		Peers:   []PeerSpec{fakeWith(t, "go", "good", suites), fakeWith(t, "fake", mode, suites)},
		Suites:  []string{"envelope.roundtrip"},
		N:       150,
		Seed:    7,
		Vectors: withFiles(map[string]string{"envelope.roundtrip/t.json": roundtrip3File}),
		Known:   known, CaseTimeout: 5 * time.Second, StartTimeout: 10 * time.Second,
	}
}

// A deviation the known-failure list covers (here by the cause of a listed
// case) is counted as known, not reported: exit 0.
func TestFuzzKnownDeviationIsQuiet(t *testing.T) {
	defer checkLeaks(t)()
	rep, err := Fuzz(context.Background(), fuzzConfig(t, "clear3", knownClear3()))
	if err != nil {
		t.Fatal(err)
	}
	sr := rep.Suites[0]
	if rep.NewCauses() != 0 || rep.Exit() != 0 {
		t.Fatalf("known deviation reported as new: %+v", sr.Causes[0])
	}
	if sr.Known["fake"] == 0 || sr.Known["go"] != 0 || sr.Tried != 150 {
		t.Fatalf("known %v, tried %d", sr.Known, sr.Tried)
	}
	// The lenient-hex rewrite of r-3f ("…:a:b" read as "…::") is answered
	// alike, but is known only by r-3f's own signature: it explains
	// nothing, and is not put in force.
	if sr.InForce != nil {
		t.Fatalf("explanations in force without evidence: %v", sr.InForce)
	}
	if sr.PerSecond["fake"] <= 0 || sr.PerSecond["go"] <= 0 {
		t.Fatalf("inputs per second: %v", sr.PerSecond)
	}
	files, err := rep.CandidateFiles()
	if err != nil || len(files) != 0 {
		t.Fatalf("candidate files for known behaviour: %v %v", files, err)
	}
}

// The same deviation with its entry set aside is one new cause, however
// many inputs show it, minimized structurally, written as a vector file
// that validates.
func TestFuzzNewDeviationIsOneMinimizedCandidate(t *testing.T) {
	defer checkLeaks(t)()
	cfg := fuzzConfig(t, "clear3", nil)
	rep, err := Fuzz(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NewCauses() != 1 || rep.Exit() != ExitDisagree {
		t.Fatalf("want one new cause, got %d", rep.NewCauses())
	}
	cs := rep.Suites[0].Causes[0]
	if cs.Count < 2 || cs.Peers["fake"] != "finding "+envcheck.LeftInClear || len(cs.Peers) != 1 || cs.Shape != "plaintext=h32:3+" {
		t.Fatalf("cause %+v", cs)
	}
	var ex struct{ Plaintext, Salt string }
	json.Unmarshal(cs.Example, &ex)
	// Minimal: 32 hex digits (any fewer and the bug is gone), two empty
	// fields, an empty salt.
	if !threeFields.MatchString(ex.Plaintext) || len(ex.Plaintext) != 34 || ex.Salt != "" || cs.SizeAfter != 34 || cs.SizeAfter > cs.SizeBefore {
		t.Fatalf("not minimized: %s (%d -> %d)", cs.Example, cs.SizeBefore, cs.SizeAfter)
	}
	files, err := rep.CandidateFiles()
	if err != nil || len(files) != 1 {
		t.Fatalf("candidate files: %v", err)
	}
	body := files["envelope.roundtrip/fuzz-7.json"]
	got, problems, err := vector.Read(fstest.MapFS{"envelope.roundtrip/fuzz-7.json": &fstest.MapFile{Data: body}})
	if err != nil || len(problems) != 0 || len(got) != 1 {
		t.Fatalf("candidate file does not validate: %v %v\n%s", err, problems, body)
	}
	c := got[0].Cases[0]
	if c.Result != vector.Valid || !vector.JSONEqual(c.Output, json.RawMessage(`{"status":"sealed"}`)) || c.Upstream["fake"].Output == nil ||
		!strings.Contains(strings.Join(c.Flags, ","), "fake-fuzz-finding-secret-left-in-clear") || c.ID != "fuzz-envelope.roundtrip-7-1" {
		t.Fatalf("candidate case %+v", c)
	}
	// The same seed gives the same inputs.
	again, err := Fuzz(context.Background(), cfg)
	if err != nil || again.NewCauses() != 1 || string(again.Suites[0].Causes[0].Original) != string(cs.Original) {
		t.Fatalf("not reproducible: %v", err)
	}
}

// A crash is a cause too, with the peer's stderr; the run goes on, and a
// peer that crashes past the fault limits is named as not tested.
func TestFuzzCrashIsACandidate(t *testing.T) {
	defer checkLeaks(t)()
	cfg := fuzzConfig(t, "crash3", nil)
	cfg.N = 400 // enough crashes to reach the fault limit
	rep, err := Fuzz(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NewCauses() != 1 {
		t.Fatalf("causes: %d", rep.NewCauses())
	}
	cs := rep.Suites[0].Causes[0]
	if cs.Peers["fake"] != kindCrash || !strings.Contains(cs.Stderr["fake"], "panicked on a three-field plaintext") {
		t.Fatalf("crash cause %+v", cs)
	}
	files, err := rep.CandidateFiles()
	if err != nil || len(files) != 1 {
		t.Fatalf("crash candidate: %v", err)
	}
	if !strings.Contains(string(files["envelope.roundtrip/fuzz-7.json"]), "panicked on a three-field plaintext") {
		t.Fatal("the candidate does not carry the stderr tail")
	}
	// A peer that crashes past the fault limits is given up on, and the
	// summary says what it did not test.
	var b strings.Builder
	rep.WriteText(&b)
	if rep.Peers[1].Faults < maxFaults || !strings.Contains(b.String(), "not tested: fake: given up on after") {
		t.Fatalf("summary does not say the peer was given up on:\n%s", b.String())
	}
}

// A peer that does not declare a suite is named, not dropped silently.
func TestFuzzNamesPeersNotTested(t *testing.T) {
	defer checkLeaks(t)()
	cfg := fuzzConfig(t, "good", nil)
	cfg.Peers = append(cfg.Peers, fake(t, "detector", "good"))
	cfg.N = 5
	rep, err := Fuzz(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if nt := strings.Join(rep.Suites[0].NotTested, ";"); !strings.Contains(nt, "detector: does not declare envelope.roundtrip") {
		t.Fatalf("not tested: %q", nt)
	}
	var b strings.Builder
	rep.WriteText(&b)
	if !strings.Contains(b.String(), "not tested: detector") || !strings.Contains(b.String(), "inputs/s per peer") ||
		!strings.HasSuffix(b.String(), "0 new causes, 0 known disagreements, 5 inputs\n") {
		t.Fatalf("summary:\n%s", b.String())
	}
}

func TestFuzzUsage(t *testing.T) {
	p := []PeerSpec{{Name: "x", Command: []string{"true"}}}
	for _, tc := range []struct {
		cfg  FuzzConfig
		want error
	}{
		{FuzzConfig{Suites: []string{"nope"}, N: 1, Peers: p, Vectors: testVectors()}, ErrFuzzSuite},
		{FuzzConfig{Suites: []string{"envelope.detect"}, N: 0, Peers: p, Vectors: testVectors()}, ErrFuzzUsage},
		{FuzzConfig{Suites: []string{"envelope.detect"}, N: -3, Peers: p, Vectors: testVectors()}, ErrFuzzUsage},
		{FuzzConfig{Suites: []string{"envelope.detect"}, N: 1, Vectors: testVectors()}, ErrFuzzUsage},
		{FuzzConfig{Suites: []string{"envelope.detect"}, N: 1, Duration: -time.Second, Peers: p, Vectors: testVectors()}, ErrFuzzUsage},
	} {
		if _, err := Fuzz(context.Background(), tc.cfg); !errors.Is(err, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.cfg, err, tc.want)
		}
	}
}

func TestOutcomeKindAndSignatures(t *testing.T) {
	for _, tc := range []struct {
		suite, behaviour, finding string
		o                         vector.Outcome
		want                      string
	}{
		{"envelope.detect", "", "", vector.Outcome{Output: json.RawMessage(`"v1"`)}, "output v1"},
		{"ids.string_to_uuid", "", "", vector.Outcome{Output: json.RawMessage(`"b6589fc6-ab0d-082c-b120-99d1c2d40ab9"`)}, "output value"},
		{"envelope.roundtrip", "", envcheck.LeftInClear, vector.Outcome{Output: json.RawMessage(`{"status":"unchanged"}`)}, "finding secret-left-in-clear"},
		{"envelope.roundtrip", "", "", vector.Outcome{Output: json.RawMessage(`{"status":"sealed"}`)}, "output status sealed"},
		{"envelope.malformed", BehaviourReturnsInput, "", vector.Outcome{Output: json.RawMessage(`"x"`)}, "returns-input"},
		{"ids.string_to_uuid", "", "", vector.Outcome{Error: "invalid_type"}, "error invalid_type"},
		{"ids.string_to_uuid", "", "", vector.Outcome{Raised: "TypeError"}, "raised TypeError"},
		{"ids.string_to_uuid", "", "", vector.Outcome{Fault: "boom"}, "fault"},
	} {
		if got := OutcomeKind(tc.suite, tc.o, tc.behaviour, tc.finding); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.o, got, tc.want)
		}
	}
	if resultKind("x", &Result{Status: Fail}) != kindCrash || resultKind("x", &Result{Status: NotRun}) != "" {
		t.Error("a result without an answer is a crash, unless it was not run")
	}
	a := CauseSignature("s", "h32:3+", "output status sealed", []string{"rust=finding x", "python=error y"})
	b := CauseSignature("s", "h32:3+", "output status sealed", []string{"python=error y", "rust=finding x"})
	if a != b || a != "s|h32:3+|output status sealed|python=error y,rust=finding x" {
		t.Errorf("signature %q / %q", a, b)
	}
	if PeerSignature("s", "h", "r", "ts", "k") == PeerSignature("s", "h", "r", "rust", "k") {
		t.Error("peer signatures of two peers collide")
	}
}

func TestMergeCausesKeepsSmallestAndAddsCounts(t *testing.T) {
	in := []*Cause{
		{Signature: "a", Count: 3, SizeAfter: 10, Example: json.RawMessage(`"big"`)},
		{Signature: "b", Count: 1, SizeAfter: 1},
		{Signature: "a", Count: 5, SizeAfter: 4, Example: json.RawMessage(`"small"`)},
	}
	out := mergeCauses(in)
	if len(out) != 2 || out[0].Signature != "a" || out[0].Count != 8 || string(out[0].Example) != `"small"` || out[1].Count != 1 {
		t.Fatalf("%+v", out)
	}
}

func TestCandidateIDsAvoidVectors(t *testing.T) {
	rep := &FuzzReport{Seed: 3, taken: map[string]bool{"fuzz-envelope.detect-3-1": true},
		Suites: []*FuzzSuiteReport{{Suite: "envelope.detect", Causes: []*Cause{
			{Signature: "x", Peers: map[string]string{"ts": "output v1"}, Example: json.RawMessage(`{"value":"a:b"}`),
				Expected: vector.Outcome{Output: json.RawMessage(`"none"`)}, Observed: map[string]vector.Outcome{"ts": {Output: json.RawMessage(`"v1"`)}}},
			{Signature: "y", InVectors: "det-1", Peers: map[string]string{"ts": "output v1"}},
		}}}}
	files, err := rep.CandidateFiles()
	if err != nil {
		t.Fatal(err)
	}
	body := string(files["envelope.detect/fuzz-3.json"])
	if !strings.Contains(body, `"fuzz-envelope.detect-3-2"`) || strings.Contains(body, `"fuzz-envelope.detect-3-1"`) || strings.Count(body, `"id"`) != 1 {
		t.Fatalf("ids: %s", body)
	}
	if !strings.Contains(body, `"ts-fuzz-output-v1"`) {
		t.Fatalf("deviation flag: %s", body)
	}
}

// A peer that raises where the spec fails with an error kind is known
// whatever the input's shape once vectors/ show it; any other way of
// disagreeing stays bound to its shape.
func TestFuzzKnownKindAnyShape(t *testing.T) {
	known := map[string]bool{
		PeerSignature("serialize.roundtrip", "*", "error syntax", "rust", "raised serde_json::Error"):        true,
		PeerSignature("serialize.roundtrip", "doc=null", "output value", "rust", "raised serde_json::Error"): true,
		PeerSignature("serialize.roundtrip", "doc=duplicate", "error duplicate_key", "rust", "output value"): true,
	}
	for _, tc := range []struct {
		shape, ref, kind string
		want             bool
	}{
		{"doc=deep", "error syntax", "raised serde_json::Error", true},
		{"doc=deep", "error invalid_type", "raised serde_json::Error", false}, // another error kind: not learned
		{"doc=plain", "output value", "raised serde_json::Error", false},      // raises where the spec answers
		{"doc=null", "output value", "raised serde_json::Error", true},
		{"doc=unknown-member", "error duplicate_key", "output value", false},
		{"doc=duplicate", "error duplicate_key", "output value", true},
	} {
		if got := knownKind(known, "serialize.roundtrip", tc.shape, tc.ref, "rust", tc.kind); got != tc.want {
			t.Errorf("knownKind(%s, %s, %s) = %v, want %v", tc.shape, tc.ref, tc.kind, got, tc.want)
		}
	}
}

// A TS observation of redact.context is written in the schema's form.
func TestFuzzCandidateRedactContextObservation(t *testing.T) {
	in := json.RawMessage(`{"context":{"n":9007199254740993}}`)
	o := suiteObservation("redact.context", "ts", in, vector.Observation{Output: json.RawMessage(`{"n":9007199254740992}`)})
	if want := `{"callerAfter":{"n":9007199254740993},"logged":{"n":9007199254740992}}`; string(o.Output) != want {
		t.Errorf("got %s, want %s", o.Output, want)
	}
	both := json.RawMessage(`{"logged":{},"callerAfter":{}}`)
	if o := suiteObservation("redact.context", "ts", in, vector.Observation{Output: both}); string(o.Output) != string(both) {
		t.Errorf("rewrapped %s", o.Output)
	}
	if o := suiteObservation("redact.text", "ts", in, vector.Observation{Output: both}); string(o.Output) != string(both) {
		t.Errorf("changed another suite's observation: %s", o.Output)
	}
}
