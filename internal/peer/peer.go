// Package peer supervises one peer process of the parity gate: it starts
// it, waits for its hello, sends runs one at a time with a deadline each,
// and kills and restarts it when it crashes, hangs or breaks the protocol
// (spec/runner-protocol.md). Standard error is kept in a bounded buffer
// for the report.
package peer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/interopkit/interop/internal/peerproto"
)

// Spec says how to start a peer.
type Spec struct {
	Name    string   // name the runner knows the peer by
	Command []string // program and arguments
	Dir     string   // working directory; empty means the runner's
	Env     []string // environment; nil means the runner's
}

// Errors of a peer, attributed by the runner to the case in flight.
var (
	ErrStart    = errors.New("peer did not start")
	ErrTimeout  = errors.New("peer missed the deadline")
	ErrExited   = errors.New("peer exited")
	ErrProtocol = peerproto.ErrProtocol
)

// StderrLimit bounds the standard error kept per peer.
const StderrLimit = 64 << 10

// Peer is a running peer process.
type Peer struct {
	Spec  Spec
	Hello *peerproto.Message

	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  io.ReadCloser
	out     *peerproto.Writer
	msgs    chan readResult
	stop    chan struct{} // closed when the peer is killed: ends the reader
	once    sync.Once
	exited  chan struct{}
	waitErr error
	stderr  *ring
	nextID  int64
}

type readResult struct {
	m   *peerproto.Message
	err error
}

// Start starts the peer and waits up to startTimeout for its hello.
func Start(ctx context.Context, spec Spec, startTimeout time.Duration) (*Peer, error) {
	if len(spec.Command) == 0 {
		return nil, fmt.Errorf("%w: %s: no command", ErrStart, spec.Name)
	}
	cmd := exec.Command(spec.Command[0], spec.Command[1:]...)
	cmd.Dir, cmd.Env = spec.Dir, spec.Env
	// A process group of its own, so that killing the peer kills whatever
	// it started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A grandchild that keeps stderr open must not keep Wait waiting.
	cmd.WaitDelay = time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrStart, spec.Name, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrStart, spec.Name, err)
	}
	p := &Peer{Spec: spec, cmd: cmd, stdin: stdin, stdout: stdout, out: peerproto.NewWriter(stdin),
		msgs: make(chan readResult, 1), stop: make(chan struct{}), exited: make(chan struct{}), stderr: &ring{max: StderrLimit}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrStart, spec.Name, err)
	}
	// One goroutine reads until the output ends, then reaps the process:
	// exec requires every read of the pipe to finish before Wait.
	go func() {
		defer close(p.exited)
		defer func() { p.waitErr = cmd.Wait() }()
		r := peerproto.NewReader(stdout)
		for {
			m, err := r.Read()
			select {
			case p.msgs <- readResult{m, err}:
			case <-p.stop:
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
	case r := <-p.msgs:
		if r.err == nil && r.m.Type == peerproto.TypeHello {
			p.Hello = r.m
			return p, nil
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
		p.Kill()
		return nil, ctx.Err()
	}
	p.Kill()
	return nil, &StartError{Name: spec.Name, Err: cause, Status: p.status(), Stderr: p.Stderr()}
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

func (p *Peer) status() string {
	select {
	case <-p.exited:
		if p.waitErr == nil {
			return "exit status 0"
		}
		return p.waitErr.Error()
	default:
		return "still running"
	}
}

// Run sends one request and waits for its result until the deadline, which
// covers writing the request too: a peer that stops reading cannot block
// the runner. Any error leaves the peer unusable: the caller kills and
// restarts it.
func (p *Peer) Run(ctx context.Context, req *peerproto.Message, timeout time.Duration) (*peerproto.Message, error) {
	p.nextID++
	id := p.nextID
	req.Type, req.ID = peerproto.TypeRun, &id
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	written := make(chan error, 1)
	go func() { written <- p.out.Write(req) }()
	select {
	case err := <-written:
		if err != nil {
			return nil, p.exitErr(fmt.Errorf("writing the request: %v", err))
		}
	case <-timer.C:
		return nil, fmt.Errorf("%w (%v) while sending the request", ErrTimeout, timeout)
	case <-p.exited:
		return nil, p.exitErr(nil)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case r := <-p.msgs:
		switch {
		case r.err != nil:
			if errors.Is(r.err, io.EOF) {
				return nil, p.exitErr(nil)
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
	case <-p.exited:
		return nil, p.exitErr(nil)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// exitErr describes the peer's exit, waiting briefly for it to be reaped.
func (p *Peer) exitErr(cause error) error {
	select {
	case <-p.exited:
	case <-time.After(2 * time.Second):
		if cause != nil {
			return fmt.Errorf("%w: %v", ErrExited, cause)
		}
		return fmt.Errorf("%w: its output ended", ErrExited)
	}
	status := "exit status 0"
	if p.waitErr != nil {
		status = p.waitErr.Error()
	}
	return fmt.Errorf("%w (%s)", ErrExited, status)
}

// Close says bye and waits up to 2 s for the peer to exit, then kills it.
func (p *Peer) Close() {
	_ = p.out.Write(&peerproto.Message{Type: peerproto.TypeBye})
	_ = p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(2 * time.Second):
	}
	p.Kill()
}

// Kill kills the peer's process group and waits for the peer to be reaped.
func (p *Peer) Kill() {
	p.once.Do(func() { close(p.stop) }) // unblock the reader first
	// The whole group, always: helpers the peer started stay in its group
	// after the leader has exited and been reaped. While any of them lives
	// the group id cannot be reused; once none does, the kill finds no
	// process (ESRCH). Children that left the group with setsid are the
	// peer's own responsibility (spec/runner-protocol.md).
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	_ = p.stdin.Close()
	// A descendant that left the process group may still hold stdout:
	// closing our end ends the reader regardless.
	_ = p.stdout.Close()
	<-p.exited
}

// Stderr returns what the peer has written to standard error, at most the
// last StderrLimit bytes.
func (p *Peer) Stderr() string { return p.stderr.String() }

// Offers reports whether the hello declared the op.
func (p *Peer) Offers(op string) bool { return slices.Contains(p.Hello.Ops, op) }

// ring keeps the last max bytes written to it.
type ring struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (r *ring) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, b...)
	if over := len(r.buf) - r.max; over > 0 {
		r.buf = append(r.buf[:0], r.buf[over:]...)
	}
	return len(b), nil
}

func (r *ring) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.buf)
}
