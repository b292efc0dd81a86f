// Package parity is the conformance gate: it drives peers — the Go
// reference and the real TypeScript, Python and Rust packages, each behind
// a small process (spec/runner-protocol.md) — over every vector case,
// checks envelopes pairwise (sealed by one, opened by another), holds the
// results against strict known-failure lists, and renders reports for
// terminals, CI servers and people.
package parity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/interopkit/interop/internal/vector"
)

// PeerSpec says how to start one peer.
type PeerSpec struct {
	Name    string   // the name reports and known-failure files use
	Command []string // program and arguments
	Dir     string   // working directory
	// Env adds to the peer's environment, which is deny by default: the
	// runner's PATH, HOME, LANG, LC_ALL, TMPDIR and TZ, then each
	// "NAME=value", or "NAME" copied from the runner. Nothing else of the
	// runner's environment (a CI token, a salt) reaches a peer.
	Env []string
}

// Config configures a run.
type Config struct {
	Peers   []PeerSpec
	Vectors fs.FS // the vectors root: <suite>/<name>.json

	Suites []string // only these suites (path.Match patterns); all when empty
	Cases  []string // only these case ids (path.Match patterns); all when empty

	Shard, Shards int // run shard Shard of Shards (1-based); all when Shards <= 1

	CaseTimeout  time.Duration // per run request; 5 s when zero
	StartTimeout time.Duration // for a hello; 10 s when zero
	// Deadline bounds the whole run; cases not reached by then are
	// reported as not run. No bound when zero.
	Deadline time.Duration

	// Known holds the known-failure list of each peer by name.
	Known map[string]*KnownFailures

	// Pairwise enables the envelope seal/open matrix between peers.
	Pairwise bool

	// Progress, when set, is called after every case with the counts.
	Progress func(done, total int)
}

// Status is the verdict on one case for one peer.
type Status string

// Statuses. Only Pass counts as passed: the peer's answer was compared and
// is exactly the spec's. Tolerated, Known and Skip do not fail the gate and
// are counted apart; Fail, Changed, Stale and NotRun fail it.
const (
	Pass      Status = "pass"      // compared, and exactly the spec's outcome
	Tolerated Status = "tolerated" // an acceptable case answered with an upstream answer it lists
	Known     Status = "known"     // a listed known failure, observed again exactly as recorded
	Skip      Status = "skip"      // the peer cannot run this case (with a reason)
	Fail      Status = "fail"      // an unlisted disagreement, crash, timeout or protocol error
	Changed   Status = "changed"   // a listed known failure that now fails differently
	Stale     Status = "stale"     // a listed known failure that now passes
	NotRun    Status = "not-run"   // the peer was not available, or the run stopped first
)

// statuses lists every status, for reading reports back.
var statuses = []Status{Pass, Tolerated, Known, Skip, Fail, Changed, Stale, NotRun}

// Failing reports whether the status fails the gate.
func (s Status) Failing() bool { return s == Fail || s == Changed || s == Stale || s == NotRun }

// Compared reports whether the status says the peer's answer was compared
// with the case (whatever the verdict).
func (s Status) Compared() bool {
	return s == Pass || s == Tolerated || s == Known || s == Fail || s == Changed || s == Stale
}

// Result is one case run by one peer.
type Result struct {
	Peer        string          `json:"peer"`
	Producer    string          `json:"producer,omitempty"` // pairwise: the peer that sealed
	Suite       string          `json:"suite"`
	Case        string          `json:"case"`
	File        string          `json:"file,omitempty"`
	Description string          `json:"description,omitempty"`
	Flags       []string        `json:"flags,omitempty"`
	Input       json.RawMessage `json:"input,omitempty"`
	Status      Status          `json:"status"`
	// Judged is the verdict on the answer alone, before the known-failure
	// lists: pass, tolerated, fail, skip or not-run. Status is decided from
	// it and the lists, so a report can be judged again against new lists.
	Judged   Status          `json:"judged,omitempty"`
	Expected *vector.Outcome `json:"expected,omitempty"`
	Got      *vector.Outcome `json:"got,omitempty"`
	// Returned holds what the peer returned when the gate interpreted it
	// into Got (the envelopes of a seal, for example).
	Returned []vector.Outcome `json:"returned,omitempty"`
	// Observed fingerprints Got (vector.Outcome.Fingerprint) and Behaviour
	// names a recognised way of failing (BehaviourReturnsInput, …): known
	// failures are pinned to them.
	Observed  string `json:"observed,omitempty"`
	Behaviour string `json:"behaviour,omitempty"`
	// Finding names a grave fault: envcheck.LeftInClear.
	Finding   string `json:"finding,omitempty"`
	Message   string `json:"message,omitempty"`
	Reason    string `json:"knownReason,omitempty"`
	Listed    string `json:"listed,omitempty"`    // a changed known failure: the fingerprint its entry records
	Deviation string `json:"deviation,omitempty"` // the vector's note on a "<peer>-…" flag: an observed upstream deviation
	Micros    int64  `json:"micros"`
}

// PeerReport describes one peer in a report.
type PeerReport struct {
	Name           string   `json:"name"`
	Language       string   `json:"language,omitempty"`
	Implementation string   `json:"implementation,omitempty"`
	Version        string   `json:"version,omitempty"`
	Suites         []string `json:"suites,omitempty"`
	Ops            []string `json:"ops,omitempty"`
	Error          string   `json:"error,omitempty"`        // why it could not start, or was given up on
	NotInstalled   bool     `json:"notInstalled,omitempty"` // never started: its installation is missing (Error says why)
	Restarts       int      `json:"restarts,omitempty"`
	Faults         int      `json:"faults,omitempty"` // crashes, hangs and protocol errors in this run
	Stderr         string   `json:"stderr,omitempty"` // tail, kept when something failed
}

// Report is the outcome of a run (or of merged shard runs).
type Report struct {
	Peers    []PeerReport  `json:"peers"`
	Suites   []string      `json:"suites"`
	Results  []Result      `json:"results"`
	Problems []string      `json:"problems,omitempty"` // vector problems, declared-but-unrun suites, infrastructure
	Infra    bool          `json:"infra,omitempty"`    // an infrastructure failure happened
	Shard    int           `json:"shard,omitempty"`    // this report is shard Shard of Shards
	Shards   int           `json:"shards,omitempty"`
	Elapsed  time.Duration `json:"elapsedNanos"`
}

// Exit codes of the gate.
const (
	ExitAgree    = 0 // every result passed, was tolerated, skipped or a known failure observed as recorded
	ExitDisagree = 1 // an unexpected disagreement, a changed or stale known failure
	ExitInfra    = 2 // a usage or infrastructure failure: something could not be checked, or nothing was
)

// ErrNoPeers reports a configuration without peers.
var ErrNoPeers = errors.New("parity: no peers to run")

// ErrNoCases reports filters that select nothing: a gate that checks
// nothing must not pass.
var ErrNoCases = errors.New("parity: no case matches the suite and case filters")

// ErrDeadline is the cause of a run stopped by Config.Deadline.
var ErrDeadline = errors.New("parity: the run's deadline passed")

type job struct {
	file *vector.File
	c    *vector.Case
}

// Run runs the gate. The error is for failures that prevent any report
// (no peers, unreadable vectors, filters that select nothing); everything
// else — including a run stopped by ctx or by the deadline, whose
// remaining cases are reported as not run — is in the Report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	if len(cfg.Peers) == 0 {
		return nil, ErrNoPeers
	}
	cfg.defaults()
	files, problems, err := vector.Read(cfg.Vectors)
	if err != nil {
		return nil, fmt.Errorf("parity: reading vectors: %w", err)
	}
	rep := &Report{}
	for _, p := range problems {
		rep.Problems = append(rep.Problems, "vector file: "+p.String())
		rep.Infra = true
	}
	jobs, suites, err := selectJobs(files, cfg)
	if err != nil {
		return nil, err
	}
	if len(jobs) == 0 && !(cfg.Pairwise && matchAny(cfg.Suites, PairwiseSuite)) {
		return nil, ErrNoCases
	}
	rep.Suites = suites
	if cfg.Shards > 1 {
		rep.Shard, rep.Shards = cfg.Shard, cfg.Shards
	}
	known := map[string]bool{}
	for _, f := range files {
		for _, c := range f.Cases {
			known[f.Suite+"\x00"+c.ID] = true
		}
	}
	if cfg.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, cfg.Deadline, ErrDeadline)
		defer cancel()
	}

	runners := startAll(ctx, &cfg)
	total := 0
	for _, r := range runners {
		if r.p != nil {
			total += len(r.jobsFor(jobs))
		}
	}
	var prog progress
	prog.total, prog.fn = total, cfg.Progress

	results := make([][]Result, len(runners))
	var wg sync.WaitGroup
	for i, r := range runners {
		wg.Add(1)
		go func(i int, r *runner) {
			defer wg.Done()
			results[i] = r.runAll(ctx, jobs, &prog)
		}(i, r)
	}
	wg.Wait()
	for _, rs := range results {
		rep.Results = append(rep.Results, rs...)
	}
	if cfg.Pairwise {
		rep.Results = append(rep.Results, pairwise(ctx, runners, &cfg)...)
	}
	for _, r := range runners {
		r.close()
		rep.Peers = append(rep.Peers, r.report())
		if r.startErr != nil {
			rep.Infra = true
			if r.gaveUp {
				rep.Problems = append(rep.Problems, fmt.Sprintf("peer %s: %v", r.spec.Name, r.startErr))
			}
		}
	}
	for _, r := range runners {
		if r.hello != nil && r.hello.Peer.Name != r.spec.Name {
			rep.Problems = append(rep.Problems, fmt.Sprintf("peer %s calls itself %q in its hello: the configured name and the peer disagree", r.spec.Name, r.hello.Peer.Name))
		}
	}
	if err := ctx.Err(); err != nil {
		rep.Infra = true
		rep.Problems = append(rep.Problems, fmt.Sprintf("the run stopped before every case was checked: %v", context.Cause(ctx)))
	}
	applyKnown(rep, cfg.Known)
	rep.checkKnownEntries(cfg.Known, known)
	if len(cfg.Cases) == 0 && cfg.Shards <= 1 && ctx.Err() == nil {
		rep.checkRules(cfg.Known)
	}
	rep.checkDeclared()
	rep.checkSomethingCompared()
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func (cfg *Config) defaults() {
	if cfg.CaseTimeout <= 0 {
		cfg.CaseTimeout = 5 * time.Second
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 10 * time.Second
	}
}

// startAll starts every peer concurrently.
func startAll(ctx context.Context, cfg *Config) []*runner {
	runners := make([]*runner, len(cfg.Peers))
	var wg sync.WaitGroup
	for i, spec := range cfg.Peers {
		runners[i] = &runner{spec: spec, cfg: cfg}
		wg.Add(1)
		go func(r *runner) {
			defer wg.Done()
			r.start(ctx)
		}(runners[i])
	}
	wg.Wait()
	return runners
}

// selectJobs filters and shards the cases and lists the suites in play.
func selectJobs(files []*vector.File, cfg Config) ([]job, []string, error) {
	for _, pats := range [][]string{cfg.Suites, cfg.Cases} {
		for _, p := range pats {
			if _, err := path.Match(p, ""); err != nil {
				return nil, nil, fmt.Errorf("parity: bad suite or case pattern: %w", err)
			}
		}
	}
	var jobs []job
	seen := map[string]bool{}
	var suites []string
	for _, f := range files {
		if !matchAny(cfg.Suites, f.Suite) {
			continue
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			if !matchAny(cfg.Cases, c.ID) || !inShard(f.Suite+"/"+c.ID, cfg.Shard, cfg.Shards) {
				continue
			}
			jobs = append(jobs, job{f, c})
			if !seen[f.Suite] {
				seen[f.Suite] = true
				suites = append(suites, f.Suite)
			}
		}
	}
	sort.Strings(suites)
	return jobs, suites, nil
}

func matchAny(pats []string, s string) bool {
	if len(pats) == 0 {
		return true
	}
	for _, p := range pats {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
	}
	return false
}

// inShard assigns a case to a shard by a hash of its name, so that shards
// are stable whatever else changes in the vector set.
func inShard(name string, shard, shards int) bool {
	if shards <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32()%uint32(shards)) == shard-1
}

type progress struct {
	mu    sync.Mutex
	done  int
	total int
	fn    func(done, total int)
}

func (p *progress) step() {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	p.done++
	done, total := p.done, p.total
	p.mu.Unlock()
	p.fn(done, total)
}

// Exit returns the gate's exit code for the report.
func (rep *Report) Exit() int {
	c := rep.Counts()
	if rep.Infra || c[NotRun] > 0 {
		return ExitInfra
	}
	if c[Fail] > 0 || c[Changed] > 0 || c[Stale] > 0 || len(rep.Problems) > 0 { // NotRun is handled above
		return ExitDisagree
	}
	return ExitAgree
}

// Counts tallies results by status.
func (rep *Report) Counts() map[Status]int {
	m := map[Status]int{}
	for _, r := range rep.Results {
		m[r.Status]++
	}
	return m
}

// checkSomethingCompared makes a run that compared no answer at all an
// infrastructure failure: filters, shards or merges that leave nothing to
// check must never pass.
func (rep *Report) checkSomethingCompared() {
	for _, r := range rep.Results {
		if r.Status.Compared() {
			return
		}
	}
	rep.Infra = true
	rep.Problems = append(rep.Problems, "no answer of any peer was compared with a case: nothing was checked")
}
