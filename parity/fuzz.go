package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/interopkit/interop/internal/fuzzgen"
	"github.com/interopkit/interop/internal/suite"
	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/redact"
)

// FuzzConfig configures differential fuzzing. Every peer is compared with
// the Go reference (internal/suite, run in process), and each answer is
// judged as the gate judges it (judge, then applyKnownOne): answers a case
// allows, listed known failures and known-failure rules are not
// candidates, and neither is a disagreement whose cause (CauseSignature)
// is that of a known failure or tolerated answer of vectors/, nor one an
// explanation in force reproduces (explanation).
type FuzzConfig struct {
	Peers  []PeerSpec
	Suites []string // suites to fuzz; every one of FuzzSuites when empty
	// N is the number of inputs per suite. With Duration set, N may be
	// zero (no bound but the time).
	N        int
	Duration time.Duration // per suite; no bound when zero
	Seed     uint64

	// Vectors is the vectors root: its cases teach the known causes, and
	// an input already there is judged as that case and never written.
	Vectors fs.FS
	// Known holds the known-failure list of each peer by name.
	Known map[string]*KnownFailures

	CaseTimeout, StartTimeout time.Duration
	// MinimizeBudget bounds the evaluations spent minimizing one cause;
	// 300 when zero.
	MinimizeBudget int
}

// Errors of Fuzz's configuration.
var (
	ErrFuzzSuite = errors.New("parity: no input generator for that suite")
	ErrFuzzUsage = errors.New("parity: bad fuzz configuration")
)

// FuzzSuites lists the suites that have an input generator and a Go
// reference to compare with.
func FuzzSuites() []string {
	var out []string
	for _, s := range fuzzgen.Suites() {
		if _, ok := suite.Lookup(s); ok {
			out = append(out, s)
		}
	}
	return out
}

// FuzzReport is the result of a fuzzing run.
type FuzzReport struct {
	Seed      uint64             `json:"seed"`
	Reference string             `json:"reference"`
	Suites    []*FuzzSuiteReport `json:"suites"`
	Peers     []PeerReport       `json:"peers"`

	// NotFuzzed lists the suites some peer declares that have no
	// generator (or no Go reference): nothing was fuzzed there.
	NotFuzzed []string `json:"notFuzzed,omitempty"`

	taken map[string]bool // case ids of vectors/
}

// FuzzSuiteReport is what fuzzing one suite found.
type FuzzSuiteReport struct {
	Suite    string `json:"suite"`
	Tried    int    `json:"tried"`    // inputs generated and put to the peers
	Rejected int    `json:"rejected"` // inputs the Go reference refused as input (never put to peers)
	// Learned counts the vector cases run to learn the known causes.
	Learned int `json:"learned"`
	// Known counts, per peer, the inputs whose disagreement is known: a
	// listed failure, a rule, or the cause of one.
	Known map[string]int `json:"known"`
	// Deviating counts, per peer, the inputs with a new disagreement.
	Deviating map[string]int `json:"deviating"`
	Skipped   map[string]int `json:"skipped,omitempty"`
	// InForce names, per peer, the explanations (explanation) in force
	// for this suite, each with the case that put it in force
	// ("<suite>#<case>"); Explained counts, per peer and explanation, the
	// inputs it made known (part of Known).
	InForce map[string]map[string]string `json:"explanations,omitempty"`

	Explained map[string]map[string]int `json:"explained,omitempty"`
	// PerSecond is the inputs each peer answered per second of its own
	// time.
	PerSecond map[string]float64 `json:"perSecond"`
	// NotTested names each peer that did not run (all of) the suite, and
	// why.
	NotTested []string `json:"notTested,omitempty"`
	Causes    []*Cause `json:"causes,omitempty"`
	Elapsed   float64  `json:"seconds"`
}

// Cause is one new way of disagreeing, reported once however many inputs
// showed it.
type Cause struct {
	Suite     string            `json:"suite"`
	Signature string            `json:"signature"`
	Shape     string            `json:"shape"`
	Reference string            `json:"reference"` // the kind of the Go reference's outcome
	Peers     map[string]string `json:"peers"`     // each peer that deviates in a new way: the kind of its outcome
	Count     int               `json:"count"`     // inputs that showed this cause
	// Original is the smallest generated input of the cause; Example is
	// it minimized. Sizes are in code points (Size).
	Original   json.RawMessage `json:"original"`
	SizeBefore int             `json:"sizeBefore"`
	Example    json.RawMessage `json:"example"`
	SizeAfter  int             `json:"sizeAfter"`
	Expected   vector.Outcome  `json:"expected"`
	// Observed is each deviating peer's outcome on Example; Stderr the
	// stderr tail of a peer that crashed or hung.
	Observed  map[string]vector.Outcome `json:"observed"`
	Stderr    map[string]string         `json:"stderr,omitempty"`
	InVectors string                    `json:"inVectors,omitempty"` // the vector case that has this input, when one has
	ID        string                    `json:"id,omitempty"`        // the candidate case's id, once written
}

// NewCauses counts the new causes of every suite.
func (rep *FuzzReport) NewCauses() int {
	n := 0
	for _, s := range rep.Suites {
		n += len(s.Causes)
	}
	return n
}

// Exit is the fuzzer's exit code: ExitDisagree when there is a new cause,
// 0 otherwise (every disagreement was known).
func (rep *FuzzReport) Exit() int {
	if rep.NewCauses() > 0 {
		return ExitDisagree
	}
	return 0
}

// fuzzer holds one run's state.
type fuzzer struct {
	cfg     FuzzConfig
	runners []*runner
	// byInput finds the vector case of an input: suite NUL canonical JSON.
	byInput map[string]job
	ids     map[string]bool // every case id in vectors/
	// learned holds what each suite's vector cases taught (learnAll);
	// evidence, per peer, each explanation in force and the case that
	// put it in force ("suite#case").
	learned  map[string]*learned
	evidence map[string]map[string]string
}

// Fuzz generates inputs for each suite, puts each to every peer that
// declares the suite, judges every answer as the gate does, and groups the
// new disagreements by cause, each minimized. The error is for a bad
// configuration (ErrFuzzSuite, ErrFuzzUsage) or unreadable vectors.
func Fuzz(ctx context.Context, cfg FuzzConfig) (*FuzzReport, error) {
	if len(cfg.Suites) == 0 {
		cfg.Suites = FuzzSuites()
	}
	have := FuzzSuites()
	for _, s := range cfg.Suites {
		if !contains(have, s) {
			return nil, fmt.Errorf("%w (have %s)", ErrFuzzSuite, strings.Join(have, ", "))
		}
	}
	switch {
	case cfg.N < 0 || cfg.N == 0 && cfg.Duration <= 0:
		return nil, fmt.Errorf("%w: the number of inputs must be positive", ErrFuzzUsage)
	case cfg.Duration < 0:
		return nil, fmt.Errorf("%w: the duration must not be negative", ErrFuzzUsage)
	case len(cfg.Peers) == 0:
		return nil, fmt.Errorf("%w: no peers", ErrFuzzUsage)
	case cfg.Vectors == nil:
		return nil, fmt.Errorf("%w: no vectors", ErrFuzzUsage)
	}
	if cfg.MinimizeBudget <= 0 {
		cfg.MinimizeBudget = 300
	}
	files, problems, err := vector.Read(cfg.Vectors)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("parity: vectors: %s (and %d more problems)", problems[0], len(problems)-1)
	}
	f := &fuzzer{cfg: cfg, byInput: map[string]job{}, ids: map[string]bool{}}
	for _, file := range files {
		for i := range file.Cases {
			c := &file.Cases[i]
			f.ids[c.ID] = true
			f.byInput[file.Suite+"\x00"+canonicalJSON(c.Input)] = job{file: file, c: c}
		}
	}
	c := Config{Peers: cfg.Peers, CaseTimeout: cfg.CaseTimeout, StartTimeout: cfg.StartTimeout}
	c.defaults()
	f.runners = startAll(ctx, &c)
	defer func() {
		for _, r := range f.runners {
			r.close()
		}
	}()
	rep := &FuzzReport{Seed: cfg.Seed, Reference: "go reference (internal/suite, in process)", taken: f.ids}
	f.learnAll(ctx, files)
	for _, s := range cfg.Suites {
		if err := ctx.Err(); err != nil {
			break
		}
		// Each suite has its own stream, so that a suite's inputs do not
		// depend on which other suites run.
		rep.Suites = append(rep.Suites, f.suite(ctx, s, files, rand.New(rand.NewPCG(cfg.Seed, hashString(s)))))
	}
	declared := map[string]bool{}
	for _, r := range f.runners {
		rep.Peers = append(rep.Peers, r.report())
		if r.hello != nil {
			for _, s := range r.hello.Suites {
				declared[s] = true
			}
		}
	}
	for _, s := range sortedKeys(declared) {
		if !contains(have, s) {
			rep.NotFuzzed = append(rep.NotFuzzed, s)
		}
	}
	return rep, ctx.Err()
}

func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// canonicalJSON renders a JSON value with sorted members, so that an
// input is found in vectors/ however it is spelled.
func canonicalJSON(raw json.RawMessage) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return string(raw)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return string(raw)
	}
	return string(b)
}

// evaluation is one input judged for every peer.
type evaluation struct {
	input    fuzzgen.Input
	raw      json.RawMessage
	c        *vector.Case
	file     *vector.File
	ref      vector.Outcome
	refKind  string
	shape    string
	results  []Result
	class    []string // per runner: ok, skip, not-run, known, new
	kinds    []string // per runner: the kind of its outcome
	micros   []int64
	inVector string
	// explained names, per runner, the explanation that made its
	// disagreement known.
	explained []string
}

// profile is what must stay the same while an input is minimized: the
// reference's kind and, for every peer, whether it agrees and the kind of
// its outcome. Known and new deviations are alike here, so that an input
// can shrink to a case of vectors/ (and then be known).
func (e *evaluation) profile() string {
	var b strings.Builder
	b.WriteString(e.refKind)
	for i := range e.class {
		cls := e.class[i]
		switch {
		case e.explained != nil && e.explained[i] != "":
			// A shrink must not cross into what an explanation covers:
			// the cause's inputs were not explained.
			cls = "explained"
		case cls == "known" || cls == "new":
			cls = "deviates"
		}
		b.WriteString("|" + cls + "/" + e.kinds[i])
	}
	return b.String()
}

// suite fuzzes one suite.
func (f *fuzzer) suite(ctx context.Context, s string, files []*vector.File, rng *rand.Rand) *FuzzSuiteReport {
	sr := &FuzzSuiteReport{Suite: s, Known: map[string]int{}, Deviating: map[string]int{}, Skipped: map[string]int{}, PerSecond: map[string]float64{}}
	t0 := time.Now()
	var active []*runner
	for _, r := range f.runners {
		switch {
		case r.hello == nil:
			sr.NotTested = append(sr.NotTested, fmt.Sprintf("%s: did not start (%v)", r.spec.Name, r.startErr))
		case !r.supports(s):
			sr.NotTested = append(sr.NotTested, fmt.Sprintf("%s: does not declare %s", r.spec.Name, s))
		case r.p == nil:
			sr.NotTested = append(sr.NotTested, fmt.Sprintf("%s: given up on earlier in the run (%v)", r.spec.Name, r.startErr))
		default:
			active = append(active, r)
		}
	}
	if len(active) == 0 {
		return sr
	}
	known := f.learned[s]
	if known == nil {
		known = &learned{shapes: map[string]bool{}}
	}
	sr.Learned = known.cases
	for _, r := range active {
		p := r.spec.Name
		for _, x := range explanations {
			if ev := f.evidence[p][x.name]; ev != "" && x.covers(s) {
				if sr.InForce == nil {
					sr.InForce = map[string]map[string]string{}
				}
				if sr.InForce[p] == nil {
					sr.InForce[p] = map[string]string{}
				}
				sr.InForce[p][x.name] = ev
			}
		}
	}
	explained := map[string]map[string]int{}
	gen, _ := fuzzgen.Lookup(s)
	causes := map[string]*Cause{}
	examples := map[string]*evaluation{}
	var order []string
	busy := make([]int64, len(active))
	answered := make([]int, len(active))
	var deadline time.Time
	if f.cfg.Duration > 0 {
		deadline = time.Now().Add(f.cfg.Duration)
	}
	for i := 0; f.cfg.N == 0 || i < f.cfg.N; i++ {
		if ctx.Err() != nil || !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
		in := gen(rng)
		e := f.evaluate(ctx, s, in, active, known)
		if e == nil {
			sr.Rejected++
			continue
		}
		sr.Tried++
		var newPeers []string
		for j, r := range active {
			busy[j] += e.micros[j]
			switch e.class[j] {
			case "not-run":
				continue
			case "known":
				sr.Known[r.spec.Name]++
				if x := e.explained[j]; x != "" {
					if explained[r.spec.Name] == nil {
						explained[r.spec.Name] = map[string]int{}
					}
					explained[r.spec.Name][x]++
				}
			case "skip":
				sr.Skipped[r.spec.Name]++
			case "new":
				sr.Deviating[r.spec.Name]++
				newPeers = append(newPeers, r.spec.Name+"="+e.kinds[j])
			}
			answered[j]++
		}
		if len(newPeers) == 0 {
			continue
		}
		sig := CauseSignature(s, e.shape, e.refKind, newPeers)
		cs := causes[sig]
		if cs == nil {
			cs = &Cause{Suite: s, Signature: sig, Shape: e.shape, Reference: e.refKind, Peers: map[string]string{}}
			for _, p := range newPeers {
				name, kind, _ := strings.Cut(p, "=")
				cs.Peers[name] = kind
			}
			causes[sig] = cs
			order = append(order, sig)
		}
		cs.Count++
		if old := examples[sig]; old == nil || fuzzgen.Size(in) < fuzzgen.Size(old.input) {
			examples[sig] = e
		}
	}
	if len(explained) > 0 {
		sr.Explained = explained
	}
	for j, r := range active {
		if busy[j] > 0 {
			sr.PerSecond[r.spec.Name] = float64(answered[j]) / (float64(busy[j]) / 1e6)
		}
		if r.p == nil && r.gaveUp {
			sr.NotTested = append(sr.NotTested, fmt.Sprintf("%s: given up on after %d faults: later inputs were not put to it", r.spec.Name, r.faults))
		}
	}
	for _, sig := range order {
		cs, e := causes[sig], examples[sig]
		cs.Original, cs.SizeBefore = e.raw, fuzzgen.Size(e.input)
		e = f.minimize(ctx, s, e, active, known)
		cs.Example, cs.SizeAfter, cs.Expected, cs.InVectors = e.raw, fuzzgen.Size(e.input), e.ref, e.inVector
		// Inputs of one cause shrink to one form: the minimized shape
		// names the cause, so that causes told apart only by detail the
		// peers ignore are merged.
		cs.Shape = e.shape
		// The minimized input may be a case of vectors/ listed as a known
		// failure, or have the shape of one: then the deviation is known.
		for j, r := range active {
			p := r.spec.Name
			kind, ok := cs.Peers[p]
			if ok && (e.class[j] == "known" || knownKind(known.shapes, s, cs.Shape, cs.Reference, p, kind)) {
				delete(cs.Peers, p)
				sr.Known[p] += cs.Count
				sr.Deviating[p] -= cs.Count
			}
		}
		if len(cs.Peers) == 0 {
			continue
		}
		cs.Signature = CauseSignature(s, cs.Shape, cs.Reference, peerKinds(cs.Peers))
		cs.Observed = map[string]vector.Outcome{}
		for j, r := range active {
			if _, ok := cs.Peers[r.spec.Name]; !ok {
				continue
			}
			res := e.results[j]
			switch {
			case res.Got != nil:
				cs.Observed[r.spec.Name] = *res.Got
			default:
				cs.Observed[r.spec.Name] = vector.Outcome{Fault: res.Message}
			}
			if res.Got == nil || res.Got.Fault != "" {
				if cs.Stderr == nil {
					cs.Stderr = map[string]string{}
				}
				cs.Stderr[r.spec.Name] = redact.Text(tail(r.stderr, 2000))
			}
		}
		sr.Causes = append(sr.Causes, cs)
	}
	sr.Causes = mergeCauses(sr.Causes)
	sr.Elapsed = time.Since(t0).Seconds()
	return sr
}

// learned is what a suite's vector cases taught: the number of cases,
// and the signatures of known ways of disagreeing (PeerSignature).
type learned struct {
	cases  int
	shapes map[string]bool
}

// learnAll runs every suite's vector cases before any suite is fuzzed
// (learn), so that an explanation put in force by a case of one suite
// (Python's bytes.fromhex, named by its entries of envelope.migrate)
// holds in every suite it covers.
func (f *fuzzer) learnAll(ctx context.Context, files []*vector.File) {
	f.learned, f.evidence = map[string]*learned{}, map[string]map[string]string{}
	var all []evidence
	for _, s := range f.cfg.Suites {
		var active []*runner
		for _, r := range f.runners {
			if r.hello != nil && r.p != nil && r.supports(s) {
				active = append(active, r)
			}
		}
		if len(active) == 0 || ctx.Err() != nil {
			continue
		}
		kn, ev := f.learn(ctx, s, files, active)
		f.learned[s] = kn
		all = append(all, ev...)
	}
	// Second pass, once every shape is known: a rewrite's test may need
	// them.
	for _, d := range all {
		p := d.r.spec.Name
		for _, x := range explanations {
			if f.evidence[p][x.name] != "" || !x.covers(d.suite) || !x.named(p, d.c, d.res.Reason) || ctx.Err() != nil {
				continue
			}
			if f.explains(ctx, x, d.suite, d.in, d.c.Expected(), d.r, &d.res, f.learned[d.suite].shapes, d.sig) {
				if f.evidence[p] == nil {
					f.evidence[p] = map[string]string{}
				}
				f.evidence[p][x.name] = d.suite + "#" + d.c.ID
			}
		}
	}
}

// evidence is a peer's known or tolerated answer to a vector case: what
// can put an explanation in force.
type evidence struct {
	suite string
	c     *vector.Case
	in    fuzzgen.Input
	r     *runner
	res   Result
	sig   string // the signature that makes it known by shape
}

// learn runs the suite's vector cases on the peers, judged by the gate's
// judge and lists, and returns the signatures of the known failures and
// tolerated answers (a fuzz input with one of them is known by cause), and
// those answers, which may put an explanation in force (learnAll).
func (f *fuzzer) learn(ctx context.Context, s string, files []*vector.File, active []*runner) (*learned, []evidence) {
	kn := &learned{shapes: map[string]bool{}}
	var out []evidence
	for _, file := range files {
		if file.Suite != s {
			continue
		}
		for i := range file.Cases {
			c := &file.Cases[i]
			var in fuzzgen.Input
			if json.Unmarshal(c.Input, &in) != nil {
				continue
			}
			shape := fuzzgen.Shape(s, in)
			refKind := OutcomeKind(s, c.Expected(), "", "")
			kn.cases++
			for _, r := range active {
				res := r.runOne(ctx, job{file: file, c: c})
				applyKnownOne(&res, f.cfg.Known[r.spec.Name])
				if res.Status == Known || res.Status == Tolerated {
					kind := resultKind(s, &res)
					sig := PeerSignature(s, shape, refKind, r.spec.Name, kind)
					kn.shapes[sig] = true
					if anyShape(refKind, kind) {
						kn.shapes[PeerSignature(s, "*", refKind, r.spec.Name, kind)] = true
					}
					out = append(out, evidence{s, c, in, r, res, sig})
				}
			}
		}
	}
	return kn, out
}

// evaluate judges one input on every active peer; nil when the Go
// reference refuses it as input.
func (f *fuzzer) evaluate(ctx context.Context, s string, in fuzzgen.Input, active []*runner, known *learned) *evaluation {
	raw, err := json.Marshal(in)
	if err != nil {
		return nil
	}
	e := &evaluation{input: in, raw: raw, shape: fuzzgen.Shape(s, in)}
	var ok bool
	if e.c, e.file, e.inVector, ok = f.reference(s, raw); !ok {
		return nil
	}
	e.ref = e.c.Expected()
	e.refKind = OutcomeKind(s, e.ref, "", "")
	e.results = make([]Result, len(active))
	e.class = make([]string, len(active))
	e.kinds = make([]string, len(active))
	e.micros = make([]int64, len(active))
	e.explained = make([]string, len(active))
	var wg sync.WaitGroup
	for j, r := range active {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			res := r.runOne(ctx, job{file: e.file, c: e.c})
			e.micros[j] = time.Since(t).Microseconds()
			applyKnownOne(&res, f.cfg.Known[r.spec.Name])
			e.results[j] = res
			e.kinds[j] = resultKind(s, &res)
			switch res.Status {
			case Pass, Tolerated, Stale:
				e.class[j], e.kinds[j] = "ok", ""
			case Skip:
				e.class[j], e.kinds[j] = "skip", ""
			case NotRun:
				e.class[j], e.kinds[j] = "not-run", ""
			case Known:
				e.class[j] = "known"
			case Fail:
				e.class[j] = "new"
				switch {
				case res.Observed == "":
				case knownKind(known.shapes, s, e.shape, e.refKind, r.spec.Name, e.kinds[j]):
					e.class[j] = "known"
				default:
					if x := f.explained(ctx, s, in, e.ref, r, &res, known.shapes); x != "" {
						e.class[j], e.explained[j] = "known", x
					}
				}
			default: // Changed: a listed failure answered differently
				e.class[j] = "new"
			}
		}()
	}
	wg.Wait()
	return e
}

// reference returns the case an input is judged as: its case of vectors/
// (and that case's id), or a case with the Go reference's outcome; false
// when the reference refuses the input.
func (f *fuzzer) reference(s string, raw json.RawMessage) (*vector.Case, *vector.File, string, bool) {
	if j, ok := f.byInput[s+"\x00"+canonicalJSON(raw)]; ok {
		return j.c, j.file, j.c.ID, true
	}
	c := &vector.Case{ID: "fuzz", Description: "fuzz input", Input: raw}
	got, _, err := suite.Check(s, c)
	if err != nil || got.Fault != "" || got.Raised != "" {
		return nil, nil, "", false
	}
	c.Output, c.Error, c.ErrorAt, c.Result = got.Output, got.Error, got.ErrorAt, vector.Valid
	if got.Error != "" {
		c.Result = vector.Invalid
	}
	return c, &vector.File{Suite: s, Path: s + "/fuzz"}, "", true
}

// minimize shrinks the input of e (fuzzgen.Shrinks) while every peer
// keeps the same verdict and outcome kind and the reference its kind, so
// that the example cannot drift to another cause; a shrink is kept only
// when it is still a valid vector input of the suite. A crash is not
// minimized: each try could cost a restart of the peer.
func (f *fuzzer) minimize(ctx context.Context, s string, e *evaluation, active []*runner, known *learned) *evaluation {
	for _, k := range e.kinds {
		if k == kindCrash {
			return e
		}
	}
	want := e.profile()
	budget := f.cfg.MinimizeBudget
	for budget > 0 && ctx.Err() == nil {
		shrunk := false
		for _, cand := range fuzzgen.Shrinks(s, e.input) {
			if budget <= 0 {
				break
			}
			raw, _ := json.Marshal(cand)
			if !validInput(s, raw) {
				continue
			}
			budget--
			ne := f.evaluate(ctx, s, cand, active, known)
			if ne != nil && ne.profile() == want {
				e, shrunk = ne, true
				break
			}
		}
		if !shrunk {
			break
		}
	}
	return e
}

// validInput reports whether raw is a valid input of the suite's schema,
// written as a case with the Go reference's outcome, as a candidate is.
func validInput(s string, raw json.RawMessage) bool {
	c := vector.Case{ID: "x", Description: "x", Input: raw, Result: vector.Valid, Flags: []string{}}
	got, _, err := suite.Check(s, &c)
	if err != nil {
		return false
	}
	c.Output, c.Error, c.ErrorAt = got.Output, got.Error, got.ErrorAt
	if c.Error != "" {
		c.Result = vector.Invalid
	}
	body, err := candidateDoc(s, "x", nil, []vector.Case{c})
	if err != nil {
		return false
	}
	_, problems, err := readOne(s, body)
	return err == nil && len(problems) == 0
}

const kindCrash = "crash"

// resultKind names the kind of a peer's answer for signatures: crash (no
// answer: the peer crashed, hung or broke the protocol), fault, raised
// <type>, error <kind>, a finding (a secret left in clear),
// returns-input, or output <class>.
func resultKind(s string, res *Result) string {
	if res.Got == nil {
		if res.Status == NotRun || res.Status == Skip {
			return ""
		}
		return kindCrash
	}
	return OutcomeKind(s, *res.Got, res.Behaviour, res.Finding)
}

// OutcomeKind names the kind of an outcome: fault, raised <type>, error
// <kind>, finding <name>, returns-input, or output with the value where it
// is one of a few (a detection, a status) and "value" otherwise.
func OutcomeKind(s string, o vector.Outcome, behaviour, finding string) string {
	switch {
	case o.Fault != "":
		return "fault"
	case o.Raised != "":
		return "raised " + o.Raised
	case o.Error != "":
		return "error " + o.Error
	case finding != "":
		return "finding " + finding
	case behaviour != "":
		return behaviour
	}
	var st struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(o.Output, &st) == nil && st.Status != "" {
		return "output status " + st.Status
	}
	var str string
	if s == "envelope.detect" && json.Unmarshal(o.Output, &str) == nil {
		return "output " + str
	}
	return "output value"
}

// anyShape reports whether a known way of disagreeing holds whatever the
// input's shape: a peer that raises an error of its own (no error kind of
// the spec) where the spec fails with an error kind rejects the input as
// the spec does and only names the error differently, so the input's
// shape does not make a new cause of it (the Rust crate's serde errors in
// serialize.roundtrip, for one). A peer that raises where the spec
// answers, or answers where the spec fails, stays bound to the shape.
func anyShape(refKind, kind string) bool {
	return strings.HasPrefix(refKind, "error ") && strings.HasPrefix(kind, "raised ")
}

// knownKind reports whether a peer's way of disagreeing is of a known
// cause: of the same shape, or of any shape where anyShape allows.
func knownKind(known map[string]bool, s, shape, refKind, peer, kind string) bool {
	return known[PeerSignature(s, shape, refKind, peer, kind)] ||
		anyShape(refKind, kind) && known[PeerSignature(s, "*", refKind, peer, kind)]
}

// PeerSignature identifies one peer's way of disagreeing: the suite, the
// input's shape, the reference's outcome kind, the peer and its kind.
func PeerSignature(s, shape, refKind, peer, kind string) string {
	return s + "|" + shape + "|" + refKind + "|" + peer + "=" + kind
}

// CauseSignature identifies a cause: the suite, the input's shape, the
// reference's outcome kind, and each peer that deviates in a new way with
// the kind of its outcome ("peer=kind", sorted).
func CauseSignature(s, shape, refKind string, peers []string) string {
	p := append([]string(nil), peers...)
	sort.Strings(p)
	return s + "|" + shape + "|" + refKind + "|" + strings.Join(p, ",")
}

func peerKinds(m map[string]string) []string {
	var out []string
	for p, k := range m {
		out = append(out, p+"="+k)
	}
	return out
}

// mergeCauses merges causes of one signature (after minimization), keeping
// the smallest example and adding the counts; the most frequent first.
func mergeCauses(causes []*Cause) []*Cause {
	by := map[string]*Cause{}
	var out []*Cause
	for _, cs := range causes {
		m := by[cs.Signature]
		if m == nil {
			by[cs.Signature] = cs
			out = append(out, cs)
			continue
		}
		count := m.Count + cs.Count
		if cs.SizeAfter < m.SizeAfter {
			*m = *cs
		}
		m.Count = count
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}
