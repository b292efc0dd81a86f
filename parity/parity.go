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
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/interopkit/interop/internal/peer"
	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/vector"
)

// PeerSpec says how to start one peer.
type PeerSpec struct {
	Name    string   // the name reports and known-failure files use
	Command []string // program and arguments
	Dir     string   // working directory
	Env     []string // environment; nil inherits the runner's
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

	// Known holds the known-failure list of each peer by name.
	Known map[string]*KnownFailures

	// Pairwise enables the envelope seal/open matrix between peers.
	Pairwise bool

	// Progress, when set, is called after every case with the counts.
	Progress func(done, total int)
}

// Status is the verdict on one case for one peer.
type Status string

// Statuses. Pass, Unchecked, Tolerated, Known and Skip do not fail the gate; Fail and
// Stale do; NotRun is an infrastructure failure.
const (
	Pass      Status = "pass"      // the spec's outcome
	Unchecked Status = "unchecked" // failed as expected, but the peer did not say with which error kind
	Tolerated Status = "tolerated" // an "acceptable" case answered differently
	Known     Status = "known"     // a listed known failure that still fails
	Skip      Status = "skip"      // the peer cannot run this case (with a reason)
	Fail      Status = "fail"      // an unlisted disagreement, crash, timeout or protocol error
	Stale     Status = "stale"     // a listed known failure that now passes
	NotRun    Status = "not-run"   // the peer was not available
)

// Failing reports whether the status fails the gate.
func (s Status) Failing() bool { return s == Fail || s == Stale || s == NotRun }

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
	Expected    *vector.Outcome `json:"expected,omitempty"`
	Got         *vector.Outcome `json:"got,omitempty"`
	Message     string          `json:"message,omitempty"`
	Reason      string          `json:"knownReason,omitempty"`
	Deviation   string          `json:"deviation,omitempty"` // the vector's note on a "<peer>-…" flag: an observed upstream deviation
	Micros      int64           `json:"micros"`
}

// PeerReport describes one peer in a report.
type PeerReport struct {
	Name           string   `json:"name"`
	Language       string   `json:"language,omitempty"`
	Implementation string   `json:"implementation,omitempty"`
	Version        string   `json:"version,omitempty"`
	Suites         []string `json:"suites,omitempty"`
	Ops            []string `json:"ops,omitempty"`
	Error          string   `json:"error,omitempty"` // why it could not start
	Restarts       int      `json:"restarts,omitempty"`
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
	ExitAgree    = 0 // every result passed, was tolerated, skipped or known
	ExitDisagree = 1 // an unexpected disagreement or a stale known failure
	ExitInfra    = 2 // a usage or infrastructure failure: something could not be checked
)

// ErrNoPeers reports a configuration without peers.
var ErrNoPeers = errors.New("parity: no peers to run")

// ErrNoCases reports filters that select nothing: a gate that checks
// nothing must not pass.
var ErrNoCases = errors.New("parity: no case matches the suite and case filters")

type job struct {
	file *vector.File
	c    *vector.Case
}

// Run runs the gate. The error is for failures that prevent any report
// (no peers, unreadable vectors); everything else is in the Report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	if len(cfg.Peers) == 0 {
		return nil, ErrNoPeers
	}
	if cfg.CaseTimeout == 0 {
		cfg.CaseTimeout = 5 * time.Second
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 10 * time.Second
	}
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

	// Start every peer concurrently.
	runners := make([]*runner, len(cfg.Peers))
	var wg sync.WaitGroup
	for i, spec := range cfg.Peers {
		runners[i] = &runner{spec: spec, cfg: &cfg}
		wg.Add(1)
		go func(r *runner) {
			defer wg.Done()
			r.start(ctx)
		}(runners[i])
	}
	wg.Wait()

	total := 0
	for _, r := range runners {
		if r.p != nil {
			total += len(r.jobsFor(jobs))
		}
	}
	var prog progress
	prog.total, prog.fn = total, cfg.Progress

	results := make([][]Result, len(runners))
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
		if r.p != nil {
			r.p.Close()
		}
		rep.Peers = append(rep.Peers, r.report())
		if r.startErr != nil {
			rep.Infra = true
		}
	}
	for _, r := range runners {
		if r.hello != nil && r.hello.Peer.Name != r.spec.Name {
			rep.Problems = append(rep.Problems, fmt.Sprintf("peer %s calls itself %q in its hello: the configured name and the peer disagree", r.spec.Name, r.hello.Peer.Name))
		}
	}
	applyKnown(rep, cfg.Known)
	rep.checkKnownEntries(cfg.Known, known)
	rep.checkDeclared()
	rep.Elapsed = time.Since(start)
	return rep, ctx.Err()
}

// selectJobs filters and shards the cases and lists the suites in play.
func selectJobs(files []*vector.File, cfg Config) ([]job, []string, error) {
	for _, pats := range [][]string{cfg.Suites, cfg.Cases} {
		for _, p := range pats {
			if _, err := path.Match(p, ""); err != nil {
				return nil, nil, fmt.Errorf("parity: bad pattern %q: %w", p, err)
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

// runner drives one peer.
type runner struct {
	spec     PeerSpec
	cfg      *Config
	p        *peer.Peer
	hello    *peerproto.Message
	startErr error
	restarts int
	failed   bool   // keep stderr in the report
	down     bool   // the peer could not be restarted
	faults   int    // consecutive faults
	stderr   string // of earlier incarnations of the peer
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (r *runner) start(ctx context.Context) {
	p, err := peer.Start(ctx, peer.Spec{Name: r.spec.Name, Command: r.spec.Command, Dir: r.spec.Dir, Env: r.spec.Env}, r.cfg.StartTimeout)
	if err != nil {
		r.startErr = err
		r.keepStderr(err)
		return
	}
	if p.Hello.Peer.Name != r.spec.Name {
		// The report goes by the configured name; a mismatch is a
		// misconfiguration worth surfacing, not fatal.
		r.failed = true
	}
	r.p, r.hello = p, p.Hello
}

func (r *runner) jobsFor(jobs []job) []job {
	var out []job
	for _, j := range jobs {
		if r.supports(j.file.Suite) {
			out = append(out, j)
		}
	}
	return out
}

func (r *runner) supports(suite string) bool {
	return r.hello != nil && slices.Contains(r.hello.Suites, suite)
}

func (r *runner) runAll(ctx context.Context, jobs []job, prog *progress) []Result {
	if r.p == nil {
		return nil
	}
	var out []Result
	for _, j := range r.jobsFor(jobs) {
		out = append(out, r.runOne(ctx, j))
		prog.step()
	}
	return out
}

func (r *runner) runOne(ctx context.Context, j job) Result {
	c := j.c
	exp := c.Expected()
	res := Result{Peer: r.spec.Name, Suite: j.file.Suite, Case: c.ID, File: j.file.Path, Description: c.Description,
		Flags: c.Flags, Input: c.Input, Expected: &exp}
	for _, f := range c.Flags {
		if strings.HasPrefix(f, r.spec.Name+"-") {
			res.Deviation = j.file.Notes[f]
		}
	}
	if r.down {
		res.Status, res.Message = NotRun, "peer unavailable after an earlier failure"
		return res
	}
	t0 := time.Now()
	m, err := r.p.Run(ctx, &peerproto.Message{Suite: j.file.Suite, Case: c.ID, Input: c.Input}, r.cfg.CaseTimeout)
	res.Micros = time.Since(t0).Microseconds()
	if err != nil {
		res.Status, res.Message = Fail, err.Error()
		r.failed = true
		r.faults++
		r.restart(ctx)
		return res
	}
	r.faults = 0
	judge(&res, c, m)
	return res
}

// judge compares a peer's result with the case.
func judge(res *Result, c *vector.Case, m *peerproto.Message) {
	if m.Skip != "" {
		res.Status, res.Message = Skip, m.Skip
		return
	}
	got := vector.Outcome{Output: m.Output, Error: m.Error, ErrorAt: m.ErrorAt}
	res.Got = &got
	if m.Message != "" {
		res.Message = m.Message
	}
	switch {
	case c.Matches(got):
		res.Status = Pass
	case m.Error == peerproto.Unspecified && c.Error != "":
		res.Status = Unchecked
		res.Message = joinMsg("error kind not distinguished by this implementation", res.Message)
	case c.Result == vector.Acceptable:
		res.Status = Tolerated
	default:
		res.Status = Fail
	}
}

func joinMsg(a, b string) string {
	if b == "" {
		return a
	}
	return a + ": " + b
}

func (r *runner) restart(ctx context.Context) {
	r.p.Kill()
	// Keep the old stderr tail: it explains the crash.
	r.stderr = tail(r.stderr+r.p.Stderr(), peer.StderrLimit)
	r.restarts++
	if r.faults >= maxConsecutiveFaults {
		r.down = true
		r.p = nil
		r.startErr = fmt.Errorf("gave up after %d consecutive faults (crash, hang or protocol error); the remaining cases were not run", r.faults)
		return
	}
	p, err := peer.Start(ctx, peer.Spec{Name: r.spec.Name, Command: r.spec.Command, Dir: r.spec.Dir, Env: r.spec.Env}, r.cfg.StartTimeout)
	if err != nil {
		r.down = true
		r.p = nil
		r.startErr = fmt.Errorf("restart failed: %w", err)
		r.keepStderr(err)
		return
	}
	r.p = p
}

// maxConsecutiveFaults bounds the time a peer that hangs on everything can
// cost: after that many faults in a row it is given up on.
const maxConsecutiveFaults = 5

func (r *runner) keepStderr(err error) {
	var se *peer.StartError
	if errors.As(err, &se) && se.Stderr != "" {
		r.stderr = tail(r.stderr+se.Stderr, peer.StderrLimit)
		r.failed = true
	}
}

func (r *runner) report() PeerReport {
	pr := PeerReport{Name: r.spec.Name, Restarts: r.restarts}
	if r.hello != nil {
		pr.Language, pr.Implementation, pr.Version = r.hello.Peer.Language, r.hello.Peer.Implementation, r.hello.Peer.Version
		pr.Suites, pr.Ops = r.hello.Suites, r.hello.Ops

	}
	if r.startErr != nil {
		pr.Error = r.startErr.Error()
	}
	if r.failed || r.startErr != nil {
		cur := ""
		if r.p != nil {
			cur = r.p.Stderr()
		}
		pr.Stderr = tail(r.stderr+cur, peer.StderrLimit)
	}
	return pr
}

// Exit returns the gate's exit code for the report.
func (rep *Report) Exit() int {
	c := rep.Counts()
	if rep.Infra || c[NotRun] > 0 {
		return ExitInfra
	}
	if c[Fail] > 0 || c[Stale] > 0 || len(rep.Problems) > 0 { // NotRun is handled above
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
