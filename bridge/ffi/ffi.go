// Package ffi hosts elizaOS plugins built as native shared libraries that
// export upstream's C ABI (spec/ffi.md, the header
// runners/c/include/elizaos_plugin.h), behind the plugin.Plugin interface,
// without cgo: the library is loaded with purego.
//
// In-process FFI is trusted code. The library runs in this process with
// this process's memory, files, environment and privileges; nothing
// sandboxes it, a crash in it is a crash of the host, and a call that never
// returns keeps its thread. Load only libraries you would link into the
// host. For anything else use the isolated mode (Config.Isolated): the
// library is loaded in a child process (interop plugin host-ffi) served
// through the IPC bridge, so that a segfault, an abort or a hang costs one
// call and one child, which is restarted; or use the WASM bridge.
//
// What the loader gets right where upstream's Python loader does not:
// every returned string is read from the raw pointer and freed exactly once
// with elizaos_free_string (never a copy); elizaos_plugin_init is called
// when the library exports it; inputs containing NUL are refused before
// the call instead of being cut; results are bounded, checked for UTF-8
// and JSON, and a NULL result or an {"error": …} object is a typed error.
package ffi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// Defaults of Config.
const (
	DefaultMaxResultBytes = 1_000_000
	DefaultCallTimeout    = 30 * time.Second
)

// Config says how a library is loaded.
type Config struct {
	// MaxResultBytes bounds every string the library returns;
	// DefaultMaxResultBytes when zero.
	MaxResultBytes int
	// CallTimeout bounds a call unless its context ends sooner;
	// DefaultCallTimeout when zero. In process a native call cannot be
	// stopped (see Detach); in isolated mode the child's call is abandoned.
	CallTimeout time.Duration
	// Serialize runs one call at a time, for a library whose functions are
	// not safe to call concurrently.
	Serialize bool
	// Detach runs each native call on a goroutine of its own, so that the
	// caller gets its context's error at the deadline while the native
	// call runs on (native code cannot be interrupted; its result is freed
	// when it returns). It costs a goroutine hand-off a call (see
	// BenchmarkRoundTrip). Without it, a call runs on the caller's
	// goroutine, and one that ends past its deadline fails with the
	// context's error.
	Detach bool

	// Isolated loads the library in a child process behind the IPC bridge
	// (ServeLibrary), with this Config's Serialize and MaxResultBytes. A
	// call that hangs fails at its deadline, and the child exits
	// AbandonGrace later if the native call has still not returned.
	Isolated bool
	// Command is the isolated child: it must serve the library given as
	// its last argument (ServeLibrary). Default: this executable with
	// "plugin host-ffi" (the interop command).
	Command []string
	// Restart is the isolated child's restart policy; by default up to 5
	// restarts, 100 ms apart at first.
	Restart ipc.Restart
	// Logger receives the isolated child's events (redacted); slog.Default
	// when nil.
	Logger *slog.Logger
}

// Errors of the loader beyond those of package plugin. Messages name the
// library and the symbol, never the data.
var (
	// ErrOpen reports a library that cannot be loaded: missing, not a
	// shared library, or for another architecture.
	ErrOpen = errors.New("ffi: cannot load the library")
	// ErrMissingSymbol reports a library without a required symbol.
	ErrMissingSymbol = errors.New("ffi: required symbol missing")
	// ErrNullResult reports a function that returned NULL.
	ErrNullResult = errors.New("ffi: the library returned NULL")
	// ErrBadResult reports a result that is not UTF-8 or not the JSON
	// expected.
	ErrBadResult = errors.New("ffi: the library returned a bad result")
	// ErrInit reports elizaos_init returning non-zero.
	ErrInit = errors.New("ffi: elizaos_init failed")
	// ErrInput reports an input the C ABI cannot carry (a NUL byte).
	ErrInput = errors.New("ffi: input contains a NUL byte")
)

// symbols of the ABI, by role.
type symbols struct {
	getManifest, init, validateAction, invokeAction, getProvider,
	validateEvaluator, invokeEvaluator, freeString, pluginInit uintptr
}

// Plugin is a library loaded in this process. It implements plugin.Plugin
// and is safe for concurrent use. Native code cannot be interrupted: a
// call runs to its end on the caller's goroutine, or with Config.Detach on
// its own, the caller returning at its deadline. Close waits for detached
// calls still running; the library itself is never unloaded (code of it
// may still be on a thread's stack, and upstream's libraries keep global
// state).
type Plugin struct {
	path     string
	cfg      Config
	sym      symbols
	manifest *types.PluginManifest
	serial   sync.Mutex // held around every native call when cfg.Serialize

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
}

var _ plugin.Plugin = (*Plugin)(nil)

func (c *Config) defaults() error {
	if c.MaxResultBytes == 0 {
		c.MaxResultBytes = DefaultMaxResultBytes
	}
	if c.CallTimeout == 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.MaxResultBytes < 0 || c.CallTimeout < 0 {
		return errors.New("ffi: bad config: negative limit")
	}
	return nil
}

// Open loads the library at path, calls elizaos_plugin_init when it is
// exported and reads the manifest. With cfg.Isolated the library is loaded
// in a supervised child process instead, and the result is that child's
// IPC host.
func Open(ctx context.Context, path string, cfg Config) (plugin.Plugin, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if cfg.Isolated {
		return openIsolated(ctx, path, cfg)
	}
	return Load(path, cfg)
}

// Load loads the library in this process (trusted code: see the package
// documentation).
func Load(path string, cfg Config) (*Plugin, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, path, err)
	}
	// dlopen looks a name without a slash up in the system's library
	// path, where another library of that name may be: the file given is
	// loaded by its absolute path.
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, path, err)
	}
	h, err := purego.Dlopen(abs, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrOpen, path, err)
	}
	p := &Plugin{path: path, cfg: cfg}
	find := func(name string, required bool) (uintptr, error) {
		fn, err := purego.Dlsym(h, name)
		if err != nil || fn == 0 {
			if required {
				return 0, fmt.Errorf("%w: %s has no %s", ErrMissingSymbol, path, name)
			}
			return 0, nil
		}
		return fn, nil
	}
	for _, s := range []struct {
		name     string
		dst      *uintptr
		required bool
	}{
		{"elizaos_get_manifest", &p.sym.getManifest, true},
		{"elizaos_free_string", &p.sym.freeString, true},
		{"elizaos_init", &p.sym.init, false},
		{"elizaos_validate_action", &p.sym.validateAction, false},
		{"elizaos_invoke_action", &p.sym.invokeAction, false},
		{"elizaos_get_provider", &p.sym.getProvider, false},
		{"elizaos_validate_evaluator", &p.sym.validateEvaluator, false},
		{"elizaos_invoke_evaluator", &p.sym.invokeEvaluator, false},
		{"elizaos_plugin_init", &p.sym.pluginInit, false},
	} {
		if *s.dst, err = find(s.name, s.required); err != nil {
			return nil, err
		}
	}
	if p.sym.pluginInit != 0 {
		// Once per library in this process: dlopen gives a library
		// loaded again the same handle and the same global state, which
		// a second elizaos_plugin_init would replace under the first
		// Plugin (upstream's registers a new plugin instance).
		once, _ := pluginInits.LoadOrStore(h, new(sync.Once))
		once.(*sync.Once).Do(func() { purego.SyscallN(p.sym.pluginInit) })
	}
	raw, err := p.result("elizaos_get_manifest", p.native(p.sym.getManifest))
	if err != nil {
		return nil, err
	}
	if msg, ok := errorObject(raw); ok {
		return nil, fmt.Errorf("%w: elizaos_get_manifest of %s reported an error (%d bytes)", ErrBadResult, path, len(msg))
	}
	var m types.PluginManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: elizaos_get_manifest of %s: %v", ErrBadResult, path, jsonErr(err))
	}
	p.manifest = &m
	return p, nil
}

// pluginInits holds a *sync.Once per library handle, for
// elizaos_plugin_init.
var pluginInits sync.Map

// native calls fn with args and returns its first result.
func (p *Plugin) native(fn uintptr, args ...uintptr) uintptr {
	if p.cfg.Serialize {
		p.serial.Lock()
		defer p.serial.Unlock()
	}
	r, _, _ := purego.SyscallN(fn, args...)
	return r
}

func indexNUL(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return -1
}

func ptr(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// pageSize bounds each read of a C string so that the scan for its NUL
// never touches a page the string does not reach.
var pageSize = uintptr(os.Getpagesize())

// result copies the NUL-terminated string at addr (at most MaxResultBytes)
// and frees it with elizaos_free_string, exactly once, whatever the
// outcome.
func (p *Plugin) result(fn string, addr uintptr) ([]byte, error) {
	if addr == 0 {
		return nil, fmt.Errorf("%w: %s of %s", ErrNullResult, fn, p.path)
	}
	defer p.native(p.sym.freeString, addr)
	limit := uintptr(p.cfg.MaxResultBytes)
	var out []byte
	for a := addr; ; {
		n := pageSize - a%pageSize
		chunk := unsafe.Slice((*byte)(unsafe.Add(nil, a)), n)
		if i := bytes.IndexByte(chunk, 0); i >= 0 {
			chunk = chunk[:i]
			if uintptr(len(out)+len(chunk)) > limit {
				break
			}
			out = append(out, chunk...)
			if !utf8.Valid(out) {
				return nil, fmt.Errorf("%w: %s of %s returned %d bytes that are not utf-8", ErrBadResult, fn, p.path, len(out))
			}
			return out, nil
		}
		if uintptr(len(out))+n > limit {
			break
		}
		out = append(out, chunk...)
		a += n
	}
	return nil, fmt.Errorf("%w: %s of %s returned a string longer than %d bytes", plugin.ErrTooLarge, fn, p.path, limit)
}

// errorObject reports whether raw is exactly {"error": "<message>"}, the
// ABI's way of failing a call.
func errorObject(raw []byte) (string, bool) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return "", false
	}
	// Its first member's name must start with e (or an escape): most
	// results ("success", "text") are ruled out here, without decoding.
	if rest := bytes.TrimLeft(trimmed[1:], " \t\r\n"); len(rest) < 2 || rest[0] != '"' || (rest[1] != 'e' && rest[1] != '\\') {
		return "", false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(trimmed, &obj) != nil || len(obj) != 1 {
		return "", false
	}
	var msg string
	if e, ok := obj["error"]; !ok || json.Unmarshal(e, &msg) != nil {
		return "", false
	}
	return msg, true
}

// jsonErr is a JSON error without the input it quotes.
func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("a JSON %s where %s is expected at byte %d", te.Value, te.Field, te.Offset)
	}
	// The types package's errors name the JSON pointer and offset, never
	// a value.
	return strings.TrimPrefix(err.Error(), "types: ")
}

// reply is what a native call gave: its result word and, for string
// results, the copied string.
type reply struct {
	word uintptr
	raw  []byte
	err  error
}

// call runs fn with the C strings of args on its own goroutine, so that
// the caller can stop waiting at its deadline.
func (p *Plugin) call(ctx context.Context, op, name, fn string, sym uintptr, str bool, args ...string) (reply, error) {
	if sym == 0 {
		return reply{}, fmt.Errorf("%w: %s has no %s", plugin.ErrUnsupported, p.path, fn)
	}
	// One buffer for every argument, each NUL-terminated.
	size := 0
	for i, a := range args {
		if j := indexNUL(a); j >= 0 {
			return reply{}, fmt.Errorf("%w: %s argument %d has one at byte %d", ErrInput, fn, i+1, j)
		}
		size += len(a) + 1
	}
	buf := make([]byte, size)
	var ptrs [4]uintptr
	off := 0
	for i, a := range args {
		copy(buf[off:], a)
		ptrs[i] = ptr(buf[off:])
		off += len(a) + 1
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return reply{}, plugin.ErrClosed
	}
	p.inflight.Add(1)
	p.mu.Unlock()
	if !p.cfg.Detach {
		return p.callHere(ctx, op, name, fn, sym, str, buf, ptrs[:len(args)])
	}
	j := jobs.Get().(*job)
	j.timer.Reset(p.cfg.CallTimeout)
	go func() {
		defer p.inflight.Done()
		w := p.native(sym, ptrs[:len(args)]...)
		runtime.KeepAlive(buf)
		r := reply{word: w}
		if str {
			r.raw, r.err = p.result(fn, w)
		}
		j.done <- r
	}()
	var r reply
	select {
	case r = <-j.done:
		j.timer.Stop()
		jobs.Put(j)
	case <-ctx.Done():
		// j stays with the native call: its buffered channel takes the
		// late reply, and the collector takes j.
		j.timer.Stop()
		return reply{}, fmt.Errorf("ffi: %s of %s: %w (the native call runs on)", fn, p.path, ctx.Err())
	case <-j.timer.C:
		return reply{}, fmt.Errorf("ffi: %s of %s: %w after %v (the native call runs on)", fn, p.path, context.DeadlineExceeded, p.cfg.CallTimeout)
	}
	return p.finish(op, name, r)
}

// finish turns a reply whose string is an {"error": …} object into the
// plugin's error.
func (p *Plugin) finish(op, name string, r reply) (reply, error) {
	if r.err != nil {
		return r, r.err
	}
	if msg, ok := errorObject(r.raw); r.raw != nil && ok {
		return r, &plugin.Error{Op: op, Name: name, Message: msg}
	}
	return r, nil
}

// callHere runs the native call on the caller's goroutine: a call that
// ends past its deadline (the context's or CallTimeout) fails with
// context.DeadlineExceeded, its result freed.
func (p *Plugin) callHere(ctx context.Context, op, name, fn string, sym uintptr, str bool, buf []byte, ptrs []uintptr) (reply, error) {
	defer p.inflight.Done()
	if err := ctx.Err(); err != nil {
		return reply{}, fmt.Errorf("ffi: %s of %s: %w", fn, p.path, err)
	}
	start := time.Now()
	w := p.native(sym, ptrs...)
	runtime.KeepAlive(buf)
	r := reply{word: w}
	if str {
		r.raw, r.err = p.result(fn, w)
	}
	if err := ctx.Err(); err != nil {
		return reply{}, fmt.Errorf("ffi: %s of %s ended after its context: %w", fn, p.path, err)
	}
	if d := time.Since(start); d > p.cfg.CallTimeout {
		return reply{}, fmt.Errorf("ffi: %s of %s took %v: %w (CallTimeout %v)", fn, p.path, d.Round(time.Millisecond), context.DeadlineExceeded, p.cfg.CallTimeout)
	}
	return p.finish(op, name, r)
}

// job is the hand-off of one native call to its goroutine, recycled when
// the caller waited for it to the end.
type job struct {
	done  chan reply
	timer *time.Timer // CallTimeout
}

var jobs = sync.Pool{New: func() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &job{done: make(chan reply, 1), timer: t}
}}

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("ffi: encoding the call: %w", err)
	}
	return string(b), nil
}

// message encodes a message's memory and state with the types package's
// own encoders, called directly (encoding/json would re-scan and compact
// what they produce).
func message(msg plugin.Message) (mem, state string, err error) {
	mem, state = "null", "null"
	if msg.Memory != nil {
		b, err := msg.Memory.MarshalJSON()
		if err != nil {
			return "", "", fmt.Errorf("ffi: encoding the memory: %w", err)
		}
		mem = string(b)
	}
	if msg.State != nil {
		b, err := msg.State.MarshalJSON()
		if err != nil {
			return "", "", fmt.Errorf("ffi: encoding the state: %w", err)
		}
		state = string(b)
	}
	return mem, state, nil
}

// Manifest implements plugin.Plugin.
func (p *Plugin) Manifest() *types.PluginManifest { return p.manifest }

// Init implements plugin.Plugin.
func (p *Plugin) Init(ctx context.Context, config map[string]string) error {
	if config == nil {
		config = map[string]string{}
	}
	c, err := encode(config)
	if err != nil {
		return err
	}
	if p.sym.init == 0 {
		if p.isClosed() {
			return plugin.ErrClosed
		}
		return nil
	}
	r, err := p.call(ctx, "plugin.init", "", "elizaos_init", p.sym.init, false, c)
	if err != nil {
		return err
	}
	if code := int32(r.word); code != 0 {
		return fmt.Errorf("%w: %s returned %d", ErrInit, p.path, code)
	}
	return nil
}

func (p *Plugin) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

func (p *Plugin) validate(ctx context.Context, op, fn string, sym uintptr, name string, msg plugin.Message) (bool, error) {
	mem, state, err := message(msg)
	if err != nil {
		return false, err
	}
	r, err := p.call(ctx, op, name, fn, sym, false, name, mem, state)
	if err != nil {
		return false, err
	}
	return int32(r.word) != 0, nil
}

// ValidateAction implements plugin.Plugin.
func (p *Plugin) ValidateAction(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	return p.validate(ctx, "action.validate", "elizaos_validate_action", p.sym.validateAction, name, msg)
}

// ValidateEvaluator implements plugin.Plugin.
func (p *Plugin) ValidateEvaluator(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	return p.validate(ctx, "evaluator.validate", "elizaos_validate_evaluator", p.sym.validateEvaluator, name, msg)
}

func (p *Plugin) actionResult(fn string, raw []byte) (*types.ActionResult, error) {
	if string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	var r types.ActionResult
	if err := r.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("%w: %s of %s: %v", ErrBadResult, fn, p.path, jsonErr(err))
	}
	return &r, nil
}

// InvokeAction implements plugin.Plugin.
func (p *Plugin) InvokeAction(ctx context.Context, name string, msg plugin.Message, options map[string]any) (*types.ActionResult, error) {
	mem, state, err := message(msg)
	if err != nil {
		return nil, err
	}
	opts := "{}"
	if options != nil {
		if opts, err = encode(options); err != nil {
			return nil, err
		}
	}
	const fn = "elizaos_invoke_action"
	r, err := p.call(ctx, "action.invoke", name, fn, p.sym.invokeAction, true, name, mem, state, opts)
	if err != nil {
		return nil, err
	}
	return p.actionResult(fn, r.raw)
}

// GetProvider implements plugin.Plugin. Both {} and upstream's
// {"text": null, "values": null, "data": null} are an empty result.
func (p *Plugin) GetProvider(ctx context.Context, name string, msg plugin.Message) (*types.ProviderResult, error) {
	mem, state, err := message(msg)
	if err != nil {
		return nil, err
	}
	const fn = "elizaos_get_provider"
	r, err := p.call(ctx, "provider.get", name, fn, p.sym.getProvider, true, name, mem, state)
	if err != nil {
		return nil, err
	}
	var out types.ProviderResult
	if string(bytes.TrimSpace(r.raw)) == "null" {
		return &out, nil
	}
	if err := out.UnmarshalJSON(r.raw); err != nil {
		return nil, fmt.Errorf("%w: %s of %s: %v", ErrBadResult, fn, p.path, jsonErr(err))
	}
	return &out, nil
}

// InvokeEvaluator implements plugin.Plugin.
func (p *Plugin) InvokeEvaluator(ctx context.Context, name string, msg plugin.Message) (*types.ActionResult, error) {
	mem, state, err := message(msg)
	if err != nil {
		return nil, err
	}
	const fn = "elizaos_invoke_evaluator"
	r, err := p.call(ctx, "evaluator.invoke", name, fn, p.sym.invokeEvaluator, true, name, mem, state)
	if err != nil {
		return nil, err
	}
	return p.actionResult(fn, r.raw)
}

// Close stops new calls and waits, up to ctx, for native calls still
// running (a caller may have stopped waiting for one). It is idempotent.
func (p *Plugin) Close(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		p.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("ffi: closing %s: native calls still running: %w", p.path, ctx.Err())
	}
}
