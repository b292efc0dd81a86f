package ffi

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// openIsolated starts the child that serves the library and supervises
// it: a crash ends the calls in flight with an ipc.ExitError (which
// errors.Is plugin.ErrClosed), and the next call gets a new child.
func openIsolated(ctx context.Context, path string, cfg Config) (plugin.Plugin, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, path, err)
	}
	command := cfg.Command
	if len(command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("ffi: locating this executable for the isolated child: %w", err)
		}
		command = []string{exe, "plugin", "host-ffi"}
	}
	command = append(append([]string{}, command...), abs)
	policy := cfg.Restart
	if policy == (ipc.Restart{}) {
		policy = ipc.Restart{Max: 5, Backoff: 100 * time.Millisecond}
	}
	// The child loads the library with the limits of this Config.
	env := []string{envMaxResultBytes + "=" + strconv.Itoa(cfg.MaxResultBytes)}
	if cfg.Serialize {
		env = append(env, envSerialize+"=1")
	}
	return ipc.Supervise(ctx, ipc.Config{Command: command, Env: env, RequestTimeout: cfg.CallTimeout, MaxMessageBytes: max(ipc.DefaultMaxMessageBytes, 2*cfg.MaxResultBytes), Logger: cfg.Logger}, policy)
}

// The environment through which openIsolated passes Config.Serialize and
// Config.MaxResultBytes to its child.
const (
	envSerialize      = "INTEROP_FFI_SERIALIZE"
	envMaxResultBytes = "INTEROP_FFI_MAX_RESULT_BYTES"
)

// childConfig is the Config of the isolated child, from its environment.
func childConfig() (Config, error) {
	var cfg Config
	cfg.Serialize = os.Getenv(envSerialize) == "1"
	if v := os.Getenv(envMaxResultBytes); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("ffi: bad %s", envMaxResultBytes)
		}
		cfg.MaxResultBytes = n
	}
	return cfg, nil
}

// AbandonGrace is how long the isolated child waits, after a call has
// been cancelled (by its host, at its deadline), for the native call to
// return before it exits: native code cannot be interrupted, so a library
// that hangs costs its child, which the host's supervisor restarts.
const AbandonGrace = time.Second

// exitAbandoned is the isolated child's exit status when it gives up on a
// native call that never returned.
const exitAbandoned = 3

// ServeLibrary is the isolated child: it loads the library in this
// process and serves it over in and out with the IPC bridge (spec/ipc.md)
// until in ends or ctx is done. out must carry nothing else. A call that
// is cancelled (the host sends the cancellation at its deadline) and whose
// native call has not returned AbandonGrace later makes the process exit
// with status 3: the host sees an *ipc.ExitError for any other call in
// flight, and its supervisor starts a new child for the next one.
// Config.Serialize and Config.MaxResultBytes come from the environment
// openIsolated gives the child (INTEROP_FFI_SERIALIZE=1,
// INTEROP_FFI_MAX_RESULT_BYTES=N); the defaults without it.
func ServeLibrary(ctx context.Context, path string, in io.Reader, out io.Writer) error {
	cfg, err := childConfig()
	if err != nil {
		return err
	}
	p, err := Load(path, cfg)
	if err != nil {
		return err
	}
	defer p.Close(context.Background())
	w := &watchdog{p: p, grace: AbandonGrace, exit: func() {
		fmt.Fprintf(os.Stderr, "ffi: a native call of %s did not return %v after its cancellation; exiting\n", filepath.Base(path), AbandonGrace)
		os.Exit(exitAbandoned)
	}}
	return ipc.Serve(ctx, w, in, out, nil)
}

// watchdog runs each call of p on a goroutine of its own and, when the
// call's context ends first, answers with the context's error and calls
// exit unless the native call returns within grace.
type watchdog struct {
	p     *Plugin
	grace time.Duration
	exit  func()
}

var _ plugin.Plugin = (*watchdog)(nil)

func (w *watchdog) guard(ctx context.Context, f func()) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	go func() {
		t := time.NewTimer(w.grace)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			w.exit()
		}
	}()
	return fmt.Errorf("ffi: %s: %w (the native call runs on)", w.p.path, ctx.Err())
}

func (w *watchdog) Manifest() *types.PluginManifest { return w.p.Manifest() }

// Each method's results are set by the call's goroutine, and read only
// when guard has seen it end.

func (w *watchdog) Init(ctx context.Context, config map[string]string) error {
	var err error
	if gerr := w.guard(ctx, func() { err = w.p.Init(ctx, config) }); gerr != nil {
		return gerr
	}
	return err
}

func (w *watchdog) ValidateAction(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	var ok bool
	var err error
	if gerr := w.guard(ctx, func() { ok, err = w.p.ValidateAction(ctx, name, msg) }); gerr != nil {
		return false, gerr
	}
	return ok, err
}

func (w *watchdog) ValidateEvaluator(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	var ok bool
	var err error
	if gerr := w.guard(ctx, func() { ok, err = w.p.ValidateEvaluator(ctx, name, msg) }); gerr != nil {
		return false, gerr
	}
	return ok, err
}

func (w *watchdog) InvokeAction(ctx context.Context, name string, msg plugin.Message, options map[string]any) (*types.ActionResult, error) {
	var r *types.ActionResult
	var err error
	if gerr := w.guard(ctx, func() { r, err = w.p.InvokeAction(ctx, name, msg, options) }); gerr != nil {
		return nil, gerr
	}
	return r, err
}

func (w *watchdog) GetProvider(ctx context.Context, name string, msg plugin.Message) (*types.ProviderResult, error) {
	var r *types.ProviderResult
	var err error
	if gerr := w.guard(ctx, func() { r, err = w.p.GetProvider(ctx, name, msg) }); gerr != nil {
		return nil, gerr
	}
	return r, err
}

func (w *watchdog) InvokeEvaluator(ctx context.Context, name string, msg plugin.Message) (*types.ActionResult, error) {
	var r *types.ActionResult
	var err error
	if gerr := w.guard(ctx, func() { r, err = w.p.InvokeEvaluator(ctx, name, msg) }); gerr != nil {
		return nil, gerr
	}
	return r, err
}

func (w *watchdog) Close(ctx context.Context) error { return w.p.Close(ctx) }
