package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/interopkit/interop/ids"
)

// interop plugin call runs the Go example plugin through the IPC bridge,
// each exit code as documented.
func TestPluginCallGoExample(t *testing.T) {
	bin := interopBinary(t)
	child := []string{"--", bin, "plugin", "serve-example"}
	call := func(args ...string) (int, string, string) {
		return runBin(t, bin, append(append([]string{"plugin", "call", "--ipc"}, args...), child...)...)
	}
	code, out, _ := call("--action", "UUID", "--text", "hello world")
	var r struct {
		Success bool
		Text    string
	}
	want, _ := ids.StringToUUID("hello world")
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || !r.Success || r.Text != want {
		t.Fatalf("UUID: %d %s", code, out)
	}
	if code, _, stderr := call("--action", "FAIL"); code != 1 || !strings.Contains(stderr, "example failure") {
		t.Fatalf("FAIL: %d %s", code, stderr)
	}
	if code, out, _ := call("--action", "ECHO", "--validate"); code != 1 || !strings.Contains(out, `"valid": false`) {
		t.Fatalf("validate ECHO without text: %d %s", code, out)
	}
	if code, out, _ := call("--provider", "EXAMPLE", "--config", "GREETING=hey"); code != 0 || !strings.Contains(out, `"greeting": "hey"`) {
		t.Fatalf("provider after init: %d %s", code, out)
	}
	if code, _, _ := call("--action", "ECHO", "--provider", "EXAMPLE"); code != 2 {
		t.Fatalf("two targets: %d", code)
	}
	cmd := exec.Command(bin, "plugin", "manifest", "--ipc", "--", bin, "plugin", "serve-example")
	out2, err := cmd.Output()
	if err != nil || !strings.Contains(string(out2), `"name": "interop-example"`) {
		t.Fatalf("manifest: %v %s", err, out2)
	}
	cmd = exec.Command(bin, "plugin", "call", "--ipc", "--action", "ECHO", "--", "/nonexistent/child")
	if err := cmd.Run(); !errors.As(err, new(*exec.ExitError)) || cmd.ProcessState.ExitCode() != 2 {
		t.Fatalf("a child that does not start: %v", err)
	}
}

// serve-example keeps standard output for protocol lines: once it is
// ready, file descriptor 1 is its standard error, so whatever plugin code
// prints cannot reach the protocol stream.
func TestServeExampleKeepsStdoutForProtocol(t *testing.T) {
	bin := interopBinary(t)
	cmd := exec.Command(bin, "plugin", "serve-example")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	line := make([]byte, 64)
	if n, err := stdout.Read(line); err != nil || !strings.HasPrefix(string(line[:n]), `{"interop"`) && !strings.Contains(string(line[:n]), `"type":"ready"`) {
		t.Fatalf("no ready line: %q %v", line[:n], err)
	}
	fd := func(n int) string {
		s, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", cmd.Process.Pid, n))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if fd(1) != fd(2) {
		t.Fatalf("fd 1 is %s, fd 2 is %s: plugin output would corrupt the protocol", fd(1), fd(2))
	}
}

// interop plugin call --wasm runs the Go example guest in the sandbox,
// with the limits settable by flags.
func TestPluginCallWASM(t *testing.T) {
	guest := "../../build/guests/go-example.wasm"
	if _, err := os.Stat(guest); err != nil {
		if os.Getenv("INTEROP_REQUIRE_GUESTS") != "" {
			t.Fatalf("%s is missing; make test builds it", guest)
		}
		t.Skipf("%s is missing: run make guests first (make test does)", guest)
	}
	bin := interopBinary(t)
	run := func(args ...string) (int, string, string) {
		return runBin(t, bin, append([]string{"plugin"}, args...)...)
	}
	want, _ := ids.StringToUUID("hello world")
	if code, out, errs := run("call", "--wasm", guest, "--action", "UUID", "--text", "hello world"); code != 0 || !strings.Contains(out, want) {
		t.Fatalf("UUID: %d %s %s", code, out, errs)
	}
	if code, out, _ := run("manifest", "--wasm", guest); code != 0 || !strings.Contains(out, `"language": "go"`) {
		t.Fatalf("manifest: %d %s", code, out)
	}
	if code, _, errs := run("call", "--wasm", guest, "--action", "FAIL"); code != 1 || !strings.Contains(errs, "example failure") {
		t.Fatalf("FAIL: %d %s", code, errs)
	}
	if code, out, _ := run("call", "--wasm", guest, "--provider", "EXAMPLE", "--config", "GREETING=hey"); code != 0 || !strings.Contains(out, `"greeting": "hey"`) {
		t.Fatalf("provider after init: %d %s", code, out)
	}
	if code, _, errs := run("manifest", "--wasm", guest, "--max-module-bytes", "1K"); code != 2 || !strings.Contains(errs, "wasm binary too large (") {
		t.Fatalf("--max-module-bytes: %d %s", code, errs)
	}
	if code, _, errs := run("call", "--wasm", guest, "--timeout", "300ms", "--action", "SLEEP", "--options", writeJSON(t, `{"ms": 5000}`)); code != 2 || !strings.Contains(errs, "deadline exceeded") {
		t.Fatalf("--timeout: %d %s", code, errs)
	}
	for _, bad := range [][]string{
		{"manifest", "--wasm", guest, "--max-memory", "lots"},
		{"manifest", "--wasm", guest, "--", "extra"},
		{"manifest", "--wasm", guest, "--ipc"},
		{"manifest", "--wasm", guest, "--isolated"},
		{"manifest"},
	} {
		if code, _, errs := run(bad...); code != 2 || errs == "" {
			t.Errorf("%q: exit %d, stderr %q; want a usage error", bad, code, errs)
		}
	}
}

func writeJSON(t *testing.T, s string) string {
	t.Helper()
	path := t.TempDir() + "/x.json"
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runBin runs the interop binary and returns its exit code, stdout and
// stderr.
func runBin(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatal(err)
	return 0, "", ""
}
