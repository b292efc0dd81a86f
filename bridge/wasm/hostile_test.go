package wasm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/plugintest"
	"github.com/interopkit/interop/plugin"
)

const hostileManifest = `{"name":"hostile","description":"a guest that misbehaves","actions":[]}`

// guestWAT is a minimal guest of the ABI around body, which holds the
// functions under test: a bump allocator that a dealloc of the last
// allocation rewinds, and a manifest at offset 16.
func guestWAT(body string) string {
	return fmt.Sprintf(`(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (import "interop" "fail" (func $fail (param i32 i32)))
  (memory (export "memory") 2)
  (global $top (mut i32) (i32.const 4096))
  (data (i32.const 16) %q)
  (data (i32.const 1024) "boom")
  (func (export "alloc") (param $n i32) (result i32) (local $p i32)
    (local.set $p (global.get $top))
    (global.set $top (i32.add (global.get $top) (local.get $n)))
    (local.get $p))
  (func (export "dealloc") (param $p i32) (param $n i32)
    (if (i32.eq (i32.add (local.get $p) (local.get $n)) (global.get $top))
      (then (global.set $top (local.get $p)))))
  (func (export "get_manifest") (result i64) (i64.const %d))
  (func (export "validate_action") (param i32 i32 i32 i32 i32 i32) (result i32) (i32.const 1))
  %s)`, hostileManifest, int64(16)<<32|int64(len(hostileManifest)), body)
}

const invokeSig = `(param i32 i32 i32 i32 i32 i32 i32 i32) (result i64)`

func loadWAT(t *testing.T, src string, cfg Config) (*Plugin, error) {
	t.Helper()
	return LoadBytes(context.Background(), wat(t, src), cfg)
}

func mustLoad(t *testing.T, src string, cfg Config) *Plugin {
	t.Helper()
	p, err := loadWAT(t, src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

var msg = plugintest.Msg("hello")

// stillServes checks that the plugin answers again after a failed call:
// the failure cost an instance, not the plugin.
func stillServes(t *testing.T, p *Plugin) {
	t.Helper()
	ok, err := p.ValidateAction(context.Background(), "X", msg)
	if err != nil || !ok {
		t.Fatalf("after the failure: validate = %v, %v; want true, nil", ok, err)
	}
}

func TestHostileCalls(t *testing.T) {
	defer leaktest.Check(t)()
	for _, c := range []struct {
		name, body string
		cfg        Config
		want       error
		text       string // in the error
	}{
		{"infinite loop", `(func (export "invoke_action") ` + invokeSig + ` (loop $l (br $l)) (i64.const 0))`,
			Config{CallTimeout: 200 * time.Millisecond}, context.DeadlineExceeded, "invoke_action stopped"},
		{"memory bomb", `(func (export "invoke_action") ` + invokeSig + `
			(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) unreachable)`,
			Config{MaxMemoryBytes: 4 << 20}, ErrMemoryLimit, "of a 4194304-byte limit"},
		{"result outside memory", `(func (export "invoke_action") ` + invokeSig + ` (i64.const 0x7fff000000000010))`,
			Config{}, ErrBadResult, "outside memory"},
		{"huge length", `(func (export "invoke_action") ` + invokeSig + ` (i64.const 0x00000010ffffffff))`,
			Config{}, ErrBadResult, "outside memory"},
		{"result over the limit", `(func (export "invoke_action") ` + invokeSig + ` (i64.const 0x0000001000001000))`,
			Config{MaxMessageBytes: 1000}, plugin.ErrTooLarge, "4096 bytes (limit 1000)"},
		{"abort mid-result", `(func (export "invoke_action") ` + invokeSig + `
			(drop (call 2 (i32.const 64))) (call $abort (i32.const 1024) (i32.const 4) (i32.const 3) (i32.const 9)) (i64.const 0))`,
			Config{}, ErrAborted, "boom (line 3, column 9)"},
		{"trap", `(func (export "invoke_action") ` + invokeSig + ` unreachable)`,
			Config{}, ErrTrap, "unreachable"},
		{"stack overflow", `(func $r (export "invoke_action") ` + invokeSig + ` (call $r (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))`,
			Config{}, ErrTrap, "stack overflow"},
		{"not utf-8", `(data (i32.const 2048) "\ff\fe") (func (export "invoke_action") ` + invokeSig + ` (i64.const 0x0000080000000002))`,
			Config{}, ErrBadResult, "not utf-8"},
		{"not json", `(func (export "invoke_action") ` + invokeSig + ` (i64.const 0x0000040000000004))`,
			Config{}, ErrBadResult, "invoke_action result"},
		{"fail import out of bounds", `(func (export "invoke_action") ` + invokeSig + ` (call $fail (i32.const -16) (i32.const 64)) (i64.const 0))`,
			Config{}, ErrBadResult, "a failure message outside memory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustLoad(t, guestWAT(c.body), c.cfg)
			start := time.Now()
			_, err := p.InvokeAction(context.Background(), "X", msg, nil)
			if !errors.Is(err, c.want) || !strings.Contains(fmt.Sprint(err), c.text) {
				t.Fatalf("err = %v; want %v containing %q", err, c.want, c.text)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the call took %v", d)
			}
			stillServes(t, p)
		})
	}
}

func TestPluginFailure(t *testing.T) {
	p := mustLoad(t, guestWAT(`(func (export "invoke_action") `+invokeSig+`
		(call $fail (i32.const 1024) (i32.const 4)) (call $fail (i32.const 16) (i32.const 4)) (i64.const 0))`), Config{})
	_, err := p.InvokeAction(context.Background(), "X", msg, nil)
	var pe *plugin.Error
	if !errors.As(err, &pe) || pe.Message != "boom" || pe.Name != "X" || pe.Op != "action.invoke" {
		t.Fatalf("err = %#v; want the first failure, boom", err)
	}
	stillServes(t, p)
}

func TestHostileModules(t *testing.T) {
	defer leaktest.Check(t)()
	for _, c := range []struct {
		name, src string
		cfg       Config
		want      error
		text      string
	}{
		{"too large", guestWAT(""), Config{MaxModuleBytes: 100}, ErrModuleTooLarge, "wasm binary too large ("},
		{"not wasm", "", Config{}, ErrInvalidModule, ""},
		{"no alloc", `(module (memory (export "memory") 1) (func (export "dealloc") (param i32 i32)) (func (export "get_manifest") (result i64) (i64.const 0)))`,
			Config{}, ErrMissingExport, "alloc"},
		{"no memory", `(module (func (export "alloc") (param i32) (result i32) (i32.const 0)))`,
			Config{}, ErrMissingExport, "memory"},
		{"memory starts over the cap", `(module (memory (export "memory") 2000))`,
			Config{}, ErrMemoryLimit, "declared over"},
		{"unknown import", strings.Replace(guestWAT(""), `(memory`, `(import "env" "system" (func (param i32))) (memory`, 1),
			Config{}, ErrImport, "env.system"},
		{"import of the wrong type", strings.Replace(guestWAT(""), `(memory`, `(import "interop" "sleep" (func (param i64))) (memory`, 1),
			Config{}, ErrSignature, "interop.sleep"},
		{"export of the wrong type", guestWAT(`(func (export "invoke_action") (param i32) (result i64) (i64.const 0))`),
			Config{}, ErrSignature, "invoke_action"},
		{"mixed conventions", guestWAT(`(func (export "get_provider") (param i32 i32 i32 i32 i32 i32) (result i32) (i32.const 0))`),
			Config{}, ErrSignature, "same convention"},
		{"trap in start-up", guestWAT(`(func (export "_initialize") unreachable)`), Config{}, ErrTrap, "instantiate"},
		{"manifest outside memory", strings.Replace(guestWAT(""), fmt.Sprint(int64(16)<<32|int64(len(hostileManifest))), "0x00ffffff00000010", 1),
			Config{}, ErrBadResult, "outside memory"},
		{"no manifest", strings.Replace(guestWAT(""), fmt.Sprint(int64(16)<<32|int64(len(hostileManifest))), "0", 1),
			Config{}, ErrBadResult, "no manifest"},
		{"bad config", guestWAT(""), Config{MaxMemoryBytes: 100}, ErrConfig, "less than one page"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var bin []byte
			if c.src != "" {
				bin = wat(t, c.src)
			} else {
				bin = []byte("\x00asm\x02\x00\x00\x00garbage")
			}
			p, err := LoadBytes(context.Background(), bin, c.cfg)
			if err == nil {
				p.Close(context.Background())
			}
			if !errors.Is(err, c.want) || !strings.Contains(fmt.Sprint(err), c.text) {
				t.Fatalf("err = %v; want %v containing %q", err, c.want, c.text)
			}
		})
	}
}

func TestLoadFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.wasm")
	if err := os.WriteFile(path, make([]byte, 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(context.Background(), path, Config{MaxModuleBytes: 999})
	if !errors.Is(err, ErrModuleTooLarge) || !strings.Contains(err.Error(), "(1000 bytes > 999 bytes)") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Load(context.Background(), filepath.Join(t.TempDir(), "missing.wasm"), Config{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestInitTrapKeepsOldConfig(t *testing.T) {
	p := mustLoad(t, guestWAT(`(func (export "init") (param i32 i32) unreachable)`), Config{})
	if err := p.Init(context.Background(), map[string]string{"A": "b"}); !errors.Is(err, ErrTrap) {
		t.Fatalf("init: %v, want ErrTrap", err)
	}
	// The configuration that failed is not replayed on the next instance.
	stillServes(t, p)
}

func TestExit(t *testing.T) {
	src := strings.Replace(guestWAT(`(func (export "invoke_action") `+invokeSig+` (call $exit (i32.const 3)) (i64.const 0))`),
		`(memory`, `(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (memory`, 1)
	p := mustLoad(t, src, Config{})
	_, err := p.InvokeAction(context.Background(), "X", msg, nil)
	if !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "code 3") {
		t.Fatalf("err = %v, want ErrExited with code 3", err)
	}
	stillServes(t, p)
}

func TestCompatibilityMode(t *testing.T) {
	src := fmt.Sprintf(`(module
  (memory (export "memory") 1)
  (data (i32.const 16) "%s\00")
  (data (i32.const 1024) "{\"success\":true,\"text\":\"legacy\"}\00")
  (data (i32.const 2048) "no nul")
  (func (export "alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "dealloc") (param i32 i32))
  (func (export "get_manifest") (result i32) (i32.const 16))
  (func (export "invoke_action") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "get_provider") (param i32 i32 i32 i32 i32 i32) (result i32) (i32.const 65530)))`,
		strings.ReplaceAll(hostileManifest, `"`, `\"`))
	p := mustLoad(t, src, Config{})
	if !p.compat || p.Manifest().Name != "hostile" {
		t.Fatalf("compat = %v, manifest %+v", p.compat, p.Manifest())
	}
	r, err := p.InvokeAction(context.Background(), "X", msg, nil)
	if err != nil || !r.Success || *r.Text != "legacy" {
		t.Fatalf("invoke = %+v, %v", r, err)
	}
	if _, err := p.GetProvider(context.Background(), "X", msg); !errors.Is(err, ErrBadResult) {
		t.Fatalf("a string running off the end of memory: %v, want ErrBadResult", err)
	}
	if _, err := p.ValidateEvaluator(context.Background(), "X", msg); !errors.Is(err, plugin.ErrUnsupported) {
		t.Fatalf("missing export: %v, want ErrUnsupported", err)
	}
}

// TestRunawaysDoNotFreezeTheHost runs more runaway guests than there are
// cores: each is stopped at its deadline, and meanwhile timers fire and
// another plugin answers.
func TestRunawaysDoNotFreezeTheHost(t *testing.T) {
	defer leaktest.Check(t)()
	loop := guestWAT(`(func (export "invoke_action") ` + invokeSig + ` (loop $l (br $l)) (i64.const 0))`)
	runaway := mustLoad(t, loop, Config{CallTimeout: 500 * time.Millisecond, Instances: 4})
	good := mustLoad(t, guestWAT(""), Config{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := runaway.InvokeAction(context.Background(), "X", msg, nil)
			errs <- err
		}()
	}
	time.Sleep(50 * time.Millisecond) // a timer fires while they spin
	if ok, err := good.ValidateAction(context.Background(), "X", msg); err != nil || !ok {
		t.Fatalf("another plugin while runaways spin: %v, %v", ok, err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("runaway: %v, want context.DeadlineExceeded", err)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("4 runaways with a 500ms deadline took %v", d)
	}
}

func TestCloseStopsACall(t *testing.T) {
	defer leaktest.Check(t)()
	p := mustLoad(t, guestWAT(`(func (export "invoke_action") `+invokeSig+` (loop $l (br $l)) (i64.const 0))`), Config{})
	done := make(chan error, 1)
	go func() {
		_, err := p.InvokeAction(context.Background(), "X", msg, nil)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, plugin.ErrClosed) {
			t.Fatalf("the running call: %v, want plugin.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the running call")
	}
	if _, err := p.ValidateAction(context.Background(), "X", msg); !errors.Is(err, plugin.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestInputTooLarge(t *testing.T) {
	p := mustLoad(t, guestWAT(""), Config{MaxMessageBytes: 80})
	if _, err := p.ValidateAction(context.Background(), "X", plugintest.Msg(strings.Repeat("x", 200))); !errors.Is(err, plugin.ErrTooLarge) {
		t.Fatalf("err = %v, want plugin.ErrTooLarge", err)
	}
}

func TestManifestLoopHasADeadline(t *testing.T) {
	src := strings.Replace(guestWAT(""), fmt.Sprintf("(func (export \"get_manifest\") (result i64) (i64.const %d))", int64(16)<<32|int64(len(hostileManifest))),
		`(func (export "get_manifest") (result i64) (loop $l (br $l)) (i64.const 0))`, 1)
	start := time.Now()
	_, err := loadWAT(t, src, Config{CallTimeout: 200 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// A guest sleeping in WASI's poll_oneoff for a minute is stopped at its
// deadline: the host sleeps for it in short naps.
func TestWASISleepHasADeadline(t *testing.T) {
	src := strings.Replace(guestWAT(`(func (export "invoke_action") `+invokeSig+`
		(i32.store8 (i32.const 8200) (i32.const 0))
		(i32.store (i32.const 8208) (i32.const 1))
		(i64.store (i32.const 8216) (i64.const 60000000000))
		(drop (call $poll (i32.const 8192) (i32.const 9000) (i32.const 1) (i32.const 9100)))
		(i64.const 0))`),
		`(memory`, `(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32))) (memory`, 1)
	p := mustLoad(t, src, Config{CallTimeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := p.InvokeAction(context.Background(), "X", msg, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a 60 s WASI sleep with a 300 ms deadline took %v", d)
	}
}
