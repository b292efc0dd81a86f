package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/ids"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, envVars map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &env{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errb,
		lookup: func(k string) (string, bool) { v, ok := envVars[k]; return v, ok },
	})
	return result{code, out.String(), errb.String()}
}

func TestUUID(t *testing.T) {
	a, _ := ids.StringToUUID("a")
	b, _ := ids.StringToUUID("b c")
	if r := runCLI(t, "", nil, "uuid", "a", "b c"); r.code != 0 || r.stdout != a+"\n"+b+"\n" {
		t.Fatalf("%+v", r)
	}
	withNL, _ := ids.StringToUUID("a\n")
	if r := runCLI(t, "a\n", nil, "uuid", "-"); r.code != 0 || r.stdout != withNL+"\n" {
		t.Fatalf("stdin must be read exactly: %+v", r)
	}
	dash, _ := ids.StringToUUID("-")
	if r := runCLI(t, "ignored", nil, "uuid", "--", "-"); r.code != 0 || r.stdout != dash+"\n" {
		t.Fatalf(`"-- -" is the string "-": %+v`, r)
	}
	agent, _ := ids.StringToUUID("agent")
	scoped, _ := ids.CreateUniqueUUID(agent, "user")
	if r := runCLI(t, "", nil, "uuid", "--agent", agent, "user", agent); r.code != 0 || r.stdout != scoped+"\n"+agent+"\n" {
		t.Fatalf("%+v", r)
	}
	upper := "550E8400-E29B-41D4-A716-446655440000"
	if r := runCLI(t, "", nil, "uuid", upper); r.stdout != upper+"\n" {
		t.Fatalf("uuid input must pass through with its case: %+v", r)
	}
	if r := runCLI(t, "\xff", nil, "uuid", "-"); r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "utf-8") {
		t.Fatalf("invalid utf-8: %+v", r)
	}
	for _, args := range [][]string{{"uuid"}, {"uuid", "--agent", "nope", "x"}, {"uuid", "--bogus"}} {
		if r := runCLI(t, "", nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}

func TestEnvelope(t *testing.T) {
	env := map[string]string{"SECRET_SALT": "cli-salt"}
	r := runCLI(t, "", env, "envelope", "encrypt", "my secret")
	if r.code != 0 || !envelope.IsV2(strings.TrimSuffix(r.stdout, "\n")) || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("encrypt: %+v", r)
	}
	sealed := strings.TrimSuffix(r.stdout, "\n")
	if r := runCLI(t, "", env, "envelope", "decrypt", sealed); r.code != 0 || r.stdout != "my secret\n" {
		t.Fatalf("decrypt: %+v", r)
	}
	if r := runCLI(t, sealed, env, "envelope", "decrypt", "-"); r.code != 0 || r.stdout != "my secret\n" {
		t.Fatalf("decrypt from stdin: %+v", r)
	}
	// Exact bytes: a trailing newline is part of the value, so it is no
	// longer an envelope.
	if r := runCLI(t, sealed+"\n", env, "envelope", "decrypt"); r.code != 1 {
		t.Fatalf("decrypt of value+newline: %+v", r)
	}
	other := map[string]string{"SECRET_SALT": "other-salt"}
	r = runCLI(t, "", other, "envelope", "decrypt", sealed)
	if r.code != 1 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "authentication failed") {
		t.Fatalf("wrong salt: %+v", r)
	}
	for _, secret := range []string{sealed, sealed[3:27], "other-salt", "my secret"} {
		if strings.Contains(r.stderr, secret) {
			t.Fatalf("error %q leaks %q", r.stderr, secret)
		}
	}
	if r := runCLI(t, "", other, "envelope", "decrypt", "--compat", sealed); r.code != 0 || r.stdout != sealed+"\n" {
		t.Fatalf("compat: %+v", r)
	}
	if r := runCLI(t, "", env, "envelope", "migrate", "plain"); r.code != 0 || r.stdout != "plain\n" {
		t.Fatalf("migrate plain: %+v", r)
	}
	r = runCLI(t, "", map[string]string{"NODE_ENV": "production"}, "envelope", "encrypt", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "SECRET_SALT must be set") || strings.Contains(r.stderr, "secretsalt") {
		t.Fatalf("production default salt: %+v", r)
	}
	for _, args := range [][]string{{"envelope"}, {"envelope", "frob"}, {"envelope", "encrypt", "a", "b"}, {"envelope", "encrypt", "--compat", "x"}} {
		if r := runCLI(t, "", env, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"uuid", "--help"}, {"envelope", "--help"}, {"envelope", "decrypt", "--help"}, {"vectors", "--help"}, {"vectors", "check", "-h"}} {
		r := runCLI(t, "", nil, args...)
		if r.code != 0 || strings.Count(r.stdout, "Usage") != 1 || r.stderr != "" {
			t.Errorf("%v: help must be printed once, to stdout: %+v", args, r)
		}
	}
	if r := runCLI(t, "", nil); r.code != 2 {
		t.Errorf("no args: exit %d", r.code)
	}
	if r := runCLI(t, "", nil, "nope"); r.code != 2 {
		t.Errorf("unknown command: exit %d", r.code)
	}
}

func TestVectorsCommands(t *testing.T) {
	r := runCLI(t, "", nil, "vectors", "check")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || !strings.HasSuffix(lines[len(lines)-1], " passed, 0 failed") {
		t.Fatalf("check: %+v", r)
	}
	if r := runCLI(t, "", nil, "vectors", "validate"); r.code != 0 || !strings.Contains(r.stdout, ", 0 problems") {
		t.Fatalf("validate: %+v", r)
	}
	// A directory with a broken file and a case the Go reference fails.
	dir := t.TempDir()
	write(t, filepath.Join(dir, "envelope.detect", "a.json"), `{"schema":"vectors/envelope.detect.schema.json","suite":"envelope.detect","specVersion":"v1","description":"d","generator":{"name":"t","upstream":"u"},"notes":{},
 "cases":[{"id":"ok","description":"d","input":{"value":"x"},"output":"none","result":"valid","flags":[]},
          {"id":"wrong","description":"d","input":{"value":"x"},"output":"v2","result":"valid","flags":[]}]}`)
	write(t, filepath.Join(dir, "envelope.detect", "b.json"), `{"broken"`)
	r = runCLI(t, "", nil, "vectors", "check", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL envelope.detect/a.json #wrong") || !strings.HasSuffix(strings.TrimSpace(r.stdout), "1 passed, 2 failed") {
		t.Fatalf("check of a bad directory: %+v", r)
	}
	if r := runCLI(t, "", nil, "vectors", "validate", dir); r.code != 1 || !strings.Contains(r.stdout, "b.json: not valid json") {
		t.Fatalf("validate of a bad directory: %+v", r)
	}
	if r := runCLI(t, "", nil, "vectors", "check", filepath.Join(dir, "missing")); r.code != 2 {
		t.Fatalf("missing directory: %+v", r)
	}
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBinary runs the real binary as a separate process: exit codes and
// standard input behave as in-process.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "interop")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "uuid", "-")
	cmd.Stdin = strings.NewReader("test")
	out, err := cmd.Output()
	want, _ := ids.StringToUUID("test")
	if err != nil || string(out) != want+"\n" {
		t.Fatalf("uuid -: %q, %v", out, err)
	}
	cmd = exec.Command(bin, "envelope", "decrypt", "not-an-envelope")
	cmd.Env = append(os.Environ(), "SECRET_SALT=proc-salt", "NODE_ENV=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 || strings.Contains(stderr.String(), "not-an-envelope") {
		t.Fatalf("strict decrypt failure: %v, stderr %q", err, stderr.String())
	}
	if err := exec.Command(bin, "frobnicate").Run(); !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
		t.Fatalf("unknown command: %v", err)
	}
}

// TestUsageErrorsDoNotEchoArguments: a secret given where a flag was
// expected must not come back in the error.
func TestUsageErrorsDoNotEchoArguments(t *testing.T) {
	env := map[string]string{"SECRET_SALT": "s"}
	for _, args := range [][]string{
		{"envelope", "encrypt", "-sk-live-SECRET123"},
		{"envelope", "decrypt", "--compat=sk-live-SECRET123"},
		{"envelope", "decrypt", "--sk-live-SECRET123=x"},
	} {
		r := runCLI(t, "", env, args...)
		if r.code != 2 || strings.Contains(r.stderr+r.stdout, "SECRET123") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: %+v", args, r)
		}
	}
	r := runCLI(t, "", env, "envelope", "encrypt", "--", "-sk-live-SECRET123")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "v2:") {
		t.Errorf(`"--" must make a dash-led value a value: %+v`, r)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestWriteErrorsFail(t *testing.T) {
	for _, args := range [][]string{{"uuid", "x"}, {"vectors", "check"}, {"envelope", "encrypt", "x"}} {
		var errb bytes.Buffer
		code := run(args, &env{stdin: strings.NewReader(""), stdout: failingWriter{}, stderr: &errb,
			lookup: func(k string) (string, bool) { return map[string]string{"SECRET_SALT": "s"}[k], k == "SECRET_SALT" }})
		if code != 1 || !strings.Contains(errb.String(), "writing output") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}

func TestDefaultSaltWarningIsOneStructuredLine(t *testing.T) {
	r := runCLI(t, "", map[string]string{}, "envelope", "decrypt", "not-an-envelope")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != 1 || len(lines) > 2 || !strings.Contains(r.stderr, "interop: envelope decrypt: envelope: value is not an encrypted envelope") {
		t.Fatalf("%+v", r)
	}
	if len(lines) == 2 && (!strings.Contains(lines[0], "event=core.settings.default_secret_salt") || strings.Contains(lines[0], "time=")) {
		t.Fatalf("warning line %q", lines[0])
	}
}

// An unknown command or operation is never echoed: it may be a secret
// pasted in the wrong place.
func TestUnknownWordsAreNotEchoed(t *testing.T) {
	env := map[string]string{"SECRET_SALT": "s"}
	for _, args := range [][]string{
		{"sk-live-SECRET123"},
		{"envelope", "sk-live-SECRET123"},
		{"uuid", "--sk-live-SECRET123"},
		{"redact", "sk-live-SECRET123"},
		{"secrets", "sk-live-SECRET123"},
		{"manifest", "sk-live-SECRET123"},
		{"vectors", "sk-live-SECRET123"},
		{"parity", "sk-live-SECRET123"},
	} {
		r := runCLI(t, "", env, args...)
		if r.code != 2 || strings.Contains(r.stdout+r.stderr, "SECRET123") {
			t.Errorf("%v: %+v", args, r)
		}
	}
}

// Every envelope encrypt prints can be opened by decrypt: the largest
// plaintext encrypt accepts round-trips through standard input, newline
// included, and one byte more is refused by encrypt itself.
func TestEnvelopeCapsPlaintextSoEveryEnvelopeOpens(t *testing.T) {
	if maxPlaintext != 33554401 {
		t.Fatalf("maxPlaintext %d: the help text states 33554401", maxPlaintext)
	}
	env := map[string]string{"SECRET_SALT": "cap-salt"}
	plaintext := strings.Repeat("p", maxPlaintext)
	sealed := runCLI(t, plaintext, env, "envelope", "encrypt")
	if sealed.code != 0 || len(sealed.stdout) != maxInput {
		t.Fatalf("encrypt at the limit: code %d, %d bytes", sealed.code, len(sealed.stdout))
	}
	opened := runCLI(t, strings.TrimSuffix(sealed.stdout, "\n"), env, "envelope", "decrypt")
	if opened.code != 0 || opened.stdout != plaintext+"\n" {
		t.Fatalf("decrypt of the largest envelope: code %d %q", opened.code, opened.stderr)
	}
	over := runCLI(t, plaintext+"p", env, "envelope", "encrypt")
	if over.code != 1 || !strings.Contains(over.stderr, "over the 33554401-byte limit") || over.stdout != "" {
		t.Fatalf("one byte more: %+v", over.code)
	}
}
