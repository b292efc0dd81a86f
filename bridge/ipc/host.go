package ipc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/interopkit/interop/internal/ndjson"
	"github.com/interopkit/interop/internal/proc"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/redact"
	"github.com/interopkit/interop/types"
)

// Defaults of Config, upstream's (spec/ipc.md).
const (
	DefaultStartTimeout       = 30 * time.Second
	DefaultRequestTimeout     = 30 * time.Second
	DefaultMaxPendingRequests = 1000
	DefaultMaxMessageBytes    = 1_000_000
	DefaultMaxBufferBytes     = 2_000_000
	DefaultGrace              = 5 * time.Second
	// pythonLineLimit is asyncio's default line limit: what an unmodified
	// upstream bridge_server.py reads.
	pythonLineLimit = 65536
)

// SpinFor is how long a caller, the host's reader and a server's reader
// wait awake for the next line before parking, when the child answers
// fast.
const SpinFor = 50 * time.Microsecond

// Src is the src attribute of every event the host logs.
const Src = "interop:ipc"

// Config configures a Host.
type Config struct {
	// Command is the child's program and arguments.
	Command []string
	// Dir is its working directory; empty means this process's.
	Dir string
	// Env lists what the child's environment holds beyond the base
	// allowlist (PATH, HOME, LANG, LC_ALL, TMPDIR, TZ, from this process):
	// "NAME" takes this process's value, "NAME=VALUE" sets one. Nothing else
	// of this process's environment reaches the child.
	Env []string
	// InheritEnv gives the child this process's whole environment except
	// secret-bearing names (DeniedEnv), which only Env can pass.
	InheritEnv bool

	StartTimeout       time.Duration // for the ready line; DefaultStartTimeout when zero
	RequestTimeout     time.Duration // per call, unless the context ends sooner; DefaultRequestTimeout when zero
	MaxPendingRequests int           // calls in flight; DefaultMaxPendingRequests when zero
	MaxMessageBytes    int           // longest line read from the child; DefaultMaxMessageBytes when zero
	MaxBufferBytes     int           // upstream's option; must be at least MaxMessageBytes; DefaultMaxBufferBytes when zero
	Grace              time.Duration // between SIGTERM and SIGKILL on Close; DefaultGrace when zero

	// Logger receives the host's events (spec/ipc.md), through a redacting
	// handler; slog.Default when nil.
	Logger *slog.Logger
}

// Errors of the host beyond those of package plugin.
var (
	// ErrStart reports a child that did not start or never sent ready.
	ErrStart = errors.New("ipc: plugin child did not start")
	// ErrProtocol reports a child that broke the protocol for a call.
	ErrProtocol = errors.New("ipc: protocol violation by the plugin child")
	// ErrConfig reports a Config that cannot work.
	ErrConfig = errors.New("ipc: bad config")
)

// ExitError reports a child that exited while calls were pending, or
// before it was ready.
type ExitError struct {
	Status string // how it ended ("exit status 2", "signal: killed")
}

func (e *ExitError) Error() string { return "ipc: plugin child exited (" + e.Status + ")" }

// Is makes errors.Is(err, plugin.ErrClosed) hold: the plugin is gone.
func (e *ExitError) Is(target error) bool { return target == plugin.ErrClosed }

// Host runs a plugin in a child process. It implements plugin.Plugin and
// is safe for concurrent use: calls are multiplexed over the one child and
// correlated by id.
type Host struct {
	cfg      Config
	log      *slog.Logger
	p        *proc.Process
	manifest *types.PluginManifest
	info     Interop
	lineMax  int // the longest request line the child reads; 0: no limit known

	wlock   chan struct{} // held while a line is written: a lock a caller can give up on
	stopped chan struct{} // closed when the reader has ended
	fail    error         // why it ended; set before stopped closes

	mu      sync.Mutex
	pending map[string]*call
	order   []string // ids in send order, for a child that answers in order
	next    uint64
	closed  bool

	closeOnce  sync.Once
	Unexpected atomic.Int64 // replies with an unknown id or the wrong type
	recent     atomic.Int64 // a moving average of round trips, in nanoseconds
}

// fast reports whether the child has been answering within twice SpinFor.
func (h *Host) fast() bool { return time.Duration(h.recent.Load()) < 2*SpinFor }

// observe folds one round trip into the moving average (weight 1/8).
func (h *Host) observe(d time.Duration) {
	old := h.recent.Load()
	h.recent.Store(old + (int64(d)-old)/8)
}

type call struct {
	typ   string
	reply chan result
}

type result struct {
	m   *message
	err error
}

var _ plugin.Plugin = (*Host)(nil)

// Start starts the child and waits for its ready line.
func Start(ctx context.Context, cfg Config) (*Host, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	h := &Host{cfg: cfg, log: cfg.Logger, wlock: make(chan struct{}, 1),
		stopped: make(chan struct{}), pending: map[string]*call{}}
	p, err := proc.Start(proc.Spec{Command: cfg.Command, Dir: cfg.Dir, Env: childEnv(cfg), StderrLine: h.stderrLine})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStart, err)
	}
	h.p = p
	ready := make(chan error, 1)
	go h.read(ready)
	timer := time.NewTimer(cfg.StartTimeout)
	defer timer.Stop()
	select {
	case err = <-ready:
	case <-timer.C:
		err = fmt.Errorf("%w: no ready line within %v", ErrStart, cfg.StartTimeout)
	case <-ctx.Done():
		err = fmt.Errorf("%w: %w", ErrStart, ctx.Err())
	}
	if err != nil {
		p.Kill()
		<-h.stopped
		return nil, err
	}
	return h, nil
}

func (c *Config) defaults() error {
	if len(c.Command) == 0 {
		return fmt.Errorf("%w: no command", ErrConfig)
	}
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(&c.StartTimeout, DefaultStartTimeout)
	set(&c.RequestTimeout, DefaultRequestTimeout)
	set(&c.Grace, DefaultGrace)
	if c.MaxPendingRequests == 0 {
		c.MaxPendingRequests = DefaultMaxPendingRequests
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MaxBufferBytes == 0 {
		c.MaxBufferBytes = max(DefaultMaxBufferBytes, c.MaxMessageBytes)
	}
	switch {
	case c.StartTimeout < 0 || c.RequestTimeout < 0 || c.Grace < 0:
		return fmt.Errorf("%w: negative duration", ErrConfig)
	case c.MaxPendingRequests < 0 || c.MaxMessageBytes < 0:
		return fmt.Errorf("%w: negative limit", ErrConfig)
	case c.MaxBufferBytes < c.MaxMessageBytes:
		return fmt.Errorf("%w: MaxBufferBytes is smaller than MaxMessageBytes", ErrConfig)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Logger = slog.New(redact.NewHandler(c.Logger.Handler(), redact.ConfigFromEnv()))
	return nil
}

// DeniedEnv reports whether an inherited variable is withheld from a child
// (Config.InheritEnv): names that carry secrets by convention.
func DeniedEnv(name string) bool { return proc.DeniedEnv(name) }

// childEnv builds the child's environment: deny by default.
func childEnv(cfg Config) []string { return proc.ChildEnv(cfg.InheritEnv, cfg.Env) }

// stderrLine logs one line of the child's standard error, redacted.
func (h *Host) stderrLine(line []byte, truncated bool) {
	h.log.Info("plugin child stderr", redact.Event(Src, "interop.ipc.stderr"), slog.String("stream", "stderr"),
		slog.String("line", redact.Text(string(bytes.ToValidUTF8(line, []byte("\uFFFD"))))), slog.Bool("truncated", truncated))
}

// prefix is the short, redacted start of a line for a log record. It
// redacts a window before cutting, so that a credential that starts in
// the first 32 bytes is masked whole rather than cut into a piece the
// patterns no longer recognise.
func prefix(line []byte) string {
	const n, window = 32, 512
	if len(line) > window {
		line = line[:window]
	}
	s := redact.Text(string(bytes.ToValidUTF8(line, []byte("\uFFFD"))))
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// read reads the ready line, then every reply, until the output ends;
// then it reaps the child and fails every pending call.
func (h *Host) read(ready chan<- error) {
	var out io.Reader = h.p.Stdout()
	if f, ok := out.(*os.File); ok {
		// As PollableStdin, for a child that answers fast (the same
		// moving average as the callers' spin).
		out = proc.SpinReader(f, SpinFor, h.fast)
	}
	r := ndjson.NewReader(out, h.cfg.MaxMessageBytes)
	isReady := false
	var end error
	defer func() {
		h.p.Reap()
		if end == nil {
			end = &ExitError{Status: h.p.Status()}
		}
		if !isReady {
			ready <- fmt.Errorf("%w: %w", ErrStart, end)
		}
		h.mu.Lock()
		h.fail = end
		pend := h.pending
		h.pending, h.order = map[string]*call{}, nil
		closed := h.closed
		h.mu.Unlock()
		if !closed {
			// Not asked to stop: the child crashed, exited or was killed
			// for a limit (logged above with its own event as well).
			h.log.Error("plugin child exited", redact.Event(Src, "interop.ipc.exited"),
				slog.String("status", h.p.Status()), slog.Int("pending", len(pend)))
		}
		close(h.stopped)
		for _, c := range pend {
			c.reply <- result{err: end}
		}
	}()
	for {
		line, err := r.ReadLine()
		switch {
		case errors.Is(err, ndjson.ErrLineTooLong):
			h.log.Error("plugin child wrote a line over the limit; stopping it", redact.Event(Src, "interop.ipc.message_exceeded"),
				slog.Int("maxMessageBytes", h.cfg.MaxMessageBytes))
			end = fmt.Errorf("%w: the child wrote a line over %d bytes", plugin.ErrTooLarge, h.cfg.MaxMessageBytes)
			h.p.Signal(syscall.SIGKILL)
			_, _ = io.Copy(io.Discard, h.p.Stdout()) // until the pipe closes
			return
		case err != nil:
			return // EOF, a partial last line, or a closed pipe: the child is gone
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil || m.Type == "" {
			h.log.Error("plugin child wrote a line that is not a protocol message", redact.Event(Src, "interop.ipc.parse_failed"),
				slog.Int("bytes", len(line)), slog.String("prefix", prefix(line)))
			if !isReady {
				end = fmt.Errorf("%w: the first line is not a ready message", ErrStart)
				h.p.Signal(syscall.SIGKILL)
				_, _ = io.Copy(io.Discard, h.p.Stdout())
				return
			}
			continue
		}
		if !isReady {
			if err := h.ready(&m); err != nil {
				end = err
				h.p.Signal(syscall.SIGKILL)
				_, _ = io.Copy(io.Discard, h.p.Stdout())
				return
			}
			isReady = true
			ready <- nil
			continue
		}
		h.dispatch(&m, len(line))
	}
}

// ready reads the ready line.
func (h *Host) ready(m *message) error {
	if m.Type != typeReady || isNull(m.Manifest) {
		return fmt.Errorf("%w: the first message is not ready with a manifest", ErrStart)
	}
	var man types.PluginManifest
	if err := json.Unmarshal(m.Manifest, &man); err != nil {
		return fmt.Errorf("%w: the manifest cannot be read: %w", ErrStart, err)
	}
	h.manifest = &man
	if m.Interop != nil {
		h.info = *m.Interop
		h.lineMax = m.Interop.MaxLineBytes
	} else if man.Language != nil && *man.Language == "python" {
		// Upstream's bridge_server.py: asyncio's line limit, in order.
		h.lineMax, h.info.Ordered = pythonLineLimit, true
	}
	return nil
}

// dispatch delivers one reply to the call it answers.
func (h *Host) dispatch(m *message, n int) {
	id := ""
	if m.ID != nil {
		id = *m.ID
	}
	h.mu.Lock()
	c := h.pending[id]
	if c == nil && id == "" && m.Type == typeError && h.info.Ordered && len(h.order) > 0 {
		// An in-order child could not read or answer its oldest request.
		id = h.order[0]
		c = h.pending[id]
	}
	if c != nil {
		delete(h.pending, id)
		h.removeOrder(id)
	}
	h.mu.Unlock()
	switch {
	case c == nil && m.Type == typeError:
		h.log.Warn("plugin child reported an error for no pending request", redact.Event(Src, "interop.ipc.child_error"),
			slog.Bool("emptyID", id == ""), slog.Int("bytes", n))
	case c == nil:
		h.Unexpected.Add(1)
		h.log.Warn("plugin child replied to no pending request", redact.Event(Src, "interop.ipc.unexpected_reply"),
			slog.String("type", prefix([]byte(m.Type))), slog.Int("bytes", n))
	case m.Type == typeError:
		msg := ""
		if m.Error != nil {
			msg = *m.Error
		}
		c.reply <- result{err: &plugin.Error{Op: c.typ, Message: msg}}
	case m.Type != answers[c.typ]:
		h.Unexpected.Add(1)
		h.log.Warn("plugin child answered with the wrong type", redact.Event(Src, "interop.ipc.unexpected_reply"),
			slog.String("type", prefix([]byte(m.Type))), slog.String("want", answers[c.typ]))
		c.reply <- result{err: fmt.Errorf("%w: %s answered with %q", ErrProtocol, c.typ, prefix([]byte(m.Type)))}
	default:
		c.reply <- result{m: m}
	}
}

func (h *Host) removeOrder(id string) {
	for i, x := range h.order {
		if x == id {
			h.order = append(h.order[:i], h.order[i+1:]...)
			return
		}
	}
}

// send writes one line to the child from the caller's goroutine (no hop
// through a writer goroutine: the round trip's floor is two pipes). A
// child that stops reading holds the write until ctx ends: the write has
// the call's deadline, and waiting for the lock can be given up.
func (h *Host) send(ctx context.Context, line []byte) error {
	select {
	case h.wlock <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-h.stopped:
		return h.stoppedErr()
	}
	defer func() { <-h.wlock }()
	w := h.p.Stdin()
	if d, ok := ctx.Deadline(); ok {
		_ = w.SetWriteDeadline(d)
	}
	_, err := w.Write(line)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// Part of the line may be written: the stream is no longer
		// framed, so the child cannot be trusted with another request.
		h.log.Error("plugin child stopped reading its input; stopping it", redact.Event(Src, "interop.ipc.write_stalled"))
		h.p.Signal(syscall.SIGKILL)
		return context.DeadlineExceeded
	}
	return err
}

// Manifest implements plugin.Plugin.
func (h *Host) Manifest() *types.PluginManifest { return h.manifest }

// Interop returns what the child announced in its ready line (the zero
// value for an unmodified upstream child).
func (h *Host) Interop() Interop { return h.info }

func (h *Host) has(feature string) bool {
	for _, f := range h.info.Features {
		if f == feature {
			return true
		}
	}
	return false
}

// do sends one request and waits for its reply.
func (h *Host) do(ctx context.Context, req *request) (*message, error) {
	ctx, cancel := context.WithTimeout(ctx, h.cfg.RequestTimeout)
	defer cancel()
	h.mu.Lock()
	switch {
	case h.closed:
		h.mu.Unlock()
		return nil, plugin.ErrClosed
	case h.fail != nil:
		err := h.fail
		h.mu.Unlock()
		return nil, err
	case len(h.pending) >= h.cfg.MaxPendingRequests:
		h.mu.Unlock()
		return nil, fmt.Errorf("%w (max %d)", plugin.ErrOverloaded, h.cfg.MaxPendingRequests)
	}
	h.next++
	req.ID = "req_" + strconv.FormatUint(h.next, 10)
	h.mu.Unlock()
	line, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("ipc: %s: encoding the request: %w", req.Type, err)
	}
	if h.lineMax > 0 && len(line) > h.lineMax {
		return nil, fmt.Errorf("%w: a %s request of %d bytes is over the %d bytes the child reads", plugin.ErrTooLarge, req.Type, len(line), h.lineMax)
	}
	line = append(line, '\n')
	c := &call{typ: req.Type, reply: make(chan result, 1)}
	h.mu.Lock()
	if h.fail != nil || h.closed {
		h.mu.Unlock()
		return nil, plugin.ErrClosed
	}
	h.pending[req.ID] = c
	h.order = append(h.order, req.ID)
	h.mu.Unlock()
	if err := h.send(ctx, line); err != nil {
		h.forget(req.ID)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("ipc: %s: %w", req.Type, err)
		}
		return nil, h.stoppedErr()
	}
	// A short spin before parking, for a child that answers fast: on a
	// small machine a thread that stays awake for the reply avoids the
	// wake-up of an idle CPU (measured: the Node child's round trip 100 to
	// 85 µs). A slow child (Python, 250 µs) would only lose the CPU it
	// needs, so the spin follows the recent round trips.
	t0 := time.Now()
	if h.fast() {
		for time.Since(t0) < SpinFor {
			select {
			case r := <-c.reply:
				h.observe(time.Since(t0))
				return r.m, r.err
			default:
				runtime.Gosched()
			}
		}
	}
	select {
	case r := <-c.reply:
		h.observe(time.Since(t0))
		return r.m, r.err
	case <-ctx.Done():
		if h.forget(req.ID) && h.has(FeatureCancel) {
			if b, err := json.Marshal(cancelMessage{Type: typeCancel, ID: req.ID}); err == nil {
				// Best effort, briefly: a child that is not reading
				// cannot act on it anyway.
				cctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
				_ = h.send(cctx, append(b, '\n'))
				cancel()
			}
		}
		return nil, fmt.Errorf("ipc: %s: %w", req.Type, ctx.Err())
	}
}

// forget drops a pending call; it reports whether the call was still
// pending (no reply had arrived).
func (h *Host) forget(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, still := h.pending[id]
	delete(h.pending, id)
	h.removeOrder(id)
	return still
}

// stoppedErr is why the host stopped.
func (h *Host) stoppedErr() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail != nil {
		return h.fail
	}
	return plugin.ErrClosed
}

// Init implements plugin.Plugin.
func (h *Host) Init(ctx context.Context, config map[string]string) error {
	if config == nil {
		config = map[string]string{}
	}
	_, err := h.do(ctx, &request{Type: typeInit, Config: config})
	return err
}

// ValidateAction implements plugin.Plugin.
func (h *Host) ValidateAction(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	m, err := h.do(ctx, &request{Type: typeValidate, Action: name, Memory: msg.Memory, State: msg.State})
	if err != nil {
		return false, err
	}
	return m.Valid != nil && *m.Valid, nil
}

// InvokeAction implements plugin.Plugin.
func (h *Host) InvokeAction(ctx context.Context, name string, msg plugin.Message, options map[string]any) (*types.ActionResult, error) {
	m, err := h.do(ctx, &request{Type: typeInvoke, Action: name, Memory: msg.Memory, State: msg.State, Options: options})
	if err != nil {
		return nil, err
	}
	return actionResult(typeInvoke, m)
}

func actionResult(op string, m *message) (*types.ActionResult, error) {
	if isNull(m.Result) {
		return nil, nil
	}
	var r types.ActionResult
	if err := json.Unmarshal(m.Result, &r); err != nil {
		return nil, fmt.Errorf("%w: %s result: %w", ErrProtocol, op, err)
	}
	return &r, nil
}

// GetProvider implements plugin.Plugin.
func (h *Host) GetProvider(ctx context.Context, name string, msg plugin.Message) (*types.ProviderResult, error) {
	m, err := h.do(ctx, &request{Type: typeProvider, Provider: name, Memory: msg.Memory, State: msg.State})
	if err != nil {
		return nil, err
	}
	var r types.ProviderResult
	if isNull(m.Result) {
		return &r, nil
	}
	if err := json.Unmarshal(m.Result, &r); err != nil {
		return nil, fmt.Errorf("%w: provider.get result: %w", ErrProtocol, err)
	}
	return &r, nil
}

// ValidateEvaluator implements plugin.Plugin. Only a child that announces
// evaluator.validate can answer it (upstream's hosts ask the child's
// actions instead, which is wrong); others give plugin.ErrUnsupported.
func (h *Host) ValidateEvaluator(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	if !h.has(FeatureEvaluatorValidate) {
		return false, fmt.Errorf("%w: the child does not announce evaluator.validate", plugin.ErrUnsupported)
	}
	m, err := h.do(ctx, &request{Type: typeEvaluatorValidate, Evaluator: name, Memory: msg.Memory, State: msg.State})
	if err != nil {
		return false, err
	}
	return m.Valid != nil && *m.Valid, nil
}

// InvokeEvaluator implements plugin.Plugin.
func (h *Host) InvokeEvaluator(ctx context.Context, name string, msg plugin.Message) (*types.ActionResult, error) {
	m, err := h.do(ctx, &request{Type: typeEvaluatorInvoke, Evaluator: name, Memory: msg.Memory, State: msg.State})
	if err != nil {
		return nil, err
	}
	return actionResult(typeEvaluatorInvoke, m)
}

// Close stops the child: SIGTERM to its process group, up to Grace for it
// to exit, then SIGKILL; pending calls fail with plugin.ErrClosed. It is
// idempotent and returns once the child has been reaped.
func (h *Host) Close(ctx context.Context) error {
	h.closeOnce.Do(func() {
		h.mu.Lock()
		h.closed = true
		h.mu.Unlock()
		_ = h.p.Stdin().Close()
		done := make(chan struct{})
		go func() {
			h.p.Stop(h.cfg.Grace)
			close(done)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			h.p.Kill()
			<-done
		}
		<-h.stopped
	})
	return nil
}
