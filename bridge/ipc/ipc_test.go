package ipc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/plugintest"
	"github.com/interopkit/interop/plugin"
)

// The test binary doubles as the plugin child: with IPC_CHILD set it
// becomes a child with the named behaviour (go-plugin's helper-process
// pattern), so the host is tested against real processes.
func TestMain(m *testing.M) {
	if mode := os.Getenv("IPC_CHILD"); mode != "" {
		os.Exit(child(mode))
	}
	os.Exit(m.Run())
}

// child runs a plugin child:
//
//	example       the Go example plugin, served
//	python-wire   upstream bridge_server.py's wire habits: no interop member, ", " separators, in order
//	python-oversize  bridge_server.py's two empty-id errors for a line over asyncio's limit
//	node-out-of-order  ts_bridge_runner.mjs answering the second request first, compact, "error": null
//	node-bad-json the runner's exit 2 on a line it cannot parse
//	idempty       answers every request with an error with an empty id, as bridge_server.py does for a line it cannot read
//	crash         exits 3 on its first request
//	exit-early    writes to stderr and exits 1 before ready
//	never-ready   never writes a line
//	hang          never answers
//	flood         writes 3 MB without a newline
//	oversized     writes one 1.5 MB line
//	garbage       writes a line that is not JSON before each reply
//	wrong-id      answers with an id nobody asked for
//	dup-id        answers every request twice
//	wrong-type    answers action.invoke with validate.result
//	stderr-flood  writes 1 MiB to stderr, then serves
//	ignore-term   ignores SIGTERM, then serves
//	grandchild    starts a grandchild that holds stdout, then serves
func child(mode string) int {
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	send := func(v any) {
		b, _ := json.Marshal(v)
		out.Write(append(b, '\n'))
		out.Flush()
	}
	manifest := exampleplugin.Manifest("go")
	switch mode {
	case "example":
		return serve(ctx)
	case "crash-once":
		// The first incarnation serves, then dies on its second request;
		// later ones serve.
		marker := os.Getenv("IPC_MARKER")
		if _, err := os.Stat(marker); err != nil {
			os.WriteFile(marker, nil, 0o644)
			go func() {
				time.Sleep(300 * time.Millisecond)
				os.Exit(3)
			}()
		}
		return serve(ctx)
	case "pingpong":
		// The raw floor of the benchmarks: every line straight back.
		in := bufio.NewReaderSize(os.Stdin, 64<<10)
		for {
			line, err := in.ReadSlice('\n')
			if err != nil {
				return 0
			}
			out.Write(line)
			out.Flush()
		}
	case "exit-early":
		fmt.Fprintln(os.Stderr, "cannot import elizaos")
		return 1
	case "never-ready":
		time.Sleep(time.Hour)
		return 0
	case "stderr-flood":
		os.Stderr.Write(bytes.Repeat([]byte("noise noise noise\n"), 1<<16))
		return serve(ctx)
	case "ignore-term":
		signal.Ignore(syscall.SIGTERM)
		return serve(ctx)
	case "grandchild":
		g := exec.Command("sleep", "300")
		g.Stdout = os.Stdout
		if err := g.Start(); err == nil {
			os.WriteFile(os.Getenv("IPC_PIDFILE"), []byte(strconv.Itoa(g.Process.Pid)), 0o644)
		}
		return serve(ctx)
	case "python-wire", "python-oversize":
		py := *manifest
		lang := "python"
		py.Language = &lang
		b, _ := json.Marshal(py)
		os.Stdout.WriteString(`{"type": "ready", "manifest": ` + string(b) + "}\n")
	default:
		send(map[string]any{"type": "ready", "manifest": manifest})
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(nil, 64<<20)
	var held []string
	for in.Scan() {
		var req struct {
			Type, ID string
		}
		json.Unmarshal(in.Bytes(), &req)
		switch mode {
		case "python-wire":
			fmt.Fprintf(os.Stdout, `{"type": "action.result", "id": %q, "result": {"success": true, "text": "py", "error": null}}`+"\n", req.ID)
		case "python-oversize":
			// What bridge_server.py answers to a line over asyncio's limit.
			os.Stdout.WriteString(`{"type": "error", "id": "", "error": "Separator is not found, and chunk exceed the limit"}` + "\n")
			os.Stdout.WriteString(`{"type": "error", "id": "", "error": "Separator is found, but chunk is longer than limit"}` + "\n")
		case "node-out-of-order":
			// ts_bridge_runner.mjs answers as handlers finish: here, the
			// second request first. Compact JSON, "error": null.
			held = append(held, req.ID)
			if len(held) == 2 {
				for _, id := range []string{held[1], held[0]} {
					fmt.Fprintf(os.Stdout, `{"type":"action.result","id":%q,"result":{"success":true,"text":%q,"error":null}}`+"\n", id, id)
				}
				held = nil
			}
		case "node-bad-json":
			fmt.Fprintln(os.Stderr, "Invalid JSON from stdin: SyntaxError: Unexpected token")
			return 2
		case "idempty":
			send(map[string]any{"type": "error", "id": "", "error": "JSON parse error: Expecting value"})
		case "crash":
			return 3
		case "hang":
		case "flood":
			os.Stdout.Write(bytes.Repeat([]byte("x"), 3_000_000))
			time.Sleep(time.Hour)
		case "oversized":
			os.Stdout.Write(append(bytes.Repeat([]byte("y"), 1_500_000), '\n'))
			time.Sleep(time.Hour)
		case "garbage":
			os.Stdout.WriteString("debug: sk-live-0123456789abcdefghij is the key\n")
			send(map[string]any{"type": "action.result", "id": req.ID, "result": map[string]any{"success": true}})
		case "dup-id":
			for range 2 {
				send(map[string]any{"type": "action.result", "id": req.ID, "result": map[string]any{"success": true}})
			}
		case "wrong-id":
			send(map[string]any{"type": "action.result", "id": "req_999", "result": map[string]any{"success": true}})
		case "wrong-type":
			send(map[string]any{"type": "validate.result", "id": req.ID, "valid": true})
		}
	}
	return 0
}

func serve(ctx context.Context) int {
	// As interop plugin serve-example does (see serveExample there).
	runtime.GOMAXPROCS(1)
	in := ipc.PollableStdin()
	if err := ipc.Serve(ctx, exampleplugin.New(), in, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// logs collects the host's events.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func config(t *testing.T, mode string, l *logs) ipc.Config {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg := ipc.Config{Command: []string{exe}, Env: []string{"IPC_CHILD=" + mode}, StartTimeout: 10 * time.Second, RequestTimeout: 10 * time.Second, Grace: time.Second}
	if l != nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(l, nil))
	}
	return cfg
}

func start(t *testing.T, cfg ipc.Config) *ipc.Host {
	t.Helper()
	h, err := ipc.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The Go example plugin, served as a child, passes the contract suite.
func TestContractGoChild(t *testing.T) {
	defer checkLeaks(t)()
	plugintest.Run(t, "go", func(t *testing.T) plugin.Plugin { return start(t, config(t, "example", nil)) })
}

func TestStartFailures(t *testing.T) {
	defer checkLeaks(t)()
	cfg := config(t, "exit-early", nil)
	t0 := time.Now()
	_, err := ipc.Start(context.Background(), cfg)
	var ee *ipc.ExitError
	if !errors.Is(err, ipc.ErrStart) || !errors.As(err, &ee) || ee.Status != "exit status 1" {
		t.Fatalf("exit before ready: %v", err)
	}
	if time.Since(t0) > 5*time.Second {
		t.Fatalf("an exit before ready waited for the start deadline")
	}
	cfg = config(t, "never-ready", nil)
	cfg.StartTimeout = 300 * time.Millisecond
	if _, err := ipc.Start(context.Background(), cfg); !errors.Is(err, ipc.ErrStart) || !strings.Contains(err.Error(), "no ready line") {
		t.Fatalf("never ready: %v", err)
	}
	if _, err := ipc.Start(context.Background(), ipc.Config{Command: []string{"/nonexistent/child"}}); !errors.Is(err, ipc.ErrStart) {
		t.Fatalf("no such program: %v", err)
	}
	if _, err := ipc.Start(context.Background(), ipc.Config{Command: []string{"true"}, MaxMessageBytes: 10, MaxBufferBytes: 5}); !errors.Is(err, ipc.ErrConfig) {
		t.Fatalf("buffer below message: %v", err)
	}
}

// Upstream's Python server: no interop member, separators, in order, a
// 64 KiB line limit and "error": null in results.
func TestPythonWire(t *testing.T) {
	defer checkLeaks(t)()
	h := start(t, config(t, "python-wire", nil))
	defer h.Close(context.Background())
	if h.Interop().Ordered != true {
		t.Fatalf("a python child without interop is in order: %+v", h.Interop())
	}
	r, err := h.InvokeAction(context.Background(), "ECHO", plugintest.Msg("x"), nil)
	if err != nil || r == nil || !r.Success || *r.Text != "py" || r.Error != nil {
		t.Fatalf("%+v %v", r, err)
	}
	big := strings.Repeat("z", 70_000)
	if _, err := h.InvokeAction(context.Background(), "ECHO", plugintest.Msg(big), nil); !errors.Is(err, plugin.ErrTooLarge) {
		t.Fatalf("a request over asyncio's 64 KiB: %v, want ErrTooLarge before sending", err)
	}
	if _, err := h.ValidateEvaluator(context.Background(), "EXAMPLE_EVALUATOR", plugintest.Msg("evaluate")); !errors.Is(err, plugin.ErrUnsupported) {
		t.Fatalf("evaluator validation without the feature: %v", err)
	}
}

// Replayed upstream byte sequences: bridge_server.py's two empty-id errors
// fail the in-order child's pending call at once (the second is only
// logged); ts_bridge_runner.mjs's out-of-order replies reach the right
// callers; its exit 2 on a bad line fails the call with the status, and
// its stderr line is logged.
func TestUpstreamWire(t *testing.T) {
	defer checkLeaks(t)()
	ctx := context.Background()
	var l logs
	cfg := config(t, "python-oversize", &l)
	h := start(t, cfg)
	t0 := time.Now()
	_, err := h.InvokeAction(ctx, "ECHO", plugintest.Msg("x"), nil)
	var pe *plugin.Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, "chunk exceed the limit") || time.Since(t0) > 5*time.Second {
		t.Fatalf("python oversize: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if strings.Count(l.String(), "interop.ipc.child_error") != 1 {
		t.Fatalf("the second empty-id error is logged once:\n%s", l.String())
	}
	h.Close(ctx)

	h = start(t, config(t, "node-out-of-order", nil))
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]bool{}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := h.InvokeAction(ctx, "ECHO", plugintest.Msg("x"), nil)
			if err != nil || r.Text == nil || !strings.HasPrefix(*r.Text, "req_") || r.Error != nil {
				t.Errorf("out of order: %+v %v", r, err)
				return
			}
			mu.Lock()
			got[*r.Text] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	if !got["req_1"] || !got["req_2"] {
		t.Fatalf("each reply must reach its own caller: %v", got)
	}
	h.Close(ctx)

	l = logs{}
	h = start(t, config(t, "node-bad-json", &l))
	_, err = h.InvokeAction(ctx, "ECHO", plugintest.Msg("x"), nil)
	var ee *ipc.ExitError
	if !errors.As(err, &ee) || ee.Status != "exit status 2" {
		t.Fatalf("node exit 2: %v", err)
	}
	h.Close(ctx)
	if !strings.Contains(l.String(), "Invalid JSON from stdin") {
		t.Fatalf("the child's stderr is not logged:\n%s", l.String())
	}
}

// An error with an empty id fails the oldest call of an in-order child at
// once; for a child that answers out of order it is only logged.
func TestEmptyIDError(t *testing.T) {
	defer checkLeaks(t)()
	var l logs
	cfg := config(t, "idempty", &l)
	cfg.RequestTimeout = 300 * time.Millisecond
	h := start(t, cfg)
	defer h.Close(context.Background())
	_, err := h.InvokeAction(context.Background(), "ECHO", plugintest.Msg("x"), nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(l.String(), "interop.ipc.child_error") {
		t.Fatalf("out-of-order child: %v\n%s", err, l.String())
	}
}

func TestFaults(t *testing.T) {
	for _, tt := range []struct {
		mode  string
		check func(t *testing.T, err error, h *ipc.Host, l string)
	}{
		{"crash", func(t *testing.T, err error, h *ipc.Host, l string) {
			var ee *ipc.ExitError
			if !errors.As(err, &ee) || ee.Status != "exit status 3" || !errors.Is(err, plugin.ErrClosed) {
				t.Fatalf("%v", err)
			}
			if !strings.Contains(l, "interop.ipc.exited") || !strings.Contains(l, "exit status 3") {
				t.Fatalf("a crash is not logged as interop.ipc.exited:\n%s", l)
			}
		}},
		{"hang", func(t *testing.T, err error, h *ipc.Host, l string) {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%v", err)
			}
		}},
		{"flood", func(t *testing.T, err error, h *ipc.Host, l string) {
			if !errors.Is(err, plugin.ErrTooLarge) || !strings.Contains(l, "interop.ipc.message_exceeded") {
				t.Fatalf("%v\n%s", err, l)
			}
		}},
		{"oversized", func(t *testing.T, err error, h *ipc.Host, l string) {
			if !errors.Is(err, plugin.ErrTooLarge) || !strings.Contains(l, "interop.ipc.message_exceeded") {
				t.Fatalf("%v\n%s", err, l)
			}
		}},
		{"garbage", func(t *testing.T, err error, h *ipc.Host, l string) {
			if err != nil || !strings.Contains(l, "interop.ipc.parse_failed") || strings.Contains(l, "0123456789abcdefghij") {
				t.Fatalf("%v\n%s", err, l)
			}
		}},
		{"wrong-id", func(t *testing.T, err error, h *ipc.Host, l string) {
			if !errors.Is(err, context.DeadlineExceeded) || h.Unexpected.Load() != 1 || !strings.Contains(l, "interop.ipc.unexpected_reply") {
				t.Fatalf("%v %d\n%s", err, h.Unexpected.Load(), l)
			}
		}},
		{"dup-id", func(t *testing.T, err error, h *ipc.Host, l string) {
			// The first reply answers the call; the second has no caller.
			deadline := time.Now().Add(3 * time.Second)
			for h.Unexpected.Load() != 1 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if err != nil || h.Unexpected.Load() != 1 {
				t.Fatalf("%v %d", err, h.Unexpected.Load())
			}
		}},
		{"wrong-type", func(t *testing.T, err error, h *ipc.Host, l string) {
			if !errors.Is(err, ipc.ErrProtocol) {
				t.Fatalf("%v", err)
			}
		}},
		{"stderr-flood", func(t *testing.T, err error, h *ipc.Host, l string) {
			if err != nil || !strings.Contains(l, "interop.ipc.stderr") {
				t.Fatalf("%v", err)
			}
		}},
		{"ignore-term", func(t *testing.T, err error, h *ipc.Host, l string) {
			if err != nil {
				t.Fatalf("%v", err)
			}
		}},
		{"grandchild", func(t *testing.T, err error, h *ipc.Host, l string) {
			if err != nil {
				t.Fatalf("%v", err)
			}
		}},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			defer checkLeaks(t)()
			var l logs
			cfg := config(t, tt.mode, &l)
			cfg.RequestTimeout = 500 * time.Millisecond
			pidfile := filepath.Join(t.TempDir(), "grandchild.pid")
			cfg.Env = append(cfg.Env, "IPC_PIDFILE="+pidfile)
			h, err := ipc.Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.InvokeAction(context.Background(), "ECHO", plugintest.Msg("x"), nil)
			tt.check(t, err, h, l.String())
			if err := h.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if tt.mode == "hang" && strings.Contains(l.String(), "interop.ipc.exited") {
				t.Fatalf("a child stopped by Close is logged as exited:\n%s", l.String())
			}
			// A grandchild in the child's process group dies with it.
			if b, err := os.ReadFile(pidfile); err == nil {
				pid, _ := strconv.Atoi(string(b))
				deadline := time.Now().Add(3 * time.Second)
				for {
					if _, live := parent(pid); !live {
						break
					}
					if time.Now().After(deadline) {
						syscall.Kill(pid, syscall.SIGKILL)
						t.Fatalf("grandchild %d survived Close", pid)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
}

// 10,000 concurrent calls through one child with room for 1,000: exactly
// the calls over the limit are refused, every other completes correctly.
func TestLoad(t *testing.T) {
	defer checkLeaks(t)()
	cfg := config(t, "example", nil)
	cfg.MaxPendingRequests = 1000
	cfg.RequestTimeout = time.Minute
	h := start(t, cfg)
	defer h.Close(context.Background())
	const n = 10000
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused, ok := 0, 0
	// SLEEP holds each call long enough that many are in flight at once.
	gate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			text := strconv.Itoa(i)
			r, err := h.InvokeAction(context.Background(), "ECHO", plugintest.Msg(text), nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, plugin.ErrOverloaded):
				refused++
			case err == nil && r.Text != nil && *r.Text == text:
				ok++
			default:
				t.Errorf("call %d: %+v %v", i, r, err)
			}
		}()
	}
	close(gate)
	wg.Wait()
	if ok+refused != n || ok < 1000 {
		t.Fatalf("%d ok, %d refused of %d", ok, refused, n)
	}
}

func checkLeaks(t *testing.T) func() { return leaktest.Check(t) }

func parent(pid int) (int, bool) { return leaktest.Parent(pid) }

// A supervised child that dies is restarted with backoff, its plugin.init
// replayed; the call in flight fails, later calls work; past the limit the
// supervisor gives up.
func TestSupervise(t *testing.T) {
	defer checkLeaks(t)()
	ctx := context.Background()
	var l logs
	cfg := config(t, "crash-once", &l)
	cfg.Env = append(cfg.Env, "IPC_MARKER="+filepath.Join(t.TempDir(), "crashed"))
	s, err := ipc.Supervise(ctx, cfg, ipc.Restart{Max: 1, Backoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if err := s.Init(ctx, map[string]string{"GREETING": "again"}); err != nil {
		t.Fatal(err)
	}
	// The child exits 300 ms after it started: this call is in flight.
	_, err = s.InvokeAction(ctx, "SLEEP", plugintest.Msg(""), map[string]any{"ms": 2000})
	var ee *ipc.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("the call in flight: %v", err)
	}
	r, err := s.GetProvider(ctx, "EXAMPLE", plugintest.Msg("x"))
	if err != nil || r.Values["greeting"] != "again" || s.Restarts() != 1 || !strings.Contains(l.String(), "interop.ipc.restart") {
		t.Fatalf("after the restart: %+v %v (restarts %d)", r, err, s.Restarts())
	}
}

func TestSuperviseGivesUp(t *testing.T) {
	defer checkLeaks(t)()
	ctx := context.Background()
	s, err := ipc.Supervise(ctx, config(t, "crash", nil), ipc.Restart{Max: 1, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	for i := range 2 {
		if _, err := s.InvokeAction(ctx, "ECHO", plugintest.Msg("x"), nil); !errors.As(err, new(*ipc.ExitError)) {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	_, err = s.InvokeAction(ctx, "ECHO", plugintest.Msg("x"), nil)
	if err == nil || !strings.Contains(err.Error(), "gave up after 1 restarts") || !errors.Is(err, plugin.ErrClosed) {
		t.Fatalf("past the limit: %v", err)
	}
}
