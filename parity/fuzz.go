package parity

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interopkit/interop/internal/envcheck"
	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/vector"
)

// FuzzConfig configures differential fuzzing.
type FuzzConfig struct {
	Peers []PeerSpec // the first peer is the reference the others are compared with
	Suite string     // one of FuzzSuites
	N     int        // inputs to generate
	Seed  uint64

	CaseTimeout, StartTimeout time.Duration
}

// Disagreement is one minimized input on which peers disagree.
type Disagreement struct {
	Input    json.RawMessage
	Outcomes map[string]vector.Outcome // by peer; the reference first in Peers
	Differs  []string                  // peers whose outcome differs from the reference's
}

// FuzzReport is the result of a fuzzing run.
type FuzzReport struct {
	Suite         string
	Reference     string
	Peers         []PeerReport
	Tried         int
	Disagreements []Disagreement
}

// FuzzSuites lists the suites that have an input generator.
func FuzzSuites() []string {
	out := make([]string, 0, len(generators))
	for s := range generators {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// ErrFuzzSuite reports a suite without a generator.
var ErrFuzzSuite = errors.New("parity: no input generator for that suite")

type generator func(r *rand.Rand) map[string]any

var generators = map[string]generator{
	"ids.string_to_uuid": func(r *rand.Rand) map[string]any {
		return map[string]any{"kind": "string", "value": randomText(r)}
	},
	"envelope.malformed": func(r *rand.Rand) map[string]any {
		salt := randomText(r)
		return map[string]any{"salt": salt, "value": mutate(r, sealed(r, salt))}
	},
	"envelope.detect": func(r *rand.Rand) map[string]any {
		return map[string]any{"value": mutate(r, sealed(r, randomText(r)))}
	},
	"envelope.roundtrip": func(r *rand.Rand) map[string]any {
		return map[string]any{"salt": randomText(r), "plaintext": randomText(r)}
	},
}

// pieces of text that tend to break implementations: UUID shapes, the
// envelope separator, hex, line endings, NUL and other controls, BOMs,
// combining marks, astral characters and the unreserved set.
var pieces = []string{
	"550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-446655440000", "\n", "\r\n", "\x00", "\t", " ",
	":", "v2:", "00", "ff", "FF", "%", "%41", "é", "e\u0301", "\uFEFF", "\u200B", "\u00A0", "日本", "👩‍💻", "😀",
	"\U0010FFFF", "~!*'()", "-_.", "+", "&", "=", "a", "Z", "9", "\u2028",
}

func randomText(r *rand.Rand) string {
	var b strings.Builder
	n := r.IntN(6)
	for range n {
		if r.IntN(3) == 0 {
			// A random rune from some plane, valid UTF-8 only: every peer
			// must be able to carry the input.
			var c rune
			switch r.IntN(4) {
			case 0:
				c = rune(r.IntN(0x80))
			case 1:
				c = rune(0x80 + r.IntN(0x780))
			case 2:
				c = rune(0x800 + r.IntN(0xF800))
			default:
				c = rune(0x10000 + r.IntN(0x100000))
			}
			if !utf8.ValidRune(c) {
				c = 'x'
			}
			b.WriteRune(c)
			continue
		}
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// sealed is a real v2 envelope (or, half the time, v1-shaped text) for
// mutation. Its IV comes from the seeded generator, not crypto/rand, so
// that a seed always gives the same inputs; these are test inputs, never
// secrets.
func sealed(r *rand.Rand, salt string) string {
	sum := sha256.Sum256([]byte(salt))
	block, _ := aes.NewCipher(sum[:]) // a 32-byte key cannot fail
	gcm, _ := cipher.NewGCM(block)
	iv := make([]byte, 12)
	for i := range iv {
		iv[i] = byte(r.Uint32())
	}
	pt := randomText(r)
	ct := gcm.Seal(nil, iv, []byte(pt), []byte("elizaos:settings:v2"))
	ivHex, ctHex, tagHex := hex.EncodeToString(iv), hex.EncodeToString(ct[:len(pt)]), hex.EncodeToString(ct[len(pt):])
	if r.IntN(2) == 0 {
		// v1 shape: a 16-byte IV and whole blocks of ciphertext-like hex.
		return ivHex + ivHex[:8] + ":" + strings.Repeat(tagHex, 1+r.IntN(2))
	}
	return "v2:" + ivHex + ":" + ctHex + ":" + tagHex
}

// mutate applies one small change: a flipped hex digit, a case change, a
// deletion, an insertion, a truncation, or a separator moved.
func mutate(r *rand.Rand, s string) string {
	if s == "" {
		return s
	}
	i := r.IntN(len(s))
	switch r.IntN(6) {
	case 0:
		return s[:i] + string("0123456789abcdef"[r.IntN(16)]) + s[i+1:]
	case 1:
		return strings.ToUpper(s[:i]) + s[i:]
	case 2:
		return s[:i] + s[i+1:]
	case 3:
		return s[:i] + pieces[r.IntN(len(pieces))] + s[i:]
	case 4:
		return s[:i]
	}
	return strings.Replace(s, ":", "", 1)
}

// Fuzz generates inputs for a suite, runs each through every peer that
// supports it, and returns every input on which a peer's outcome differs
// from the reference peer's, minimized.
func Fuzz(ctx context.Context, cfg FuzzConfig) (*FuzzReport, error) {
	gen, ok := generators[cfg.Suite]
	if !ok {
		return nil, fmt.Errorf("%w: %q (have %s)", ErrFuzzSuite, cfg.Suite, strings.Join(FuzzSuites(), ", "))
	}
	if len(cfg.Peers) < 2 {
		return nil, errors.New("parity: fuzzing needs a reference peer and at least one other")
	}
	c := Config{Peers: cfg.Peers, CaseTimeout: cfg.CaseTimeout, StartTimeout: cfg.StartTimeout}
	c.defaults()
	runners := startAll(ctx, &c)
	defer func() {
		for _, r := range runners {
			r.close()
		}
	}()
	ref := runners[0]
	if ref.p == nil || !ref.supports(cfg.Suite) {
		return nil, fmt.Errorf("parity: reference peer %s cannot run %s: %v", ref.spec.Name, cfg.Suite, ref.startErr)
	}
	var others []*runner
	for _, r := range runners[1:] {
		if r.p != nil && r.supports(cfg.Suite) {
			others = append(others, r)
		}
	}
	rep := &FuzzReport{Suite: cfg.Suite, Reference: ref.spec.Name}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	seen := map[string]bool{}
	for range cfg.N {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		in := gen(rng)
		rep.Tried++
		d, ok := disagree(ctx, cfg.Suite, in, ref, others)
		if !ok {
			continue
		}
		d = minimize(ctx, cfg.Suite, in, d, ref, others)
		key := string(d.Input)
		if !seen[key] {
			seen[key] = true
			rep.Disagreements = append(rep.Disagreements, d)
		}
	}
	for _, r := range runners {
		rep.Peers = append(rep.Peers, r.report())
	}
	return rep, nil
}

// ask runs one input on one peer (as many times as the gate runs a case of
// the suite) and interprets the answers as the gate does; a fault (crash,
// hang) is an outcome too.
func (r *runner) ask(ctx context.Context, suite string, in json.RawMessage) vector.Outcome {
	c := vector.Case{ID: "fuzz", Input: in}
	var outs []vector.Outcome
	for range envcheck.Runs(suite) {
		m, err := r.call(ctx, &peerproto.Message{Suite: suite, Case: "fuzz", Input: in})
		switch {
		case err != nil && notRun(err):
			return vector.Outcome{Fault: "peer unavailable"}
		case err != nil:
			return vector.Outcome{Fault: "peer crashed, hung or broke the protocol"}
		case m.Skip != "":
			return vector.Outcome{Error: "skipped"}
		}
		outs = append(outs, m.Outcome())
	}
	got, _ := envcheck.Interpret(suite, &c, outs)
	return got
}

// same reports whether two outcomes agree. A skip agrees with anything:
// the peer cannot carry the input.
func same(a, b vector.Outcome) bool {
	if a.Error == "skipped" || b.Error == "skipped" {
		return true
	}
	if a.Raised != "" || b.Raised != "" || a.Fault != "" || b.Fault != "" {
		return a.Raised == b.Raised && a.Fault == b.Fault && a.Raised+a.Fault != ""
	}
	c := vector.Case{Output: a.Output, Error: a.Error, ErrorAt: a.ErrorAt}
	return c.Matches(b)
}

func disagree(ctx context.Context, suite string, in map[string]any, ref *runner, others []*runner) (Disagreement, bool) {
	raw := mustJSON(in)
	want := ref.ask(ctx, suite, raw)
	d := Disagreement{Input: raw, Outcomes: map[string]vector.Outcome{ref.spec.Name: want}}
	for _, o := range others {
		got := o.ask(ctx, suite, raw)
		d.Outcomes[o.spec.Name] = got
		if !same(want, got) {
			d.Differs = append(d.Differs, o.spec.Name)
		}
	}
	return d, len(d.Differs) > 0
}

// minimize shrinks each string field of the input, rune by rune and then
// by halves, while the same peers keep disagreeing.
func minimize(ctx context.Context, suite string, in map[string]any, d Disagreement, ref *runner, others []*runner) Disagreement {
	target := strings.Join(d.Differs, ",")
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s, ok := in[k].(string)
		if !ok || k == "kind" {
			continue
		}
		for step := 0; step < 200; step++ {
			shrunk := false
			runes := []rune(s)
			for _, cut := range cuts(len(runes)) {
				cand := string(append(append([]rune{}, runes[:cut[0]]...), runes[cut[1]:]...))
				try := cloneWith(in, k, cand)
				nd, ok := disagree(ctx, suite, try, ref, others)
				if ok && strings.Join(nd.Differs, ",") == target {
					s, in, d, shrunk = cand, try, nd, true
					break
				}
			}
			if !shrunk {
				break
			}
		}
	}
	return d
}

// cuts proposes removals: halves first, then single runes.
func cuts(n int) [][2]int {
	var out [][2]int
	if n >= 4 {
		out = append(out, [2]int{0, n / 2}, [2]int{n / 2, n})
	}
	for i := 0; i < n && i < 64; i++ {
		out = append(out, [2]int{i, i + 1})
	}
	return out
}

func cloneWith(in map[string]any, k, v string) map[string]any {
	out := make(map[string]any, len(in))
	for kk, vv := range in {
		out[kk] = vv
	}
	out[k] = v
	return out
}

// CandidateFile renders the disagreements as a vector file for review:
// the reference's outcome is written as the expectation, every other
// peer's under "upstream", and the flag fuzz-candidate marks the cases
// as unreviewed. Nothing is written into vectors/ by the tool.
func (rep *FuzzReport) CandidateFile(seed uint64) ([]byte, error) {
	type kase struct {
		ID          string                        `json:"id"`
		Description string                        `json:"description"`
		Input       json.RawMessage               `json:"input"`
		Output      json.RawMessage               `json:"output,omitempty"`
		Error       string                        `json:"error,omitempty"`
		Result      string                        `json:"result"`
		Flags       []string                      `json:"flags"`
		Upstream    map[string]vector.Observation `json:"upstream,omitempty"`
	}
	doc := struct {
		Schema      string            `json:"schema"`
		Suite       string            `json:"suite"`
		SpecVersion string            `json:"specVersion"`
		Description string            `json:"description"`
		Generator   map[string]string `json:"generator"`
		Notes       map[string]string `json:"notes"`
		Cases       []kase            `json:"cases"`
	}{
		Schema: "vectors/" + rep.Suite + ".schema.json", Suite: rep.Suite, SpecVersion: "v1",
		Description: fmt.Sprintf("Candidates from differential fuzzing (seed %d): inputs on which peers disagree with %s. Review each before moving it into vectors/: the expected value must then come from the generator.", seed, rep.Reference),
		Generator:   map[string]string{"name": "interop parity fuzz", "upstream": "reference peer " + rep.Reference},
		Notes:       map[string]string{"fuzz-candidate": "Found by interop parity fuzz; the expectation is the reference peer's outcome and is unreviewed."},
	}
	for i, d := range rep.Disagreements {
		want := d.Outcomes[rep.Reference]
		k := kase{ID: fmt.Sprintf("fuzz-%d-%d", seed, i+1), Description: "peers " + strings.Join(d.Differs, ", ") + " disagree with " + rep.Reference,
			Input: d.Input, Result: "valid", Flags: []string{"fuzz-candidate"}, Upstream: map[string]vector.Observation{}}
		if want.Error != "" {
			k.Error, k.Result = want.Error, "invalid"
		} else {
			k.Output = want.Output
		}
		for _, p := range d.Differs {
			o := d.Outcomes[p]
			k.Upstream[p] = vector.Observation{Output: o.Output, Error: o.Error}
		}
		doc.Cases = append(doc.Cases, k)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}
