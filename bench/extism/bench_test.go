package extism

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"

	"github.com/interopkit/interop/bridge/wasm"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// extismPlugin is the Extism echo plugin, built from plugin/echo.c.
const extismPlugin = "testdata/echo.wasm"

// interopGuest is the bridge's example guest: the C one, built by
// make -C runners/c (or make guests). INTEROP_WASM_GUEST names another
// file, e.g. ../../build/guests/go-example.wasm.
func interopGuest(tb testing.TB) string {
	tb.Helper()
	path := os.Getenv("INTEROP_WASM_GUEST")
	if path == "" {
		path = filepath.Join("..", "..", "build", "guests", "c-example.wasm")
	}
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("%s is missing: run make -C runners/c (or make guests), or set INTEROP_WASM_GUEST", path)
	}
	return path
}

// benchMessage is bridge/wasm's benchmark message: a Memory of about
// 1 KiB of JSON. Both sides get the same bytes: the bridge encodes msg to
// raw itself, the Extism plugin gets raw.
func benchMessage(tb testing.TB) (plugin.Message, []byte) {
	tb.Helper()
	text := strings.Repeat("the quick brown fox jumps over the lazy dog ", 20)
	src := "bench"
	agent := "33333333-3333-4333-8333-333333333333"
	m := &types.Memory{EntityID: "11111111-1111-4111-8111-111111111111", RoomID: "22222222-2222-4222-8222-222222222222",
		AgentID: &agent, Content: types.Content{Text: &text, Source: &src}}
	raw, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	if len(raw) < 900 || len(raw) > 1200 {
		tb.Fatalf("the benchmark's Memory is %d bytes of JSON, want about 1 KiB", len(raw))
	}
	return plugin.Message{Memory: m}, raw
}

func loadInterop(tb testing.TB) *wasm.Plugin {
	tb.Helper()
	p, err := wasm.Load(context.Background(), interopGuest(tb), wasm.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close(context.Background()) })
	return p
}

// extismManifest is the plugin's manifest: timeout 0 is none (Extism then
// compiles without the checks that stop a running guest), otherwise the
// call is stopped when it passes.
func extismManifest(timeout time.Duration) extism.Manifest {
	return extism.Manifest{
		Wasm:    []extism.Wasm{extism.WasmFile{Path: extismPlugin}},
		Timeout: uint64(timeout / time.Millisecond),
	}
}

func loadExtism(tb testing.TB, timeout time.Duration) *extism.Plugin {
	tb.Helper()
	p, err := extism.NewPlugin(context.Background(), extismManifest(timeout), extism.PluginConfig{EnableWasi: false}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close(context.Background()) })
	return p
}

func callExtism(tb testing.TB, p *extism.Plugin, in []byte) *types.ActionResult {
	tb.Helper()
	rc, out, err := p.Call("echo", in)
	if err != nil || rc != 0 {
		tb.Fatalf("echo: rc %d, %v", rc, err)
	}
	var r types.ActionResult
	if err := json.Unmarshal(out, &r); err != nil {
		tb.Fatalf("echo returned %q: %v", out, err)
	}
	return &r
}

// TestSameResult checks that both sides do the same work: the same
// ActionResult from the same Memory.
func TestSameResult(t *testing.T) {
	msg, raw := benchMessage(t)
	want, err := loadInterop(t).InvokeAction(context.Background(), "ECHO", msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, timeout := range []time.Duration{0, wasm.DefaultCallTimeout} {
		got := callExtism(t, loadExtism(t, timeout), raw)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("extism: %+v, the bridge: %+v", got, want)
		}
	}
}

// TestExtismEscapes checks the Extism plugin's JSON reading and writing on
// a text that needs escapes both ways.
func TestExtismEscapes(t *testing.T) {
	p := loadExtism(t, 0)
	for _, text := range []string{"", "a\"b\\c/\n\t\x01", "é€😀 \u2028"} {
		src := "x"
		m := types.Memory{EntityID: "e", RoomID: "r", Content: types.Content{Text: &text, Source: &src}}
		raw, err := json.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		r := callExtism(t, p, raw)
		want := text
		if !r.Success || r.Text == nil || *r.Text != want || r.Data["echo"] != want {
			t.Errorf("%q: %+v", text, r)
		}
	}
	// Surrogates: a pair is one character, a lone one U+FFFD.
	if r := callExtism(t, p, []byte(`{"content":{"text":"\ud83d\ude00 \ud83d \ude00 \u00e9"}}`)); *r.Text != "😀 \ufffd \ufffd é" {
		t.Errorf("surrogates: %q", *r.Text)
	}
	for _, bad := range []string{`{"content":{"text":"x"}`, `{"content":{"text":"x"}} x`, `{"content":{}}`, `[]`} {
		if rc, out, err := p.Call("echo", []byte(bad)); err == nil || rc == 0 {
			t.Errorf("%s: rc %d, %q, %v", bad, rc, out, err)
		}
	}
}

// interopNs is the bridge's ns/op in the last interop-wasm run, for the
// ratio the extism runs report.
var interopNs float64

// BenchmarkEcho is the example plugin's ECHO with a 1 KiB Memory, one call
// at a time, through both hosts. The bridge always has its time limit
// (30 s by default; it cannot be switched off from outside the package),
// Extism has one only when the manifest sets a timeout: timeout=on is the
// like-for-like pair. The extism runs report x-interop/extism, the
// bridge's ns/op over theirs in the same run (below 1: the bridge is
// faster).
func BenchmarkEcho(b *testing.B) {
	msg, raw := benchMessage(b)
	interopNs = 0
	b.Run("interop-wasm/timeout=on", func(b *testing.B) {
		p := loadInterop(b)
		ctx := context.Background()
		for b.Loop() {
			if r, err := p.InvokeAction(ctx, "ECHO", msg, nil); err != nil || !r.Success {
				b.Fatal(r, err)
			}
		}
		interopNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	for _, timeout := range []time.Duration{0, wasm.DefaultCallTimeout} {
		name := "extism/timeout=off"
		if timeout > 0 {
			name = "extism/timeout=on"
		}
		b.Run(name, func(b *testing.B) {
			p := loadExtism(b, timeout)
			if r := callExtism(b, p, raw); !r.Success {
				b.Fatal(r)
			}
			for b.Loop() {
				if rc, out, err := p.Call("echo", raw); err != nil || rc != 0 || len(out) == 0 {
					b.Fatal(rc, err)
				}
			}
			if interopNs > 0 {
				b.ReportMetric(interopNs/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "x-interop/extism")
			}
		})
	}
}

// BenchmarkLoad is compiling and instantiating a plugin, then closing it.
// The bridge keeps compiled code in a process-wide cache that cannot be
// switched off from outside its package, so its figure is cache=on: after
// the first iteration, loading is instantiating and checking. Extism
// compiles afresh by default (cache=off, its kernel module too); cache=on
// gives it a wazero compilation cache shared across its runtimes, the
// like-for-like pair.
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	interopNs = 0
	b.Run("interop-wasm/cache=on", func(b *testing.B) {
		path := interopGuest(b)
		for b.Loop() {
			p, err := wasm.Load(ctx, path, wasm.Config{})
			if err != nil {
				b.Fatal(err)
			}
			p.Close(ctx)
		}
		interopNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	cache := wazero.NewCompilationCache()
	b.Cleanup(func() { cache.Close(ctx) })
	for _, cached := range []bool{false, true} {
		name := "extism/cache=off"
		if cached {
			name = "extism/cache=on"
		}
		b.Run(name, func(b *testing.B) {
			cfg := extism.PluginConfig{EnableWasi: false}
			if cached {
				cfg.RuntimeConfig = wazero.NewRuntimeConfig().WithCompilationCache(cache)
			}
			for b.Loop() {
				p, err := extism.NewPlugin(ctx, extismManifest(wasm.DefaultCallTimeout), cfg, nil)
				if err != nil {
					b.Fatal(err)
				}
				p.Close(ctx)
			}
			if interopNs > 0 {
				b.ReportMetric(interopNs/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "x-interop/extism")
			}
		})
	}
}
