package noleak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interopkit/interop/bridge/ffi"
	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/bridge/wasm"
	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/internal/fuzzgen"
	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/plugintest"
	"github.com/interopkit/interop/internal/proc"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// The secrets. Each is distinctive enough that finding it anywhere can only
// mean it leaked.
const (
	salt      = "noleak-salt-5c1f0e9a3b"
	plaintext = "noleak-plaintext-8d2b7c44e1"
	// API-key-shaped: in Memory, in State, in a plugin's answers.
	memoryKey = "sk-proj-9XrjjGXZefritqHbRUyvIncvWFAsnT308ss3"
	stateKey  = "ghp_NBRv50QjjdKIlXXX0fsEw7ZjVHdisKHHHZny"
	// In the parent's environment only.
	envKey   = "sk-proj-6xeJ8ZGIgK42Sqs3OHKFQN8Jrz8yJeLdOAhY"
	envToken = "noleak-ci-token-value-4f7e2d"
)

var secrets = []string{salt, plaintext, memoryKey, stateKey, envKey, envToken}

// The test binary doubles as the misbehaving IPC child and gate peer; the
// mode comes as arguments, since a child's environment is deny by default.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "noleak-child" {
		os.Exit(child(os.Args[2]))
	}
	code := m.Run()
	if cliDir != "" {
		os.RemoveAll(cliDir)
	}
	os.Exit(code)
}

// evidence collects everything the code under test produced.
type evidence struct {
	mu    sync.Mutex
	parts []string // "what: text"
}

func (e *evidence) add(what, text string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.parts = append(e.parts, what+": "+text)
}

func (e *evidence) err(what string, err error) {
	if err != nil {
		e.add(what+" (error)", err.Error())
	}
}

// Write makes evidence a log sink.
func (e *evidence) Write(b []byte) (int, error) {
	e.add("log", string(b))
	return len(b), nil
}

// logger logs JSON to the evidence, without redact's handler: what is
// checked is what the code itself puts in its records.
func (e *evidence) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(e, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestNoSecretLeaves(t *testing.T) {
	defer leaktest.Check(t)()
	t.Setenv("OPENAI_API_KEY", envKey)
	t.Setenv("GITHUB_TOKEN", envToken)
	t.Setenv("SECRET_SALT", salt)
	var ev evidence
	// Records a package logs to slog.Default (a nil Config.Logger) are
	// evidence too.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(ev.logger())
	runs := map[string]int{} // scenario → pieces of evidence it produced
	skipped := false
	for _, s := range []struct {
		name string
		run  func(t *testing.T, ev *evidence)
	}{
		{"salt policy", saltPolicy},
		{"envelope package", envelopePackage},
		{"ipc bridge", ipcBridge},
		{"wasm bridge", wasmBridge},
		{"ffi bridge", ffiBridge},
		{"envelope cli", envelopeCLI},
		{"gate reports", gateReports},
	} {
		before := len(ev.parts)
		t.Run(s.name, func(t *testing.T) {
			defer func() { skipped = skipped || t.Skipped() }()
			s.run(t, &ev)
		})
		runs[s.name] = len(ev.parts) - before
	}
	if skipped {
		// A scenario lacked a tool (plugintest.Need skipped it; under make
		// it fails instead): the statement cannot be made for all paths.
		t.Skip("a scenario was skipped for a missing tool; the no-leak statement needs them all")
	}
	// A scenario that produced nothing checked nothing.
	for name, n := range runs {
		if n == 0 {
			t.Errorf("%s produced no evidence to check", name)
		}
	}
	for _, part := range ev.parts {
		for _, s := range secrets {
			for _, form := range forms(s) {
				if w, ok := leaked(part, form); ok {
					what, _, _ := strings.Cut(part, ":")
					t.Errorf("secret %.6s… leaked (%q) in %.200s", s, w, what)
				}
			}
		}
	}
	t.Logf("checked %d pieces of evidence from %d scenarios", len(ev.parts), len(runs))
}

// cutAt returns text that ends keep bytes after the start of the last n
// bytes inside memoryKey: the last n bytes begin keep bytes before the
// key's end, the rest being short lines of filler.
func cutAt(n, keep int) string {
	var b strings.Builder
	b.WriteString("context: " + memoryKey)
	rest := n - keep
	for rest > 0 {
		line := "\nfiller line"
		if len(line) > rest {
			line = strings.Repeat("\n", rest)
		}
		b.WriteString(line)
		rest -= len(line)
	}
	return b.String()
}

// window is the shortest piece of a secret that counts as leaked: a
// redacted credential keeps its first 6 and last 4 characters, and a piece
// of 16 is already most of a key.
const window = 16

// forms are the ways a secret could be written: as it is, in hex and in
// base64 (an encoded leak is still a leak).
func forms(s string) []string {
	return []string{s, hex.EncodeToString([]byte(s)), base64.StdEncoding.EncodeToString([]byte(s))}
}

// leaked reports whether text holds any window-long piece of secret.
func leaked(text, secret string) (string, bool) {
	for i := 0; i+window <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+window]) {
			return secret[i : i+window], true
		}
	}
	return "", false
}

// message is a plugin message carrying secrets in Memory and State.
func message() plugin.Message {
	text := "please use " + memoryKey + " for " + plaintext
	return plugin.Message{
		Memory: &types.Memory{EntityID: "11111111-1111-4111-8111-111111111111", RoomID: "22222222-2222-4222-8222-222222222222",
			Content: types.Content{Text: &text}},
		State: &types.State{Values: types.StateValues{Extra: map[string]any{"token": stateKey, "note": plaintext}}, Text: "the key is " + stateKey},
	}
}

func saltPolicy(t *testing.T, ev *evidence) {
	lookup := func(env map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	}
	_, err := envelope.SaltFromEnv(lookup(map[string]string{"NODE_ENV": "production"}), ev.logger())
	ev.err("production default salt", err)
	p := &envelope.SaltPolicy{Logger: ev.logger()}
	if _, err := p.Salt(lookup(nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Salt(lookup(map[string]string{"SECRET_SALT": salt})); err != nil {
		t.Fatal(err)
	}
}

func envelopePackage(t *testing.T, ev *evidence) {
	k, err := envelope.NewKey(salt)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := envelope.NewKey("another-salt")
	sealed, err := other.Seal(plaintext)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{sealed, "v2:" + plaintext, "v2:00:" + plaintext + ":00", plaintext + ":" + plaintext,
		strings.Repeat("0", 32) + ":" + plaintext} {
		_, err := k.Open(v)
		ev.err("Key.Open", err)
	}
}

// child is a misbehaving IPC plugin child (and, as "peer-crash", a gate
// peer that crashes).
func child(mode string) int {
	out := bufio.NewWriter(os.Stdout)
	send := func(v any) {
		b, _ := json.Marshal(v)
		out.Write(append(b, '\n'))
		out.Flush()
	}
	switch mode {
	case "peer-crash":
		// A peer that dies at once, printing its environment and a key,
		// and leaving its environment where the test can read it.
		os.WriteFile(os.Args[0]+".env", []byte(strings.Join(os.Environ(), "\n")), 0o600)
		fmt.Fprintln(os.Stderr, strings.Join(os.Environ(), "\n"))
		fmt.Fprintln(os.Stderr, "fatal: cannot use key", memoryKey)
		// A key that the bounded stderr tail cuts through: the tail keeps
		// the last proc.StderrLimit bytes, which start 20 bytes before the
		// key's end.
		os.Stderr.WriteString(cutAt(proc.StderrLimit, 20))
		return 3
	case "env":
		// Its whole environment, where the test can read it.
		os.WriteFile(os.Args[0]+".env", []byte(strings.Join(os.Environ(), "\n")), 0o600)
	}
	send(map[string]any{"type": "ready", "manifest": exampleplugin.Manifest("go")})
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(nil, 64<<20)
	for in.Scan() {
		var req struct{ Type, ID string }
		json.Unmarshal(in.Bytes(), &req)
		switch mode {
		case "env":
			send(map[string]any{"type": "action.result", "id": req.ID, "result": map[string]any{"success": true}})
		case "stderr":
			fmt.Fprintln(os.Stderr, "debug: using", memoryKey, "and", stateKey)
			// A line over the line limit that cuts a token 20 bytes in,
			// leaving a piece too short for redact's pattern of it.
			line := strings.Repeat("w ", (proc.MaxStderrLine-20)/2) + stateKey + " tail\n"
			os.Stderr.WriteString(line)
			send(map[string]any{"type": "action.result", "id": req.ID, "result": map[string]any{"success": true}})
		case "garbage":
			os.Stdout.WriteString(memoryKey + " " + stateKey + " is not a protocol line\n")
			send(map[string]any{"type": "action.result", "id": req.ID, "result": map[string]any{"success": true}})
		case "wrong-type":
			send(map[string]any{"type": memoryKey, "id": req.ID})
		case "late":
			send(map[string]any{"type": memoryKey, "id": "req_999"})
			send(map[string]any{"type": "action.result", "id": req.ID, "result": map[string]any{"success": true}})
		case "error":
			send(map[string]any{"type": "error", "id": req.ID, "error": "rejected: " + memoryKey})
		case "oversized":
			os.Stdout.WriteString(strings.Repeat(memoryKey, 1_200_000/len(memoryKey)) + "\n")
			time.Sleep(time.Hour)
		case "crash":
			return 3
		case "hang":
		}
	}
	return 0
}

func ipcBridge(t *testing.T, ev *evidence) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"env", "stderr", "garbage", "wrong-type", "late", "error", "oversized", "crash", "hang"} {
		for _, inherit := range []bool{false, true} {
			if inherit && mode != "env" {
				continue
			}
			// A copy of the binary per child, so that "env" writes next to it.
			bin := filepath.Join(t.TempDir(), "child")
			if err := os.Symlink(exe, bin); err != nil {
				t.Fatal(err)
			}
			cfg := ipc.Config{Command: []string{bin, "noleak-child", mode}, InheritEnv: inherit, Logger: ev.logger(),
				StartTimeout: 10 * time.Second, RequestTimeout: 2 * time.Second, Grace: time.Second}
			h, err := ipc.Start(context.Background(), cfg)
			if err != nil {
				t.Fatalf("%s: %v", mode, err)
			}
			_, err = h.InvokeAction(context.Background(), "ECHO", message(), map[string]any{"apiKey": memoryKey})
			ev.err("ipc "+mode, err)
			if mode == "late" {
				time.Sleep(200 * time.Millisecond) // the late line is logged by the reader
			}
			h.Close(context.Background())
			if mode == "env" {
				b, err := os.ReadFile(bin + ".env")
				if err != nil {
					t.Fatalf("the env child wrote nothing: %v", err)
				}
				ev.add(fmt.Sprintf("child environment (inherit %v)", inherit), string(b))
				if !bytes.Contains(b, []byte("PATH=")) {
					t.Errorf("the child's environment lacks PATH: the check would prove nothing")
				}
			}
		}
	}
}

const invokeSig = `(param i32 i32 i32 i32 i32 i32 i32 i32) (result i64)`

// guest is a WASM plugin whose invoke_action is body; the data segment at
// 1024 holds an API-key-shaped string, at 2048 a text that quotes it.
func guest(body string) string {
	const manifest = `{"name":"leaky","description":"misbehaves with secrets","actions":[]}`
	quote := "rejected " + memoryKey
	return fmt.Sprintf(`(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (import "env" "console_log" (func $log (param i32 i32)))
  (import "env" "console_error" (func $elog (param i32 i32)))
  (import "interop" "fail" (func $fail (param i32 i32)))
  (memory (export "memory") 2)
  (global $top (mut i32) (i32.const 8192))
  (data (i32.const 16) %q)
  (data (i32.const 1024) %q)
  (data (i32.const 2048) %q)
  (func (export "alloc") (param $n i32) (result i32) (local $p i32)
    (local.set $p (global.get $top))
    (global.set $top (i32.add (global.get $top) (local.get $n)))
    (local.get $p))
  (func (export "dealloc") (param $p i32) (param $n i32))
  (func (export "get_manifest") (result i64) (i64.const %d))
  (func (export "validate_action") (param i32 i32 i32 i32 i32 i32) (result i32) (i32.const 1))
  (func (export "invoke_action") %s %s))`,
		manifest, memoryKey, quote, int64(16)<<32|int64(len(manifest)), invokeSig, body)
}

func wasmBridge(t *testing.T, ev *evidence) {
	n := len(memoryKey)
	q := len("rejected " + memoryKey)
	for _, c := range []struct{ name, body string }{
		{"console", fmt.Sprintf(`(call $log (i32.const 1024) (i32.const %d)) (call $elog (i32.const 2048) (i32.const %d)) (i64.const 0)`, n, q)},
		{"abort", fmt.Sprintf(`(call $abort (i32.const 2048) (i32.const %d) (i32.const 1) (i32.const 2)) (i64.const 0)`, q)},
		{"fail", fmt.Sprintf(`(call $fail (i32.const 2048) (i32.const %d)) (i64.const 0)`, q)},
		{"not json", fmt.Sprintf(`(i64.const %d)`, int64(2048)<<32|int64(q))},
		// The Memory it was given, one byte longer: not JSON any more.
		{"echo", `(i64.or (i64.shl (i64.extend_i32_u (local.get 2)) (i64.const 32)) (i64.extend_i32_u (i32.add (local.get 3) (i32.const 1))))`},
		{"trap", `unreachable`},
	} {
		p, err := wasm.LoadBytes(context.Background(), plugintest.WAT(t, guest(c.body)), wasm.Config{Logger: ev.logger()})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, err = p.InvokeAction(context.Background(), "ECHO", message(), map[string]any{"apiKey": memoryKey})
		if err == nil && c.name != "console" {
			t.Errorf("%s: the call did not fail", c.name)
		}
		ev.err("wasm "+c.name, err)
		p.Close(context.Background())
	}
}

func ffiBridge(t *testing.T, ev *evidence) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		plugintest.Need(t, "gcc")
	}
	for _, variant := range []string{"LEAKY_ECHO_NOT_JSON", "LEAKY_ERROR"} {
		lib := filepath.Join(t.TempDir(), "leaky.so")
		cmd := exec.Command(gcc, "-shared", "-fPIC", "-O1", "-D"+variant, `-DKEY="`+memoryKey+`"`, "-o", lib, "testdata/leaky.c")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, b)
		}
		p, err := ffi.Open(context.Background(), lib, ffi.Config{Logger: ev.logger()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.InvokeAction(context.Background(), "ECHO", message(), map[string]any{"apiKey": memoryKey})
		if err == nil {
			t.Errorf("%s: the call did not fail", variant)
		}
		ev.err("ffi "+variant, err)
		p.Close(context.Background())
	}
}

// cliDir holds the interop command built for the test; TestMain removes it.
var cliDir string

// cli builds the interop command once.
var cli = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "noleak")
	if err != nil {
		return "", err
	}
	cliDir = dir
	bin := filepath.Join(dir, "interop")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/interopkit/interop/cmd/interop").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// runCLI runs the interop command with the test's environment and stdin,
// and adds what it printed to the evidence.
func runCLI(t *testing.T, ev *evidence, env []string, stdin string, args ...string) int {
	t.Helper()
	bin, err := cli()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	what := "interop " + strings.Join(args, " ")
	ev.add(what+" stdout", stdout.String())
	ev.add(what+" stderr", stderr.String())
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

func envelopeCLI(t *testing.T, ev *evidence) {
	other, _ := envelope.NewKey("another-salt")
	sealed, _ := other.Seal(plaintext)
	for _, c := range []struct {
		env   []string
		stdin string
		args  []string
	}{
		{nil, sealed, []string{"envelope", "decrypt", "-"}},                                                              // under another salt
		{nil, "v2:" + plaintext, []string{"envelope", "decrypt", "-"}},                                                   // malformed
		{nil, "00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff", []string{"envelope", "migrate", "-"}}, // v1 that does not open
		{nil, strings.Repeat(plaintext, 40<<20/len(plaintext)), []string{"envelope", "encrypt", "-"}},                    // over the limit
		{[]string{"SECRET_SALT=", "NODE_ENV=production"}, plaintext, []string{"envelope", "encrypt", "-"}},
		{[]string{"SECRET_SALT="}, plaintext, []string{"envelope", "encrypt", "--bogus", "-"}},
	} {
		if code := runCLI(t, ev, c.env, c.stdin, c.args...); code == 0 {
			t.Errorf("interop %s succeeded; the scenario expects a failure", strings.Join(c.args, " "))
		}
	}
	// A settings file with one value under another salt: migrate-file
	// refuses it, naming the file and the value's place, never the value.
	dir := t.TempDir()
	file := filepath.Join(dir, "character.json")
	mine, _ := envelope.NewKey(salt)
	good, _ := mine.Seal(plaintext)
	doc := fmt.Sprintf(`{"settings":{"secrets":{"A":%q,"B":%q}}}`, good, sealed)
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := runCLI(t, ev, nil, "", "envelope", "migrate-file", file); code == 0 {
		t.Errorf("migrate-file accepted a value under another salt")
	}
	// And one it migrates: its summary, plain and JSON, holds counts only.
	v1 := fuzzgen.SealV1(rand.New(rand.NewPCG(1, 2)), salt, plaintext)
	if err := os.WriteFile(file, []byte(fmt.Sprintf(`{"settings":{"secrets":{"A":%q,"B":%q}}}`, good, v1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--dry-run", "--json"}, {}} {
		if code := runCLI(t, ev, nil, "", append(append([]string{"envelope", "migrate-file"}, args...), file)...); code != 0 {
			t.Errorf("migrate-file %v failed on a file it should migrate", args)
		}
	}
}

func gateReports(t *testing.T, ev *evidence) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "peer")
	if err := os.Symlink(exe, bin); err != nil {
		t.Fatal(err)
	}
	reports := map[string]string{}
	args := []string{"parity", "--peers", "go", "--peer", "leaky=" + bin + " noleak-child peer-crash",
		"--suite", "ids.string_to_uuid", "--no-pairwise", "--progress", "never", "--root", "../.."}
	for _, f := range []string{"json", "junit", "markdown", "html"} {
		reports[f] = filepath.Join(dir, "report."+f)
		args = append(args, "--report", f+"="+reports[f])
	}
	if code := runCLI(t, ev, nil, "", args...); code == 0 {
		t.Errorf("the gate passed with a peer that cannot start")
	}
	for f, path := range reports {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s report: %v", f, err)
		}
		if !bytes.Contains(b, []byte("leaky")) {
			t.Errorf("the %s report does not name the crashed peer: the check would prove nothing", f)
		}
		ev.add(f+" report", string(b))
	}
	b, err := os.ReadFile(bin + ".env")
	if err != nil || !bytes.Contains(b, []byte("PATH=")) {
		t.Fatalf("the peer left no environment to check: %v", err)
	}
	ev.add("peer environment", string(b))

	// The fuzzer with the same peer: its summary and candidate files.
	out := filepath.Join(dir, "candidates")
	runCLI(t, ev, nil, "", "parity", "fuzz", "--peers", "go", "--peer", "leaky="+bin+" noleak-child peer-crash",
		"--suite", "ids.string_to_uuid", "--n", "50", "--out", out, "--root", "../..")
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(path); err == nil {
				ev.add("fuzz candidate "+d.Name(), string(b))
			}
		}
		return nil
	})
}
