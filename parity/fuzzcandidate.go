package parity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/interopkit/interop/internal/envcheck"

	"github.com/interopkit/interop/internal/vector"
)

// FlagFuzzCandidate marks every case a fuzzing run writes: found by
// interop parity fuzz, not yet reviewed.
const FlagFuzzCandidate = "fuzz-candidate"

// CandidateFiles renders each suite's new causes as a vector file named
// <suite>/fuzz-<seed>.json (relative to the output directory), one case a
// cause: the minimized input, the Go reference's outcome as the spec's
// expectation (valid, or invalid with its error kind), each deviating
// peer's observed outcome under "upstream" and a "<peer>-fuzz-<kind>" flag
// naming it, as vectors/ names deviations, with a note of the cause. Case
// ids are unique across suites and against vectors/. A cause whose input
// is already a case of vectors/ is not written. Every file is checked
// with the rules of interop vectors validate before it is returned.
func (rep *FuzzReport) CandidateFiles() (map[string][]byte, error) {
	out := map[string][]byte{}
	taken := map[string]bool{}
	for id := range rep.taken {
		taken[id] = true
	}
	for _, sr := range rep.Suites {
		var cases []vector.Case
		notes := map[string]string{FlagFuzzCandidate: "Found by interop parity fuzz and not reviewed: the expected value is the Go reference's; each deviating peer's answer is recorded under upstream."}
		for _, cs := range sr.Causes {
			if cs.InVectors != "" {
				continue
			}
			n := len(cases) + 1
			id := fmt.Sprintf("fuzz-%s-%d-%d", strings.ReplaceAll(sr.Suite, "_", "-"), rep.Seed, n)
			for taken[id] {
				n++
				id = fmt.Sprintf("fuzz-%s-%d-%d", strings.ReplaceAll(sr.Suite, "_", "-"), rep.Seed, n)
			}
			taken[id] = true
			cs.ID = id
			c := vector.Case{ID: id, Input: cs.Example, Output: cs.Expected.Output, Error: cs.Expected.Error, ErrorAt: cs.Expected.ErrorAt,
				Result: vector.Valid, Flags: []string{FlagFuzzCandidate}, Upstream: map[string]vector.Observation{}}
			if c.Error != "" {
				c.Result = vector.Invalid
			}
			peers := sortedKeys(cs.Peers)
			var what []string
			for _, p := range peers {
				kind := cs.Peers[p]
				flag := p + "-fuzz-" + slug(kind)
				c.Flags = append(c.Flags, flag)
				notes[flag] = fmt.Sprintf("Deviation, observed by interop parity fuzz (unreviewed): peer %s answers %s where the Go reference (the spec) answers otherwise. Confirm it against upstream, then name the deviation as vectors/ does.", p, kind)
				what = append(what, p+" answers "+kind)
				c.Upstream[p] = suiteObservation(sr.Suite, p, cs.Example, observation(cs.Observed[p], cs.Stderr[p]))
			}
			c.Description = fmt.Sprintf("%s where the Go reference answers %s (cause %s: %d generated inputs; minimized from %d to %d code points)",
				strings.Join(what, ", "), cs.Reference, cs.Signature, cs.Count, cs.SizeBefore, cs.SizeAfter)
			if tails := stderrTails(cs); tails != "" {
				c.Description += "; stderr: " + tails
			}
			cases = append(cases, c)
		}
		if len(cases) == 0 {
			continue
		}
		desc := fmt.Sprintf("Candidates from differential fuzzing (seed %d): inputs on which peers disagree with the Go reference in a way no known failure, rule or tolerated answer covers, one case a cause, minimized. Review each before moving it into vectors/.", rep.Seed)
		body, err := candidateDoc(sr.Suite, desc, notes, cases)
		if err != nil {
			return nil, err
		}
		_, problems, err := readOne(sr.Suite, body)
		if err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			return nil, fmt.Errorf("parity: candidate file for %s does not validate: %s", sr.Suite, problems[0])
		}
		out[fmt.Sprintf("%s/fuzz-%d.json", sr.Suite, rep.Seed)] = body
	}
	return out, nil
}

func observation(o vector.Outcome, stderr string) vector.Observation {
	switch {
	case o.Output != nil && o.Error == "" && o.Raised == "" && o.Fault == "":
		return vector.Observation{Output: o.Output}
	case o.Error != "":
		return vector.Observation{Error: o.Error}
	case o.Raised != "":
		return vector.Observation{Error: "raised " + o.Raised}
	}
	msg := "crash or fault: " + o.Fault
	if stderr != "" {
		msg += "; stderr tail: " + tail(stderr, 300)
	}
	return vector.Observation{Error: msg}
}

// suiteObservation puts an observed output in the form the suite's
// schema gives upstream observations: redact.context records what TS
// logged together with the caller's object after the call
// ({logged, callerAfter}); the TS peer answers that form only when
// upstream modified the caller's object, and otherwise the logged context
// alone, the caller's object being the input's context, unchanged.
func suiteObservation(s, peer string, input json.RawMessage, o vector.Observation) vector.Observation {
	if s != "redact.context" || peer != "ts" || o.Output == nil {
		return o
	}
	var both map[string]json.RawMessage
	if json.Unmarshal(o.Output, &both) == nil && len(both) == 2 && both["logged"] != nil && both["callerAfter"] != nil {
		return o
	}
	var in struct {
		Context json.RawMessage `json:"context"`
	}
	if json.Unmarshal(input, &in) != nil || in.Context == nil {
		return o
	}
	out, err := json.Marshal(map[string]json.RawMessage{"logged": o.Output, "callerAfter": in.Context})
	if err != nil {
		return o
	}
	return vector.Observation{Output: out}
}

func stderrTails(cs *Cause) string {
	var out []string
	for _, p := range sortedKeys(cs.Stderr) {
		if s := strings.TrimSpace(cs.Stderr[p]); s != "" {
			out = append(out, p+": "+tail(s, 300))
		}
	}
	return strings.Join(out, "; ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// slug turns an outcome kind into the tail of a flag.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if len(out) > 48 {
		out = strings.TrimRight(out[:48], "-")
	}
	if out == "" {
		out = "other"
	}
	return out
}

// candidateDoc renders a vector file of the suite.
func candidateDoc(s, description string, notes map[string]string, cases []vector.Case) ([]byte, error) {
	if notes == nil {
		notes = map[string]string{}
	}
	doc := vector.File{Schema: "vectors/" + s + ".schema.json", Suite: s, SpecVersion: "v1", Description: description,
		Generator: vector.Generator{Name: "interop parity fuzz", Upstream: "the Go reference (internal/suite); deviations observed from the peers"},
		Notes:     notes, Cases: cases}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// readOne validates one vector file of the suite as interop vectors
// validate does.
func readOne(s string, body []byte) ([]*vector.File, []vector.Problem, error) {
	return vector.Read(fstest.MapFS{s + "/candidate.json": &fstest.MapFile{Data: body}})
}

// WriteText writes the run's summary: per suite the inputs tried, inputs
// per second per peer, known disagreements per peer, what was not tested,
// and each new cause once with its count and minimized example; the last
// line counts new causes and known disagreements.
func (rep *FuzzReport) WriteText(w io.Writer) error {
	var b strings.Builder
	known, tried := 0, 0
	for _, sr := range rep.Suites {
		tried += sr.Tried
		fmt.Fprintf(&b, "%s: %d inputs", sr.Suite, sr.Tried)
		if sr.Rejected > 0 {
			fmt.Fprintf(&b, " (%d more refused as input by the reference)", sr.Rejected)
		}
		fmt.Fprintf(&b, " in %.1f s, known causes learned from %d vector cases\n", sr.Elapsed, sr.Learned)
		if len(sr.PerSecond) > 0 {
			var parts []string
			for _, p := range sortedKeys(sr.PerSecond) {
				parts = append(parts, fmt.Sprintf("%s %.0f", p, sr.PerSecond[p]))
			}
			fmt.Fprintf(&b, "  inputs/s per peer: %s\n", strings.Join(parts, ", "))
		}
		var kn []string
		for _, p := range sortedKeys(sr.Known) {
			kn = append(kn, fmt.Sprintf("%s %d", p, sr.Known[p]))
			known += sr.Known[p]
		}
		if len(kn) > 0 {
			fmt.Fprintf(&b, "  known disagreements (listed, by rule, or of a known cause): %s\n", strings.Join(kn, ", "))
		}
		for _, p := range sortedKeys(sr.InForce) {
			var xs []string
			for _, x := range sortedKeys(sr.InForce[p]) {
				xs = append(xs, fmt.Sprintf("%s: %d (evidence %s)", x, sr.Explained[p][x], sr.InForce[p][x]))
			}
			fmt.Fprintf(&b, "  inputs made known by explanations, %s: %s\n", p, strings.Join(xs, "; "))
		}
		for _, nt := range sr.NotTested {
			fmt.Fprintf(&b, "  not tested: %s\n", nt)
		}
		for _, cs := range sr.Causes {
			var ps []string
			for _, p := range sortedKeys(cs.Peers) {
				ps = append(ps, p+" answers "+cs.Peers[p])
			}
			fmt.Fprintf(&b, "  NEW CAUSE ×%d: %s where the reference answers %s (shape %s)\n", cs.Count, strings.Join(ps, ", "), cs.Reference, cs.Shape)
			fmt.Fprintf(&b, "    minimized from %d to %d code points: %s\n", cs.SizeBefore, cs.SizeAfter, oneLine(clipText(string(cs.Example), 200)))
			for _, p := range sortedKeys(cs.Observed) {
				fmt.Fprintf(&b, "    %s: %s\n", p, oneLine(cs.Observed[p].String()))
			}
			if cs.InVectors != "" {
				fmt.Fprintf(&b, "    already in vectors/ as case %s: not written\n", cs.InVectors)
			} else if cs.ID != "" {
				fmt.Fprintf(&b, "    candidate %s\n", cs.ID)
			}
			if cs.Peers != nil && strings.Contains(strings.Join(ps, ","), "finding "+envcheck.LeftInClear) {
				fmt.Fprintf(&b, "    SECRET LEFT IN CLEAR\n")
			}
		}
	}
	if len(rep.NotFuzzed) > 0 {
		fmt.Fprintf(&b, "not fuzzed (no generator): %s\n", strings.Join(rep.NotFuzzed, ", "))
	}
	fmt.Fprintf(&b, "%d new causes, %d known disagreements, %d inputs\n", rep.NewCauses(), known, tried)
	_, err := io.WriteString(w, b.String())
	return err
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
