package parity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interopkit/interop/internal/envcheck"
	"github.com/interopkit/interop/internal/peer"
	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/proc"
	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/redact"
)

// Fault limits: a peer that crashes, hangs or breaks the protocol this
// many times in a row, or this many times in one run, is given up on, so
// that a peer that fails on everything costs a bounded time.
const (
	maxConsecutiveFaults = 5
	maxFaults            = 10
)

// errDown is returned by call for a peer that is no longer running, and
// errStopped for a run stopped by its context (a signal, the deadline).
var (
	errDown    = errors.New("peer unavailable after an earlier failure")
	errStopped = errors.New("not run: the run stopped")
)

// runner drives one peer.
type runner struct {
	spec        PeerSpec
	cfg         *Config
	p           *peer.Peer
	hello       *peerproto.Message
	startErr    error
	restarts    int
	failed      bool   // keep stderr in the report
	gaveUp      bool   // the fault limits were reached
	faults      int    // faults in this run
	consecutive int    // faults since the last good answer
	stderr      string // of earlier incarnations of the peer
}

func tail(s string, n int) string {
	if len(s) > n {
		// Without the piece of a token the cut leaves: the end of a
		// credential would escape redact.Text.
		return string(proc.CutToken([]byte(s[len(s)-n:]), true))
	}
	return s
}

func (r *runner) peerSpec() peer.Spec {
	return peer.Spec{Name: r.spec.Name, Command: r.spec.Command, Dir: r.spec.Dir, Env: r.spec.Env}
}

func (r *runner) start(ctx context.Context) {
	p, err := peer.Start(ctx, r.peerSpec(), r.cfg.StartTimeout)
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

// close says bye to a running peer.
func (r *runner) close() {
	if r.p != nil {
		r.p.Close()
		r.stderr = tail(r.stderr+r.p.Stderr(), peer.StderrLimit)
		r.p = nil
	}
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

// offers reports whether the running peer declared the op.
func (r *runner) offers(op string) bool {
	return r.p != nil && r.hello != nil && slices.Contains(r.hello.Ops, op)
}

// call sends one request and returns the peer's result. A crash, hang or
// protocol error is counted against the peer, which is restarted (or given
// up on past the fault limits); a stopped run (ctx) is not the peer's
// fault. Every exchange with a peer goes through here.
func (r *runner) call(ctx context.Context, req *peerproto.Message) (*peerproto.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", errStopped, context.Cause(ctx))
	}
	if r.p == nil {
		return nil, errDown
	}
	m, err := r.p.Run(ctx, req, r.cfg.CaseTimeout)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", errStopped, context.Cause(ctx))
		}
		r.fault(ctx)
		return nil, err
	}
	r.consecutive = 0
	return m, nil
}

// fault kills the peer after a crash, hang or protocol error and starts it
// again, unless it has used up its faults.
func (r *runner) fault(ctx context.Context) {
	r.failed = true
	r.faults++
	r.consecutive++
	r.p.Kill()
	// Keep the old stderr tail: it explains the crash.
	r.stderr = tail(r.stderr+r.p.Stderr(), peer.StderrLimit)
	r.p = nil
	if r.consecutive >= maxConsecutiveFaults || r.faults >= maxFaults {
		r.gaveUp = true
		r.startErr = fmt.Errorf("given up on after %d faults (%d in a row; crashes, hangs or protocol errors): the remaining cases were not run", r.faults, r.consecutive)
		return
	}
	r.restarts++
	p, err := peer.Start(ctx, r.peerSpec(), r.cfg.StartTimeout)
	if err != nil {
		r.startErr = fmt.Errorf("restart failed: %w", err)
		r.keepStderr(err)
		return
	}
	r.p = p
}

// notRun reports whether an error from call means the case was never put
// to the peer (it was down, or the run had stopped).
func notRun(err error) bool {
	return errors.Is(err, errDown) || errors.Is(err, errStopped)
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

// runOne runs a case (twice where envcheck.Runs says so) and judges it.
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
	var answers []*peerproto.Message
	t0 := time.Now()
	for range envcheck.Runs(j.file.Suite) {
		m, err := r.call(ctx, &peerproto.Message{Suite: j.file.Suite, Case: c.ID, Input: c.Input})
		if err != nil {
			res.Micros = time.Since(t0).Microseconds()
			res.setError(err)
			return res
		}
		answers = append(answers, m)
	}
	res.Micros = time.Since(t0).Microseconds()
	judge(&res, j.file.Suite, c, answers)
	return res
}

// setError records a call that produced no answer.
func (res *Result) setError(err error) {
	if notRun(err) {
		res.Status, res.Judged = NotRun, NotRun
	} else {
		res.Status, res.Judged = Fail, Fail
	}
	res.Message = err.Error()
}

func (r *runner) keepStderr(err error) {
	var se *peer.StartError
	if errors.As(err, &se) && se.Stderr != "" {
		r.stderr = tail(r.stderr+se.Stderr, peer.StderrLimit)
		r.failed = true
	}
}

func (r *runner) report() PeerReport {
	pr := PeerReport{Name: r.spec.Name, Restarts: r.restarts, Faults: r.faults}
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
		// Credential shapes masked: the tail is printed and kept in every
		// report, and a crashing program may print what it holds.
		pr.Stderr = redact.Text(tail(r.stderr+cur, peer.StderrLimit))
	}
	return pr
}

// outcomes converts a peer's answers into outcomes.
func outcomes(ms []*peerproto.Message) []vector.Outcome {
	out := make([]vector.Outcome, len(ms))
	for i, m := range ms {
		out[i] = m.Outcome()
	}
	return out
}
