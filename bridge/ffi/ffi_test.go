package ffi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ebitengine/purego"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/plugintest"
	"github.com/interopkit/interop/plugin"
)

// childFlag makes the test binary the isolated child: TestMain serves the
// library named after it, as interop plugin host-ffi does.
const childFlag = "--ffi-child"

func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == childFlag {
		if err := ServeLibrary(context.Background(), os.Args[2], ipc.PollableStdin(), os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func need(t testing.TB, what string) { t.Helper(); plugintest.Need(t, what) }

// examples are the example plugin's native libraries, built by make.
var examples = []struct{ path, language string }{
	{"../../build/guests/libc-example.so", "c"},
	{"../../runners/rust/target/release/libinterop_ffi_example.so", "rust"},
}

func library(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		need(t, path)
	}
	return path
}

func isolated(cfg Config) Config {
	cfg.Isolated = true
	cfg.Command = []string{os.Args[0], childFlag}
	return cfg
}

func TestContract(t *testing.T) {
	defer leaktest.Check(t)()
	for _, ex := range examples {
		for _, mode := range []string{"in-process", "detached", "isolated"} {
			t.Run(ex.language+"/"+mode, func(t *testing.T) {
				path := library(t, ex.path)
				plugintest.Run(t, ex.language, func(t *testing.T) plugin.Plugin {
					cfg := Config{Detach: mode == "detached"}
					if mode == "isolated" {
						cfg = isolated(cfg)
					}
					p, err := Open(context.Background(), path, cfg)
					if err != nil {
						t.Fatal(err)
					}
					return p
				})
			})
		}
	}
}

// TestOwnership: every string the library returns is freed exactly once,
// by the library's own elizaos_free_string.
func TestOwnership(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex.language, func(t *testing.T) {
			p, err := Load(library(t, ex.path), Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(context.Background())
			live := symbol(t, ex.path, "interop_live_allocations")
			ctx := context.Background()
			for i := range 200 {
				msg := plugintest.Msg(fmt.Sprint("text ", i))
				if _, err := p.InvokeAction(ctx, "UUID", msg, nil); err != nil {
					t.Fatal(err)
				}
				if _, err := p.InvokeAction(ctx, "FAIL", msg, nil); err == nil {
					t.Fatal("FAIL succeeded")
				}
				if _, err := p.GetProvider(ctx, "EXAMPLE", msg); err != nil {
					t.Fatal(err)
				}
				if _, err := p.InvokeEvaluator(ctx, "NOPE", msg); err != nil {
					t.Fatal(err)
				}
			}
			if n, _, _ := purego.SyscallN(live); n != 0 {
				t.Fatalf("%d strings returned and never freed after 800 calls", n)
			}
		})
	}
}

func symbol(t testing.TB, path, name string) uintptr {
	t.Helper()
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := purego.Dlsym(h, name)
	if err != nil {
		t.Fatal(err)
	}
	return fn
}

// hostile compiles testdata/hostile.c with the -D option into a library.
func hostile(t testing.TB, variant string) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		need(t, "gcc")
	}
	out := filepath.Join(t.TempDir(), "libhostile-"+strings.ToLower(variant)+".so")
	cmd := exec.Command(gcc, "-shared", "-fPIC", "-O1", "-D"+variant, "-o", out, "testdata/hostile.c")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc -D%s: %v\n%s", variant, err, b)
	}
	return out
}

var msg = plugintest.Msg("hello")

func TestHostileInProcess(t *testing.T) {
	defer leaktest.Check(t)()
	for _, c := range []struct {
		variant string
		cfg     Config
		want    error
		text    string
	}{
		{"HOSTILE_NULL", Config{}, ErrNullResult, "elizaos_invoke_action of"},
		{"HOSTILE_BADUTF8", Config{}, ErrBadResult, "not utf-8"},
		{"HOSTILE_NOTJSON", Config{}, ErrBadResult, `invalid json at "/success"`},
		{"HOSTILE_HUGE", Config{}, plugin.ErrTooLarge, "longer than 1000000 bytes"},
	} {
		t.Run(c.variant, func(t *testing.T) {
			path := hostile(t, c.variant)
			p, err := Load(path, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(context.Background())
			_, err = p.InvokeAction(context.Background(), "X", msg, nil)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v; want %v naming the library and containing %q", err, c.want, c.text)
			}
			// Every string it returned was freed once, failures included.
			returned, _, _ := purego.SyscallN(symbol(t, path, "hostile_returned"))
			freed, _, _ := purego.SyscallN(symbol(t, path, "hostile_freed"))
			if returned != freed {
				t.Fatalf("%d strings returned, %d freed", returned, freed)
			}
			if ok, err := p.ValidateAction(context.Background(), "X", msg); err != nil || !ok {
				t.Fatalf("the plugin stopped serving: %v, %v", ok, err)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	notLib := filepath.Join(t.TempDir(), "not-a-library.so")
	if err := os.WriteFile(notLib, []byte("plain text"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Isolated, a file that is missing fails as in process; one the
	// child cannot load ends the child before its ready line.
	for _, c := range []struct {
		name, path     string
		want, isolated error
		text           string
	}{
		{"missing library", filepath.Join(t.TempDir(), "missing.so"), ErrOpen, ErrOpen, "missing.so"},
		{"not a library", notLib, ErrOpen, ipc.ErrStart, "not-a-library.so"},
		{"missing symbol", hostile(t, "HOSTILE_NOFREE"), ErrMissingSymbol, ipc.ErrStart, "has no elizaos_free_string"},
		{"wrong architecture", otherClass(t), ErrOpen, ipc.ErrStart, "wrong-class.so"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.path, Config{})
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("err = %v; want %v containing %q", err, c.want, c.text)
			}
		})
		t.Run(c.name+"/isolated", func(t *testing.T) {
			defer leaktest.Check(t)()
			p, err := Open(context.Background(), c.path, isolated(Config{}))
			if err == nil {
				p.Close(context.Background())
			}
			if !errors.Is(err, c.isolated) {
				t.Fatalf("err = %v; want %v", err, c.isolated)
			}
		})
	}
}

// otherClass is a copy of a library marked as 32-bit: a library for
// another architecture, which dlopen refuses.
func otherClass(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(hostile(t, "HOSTILE_NULL"))
	if err != nil {
		t.Fatal(err)
	}
	b[4] = 1 // EI_CLASS: ELFCLASS32
	path := filepath.Join(t.TempDir(), "wrong-class.so")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A detached call returns at its deadline while the native call runs on;
// Close waits for it.
func TestDetachedDeadline(t *testing.T) {
	defer leaktest.Check(t)()
	p, err := Load(library(t, examples[0].path), Config{Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = p.InvokeAction(ctx, "SLEEP", msg, map[string]any{"ms": 700})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("err = %v after %v; want context.DeadlineExceeded at the deadline", err, time.Since(start))
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 700*time.Millisecond {
		t.Fatalf("Close returned after %v, before the native call ended", d)
	}
}

// elizaos_plugin_init runs once per library in the process, however many
// times it is loaded.
func TestPluginInitOnce(t *testing.T) {
	path := hostile(t, "HOSTILE_NULL")
	for range 3 {
		p, err := Load(path, Config{})
		if err != nil {
			t.Fatal(err)
		}
		p.Close(context.Background())
	}
	if n, _, _ := purego.SyscallN(symbol(t, path, "hostile_plugin_inits")); n != 1 {
		t.Fatalf("elizaos_plugin_init ran %d times, want 1", n)
	}
}

// A file name without a slash is the file in the working directory, not
// a name dlopen looks up in the system's library path.
func TestRelativePath(t *testing.T) {
	path := hostile(t, "HOSTILE_NULL")
	t.Chdir(filepath.Dir(path))
	p, err := Load(filepath.Base(path), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// The isolated child loads the library with the host's Config:
// Serialize and MaxResultBytes.
func TestIsolatedConfig(t *testing.T) {
	defer leaktest.Check(t)()
	path := library(t, examples[1].path)
	ctx := context.Background()
	p, err := Open(ctx, path, isolated(Config{Serialize: true, MaxResultBytes: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	_, err = p.InvokeAction(ctx, "ECHO", plugintest.Msg(strings.Repeat("x", 1000)), nil)
	if err == nil || !strings.Contains(err.Error(), "longer than 1000 bytes") {
		t.Fatalf("a 1000-byte echo under a 1000-byte limit: %v", err)
	}
	slow := make(chan error, 1)
	go func() {
		_, err := p.InvokeAction(ctx, "SLEEP", msg, map[string]any{"ms": 300})
		slow <- err
	}()
	time.Sleep(50 * time.Millisecond) // let SLEEP go first
	start := time.Now()
	if _, err := p.InvokeAction(ctx, "ECHO", msg, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("ECHO answered after %v, during SLEEP: calls are not serialized", d)
	}
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
}

func TestNULInputRefused(t *testing.T) {
	p, err := Load(hostile(t, "HOSTILE_NULL"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.ValidateAction(context.Background(), "EC\x00HO", msg)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "byte 2") {
		t.Fatalf("err = %v, want ErrInput at byte 2", err)
	}
}

// TestHostileIsolated: a library that crashes, aborts or hangs costs the
// call and the child; the host carries on and a new child serves the next
// call.
func TestHostileIsolated(t *testing.T) {
	defer leaktest.Check(t)()
	for _, c := range []struct {
		variant string
		want    error
	}{
		{"HOSTILE_SEGV", plugin.ErrClosed},
		{"HOSTILE_ABORT", plugin.ErrClosed},
		{"HOSTILE_LOOP", context.DeadlineExceeded},
	} {
		t.Run(c.variant, func(t *testing.T) {
			path := hostile(t, c.variant)
			p, err := Open(context.Background(), path, isolated(Config{CallTimeout: 500 * time.Millisecond}))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(context.Background())
			start := time.Now()
			_, err = p.InvokeAction(context.Background(), "X", msg, nil)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.want == plugin.ErrClosed {
				var exit *ipc.ExitError
				if !errors.As(err, &exit) {
					t.Fatalf("err = %v, want an *ipc.ExitError", err)
				}
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("the failed call took %v", d)
			}
			// The child is gone (a hung one AbandonGrace after the
			// cancellation) and a new one serves the next call.
			sup := p.(*ipc.Supervisor)
			deadline := time.Now().Add(AbandonGrace + 10*time.Second)
			for {
				ok, err := p.ValidateAction(context.Background(), "X", msg)
				if err == nil && ok && sup.Restarts() == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the failure: %v, %v, %d restarts; want a restarted child", ok, err, sup.Restarts())
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
