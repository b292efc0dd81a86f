package wasm

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/interopkit/interop/redact"
)

// maxGuestText bounds a log line, a failure message and an abort message.
const maxGuestText = 4096

// callState is what the imports learn during one call.
type callState struct {
	failed     bool
	aborted    bool
	message    string
	line       int32
	column     int32
	badPointer string // which import was given memory outside the guest's
}

type stateKey struct{}

func stateOf(ctx context.Context) *callState {
	if st, ok := ctx.Value(stateKey{}).(*callState); ok {
		return st
	}
	return &callState{}
}

// errHostStop unwinds the guest from an import that ends the call; the
// call state says why.
type errHostStop struct{}

func (errHostStop) Error() string { return "wasm: the host ended the call" }

// hostImport is one function the host provides.
type hostImport struct {
	params, results []api.ValueType
	fn              func(p *Plugin) api.GoModuleFunc
}

var (
	i32  = api.ValueTypeI32
	two  = []api.ValueType{i32, i32}
	four = []api.ValueType{i32, i32, i32, i32}
)

// hostImports are the imports of spec/wasm.md, by "module.name".
var hostImports = map[string]hostImport{
	"env.console_log":   {two, nil, func(p *Plugin) api.GoModuleFunc { return p.logImport(EventStdout) }},
	"env.console_error": {two, nil, func(p *Plugin) api.GoModuleFunc { return p.logImport(EventStderr) }},
	"env.abort":         {four, nil, func(p *Plugin) api.GoModuleFunc { return p.abortImport }},
	"interop.fail":      {two, nil, func(p *Plugin) api.GoModuleFunc { return p.failImport }},
	"interop.sleep":     {[]api.ValueType{i32}, []api.ValueType{i32}, func(p *Plugin) api.GoModuleFunc { return p.sleepImport }},
}

// instantiateHost defines the host modules in the plugin's runtime, and
// WASI when the module imports it.
func (p *Plugin) instantiateHost(ctx context.Context, wasi bool) error {
	for _, mod := range []string{"env", "interop"} {
		b := p.rt.NewHostModuleBuilder(mod)
		for key, imp := range hostImports {
			m, name, _ := strings.Cut(key, ".")
			if m == mod {
				b.NewFunctionBuilder().WithGoModuleFunction(imp.fn(p), imp.params, imp.results).Export(name)
			}
		}
		if _, err := b.Instantiate(ctx); err != nil {
			return err
		}
	}
	if wasi {
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, p.rt); err != nil {
			return err
		}
	}
	return nil
}

// guestText reads a guest string for a message: at most maxGuestText
// bytes, cut at a character boundary, invalid UTF-8 replaced. ok is false
// when the bytes are outside memory.
func guestText(mod api.Module, ptr, n uint32) (string, bool) {
	if n == 0 {
		return "", true
	}
	cut := min(n, maxGuestText)
	b, ok := mod.Memory().Read(ptr, cut)
	if !ok || uint64(ptr)+uint64(n) > uint64(mod.Memory().Size()) {
		return "", false
	}
	if cut < n {
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		b = b[:cut]
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), true
}

func (p *Plugin) logImport(event string) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		text, ok := guestText(mod, uint32(stack[0]), uint32(stack[1]))
		if !ok {
			stateOf(ctx).badPointer = "a log line"
			panic(errHostStop{})
		}
		p.logLine(ctx, event, text)
	}
}

// logLine logs one line a guest wrote, redacted; as upstream, standard
// error at error level, with a stream attribute naming the stream. Each
// event is written out at its call so that docs/events.md can be checked
// against the code.
func (p *Plugin) logLine(ctx context.Context, event, text string) {
	if event == EventStderr {
		p.log.LogAttrs(ctx, slog.LevelError, "wasm guest output", redact.Event(Src, EventStderr),
			slog.String("stream", "stderr"), slog.String("plugin", p.name()), slog.String("line", redact.Text(text)))
		return
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "wasm guest output", redact.Event(Src, EventStdout),
		slog.String("stream", "stdout"), slog.String("plugin", p.name()), slog.String("line", redact.Text(text)))
}

func (p *Plugin) abortImport(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateOf(ctx)
	st.aborted = true
	st.line, st.column = int32(stack[2]), int32(stack[3])
	if text, ok := guestText(mod, uint32(stack[0]), uint32(stack[1])); ok {
		st.message = redact.Text(text)
	} else {
		st.message = "(message outside memory)"
	}
	panic(errHostStop{})
}

func (p *Plugin) failImport(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateOf(ctx)
	text, ok := guestText(mod, uint32(stack[0]), uint32(stack[1]))
	if !ok {
		st.badPointer = "a failure message"
		panic(errHostStop{})
	}
	if !st.failed {
		st.failed, st.message = true, text
	}
}

func (p *Plugin) sleepImport(ctx context.Context, mod api.Module, stack []uint64) {
	ms := int32(stack[0])
	stack[0] = 0
	if ms <= 0 {
		return
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		stack[0] = 1
	}
}

// logWriter turns a guest's WASI stdout or stderr into log records, one
// per line.
type logWriter struct {
	p     *Plugin
	event string
}

func (w *logWriter) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		line := b
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(line) > maxGuestText {
			line = line[:maxGuestText]
		}
		if len(line) > 0 {
			w.p.logLine(context.Background(), w.event, strings.ToValidUTF8(string(line), "\uFFFD"))
		}
	}
	return n, nil
}
