package ipc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/interopkit/interop/internal/ndjson"
	"github.com/interopkit/interop/internal/proc"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// DefaultMaxLineBytes is the longest request line Serve reads unless told
// otherwise, announced in its ready line.
const DefaultMaxLineBytes = 16 << 20

// ServeOptions configure Serve.
type ServeOptions struct {
	// MaxLineBytes is the longest request line read; DefaultMaxLineBytes
	// when zero. A longer line is answered with an error with an empty id,
	// and the server goes on.
	MaxLineBytes int
	// MaxConcurrent bounds the requests handled at once; 1000 when zero.
	// Reading waits while the bound is reached.
	MaxConcurrent int
}

// Serve runs p as an IPC child (spec/ipc.md) over in and out — a process's
// standard input and output — so that a TypeScript or Python host (or a Go
// Host) can load it. Requests are handled concurrently; replies are
// written whole, one per line. out must carry nothing else: a program that
// serves must send whatever its plugin code prints to standard error. Serve
// returns when in ends (nil) and every request has been answered, or when
// ctx ends.
func Serve(ctx context.Context, p plugin.Plugin, in io.Reader, out io.Writer, opts *ServeOptions) error {
	var o ServeOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = DefaultMaxPendingRequests
	}
	s := &server{p: p, w: bufio.NewWriterSize(out, 64<<10), inflight: map[string]context.CancelFunc{}}
	ctx, cancelAll := context.WithCancel(ctx)
	defer cancelAll()
	manifest, err := json.Marshal(p.Manifest())
	if err != nil {
		return fmt.Errorf("ipc: serve: encoding the manifest: %w", err)
	}
	if err := s.send(map[string]any{"type": typeReady, "manifest": json.RawMessage(manifest),
		"interop": Interop{Protocol: 1, MaxLineBytes: o.MaxLineBytes, Features: []string{FeatureEvaluatorValidate, FeatureCancel}}}); err != nil {
		return fmt.Errorf("ipc: serve: writing the ready line: %w", err)
	}
	r := ndjson.NewReader(in, o.MaxLineBytes)
	sem := make(chan struct{}, o.MaxConcurrent)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		line, err := r.ReadLine()
		switch {
		case errors.Is(err, ndjson.ErrLineTooLong):
			s.fail("", fmt.Sprintf("request line over %d bytes", o.MaxLineBytes))
			if err := r.Skip(1 << 40); err != nil {
				return nil // the input ended inside the line
			}
			continue
		case err != nil:
			return nil // EOF, or the host went away
		}
		if len(line) == 0 {
			continue
		}
		var req request
		if err := json.Unmarshal(line, &req); err != nil {
			s.fail(req.ID, "JSON parse error: "+jsonProblem(err))
			continue
		}
		if req.Type == typeCancel {
			s.cancel(req.ID)
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		rctx, cancel := context.WithCancel(ctx)
		s.start(req.ID, cancel)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer s.finish(req.ID, cancel)
			s.handle(rctx, &req)
		}()
	}
}

// PollableStdin returns this process's standard input, when it is a pipe,
// switched to non-blocking mode, read through Go's poller, after a short
// spin: a server whose host sends its next request within tens of
// microseconds reads it without parking (the wake-up of an idle CPU is
// most of a round trip on a small machine), and otherwise parks in the
// poller instead of a thread in a read system call. Standard input must not
// be used through os.Stdin afterwards. Anything but a pipe (a terminal
// shared with a shell, a file) is returned as os.Stdin, untouched: the
// non-blocking mode would outlive this process there.
func PollableStdin() io.Reader {
	var st syscall.Stat_t
	if err := syscall.Fstat(0, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
		return os.Stdin
	}
	if err := syscall.SetNonblock(0, true); err != nil {
		return os.Stdin
	}
	return proc.SpinReader(os.NewFile(0, "/dev/stdin"), SpinFor, nil)
}

type server struct {
	p        plugin.Plugin
	wmu      sync.Mutex
	w        *bufio.Writer
	imu      sync.Mutex
	inflight map[string]context.CancelFunc
}

func (s *server) start(id string, cancel context.CancelFunc) {
	s.imu.Lock()
	s.inflight[id] = cancel
	s.imu.Unlock()
}

func (s *server) finish(id string, cancel context.CancelFunc) {
	s.imu.Lock()
	delete(s.inflight, id)
	s.imu.Unlock()
	cancel()
}

func (s *server) cancel(id string) {
	s.imu.Lock()
	c := s.inflight[id]
	s.imu.Unlock()
	if c != nil {
		c()
	}
}

// send writes one line and flushes it.
func (s *server) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.w.Write(append(b, '\n')); err != nil {
		return err
	}
	return s.w.Flush()
}

func (s *server) fail(id, msg string) {
	_ = s.send(map[string]any{"type": typeError, "id": id, "error": msg})
}

func (s *server) handle(ctx context.Context, req *request) {
	msg := plugin.Message{Memory: req.Memory, State: req.State}
	var (
		reply map[string]any
		err   error
	)
	switch req.Type {
	case typeInit:
		err = s.p.Init(ctx, req.Config)
		reply = map[string]any{"success": true}
	case typeValidate:
		var ok bool
		ok, err = s.p.ValidateAction(ctx, req.Action, msg)
		reply = map[string]any{"valid": ok}
	case typeEvaluatorValidate:
		var ok bool
		ok, err = s.p.ValidateEvaluator(ctx, req.Evaluator, msg)
		reply = map[string]any{"valid": ok}
	case typeInvoke:
		var r *types.ActionResult
		r, err = s.p.InvokeAction(ctx, req.Action, msg, req.Options)
		reply = map[string]any{"result": r}
	case typeEvaluatorInvoke:
		var r *types.ActionResult
		r, err = s.p.InvokeEvaluator(ctx, req.Evaluator, msg)
		reply = map[string]any{"result": r}
	case typeProvider:
		var r *types.ProviderResult
		r, err = s.p.GetProvider(ctx, req.Provider, msg)
		if r == nil {
			r = &types.ProviderResult{}
		}
		reply = map[string]any{"result": r}
	default:
		s.fail(req.ID, "Unknown request type: "+req.Type)
		return
	}
	if err != nil {
		var pe *plugin.Error
		if errors.As(err, &pe) {
			s.fail(req.ID, pe.Message)
		} else {
			s.fail(req.ID, err.Error())
		}
		return
	}
	reply["type"], reply["id"] = answers[req.Type], req.ID
	if err := s.send(reply); err != nil {
		// A result that cannot be written is still answered.
		s.fail(req.ID, "the result cannot be written as JSON")
	}
}

// jsonProblem describes a JSON error by its position and kind: the error
// text of a type error can quote the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("wrong type at %s", te.Field)
	}
	var tpe *types.Error
	if errors.As(err, &tpe) {
		return tpe.Error()
	}
	return "invalid request"
}
