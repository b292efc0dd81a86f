// Package peer is the gate's client of one peer process
// (spec/runner-protocol.md): it starts it under internal/proc, waits for
// its hello, and sends runs one at a time with a deadline each. Any error
// leaves the peer unusable; the gate kills it and starts another.
package peer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/proc"
)

// Spec says how to start a peer.
type Spec struct {
	Name    string   // name the runner knows the peer by
	Command []string // program and arguments
	Dir     string   // working directory; empty means the runner's
	// Env adds to the peer's environment, which is deny by default (see
	// proc.ChildEnv): the runner's PATH, HOME, LANG, LC_ALL, TMPDIR and
	// TZ, then each "NAME=value", or "NAME" copied from the runner. No
	// other variable of the runner (a CI token, a salt) reaches a peer.
	Env []string
}

// Errors of a peer, attributed by the runner to the case in flight.
var (
	ErrStart    = errors.New("peer did not start")
	ErrTimeout  = errors.New("peer missed the deadline")
	ErrExited   = errors.New("peer exited")
	ErrProtocol = peerproto.ErrProtocol
)

// StderrLimit bounds the standard error kept per peer.
const StderrLimit = proc.StderrLimit

// byeGrace is how long a peer has to exit after bye.
const byeGrace = 2 * time.Second

// Peer is a running peer process.
type Peer struct {
	Spec  Spec
	Hello *peerproto.Message

	p      *proc.Process
	out    *peerproto.Writer
	msgs   chan readResult
	stop   chan struct{} // closed when the peer is killed: ends the reader
	once   sync.Once
	nextID int64
	recent atomic.Int64 // moving average of run times, in nanoseconds
}

// spinFor is how long the reader stays awake for an answer, when the peer
// answers fast.
const spinFor = 50 * time.Microsecond

func (pr *Peer) fast() bool { return time.Duration(pr.recent.Load()) < 2*spinFor }

type readResult struct {
	m   *peerproto.Message
	err error
}

// Start starts the peer and waits up to startTimeout for its hello.
func Start(ctx context.Context, spec Spec, startTimeout time.Duration) (*Peer, error) {
	p, err := proc.Start(proc.Spec{Command: spec.Command, Dir: spec.Dir, Env: proc.ChildEnv(false, spec.Env)})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrStart, spec.Name, err)
	}
	pr := &Peer{Spec: spec, p: p, out: peerproto.NewWriter(p.Stdin()), msgs: make(chan readResult, 1), stop: make(chan struct{})}
	// One goroutine reads until the output ends, then reaps the process.
	go func() {
		defer p.Reap()
		var out io.Reader = p.Stdout()
		if f, ok := out.(*os.File); ok {
			// Lock-step runs against a fast peer: stay awake for the
			// answer (the gate's per-case overhead); not for a slow one.
			out = proc.SpinReader(f, spinFor, pr.fast)
		}
		r := peerproto.NewReader(out)
		for {
			m, err := r.Read()
			select {
			case pr.msgs <- readResult{m, err}:
			case <-pr.stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()

	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	var cause error
	select {
	case r := <-pr.msgs:
		if r.err == nil && r.m.Type == peerproto.TypeHello {
			pr.Hello = r.m
			return pr, nil
		}
		cause = r.err
		if cause == nil {
			cause = fmt.Errorf("%w: first message is %q, not hello", ErrProtocol, r.m.Type)
		} else if errors.Is(cause, io.EOF) {
			cause = errors.New("it exited before saying hello")
		}
	case <-timer.C:
		cause = fmt.Errorf("no hello within %v", startTimeout)
	case <-ctx.Done():
		pr.Kill()
		return nil, ctx.Err()
	}
	pr.Kill()
	return nil, &StartError{Name: spec.Name, Err: cause, Status: p.Status(), Stderr: p.Stderr()}
}

// StartError reports a peer that did not start, with what it left on
// standard error to explain why.
type StartError struct {
	Name   string
	Err    error
	Status string // how the process ended
	Stderr string // its last StderrLimit bytes of standard error
}

func (e *StartError) Error() string {
	return fmt.Sprintf("%v: %s: %v (%s)", ErrStart, e.Name, e.Err, e.Status)
}

// Unwrap makes errors.Is(err, ErrStart) hold.
func (e *StartError) Unwrap() []error { return []error{ErrStart, e.Err} }

// Run sends one request and waits for its result until the deadline, which
// covers writing the request too: a peer that stops reading cannot block
// the runner. Any error leaves the peer unusable: the caller kills and
// restarts it.
func (pr *Peer) Run(ctx context.Context, req *peerproto.Message, timeout time.Duration) (*peerproto.Message, error) {
	pr.nextID++
	id := pr.nextID
	t0 := time.Now()
	defer func() {
		old := pr.recent.Load()
		pr.recent.Store(old + (int64(time.Since(t0))-old)/8)
	}()
	req.Type, req.ID = peerproto.TypeRun, &id
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	written := make(chan error, 1)
	go func() { written <- pr.out.Write(req) }()
	select {
	case err := <-written:
		if err != nil {
			return nil, pr.exitErr(fmt.Errorf("writing the request: %v", err))
		}
	case <-timer.C:
		return nil, fmt.Errorf("%w (%v) while sending the request", ErrTimeout, timeout)
	case <-pr.p.Done():
		return nil, pr.exitErr(nil)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case r := <-pr.msgs:
		switch {
		case r.err != nil:
			if errors.Is(r.err, io.EOF) {
				return nil, pr.exitErr(nil)
			}
			return nil, r.err
		case r.m.Type != peerproto.TypeResult:
			return nil, fmt.Errorf("%w: got %q while waiting for a result", ErrProtocol, r.m.Type)
		case *r.m.ID != id:
			return nil, fmt.Errorf("%w: result for id %d while waiting for id %d", ErrProtocol, *r.m.ID, id)
		}
		return r.m, nil
	case <-timer.C:
		return nil, fmt.Errorf("%w (%v)", ErrTimeout, timeout)
	case <-pr.p.Done():
		return nil, pr.exitErr(nil)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// exitErr describes the peer's exit, waiting briefly for it to be reaped.
func (pr *Peer) exitErr(cause error) error {
	select {
	case <-pr.p.Done():
	case <-time.After(byeGrace):
		if cause != nil {
			return fmt.Errorf("%w: %v", ErrExited, cause)
		}
		return fmt.Errorf("%w: its output ended", ErrExited)
	}
	return fmt.Errorf("%w (%s)", ErrExited, pr.p.Status())
}

// Close says bye and waits up to 2 s for the peer to exit, then kills its
// process group (helpers it started included).
func (pr *Peer) Close() {
	_ = pr.out.Write(&peerproto.Message{Type: peerproto.TypeBye})
	_ = pr.p.Stdin().Close()
	select {
	case <-pr.p.Done():
	case <-time.After(byeGrace):
	}
	pr.Kill()
}

// Kill kills the peer's process group and waits for the peer to be reaped.
func (pr *Peer) Kill() {
	pr.once.Do(func() { close(pr.stop) }) // unblock the reader first
	pr.p.Kill()
}

// Stderr returns what the peer has written to standard error, at most the
// last StderrLimit bytes.
func (pr *Peer) Stderr() string { return pr.p.Stderr() }

// Offers reports whether the hello declared the op.
func (pr *Peer) Offers(op string) bool { return slices.Contains(pr.Hello.Ops, op) }
