package parity

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
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

func listed(t *testing.T, answer, reason string) map[string]*KnownFailures {
	fp := vector.Outcome{Output: json.RawMessage(answer)}.Fingerprint()
	return map[string]*KnownFailures{"fake": {Peer: "fake", Failures: []KnownEntry{{Case: "d-ws", Suite: "envelope.detect", Observed: fp, Reason: reason}}}}
}

const namesTheSort = "the fake's bytes.fromhex skips white space between pairs"

// A sort of deviation modelled by an explanation is known in every shape
// once one case of it is listed under a reason that names the sort; set
// the entry aside, or list it without naming the sort, and it is found
// again; a peer whose listed answer the model does not reproduce gets no
// explanation in force.
func TestFuzzExplanationMakesASortKnown(t *testing.T) {
	defer checkLeaks(t)()
	name := explanationNamed(t, "white space").name
	rep, err := Fuzz(context.Background(), wsConfig(t, "wshex", listed(t, `"v1"`, namesTheSort)))
	if err != nil {
		t.Fatal(err)
	}
	sr := rep.Suites[0]
	// Only the model the entry names: the lenient one would reproduce the
	// listed answer too, but nothing names that sort for this peer.
	if sr.InForce["fake"][name] != "envelope.detect#d-ws" || len(sr.InForce["fake"]) != 1 || sr.InForce["go"] != nil {
		t.Fatalf("in force: %v", sr.InForce)
	}
	explained := sr.Explained["fake"][name]
	// Explained inputs were, by construction, of no known shape.
	if rep.NewCauses() != 0 || explained == 0 || sr.Known["fake"] < explained {
		t.Fatalf("new causes %d, explained %v, known %v: %+v", rep.NewCauses(), sr.Explained, sr.Known, sr.Causes)
	}
	var b strings.Builder
	rep.WriteText(&b)
	if !strings.Contains(b.String(), "inputs made known by explanations, fake: "+name+": ") {
		t.Fatalf("summary:\n%s", b.String())
	}

	for _, tc := range []struct {
		why   string
		mode  string
		known map[string]*KnownFailures
	}{
		{"entry set aside", "wshex", nil},
		{"entry that does not name the sort", "wshex", listed(t, `"v1"`, "answers v1")},
		{"another sort of bug, named", "wsv2", listed(t, `"v2"`, namesTheSort)},
	} {
		got, err := Fuzz(context.Background(), wsConfig(t, tc.mode, tc.known))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d new causes", tc.why, got.NewCauses())
		if got.NewCauses() == 0 || got.Suites[0].InForce != nil || got.Suites[0].Explained != nil {
			t.Errorf("%s: %d new causes, in force %v", tc.why, got.NewCauses(), got.Suites[0].InForce)
		}
	}
}

func explanationNamed(t *testing.T, part string) *explanation {
	t.Helper()
	for _, x := range explanations {
		if strings.Contains(x.name, part) {
			return x
		}
	}
	t.Fatalf("no explanation named %q", part)
	return nil
}

func TestExplanationNamed(t *testing.T) {
	lenient, ws := explanationNamed(t, "leniently"), explanationNamed(t, "white space")
	flagged := &vector.Case{Flags: []string{"fuzz-found", "ts-lenient-hex"}}
	plain := &vector.Case{Flags: []string{}}
	for _, tc := range []struct {
		x      *explanation
		peer   string
		c      *vector.Case
		reason string
		want   bool
	}{
		{lenient, "ts", flagged, "", true},
		{lenient, "python", flagged, "", false}, // another peer's flag
		{lenient, "ts", plain, "Deviation, observed (ts-lenient-hex, ts-migrate-no-reseal): …", true},
		{lenient, "rust", plain, "the crate's v1 check splits at the first colon", false},
		{ws, "python", plain, "bytes.fromhex skips ASCII white space between hex pairs, so …", true},
		{ws, "ts", flagged, "", false},
	} {
		if got := tc.x.named(tc.peer, tc.c, tc.reason); got != tc.want {
			t.Errorf("%s named(%s, %v, %q) = %v", tc.x.name, tc.peer, tc.c.Flags, tc.reason, got)
		}
	}
}

// Every model is named, for some peer, by the real lists or vectors/: a
// reason reworded or a flag renamed would otherwise put a model out of
// force for good, silently.
func TestExplanationsAreNamedByTheLists(t *testing.T) {
	files, problems, err := vector.Read(os.DirFS("../vectors"))
	if err != nil || len(problems) > 0 {
		t.Fatalf("vectors: %v %v", err, problems)
	}
	peers := []string{"ts", "python", "rust"}
	known, err := LoadKnown("known-failures", peers)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]*vector.Case{}
	for _, f := range files {
		for i := range f.Cases {
			cases[f.Suite+"#"+f.Cases[i].ID] = &f.Cases[i]
		}
	}
	for _, x := range explanations {
		var by []string
		for _, p := range peers {
			for _, e := range known[p].Failures {
				if c := cases[e.Suite+"#"+e.Case]; c != nil && x.covers(e.Suite) && x.named(p, c, e.Reason) {
					by = append(by, p+" "+e.Case)
				}
			}
			for k, c := range cases {
				if s, _, _ := strings.Cut(k, "#"); x.covers(s) && x.named(p, c, "") {
					by = append(by, p+" "+c.ID)
				}
			}
		}
		if len(by) == 0 {
			t.Errorf("no entry or case names %q for any peer", x.name)
		}
	}
}

// explains, one answer at a time, with a real fake peer: each way a model
// may account for an answer, and each way it must not.
func TestExplainsOneAnswer(t *testing.T) {
	defer checkLeaks(t)()
	ctx := context.Background()
	vecs := withFiles(map[string]string{"envelope.detect/t.json": detectFile})
	files, _, err := vector.Read(vecs)
	if err != nil {
		t.Fatal(err)
	}
	c := Config{Peers: []PeerSpec{fakeWith(t, "fake", "wsempty", "INTEROP_FAKE_SUITES=envelope.open_v1")}, CaseTimeout: 5 * time.Second, StartTimeout: 10 * time.Second}
	c.defaults()
	runners := startAll(ctx, &c)
	defer runners[0].close()
	v2 := vector.Outcome{Output: json.RawMessage(`"v2"`)}.Fingerprint()
	f := &fuzzer{cfg: FuzzConfig{Known: map[string]*KnownFailures{"fake": {Peer: "fake", Failures: []KnownEntry{{Case: "d-2", Suite: "envelope.detect", Observed: v2, Reason: "r"}}}}},
		runners: runners, byInput: map[string]job{}}
	for _, file := range files {
		for i := range file.Cases {
			f.byInput[file.Suite+"\x00"+canonicalJSON(file.Cases[i].Input)] = job{file: file, c: &file.Cases[i]}
		}
	}
	r := runners[0]
	ask := func(s string, in fuzzgen.Input) (vector.Outcome, Result) {
		raw, _ := json.Marshal(in)
		cs, file, _, ok := f.reference(s, raw)
		if !ok {
			t.Fatalf("reference refused %s", raw)
		}
		res := r.runOne(ctx, job{file: file, c: cs})
		applyKnownOne(&res, f.cfg.Known["fake"])
		return cs.Expected(), res
	}
	ws := explanationNamed(t, "white space")
	// The signature d-2 teaches: an empty v1 ciphertext answered v2.
	d2 := PeerSignature("envelope.detect", fuzzgen.Shape("envelope.detect", fuzzgen.Input{"value": "ffee2233445566778899aabbccddeeff:"}), "output v1", "fake", "output v2")
	shapes := map[string]bool{d2: true}

	for _, tc := range []struct {
		why    string
		value  string
		shapes map[string]bool
		own    string
		want   bool
	}{
		{"read as a listed case (d-2)", "0011 2233445566778899aabbccddeeff:", nil, "", true},
		{"read as an input of a known shape", "ffee 2233445566778899aabbccddeeff:", shapes, "", true},
		{"read as an input of no known shape", "ffee 2233445566778899aabbccddeeff:", nil, "", false},
		{"known only by the evidence's own signature", "ffee 2233445566778899aabbccddeeff:", shapes, d2, false},
		{"nothing to rewrite", "ffee2233445566778899aabbccddeeff:", shapes, "", false},
	} {
		in := fuzzgen.Input{"value": tc.value}
		ref, res := ask("envelope.detect", in)
		if res.Judged != Fail {
			t.Fatalf("%s: the fake agrees on %q (%s)", tc.why, tc.value, res.Judged)
		}
		if got := f.explains(ctx, ws, "envelope.detect", in, ref, r, &res, tc.shapes, tc.own); got != tc.want {
			t.Errorf("%s: explains = %v", tc.why, got)
		}
	}

	// The exact answer, not its kind: the same "output value" with another
	// plaintext is not explained.
	rng := rand.New(rand.NewPCG(1, 2))
	sealed := fuzzgen.SealV1(rng, "s", "hello")
	in := fuzzgen.Input{"salt": "s", "value": sealed[:41] + " " + sealed[41:]}
	ref, res := ask("envelope.open_v1", in)
	if res.Judged != Fail || !f.explains(ctx, ws, "envelope.open_v1", in, ref, r, &res, nil, "") {
		t.Fatalf("the fake's own answer %v (%s) is not explained", res.Got, res.Judged)
	}
	forged := res
	other := vector.Outcome{Output: json.RawMessage(`"bye"`)}
	forged.Got, forged.Observed = &other, other.Fingerprint()
	if OutcomeKind("envelope.open_v1", other, "", "") != resultKind("envelope.open_v1", &res) {
		t.Fatal("the forged answer should have the same kind")
	}
	if f.explains(ctx, ws, "envelope.open_v1", in, ref, r, &forged, nil, "") {
		t.Error("an answer of the same kind but another value was explained")
	}

	// An output model, exactly too.
	scan := explanationNamed(t, "in clear")
	text := "x APIKEY=abcdefghijkl"
	out, _ := json.Marshal(secretscan.ScanText(text))
	want, ok := linesInClear(fuzzgen.Input{"text": text}, vector.Outcome{Output: out})
	if !ok {
		t.Fatal("no model answer")
	}
	for _, tc := range []struct {
		got  string
		want bool
	}{
		{string(want.Output), true},
		{strings.Replace(string(want.Output), "x APIKEY", "APIKEY", 1), false},
	} {
		o := vector.Outcome{Output: json.RawMessage(tc.got)}
		res := Result{Got: &o, Observed: o.Fingerprint(), Judged: Fail}
		if got := f.explains(ctx, scan, "secrets.scan", fuzzgen.Input{"text": text}, vector.Outcome{Output: out}, nil, &res, nil, ""); got != tc.want {
			t.Errorf("scanner model on %s: %v", tc.got, got)
		}
	}
}

// Minimizing keeps a cause out of what an explanation covers: an input
// made known by a model has another profile than one known or new.
func TestProfileSetsExplainedApart(t *testing.T) {
	ev := func(class, explained string) *evaluation {
		return &evaluation{refKind: "output none", class: []string{class}, kinds: []string{"output v1"}, explained: []string{explained}}
	}
	if ev("known", "").profile() != ev("new", "").profile() {
		t.Error("known and new should shrink alike")
	}
	if ev("known", "a model").profile() == ev("new", "").profile() {
		t.Error("a shrink could cross into an explained input")
	}
}
