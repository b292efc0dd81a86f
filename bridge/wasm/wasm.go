// Package wasm hosts elizaOS plugins compiled to WebAssembly, on wazero,
// behind the plugin.Plugin interface: the bridge for plugins a host does
// not trust.
//
// The ABI is spec/wasm.md: UTF-8 JSON passed as pointer and length, results
// returned as a word that carries their length and freed by the host, and
// failures reported through an import. Upstream's NUL-terminated results
// (its Python loader's ABI) are read in a compatibility mode.
//
// Every limit has a default and none is opt-in: the module's size is
// checked before it is compiled, memory is capped at compile time and on
// every growth, each call has a deadline that stops a guest even in a loop
// that calls nothing, and every pointer and length a guest returns is
// checked against its memory before anything is read. The guest gets no
// filesystem, environment, network or host stdout; its log lines become
// redacted records. A trap costs the call and the instance, never the
// host: the next call runs on a fresh instance.
//
// A Plugin keeps a pool of instances of one compiled module (Config
// Instances), so that a slow call does not hold up the others; see
// spec/RATIONALE.md. Compiled code is cached for the life of the process,
// so loading the same module again is fast.
package wasm

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/interopkit/interop/internal/safefile"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/redact"
	"github.com/interopkit/interop/types"
)

// cache holds compiled code for every runtime of the process: wazero keys
// it by the module's hash and by whether the code checks for interruption,
// so plugins with different limits share it safely.
var cache = wazero.NewCompilationCache()

// export is one of the ABI's functions.
type export int

const (
	exInit export = iota
	exValidateAction
	exInvokeAction
	exGetProvider
	exValidateEvaluator
	exInvokeEvaluator
	exGetManifest
	nExports
)

var exportNames = [nExports]string{"init", "validate_action", "invoke_action", "get_provider",
	"validate_evaluator", "invoke_evaluator", "get_manifest"}

// ops name the calls in plugin errors, as the IPC bridge names them.
var ops = [nExports]string{"plugin.init", "action.validate", "action.invoke", "provider.get",
	"evaluator.validate", "evaluator.invoke", "manifest"}

// params is each export's number of (ptr, len) pairs.
var params = [nExports]int{1, 3, 4, 3, 3, 3, 0}

// kind is what an export returns.
type kind int

const (
	kindNone kind = iota
	kindBool
	kindResult
)

var kinds = [nExports]kind{kindNone, kindBool, kindResult, kindResult, kindBool, kindResult, kindResult}

// Plugin is a WebAssembly plugin. It implements plugin.Plugin and is safe
// for concurrent use.
type Plugin struct {
	cfg      Config
	log      *slog.Logger
	rt       wazero.Runtime
	cm       wazero.CompiledModule
	modCfg   wazero.ModuleConfig
	compat   bool // results are NUL-terminated i32 pointers (upstream's ABI B)
	has      [nExports]bool
	manifest *types.PluginManifest

	idle      chan *instance // instances ready for a call
	slots     chan struct{}  // one token per instance that may still be created
	done      chan struct{}  // closed by Close
	mu        sync.Mutex     // guards config, gen, closed
	config    []byte         // the last init configuration; nil before any
	gen       uint64         // bumped by every Init
	closed    bool
	closeOnce sync.Once
}

var _ plugin.Plugin = (*Plugin)(nil)

// instance is one instantiation of the module: one call at a time.
type instance struct {
	mod     api.Module
	mem     api.Memory
	alloc   api.Function
	dealloc api.Function
	fns     [nExports]api.Function
	gen     uint64 // the configuration it was initialised with
	stack   [8]uint64
	ret     uint64 // the last call's first result
	size    uint32 // memory size when the call began
	buf     uint32 // the input buffer, from alloc; kept across calls
	bufSize uint32
	done    <-chan struct{} // the running call's context
	broken  bool            // trapped, aborted, exited or interrupted: discard
}

// Load reads a module from a file, refusing one over MaxModuleBytes before
// reading more than that, and loads it as LoadBytes does.
func Load(ctx context.Context, path string, cfg Config) (*Plugin, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	f, err := safefile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wasm: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > cfg.MaxModuleBytes {
		return nil, tooLarge(st.Size(), cfg.MaxModuleBytes)
	}
	bin, err := io.ReadAll(io.LimitReader(f, cfg.MaxModuleBytes+1))
	if err != nil {
		return nil, fmt.Errorf("wasm: reading %s: %w", path, err)
	}
	return load(ctx, bin, cfg)
}

// LoadBytes compiles and instantiates a module, checks its exports and
// imports against the ABI and reads its manifest.
func LoadBytes(ctx context.Context, bin []byte, cfg Config) (*Plugin, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	return load(ctx, bin, cfg)
}

func tooLarge(n, limit int64) error {
	return fmt.Errorf("%w: wasm binary too large (%d bytes > %d bytes)", ErrModuleTooLarge, n, limit)
}

func load(ctx context.Context, bin []byte, cfg Config) (*Plugin, error) {
	if int64(len(bin)) > cfg.MaxModuleBytes {
		return nil, tooLarge(int64(len(bin)), cfg.MaxModuleBytes)
	}
	rc := wazero.NewRuntimeConfig().
		WithMemoryLimitPages(cfg.memoryPages()).
		WithCloseOnContextDone(!cfg.noInterrupt)
	if !cfg.noCache {
		rc = rc.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	p := &Plugin{cfg: cfg, log: cfg.Logger, rt: rt,
		idle: make(chan *instance, cfg.Instances), slots: make(chan struct{}, cfg.Instances), done: make(chan struct{})}
	for range cfg.Instances {
		p.slots <- struct{}{}
	}
	if err := p.compile(ctx, bin); err != nil {
		_ = rt.Close(ctx)
		return nil, err
	}
	<-p.slots
	in, err := p.instantiate(ctx)
	if err != nil {
		_ = rt.Close(ctx)
		return nil, err
	}
	mctx, cancel := p.deadline(ctx)
	defer cancel()
	raw, err := p.invoke(mctx, in, exGetManifest)
	if err == nil && raw == nil {
		err = fmt.Errorf("%w: get_manifest returned no manifest", ErrBadResult)
	}
	var m types.PluginManifest
	if err == nil {
		if jerr := json.Unmarshal(raw, &m); jerr != nil {
			err = fmt.Errorf("%w: the manifest is not a manifest: %w", ErrBadResult, jerr)
		}
	}
	if err != nil {
		_ = rt.Close(ctx)
		return nil, fmt.Errorf("wasm: reading the manifest: %w", err)
	}
	p.manifest = &m
	p.release(in)
	return p, nil
}

// compile compiles the module and checks it against the ABI.
func (p *Plugin) compile(ctx context.Context, bin []byte) error {
	cm, err := p.rt.CompileModule(ctx, bin)
	if err != nil {
		if strings.Contains(err.Error(), "over limit of") {
			return fmt.Errorf("%w: the module's memory is declared over %d bytes: %w", ErrMemoryLimit, p.cfg.MaxMemoryBytes, err)
		}
		return fmt.Errorf("%w: %w", ErrInvalidModule, err)
	}
	p.cm = cm
	if _, ok := cm.ExportedMemories()["memory"]; !ok {
		return fmt.Errorf("%w: memory", ErrMissingExport)
	}
	fns := cm.ExportedFunctions()
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	check := func(name string, want []api.ValueType, results ...[]api.ValueType) error {
		d := fns[name]
		got := d.ParamTypes()
		if !equalTypes(got, want) {
			return fmt.Errorf("%w: export %s takes %s, want %s", ErrSignature, name, typeList(got), typeList(want))
		}
		for _, r := range results {
			if equalTypes(d.ResultTypes(), r) {
				return nil
			}
		}
		return fmt.Errorf("%w: export %s returns %s, want %s", ErrSignature, name, typeList(d.ResultTypes()), typeList(results[0]))
	}
	for _, name := range []string{"alloc", "dealloc", "get_manifest"} {
		if _, ok := fns[name]; !ok {
			return fmt.Errorf("%w: %s", ErrMissingExport, name)
		}
	}
	if err := check("alloc", []api.ValueType{i32}, []api.ValueType{i32}); err != nil {
		return err
	}
	if err := check("dealloc", []api.ValueType{i32, i32}, nil); err != nil {
		return err
	}
	if err := check("get_manifest", nil, []api.ValueType{i64}, []api.ValueType{i32}); err != nil {
		return err
	}
	p.compat = len(fns["get_manifest"].ResultTypes()) == 1 && fns["get_manifest"].ResultTypes()[0] == i32
	word := i64
	if p.compat {
		word = i32
	}
	for e := range nExports {
		name := exportNames[e]
		if _, ok := fns[name]; !ok {
			continue
		}
		p.has[e] = true
		want := make([]api.ValueType, 2*params[e])
		for i := range want {
			want[i] = i32
		}
		var res []api.ValueType
		switch kinds[e] {
		case kindBool:
			res = []api.ValueType{i32}
		case kindResult:
			res = []api.ValueType{word}
		}
		if err := check(name, want, res); err != nil {
			if kinds[e] == kindResult {
				return fmt.Errorf("%w (get_manifest returns %s, and every result must use the same convention)", err, typeList([]api.ValueType{word}))
			}
			return err
		}
	}
	if d, ok := fns["_initialize"]; ok && (len(d.ParamTypes()) != 0 || len(d.ResultTypes()) != 0) {
		return fmt.Errorf("%w: export _initialize must take and return nothing", ErrSignature)
	}
	if len(cm.ImportedMemories()) > 0 {
		return fmt.Errorf("%w: the module imports a memory; it must export its own", ErrImport)
	}
	wasi := false
	for _, d := range cm.ImportedFunctions() {
		mod, name, _ := d.Import()
		if mod == wasi_snapshot_preview1.ModuleName {
			wasi = true
			continue
		}
		imp, ok := hostImports[mod+"."+name]
		if !ok {
			return fmt.Errorf("%w: %s.%s", ErrImport, mod, name)
		}
		if !equalTypes(d.ParamTypes(), imp.params) || !equalTypes(d.ResultTypes(), imp.results) {
			return fmt.Errorf("%w: import %s.%s is declared %s -> %s, the host provides %s -> %s", ErrSignature, mod, name,
				typeList(d.ParamTypes()), typeList(d.ResultTypes()), typeList(imp.params), typeList(imp.results))
		}
	}
	if err := p.instantiateHost(ctx, wasi); err != nil {
		return err
	}
	p.modCfg = wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize").
		WithStdout(&logWriter{p: p, event: EventStdout}).WithStderr(&logWriter{p: p, event: EventStderr}).
		WithRandSource(rand.Reader).WithSysWalltime().WithSysNanotime()
	return nil
}

// nanosleep is a guest's WASI sleep. wazero's own cannot see the call's
// context, so a guest asking for an hour would hold the call past its
// deadline; this one ends when the call does, and the guest's
// interruption check then stops it.
func (in *instance) nanosleep(ns int64) {
	t := time.NewTimer(time.Duration(ns))
	defer t.Stop()
	select {
	case <-t.C:
	case <-in.done:
	}
}

func equalTypes(a, b []api.ValueType) bool { return bytes.Equal(a, b) }

func typeList(ts []api.ValueType) string {
	s := "("
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += api.ValueTypeName(t)
	}
	return s + ")"
}

// instantiate makes a fresh instance, runs its start-up and brings it to
// the current configuration.
func (p *Plugin) instantiate(ctx context.Context) (*instance, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CallTimeout)
	defer cancel()
	st := &callState{}
	in := &instance{done: ctx.Done()}
	mod, err := p.rt.InstantiateModule(context.WithValue(ctx, stateKey{}, st), p.cm, p.modCfg.WithNanosleep(in.nanosleep))
	if err != nil {
		return nil, p.classify(ctx, "instantiate", st, nil, err)
	}
	in.mod, in.mem, in.alloc, in.dealloc = mod, mod.ExportedMemory("memory"), mod.ExportedFunction("alloc"), mod.ExportedFunction("dealloc")
	for e := range nExports {
		if p.has[e] {
			in.fns[e] = mod.ExportedFunction(exportNames[e])
		}
	}
	if in.mem == nil {
		_ = mod.Close(ctx)
		return nil, fmt.Errorf("%w: memory", ErrMissingExport)
	}
	return in, nil
}

// acquire takes an instance and brings it to the current configuration.
func (p *Plugin) acquire(ctx context.Context) (*instance, error) {
	in, err := p.take(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	config, gen := p.config, p.gen
	p.mu.Unlock()
	if in.gen != gen && config != nil {
		if _, err := p.invoke(ctx, in, exInit, config); err != nil {
			in.broken = true
			p.release(in)
			return nil, fmt.Errorf("wasm: bringing an instance to the current configuration: %w", err)
		}
	}
	in.gen = gen
	return in, nil
}

// take takes an idle instance, or makes one if the pool is not full, or
// waits for one.
func (p *Plugin) take(ctx context.Context) (*instance, error) {
	var in *instance
	select {
	case in = <-p.idle:
	default:
		select {
		case in = <-p.idle:
		case <-p.slots:
			var err error
			if in, err = p.instantiate(ctx); err != nil {
				p.slots <- struct{}{}
				return nil, err
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-p.done:
			return nil, plugin.ErrClosed
		}
	}
	if p.isClosed() {
		p.discard(in)
		return nil, plugin.ErrClosed
	}
	return in, nil
}

// release returns an instance to the pool, or discards it if it broke.
func (p *Plugin) release(in *instance) {
	if in.broken {
		p.discard(in)
		return
	}
	select {
	case <-p.done:
		p.discard(in)
	default:
		p.idle <- in
	}
}

func (p *Plugin) discard(in *instance) {
	_ = in.mod.Close(context.Background())
	p.slots <- struct{}{}
}

// call runs one export on a pooled instance.
func (p *Plugin) call(ctx context.Context, e export, args ...[]byte) ([]byte, bool, error) {
	if !p.has[e] {
		return nil, false, fmt.Errorf("%w: the module does not export %s", plugin.ErrUnsupported, exportNames[e])
	}
	for _, a := range args {
		if len(a) > p.cfg.MaxMessageBytes {
			return nil, false, fmt.Errorf("%w: %s input of %d bytes (limit %d)", plugin.ErrTooLarge, exportNames[e], len(a), p.cfg.MaxMessageBytes)
		}
	}
	ctx, cancel := p.deadline(ctx)
	defer cancel()
	in, err := p.acquire(ctx) // ErrClosed after Close
	if err != nil {
		return nil, false, err
	}
	defer p.release(in)
	res, err := p.invoke(ctx, in, e, args...)
	if err != nil {
		return nil, false, err
	}
	return res, in.ret != 0, nil
}

func (p *Plugin) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// invoke runs export e on in: inputs written into one guest allocation,
// the call, the result copied out and handed back to the guest.
func (p *Plugin) invoke(ctx context.Context, in *instance, e export, args ...[]byte) (res []byte, err error) {
	name := exportNames[e]
	st := &callState{}
	cctx := context.WithValue(ctx, stateKey{}, st)
	in.size = in.mem.Size()
	in.done = ctx.Done()
	total := 0
	for _, a := range args {
		total += len(a)
	}
	base, err := p.inputs(cctx, st, in, total)
	if err != nil {
		return nil, err
	}
	off := base
	for i, a := range args {
		if !in.mem.Write(off, a) {
			in.broken = true
			return nil, fmt.Errorf("%w: writing input %d of %s", ErrBadResult, i, name)
		}
		in.stack[2*i], in.stack[2*i+1] = uint64(off), uint64(len(a))
		off += uint32(len(a))
	}
	if err := in.fns[e].CallWithStack(cctx, in.stack[:]); err != nil {
		return nil, p.classify(ctx, name, st, in, err)
	}
	if ctx.Err() != nil {
		// Finished, but past its deadline: a sleep or a wait was cut
		// short, so the answer cannot be trusted, nor the instance.
		return nil, p.classify(ctx, name, st, in, ctx.Err())
	}
	// The stack is reused by the deallocations that follow.
	in.ret = in.stack[0]
	if st.failed {
		return nil, &plugin.Error{Op: ops[e], Message: st.message}
	}
	if kinds[e] != kindResult {
		return nil, nil
	}
	return p.result(cctx, st, in, name, in.ret)
}

// minInputBuffer is the smallest input buffer asked of a guest: most
// calls then fit the first one.
const minInputBuffer = 4096

// inputs returns guest memory for total bytes of inputs: the instance's
// input buffer, which is kept across calls (spec/wasm.md, section 2) and
// replaced by a larger one when a call needs it.
func (p *Plugin) inputs(ctx context.Context, st *callState, in *instance, total int) (uint32, error) {
	if total == 0 || uint32(total) <= in.bufSize {
		return in.buf, nil
	}
	if in.bufSize > 0 {
		in.stack[0], in.stack[1] = uint64(in.buf), uint64(in.bufSize)
		if err := in.dealloc.CallWithStack(ctx, in.stack[:]); err != nil {
			return 0, p.classify(ctx, "dealloc", st, in, err)
		}
		in.buf, in.bufSize = 0, 0
	}
	size := uint32(max(total, minInputBuffer))
	in.stack[0] = uint64(size)
	if err := in.alloc.CallWithStack(ctx, in.stack[:]); err != nil {
		return 0, p.classify(ctx, "alloc", st, in, err)
	}
	ptr := uint32(in.stack[0])
	if ptr == 0 || uint64(ptr)+uint64(size) > uint64(in.mem.Size()) {
		in.broken = true
		return 0, fmt.Errorf("%w: alloc(%d) returned %#x, outside memory of %d bytes", ErrBadResult, size, ptr, in.mem.Size())
	}
	in.buf, in.bufSize = ptr, size
	return ptr, nil
}

// result reads and frees the result a guest returned.
func (p *Plugin) result(ctx context.Context, st *callState, in *instance, name string, word uint64) ([]byte, error) {
	if p.compat {
		return p.resultCString(in, name, uint32(word))
	}
	if word == 0 {
		return nil, nil
	}
	ptr, n := uint32(word>>32), uint32(word)
	size := in.mem.Size()
	inside := uint64(ptr)+uint64(n) <= uint64(size)
	var out []byte
	var err error
	switch {
	case !inside:
		err = fmt.Errorf("%w: %s returned %d bytes at %#x, outside memory of %d bytes", ErrBadResult, name, n, ptr, size)
	case n > uint32(p.cfg.MaxMessageBytes):
		err = fmt.Errorf("%w: %s returned %d bytes (limit %d)", plugin.ErrTooLarge, name, n, p.cfg.MaxMessageBytes)
	default:
		view, _ := in.mem.Read(ptr, n)
		out = bytes.Clone(view)
	}
	if !inside {
		// Nothing of it can be freed safely: the instance goes.
		in.broken = true
		return nil, err
	}
	in.stack[0], in.stack[1] = uint64(ptr), uint64(n)
	if derr := in.dealloc.CallWithStack(ctx, in.stack[:]); derr != nil {
		return nil, p.classify(ctx, "dealloc", st, in, derr)
	}
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(out) {
		return nil, fmt.Errorf("%w: %s returned bytes that are not utf-8", ErrBadResult, name)
	}
	return out, nil
}

// resultCString reads upstream's NUL-terminated result, which its ABI
// gives the host no size to free with.
func (p *Plugin) resultCString(in *instance, name string, ptr uint32) ([]byte, error) {
	if ptr == 0 {
		return nil, nil
	}
	size := in.mem.Size()
	if ptr >= size {
		return nil, fmt.Errorf("%w: %s returned %#x, outside memory of %d bytes", ErrBadResult, name, ptr, size)
	}
	n := min(uint64(size-ptr), uint64(p.cfg.MaxMessageBytes)+1)
	view, _ := in.mem.Read(ptr, uint32(n))
	end := bytes.IndexByte(view, 0)
	switch {
	case end < 0 && n > uint64(p.cfg.MaxMessageBytes):
		return nil, fmt.Errorf("%w: %s returned a string with no NUL within %d bytes", plugin.ErrTooLarge, name, p.cfg.MaxMessageBytes)
	case end < 0:
		return nil, fmt.Errorf("%w: %s returned a string with no NUL before the end of memory", ErrBadResult, name)
	}
	out := bytes.Clone(view[:end])
	if !utf8.Valid(out) {
		return nil, fmt.Errorf("%w: %s returned bytes that are not utf-8", ErrBadResult, name)
	}
	return out, nil
}

// classify turns a failed guest call into the error that names its cause,
// marks the instance for discarding and logs the event.
func (p *Plugin) classify(ctx context.Context, name string, st *callState, in *instance, err error) error {
	if in != nil {
		in.broken = true
	}
	var out error
	var exit *sys.ExitError
	switch {
	case p.isClosed():
		out = fmt.Errorf("%w: %s ended by Close", plugin.ErrClosed, name)
	case ctx.Err() != nil:
		out = fmt.Errorf("wasm: %s stopped: %w", name, ctx.Err())
	case st.aborted:
		out = fmt.Errorf("%w in %s: %s (line %d, column %d)", ErrAborted, name, st.message, st.line, st.column)
	case st.badPointer != "":
		out = fmt.Errorf("%w: %s passed %s outside memory", ErrBadResult, name, st.badPointer)
	case errors.As(err, &exit):
		out = fmt.Errorf("%w in %s with code %d", ErrExited, name, exit.ExitCode())
	case in != nil && (in.mem.Size() > in.size || uint64(in.mem.Size())+pageSize > uint64(p.cfg.MaxMemoryBytes)):
		// A guest whose allocator cannot grow memory traps; the failed
		// memory.grow itself is invisible to the host.
		out = fmt.Errorf("%w: %s trapped after growing its memory to %d bytes of a %d-byte limit: %w", ErrMemoryLimit, name, in.mem.Size(), p.cfg.MaxMemoryBytes, trapCause(err))
	default:
		out = fmt.Errorf("%w in %s: %w", ErrTrap, name, trapCause(err))
	}
	p.log.Warn("wasm call failed; instance discarded", redact.Event(Src, EventTrap), slog.String("plugin", p.name()),
		slog.String("func", name), slog.String("error", out.Error()))
	return out
}

// trapCause is the first line of a wazero error: the trap, without the
// guest's stack trace.
func trapCause(err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		return errors.New(msg[:i])
	}
	return err
}

func (p *Plugin) name() string {
	if p.manifest != nil {
		return p.manifest.Name
	}
	return ""
}

// Manifest implements plugin.Plugin.
func (p *Plugin) Manifest() *types.PluginManifest { return p.manifest }

// Init implements plugin.Plugin. The configuration is kept: every
// instance made later, and every instance that ran before, is brought to
// it before its next call. If the plugin's init fails, the configuration
// before it stays in force.
func (p *Plugin) Init(ctx context.Context, config map[string]string) error {
	if config == nil {
		config = map[string]string{}
	}
	b, err := json.Marshal(config)
	if err != nil {
		return fmt.Errorf("wasm: encoding the configuration: %w", err)
	}
	if len(b) > p.cfg.MaxMessageBytes {
		return fmt.Errorf("%w: configuration of %d bytes (limit %d)", plugin.ErrTooLarge, len(b), p.cfg.MaxMessageBytes)
	}
	if p.isClosed() {
		return plugin.ErrClosed
	}
	if !p.has[exInit] {
		return nil
	}
	ctx, cancel := p.deadline(ctx)
	defer cancel()
	in, err := p.take(ctx)
	if err != nil {
		return err
	}
	defer p.release(in)
	p.mu.Lock()
	old := p.config
	p.config = b
	p.gen++
	gen := p.gen
	p.mu.Unlock()
	if _, err := p.invoke(ctx, in, exInit, b); err != nil {
		in.broken = true
		p.mu.Lock()
		if p.gen == gen {
			p.config = old
			p.gen++
		}
		p.mu.Unlock()
		return err
	}
	in.gen = gen
	return nil
}

// deadline applies CallTimeout unless the context ends sooner.
func (p *Plugin) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= p.cfg.CallTimeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, p.cfg.CallTimeout)
}

// encode is the JSON of a call's argument; nil is null.
func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("wasm: encoding the call: %w", err)
	}
	return b, nil
}

// message encodes a message's memory and state with the types package's
// own encoders, called directly: encoding/json would re-scan and compact
// what they produce, most of the cost of a call.
func message(msg plugin.Message) (mem, state []byte, err error) {
	mem, state = []byte("null"), []byte("null")
	if msg.Memory != nil {
		if mem, err = msg.Memory.MarshalJSON(); err != nil {
			return nil, nil, fmt.Errorf("wasm: encoding the memory: %w", err)
		}
	}
	if msg.State != nil {
		if state, err = msg.State.MarshalJSON(); err != nil {
			return nil, nil, fmt.Errorf("wasm: encoding the state: %w", err)
		}
	}
	return mem, state, nil
}

// callNamed calls an export whose first argument is the name of an
// action, provider or evaluator, and names it in the plugin's error.
func (p *Plugin) callNamed(ctx context.Context, e export, name string, args ...[]byte) ([]byte, bool, error) {
	raw, ok, err := p.call(ctx, e, append([][]byte{[]byte(name)}, args...)...)
	var pe *plugin.Error
	if errors.As(err, &pe) {
		pe.Name = name
	}
	return raw, ok, err
}

func (p *Plugin) validate(ctx context.Context, e export, name string, msg plugin.Message) (bool, error) {
	mem, state, err := message(msg)
	if err != nil {
		return false, err
	}
	_, ok, err := p.callNamed(ctx, e, name, mem, state)
	return ok, err
}

// actionResult decodes an ActionResult; no result, or null, is none.
func (p *Plugin) actionResult(raw []byte, e export) (*types.ActionResult, error) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var r types.ActionResult
	if err := r.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("%w: %s result: %w", ErrBadResult, exportNames[e], err)
	}
	return &r, nil
}

// ValidateAction implements plugin.Plugin.
func (p *Plugin) ValidateAction(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	return p.validate(ctx, exValidateAction, name, msg)
}

// InvokeAction implements plugin.Plugin. A guest that returns no result
// gives upstream's answer, a result with success false.
func (p *Plugin) InvokeAction(ctx context.Context, name string, msg plugin.Message, options map[string]any) (*types.ActionResult, error) {
	mem, state, err := message(msg)
	if err != nil {
		return nil, err
	}
	opts := []byte("{}")
	if options != nil {
		if opts, err = encode(options); err != nil {
			return nil, err
		}
	}
	raw, _, err := p.callNamed(ctx, exInvokeAction, name, mem, state, opts)
	if err != nil {
		return nil, err
	}
	r, err := p.actionResult(raw, exInvokeAction)
	if err == nil && r == nil {
		msg := "No result from WASM plugin"
		r = &types.ActionResult{Success: false, Error: &msg}
	}
	return r, err
}

// GetProvider implements plugin.Plugin. No result is an empty one.
func (p *Plugin) GetProvider(ctx context.Context, name string, msg plugin.Message) (*types.ProviderResult, error) {
	mem, state, err := message(msg)
	if err != nil {
		return nil, err
	}
	raw, _, err := p.callNamed(ctx, exGetProvider, name, mem, state)
	if err != nil {
		return nil, err
	}
	var r types.ProviderResult
	if raw == nil || string(raw) == "null" {
		return &r, nil
	}
	if err := r.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("%w: get_provider result: %w", ErrBadResult, err)
	}
	return &r, nil
}

// ValidateEvaluator implements plugin.Plugin.
func (p *Plugin) ValidateEvaluator(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	return p.validate(ctx, exValidateEvaluator, name, msg)
}

// InvokeEvaluator implements plugin.Plugin.
func (p *Plugin) InvokeEvaluator(ctx context.Context, name string, msg plugin.Message) (*types.ActionResult, error) {
	mem, state, err := message(msg)
	if err != nil {
		return nil, err
	}
	raw, _, err := p.callNamed(ctx, exInvokeEvaluator, name, mem, state)
	if err != nil {
		return nil, err
	}
	return p.actionResult(raw, exInvokeEvaluator)
}

// Close frees the plugin's instances and compiled code. Calls running on
// an instance are stopped; later calls fail with plugin.ErrClosed. It is
// idempotent.
func (p *Plugin) Close(ctx context.Context) error {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		close(p.done)
		_ = p.rt.Close(ctx)
	})
	return nil
}
