package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRedactText(t *testing.T) {
	secret := "sk-" + strings.Repeat("a1", 20)
	in := "line one\nOPENAI_API_KEY=" + secret + "\n"
	r := runCLI(t, in, nil, "redact", "text", "-")
	if r.code != 0 || strings.Contains(r.stdout, secret) || !strings.HasPrefix(r.stdout, "line one\nOPENAI_API_KEY=sk-a1a…a1a1") || !strings.HasSuffix(r.stdout, "\n") {
		t.Fatalf("%+v", r)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "p.txt")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	if r2 := runCLI(t, "", nil, "redact", "text", path); r2.stdout != r.stdout {
		t.Fatalf("file and stdin differ: %q vs %q", r2.stdout, r.stdout)
	}
	if r := runCLI(t, "", nil, "redact", "text", filepath.Join(dir, "missing")); r.code != 1 {
		t.Fatalf("missing file: %+v", r)
	}
}

func TestRedactJSON(t *testing.T) {
	in := `{"user":{"Password":"hunter2","list":[{"apiKey":"k-123"}]},"sessionId":"s-1","n":12345678901234567890}`
	r := runCLI(t, in, nil, "redact", "json")
	for _, leaked := range []string{"hunter2", "k-123"} {
		if strings.Contains(r.stdout, leaked) {
			t.Fatalf("leaks %q: %+v", leaked, r)
		}
	}
	if r.code != 0 || !strings.Contains(r.stdout, `"n": 12345678901234567890`) || !strings.Contains(r.stdout, `"sessionId": "s-1"`) {
		t.Fatalf("%+v", r)
	}
	custom := runCLI(t, in, map[string]string{"ELIZA_LOG_REDACT_KEYS": "sessionId"}, "redact", "json")
	if strings.Contains(custom.stdout, "s-1") {
		t.Fatalf("ELIZA_LOG_REDACT_KEYS ignored: %+v", custom)
	}
	for name, bad := range map[string]string{"syntax": `{"a":`, "two values": `{} {}`, "invalid utf-8": "{\"a\":\"\xff\"}"} {
		if r := runCLI(t, bad, nil, "redact", "json"); r.code != 1 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: %+v", name, r)
		}
	}
	big := "[" + strings.Repeat("1,", 70000) + "1]"
	if r := runCLI(t, big, nil, "redact", "json"); r.code != 1 || strings.Contains(r.stdout, "TRUNCATED") {
		t.Errorf("huge input must fail, not print a placeholder: %d %q", r.code, r.stderr)
	}
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	if r := runCLI(t, deep, nil, "redact", "json"); r.code != 1 || !strings.Contains(r.stderr, `at "/0/0/0/`) {
		t.Errorf("deep input: %d %q", r.code, r.stderr)
	}
	if r := runCLI(t, "", nil, "redact", "yaml"); r.code != 2 {
		t.Errorf("unknown operation: %+v", r)
	}
}

func TestManifestValidate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"name":"my-plugin","description":"d","version":"1.0.0","language":"python"}`), 0o644)
	os.WriteFile(bad, []byte(`{"name":"My Plugin","description":"d","version":"1.0.0","language":"python","routes":[{"path":"/x","type":"GET"}]}`), 0o644)
	if r := runCLI(t, "", nil, "manifest", "validate", good); r.code != 0 || !strings.Contains(r.stdout, "valid") {
		t.Fatalf("good: %+v", r)
	}
	r := runCLI(t, "", nil, "manifest", "validate", good, bad)
	if r.code != 1 || !strings.Contains(r.stdout, bad+": /name: pattern") || !strings.Contains(r.stdout, bad+": /routes/0: required") || !strings.Contains(r.stdout, "hint route-type") {
		t.Fatalf("bad: %+v", r)
	}
	if r := runCLI(t, `{"name":`, nil, "manifest", "validate", "-"); r.code != 1 || !strings.Contains(r.stdout, "-: ") {
		t.Fatalf("not json: %+v", r)
	}
	if r := runCLI(t, "", nil, "manifest", "validate"); r.code != 2 {
		t.Fatalf("no file: %+v", r)
	}
}

// A value the redactor would truncate (64 levels deep) is refused with its
// pointer, never printed with "[TRUNCATED]" in its place and exit 0.
func TestRedactJSONTooDeep(t *testing.T) {
	in := strings.Repeat(`{"a~/":`, 64) + `{"password":"hunter2"}` + strings.Repeat("}", 64)
	r := runCLI(t, in, nil, "redact", "json")
	want := `at "` + strings.Repeat("/a~0~1", 64) + `"`
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "hunter2") {
		t.Fatalf("%+v", r)
	}
	ok := strings.Repeat(`{"a":`, 63) + `{"password":"hunter2"}` + strings.Repeat("}", 63)
	if r := runCLI(t, ok, nil, "redact", "json"); r.code != 0 || strings.Contains(r.stdout, "hunter2") || strings.Contains(r.stdout, "TRUNCATED") {
		t.Fatalf("63 levels: %+v", r)
	}
}

// A huge array is refused while it is read: memory stays a small multiple
// of the input instead of decoding every value first.
func TestRedactJSONHugeIsMeasuredWhileRead(t *testing.T) {
	big := "[" + strings.Repeat("1,", 4<<20) + "1]"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := runCLI(t, big, nil, "redact", "json")
	runtime.ReadMemStats(&after)
	if r.code != 1 || !strings.Contains(r.stderr, "too large") {
		t.Fatalf("%d %q", r.code, r.stderr)
	}
	// Reading stdin costs about 5x the input (growing buffer, copies); decoding every value cost 56x.
	if used := after.TotalAlloc - before.TotalAlloc; used > 8*uint64(len(big)) {
		t.Fatalf("refusing a %d-byte input allocated %d bytes", len(big), used)
	}
}
