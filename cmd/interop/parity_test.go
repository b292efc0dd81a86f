package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Every argument is checked before a report file is created: a usage
// error leaves no empty report behind, and never echoes a value.
func TestParityArgumentsBeforeReports(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "r.json")
	for _, args := range [][]string{
		{"--timeout", "-1s"},
		{"--start-timeout", "-5s"},
		{"--timeout", "0s"},
		{"--deadline", "-1s"},
		{"--shard", "0/3"},
		{"--shard", "1/100000000"},
		{"--max-failures", "-1"},
		{"--peers", "sk-live-SECRET123"},
		{"--peer", "sk-live-SECRET123"},
		{"--suite", "[sk-live-SECRET123"},
	} {
		r := runCLI(t, "", nil, append([]string{"parity", "--progress", "never", "--report", "json=" + report}, args...)...)
		if r.code != 2 || strings.Contains(r.stdout+r.stderr, "SECRET123") {
			t.Errorf("%v: %+v", args, r)
		}
		if _, err := os.Stat(report); err == nil {
			t.Fatalf("%v: the report file was created before the arguments were checked", args)
		}
	}
	r := runCLI(t, "", nil, "parity", "--report", "yaml=sk-live-SECRET123")
	if r.code != 2 || strings.Contains(r.stderr, "SECRET123") {
		t.Errorf("bad --report: %+v", r)
	}
}

func TestParityMergeRefusesBadReports(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"huge.json":    `{"record":"summary","summary":{"shard":1,"shards":100000000}}`,
		"summary.json": `{"record":"summary","summary":{"suites":[],"infra":false,"elapsedNanos":0}}`,
		"words.json":   `{"record":"case","peer":"a","suite":"s","case":"c","status":"great"}` + "\n" + `{"record":"summary","summary":{}}`,
	} {
		path := filepath.Join(dir, name)
		write(t, path, body)
		r := runCLI(t, "", nil, "parity", "merge", path)
		if r.code != 2 {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan result, 1)
	go func() { done <- runCLI(t, "", nil, "parity", "merge", filepath.Join(dir, "fifo.json")) }()
	select {
	case r := <-done:
		if r.code != 2 {
			t.Errorf("fifo: %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("merge of a FIFO hangs")
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// interopBinary builds the command once for the tests that need a real
// process (signals, the Go peer).
func interopBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "interop-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "interop")
		if out, err := exec.Command("go", "build", "-tags", "interop_crashhook", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// SIGTERM stops the run, kills the peers and still writes every report.
func TestParitySignalWritesReports(t *testing.T) {
	bin := interopBinary(t)
	dir := t.TempDir()
	js, md := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.md")
	cmd := exec.Command(bin, "parity", "--progress", "never", "--peers", "slow", "--peer", "slow=sleep 100",
		"--report", "json="+js, "--report", "markdown="+md)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
		t.Fatalf("exit: %v\n%s", err, stdout.String())
	}
	b, err := os.ReadFile(js)
	if err != nil || !strings.Contains(string(b), `"record":"summary"`) || !strings.Contains(string(b), "interrupted by terminated") {
		t.Fatalf("json report after SIGTERM: %v %s", err, b)
	}
	if b, err := os.ReadFile(md); err != nil || len(b) == 0 {
		t.Fatalf("markdown report after SIGTERM: %v", err)
	}
}

// The Go peer alone, filtered to nothing: the gate checked nothing and
// must not pass.
func TestParityNothingChecked(t *testing.T) {
	bin := interopBinary(t)
	cmd := exec.Command(bin, "parity", "--progress", "never", "--peers", "go", "--case", "nomatch")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !strings.Contains(string(out), "nothing was checked") {
		t.Fatalf("%v\n%s", err, out)
	}
}

// A peer that is not installed is named in the header with the reason
// make parity recorded, and counted in the line before the last.
func TestParityMissingPeerIsLoud(t *testing.T) {
	bin := interopBinary(t)
	root := t.TempDir()
	write(t, filepath.Join(root, "runners", "rust", ".install-error"), "cargo build --release --locked in runners/rust failed: error: linker `cc` not found\n")
	cmd := exec.Command(bin, "parity", "--progress", "never", "--root", root, "--suite", "ids.*", "--no-pairwise")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	text := string(out)
	lines := strings.Split(strings.TrimSpace(text), "\n")
	missing := 0 // every built-in peer that needs installing
	for _, b := range builtinPeers {
		if b.check != "" {
			missing++
		}
	}
	if !strings.Contains(text, "peer rust       NOT INSTALLED: cargo build --release --locked in runners/rust failed: error: linker `cc` not found") ||
		!strings.Contains(text, "peer rust-ffi   NOT INSTALLED: cargo build --release --locked in runners/rust failed") ||
		!strings.Contains(text, "peer ts         NOT INSTALLED: runners/ts/node_modules") ||
		!strings.Contains(text, "peer c-wasm     NOT INSTALLED: build/guests/c-example.wasm is missing") ||
		!strings.Contains(lines[len(lines)-2], fmt.Sprintf("%d peers not run", missing)) || missing != 10 {
		t.Fatalf("%d peers to install\n%s", missing, text)
	}
}
