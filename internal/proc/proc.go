// Package proc supervises one child process for the gate's peers and the
// IPC bridge: a process group of its own, an explicit environment, stdin
// and stdout as pipes, standard error kept in a bounded ring (and handed,
// line by line, to a callback), a termination that always reaches the
// whole group, and reaping that cannot be held up by a descendant that
// keeps the pipes open.
package proc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// StderrLimit bounds the standard error kept per process.
const StderrLimit = 64 << 10

// Spec says how to start a process.
type Spec struct {
	Command []string // program and arguments
	Dir     string   // working directory; empty means the parent's
	Env     []string // the whole environment (ChildEnv builds one); nil means an empty one, never the parent's
	// StderrLine, when set, receives each line the process writes on
	// standard error (at most MaxStderrLine bytes of it), from one
	// goroutine, in order.
	StderrLine func(line []byte, truncated bool)
}

// MaxStderrLine bounds one line handed to Spec.StderrLine.
const MaxStderrLine = 1 << 10

// ErrStart reports a process that could not be started.
var ErrStart = errors.New("process did not start")

// Process is a running child.
type Process struct {
	cmd     *exec.Cmd
	stdin   *os.File
	stdout  io.ReadCloser
	stderr  *ring
	done    chan struct{}
	waitErr error
	reapMu  sync.Mutex
	reaped  bool
}

// Start starts the process in a process group of its own.
func Start(spec Spec) (*Process, error) {
	if len(spec.Command) == 0 {
		return nil, fmt.Errorf("%w: no command", ErrStart)
	}
	cmd := exec.Command(spec.Command[0], spec.Command[1:]...)
	cmd.Dir, cmd.Env = spec.Dir, spec.Env
	if cmd.Env == nil {
		cmd.Env = []string{} // exec.Cmd would give the child all of ours
	}
	// A group of its own, so that killing it kills what it started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A descendant that keeps stderr open must not keep Wait waiting.
	cmd.WaitDelay = time.Second
	// Our own pipe rather than StdinPipe: the *os.File end is in Go's
	// poller, so a write to a child that stopped reading can have a
	// deadline.
	childIn, stdin, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStart, err)
	}
	cmd.Stdin = childIn
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStart, err)
	}
	p := &Process{cmd: cmd, stdin: stdin, stdout: stdout, stderr: &ring{max: StderrLimit, line: spec.StderrLine}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	err = cmd.Start()
	childIn.Close() // the child's copy is all it needs
	if err != nil {
		stdin.Close()
		return nil, fmt.Errorf("%w: %v", ErrStart, err)
	}
	return p, nil
}

// Stdin is the process's standard input (a pipe: SetWriteDeadline works).
func (p *Process) Stdin() *os.File { return p.stdin }

// Stdout is the process's standard output. Its reader must call Reap once
// the output has ended (exec requires every read to finish before Wait).
func (p *Process) Stdout() io.Reader { return p.stdout }

// Reap waits for the process once its output has ended and records how it
// ended; it is safe to call more than once.
func (p *Process) Reap() {
	p.reapMu.Lock()
	defer p.reapMu.Unlock()
	if p.reaped {
		return
	}
	p.reaped = true
	p.waitErr = p.cmd.Wait()
	p.stderr.flush()
	close(p.done)
}

// Done is closed once the process has been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitError is how the process ended: nil for status 0. Valid after Done.
func (p *Process) ExitError() error { return p.waitErr }

// Status describes how the process ended, or "still running".
func (p *Process) Status() string {
	select {
	case <-p.done:
		if p.waitErr == nil {
			return "exit status 0"
		}
		return p.waitErr.Error()
	default:
		return "still running"
	}
}

// Signal sends sig to the whole process group. Helpers the process started
// stay in its group after it has exited and been reaped: while any of them
// lives the group id cannot be reused, and once none does the signal finds
// no process. Children that left the group (setsid) are not reached.
func (p *Process) Signal(sig syscall.Signal) {
	_ = syscall.Kill(-p.cmd.Process.Pid, sig)
}

// Kill kills the process group, closes both pipes — so that a reader of
// stdout ends even if a descendant that left the group holds it — and
// waits for the process to be reaped by the stdout reader.
func (p *Process) Kill() {
	p.Signal(syscall.SIGKILL)
	_ = p.stdin.Close()
	_ = p.stdout.Close()
	<-p.done
}

// Stop asks the process group to end with SIGTERM, waits up to grace for
// the process to be reaped, then kills the group.
func (p *Process) Stop(grace time.Duration) {
	p.Signal(syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		p.Signal(syscall.SIGKILL) // helpers that ignored SIGTERM
	case <-t.C:
	}
	p.Kill()
}

// Stderr returns the last StderrLimit bytes of standard error.
func (p *Process) Stderr() string { return p.stderr.String() }

// ring keeps the last max bytes written to it, and splits lines for a
// callback.
type ring struct {
	mu      sync.Mutex
	max     int
	buf     []byte
	line    func([]byte, bool)
	partial []byte
	long    bool // the partial line was cut
	wrapped bool // buf lost its start
}

// CutToken drops the piece of a token that cutting b left at one of its
// ends: with start set, b lost its start and the bytes up to its first
// white space go; otherwise b lost its end and the bytes after its last
// white space go. A credential cut in two no longer matches the patterns
// that would mask it, so its piece is dropped rather than shown; with no
// white space at all, nothing of b is kept.
func CutToken(b []byte, start bool) []byte {
	if start {
		if i := bytes.IndexAny(b, " \t\r\n"); i >= 0 {
			return b[i:]
		}
		return nil
	}
	if i := bytes.LastIndexAny(b, " \t\r\n"); i >= 0 {
		return b[:i+1]
	}
	return nil
}

func (r *ring) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, b...)
	if over := len(r.buf) - r.max; over > 0 {
		r.buf = append(r.buf[:0], r.buf[over:]...)
		r.wrapped = true
	}
	if r.line == nil {
		return len(b), nil
	}
	rest := b
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		part := rest
		if i >= 0 {
			part = rest[:i]
		}
		switch room := MaxStderrLine - len(r.partial); {
		case r.long:
			// Already cut: the rest of the line is dropped.
		case room < len(part):
			r.partial = CutToken(append(r.partial, part[:max(room, 0)]...), false)
			r.long = true
		default:
			r.partial = append(r.partial, part...)
		}
		if i < 0 {
			break
		}
		r.line(bytes.TrimRight(r.partial, "\r"), r.long)
		r.partial, r.long = r.partial[:0], false
		rest = rest[i+1:]
	}
	return len(b), nil
}

// flush hands over a last line without a newline.
func (r *ring) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.line != nil && len(r.partial) > 0 {
		r.line(r.partial, r.long)
		r.partial, r.long = nil, false
	}
}

// String returns what the ring holds; once it has lost its start, without
// the piece of a token the loss cut (see CutToken).
func (r *ring) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.wrapped {
		return string(CutToken(r.buf, true))
	}
	return string(r.buf)
}
