package main

import (
	"bytes"
	"errors"
	"io"
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

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// A huge array is refused while it is read: the values are counted as the
// input streams in, so an array is refused after its first 65537 values,
// without reading (let alone decoding) the rest. What that costs does not
// grow with the input: a 48 MiB array costs what a 1 MiB one does (it
// once cost 4.5 times its size, and decoding all of it 56 times).
func TestRedactJSONRefusesAHugeArrayWhileReadingIt(t *testing.T) {
	refuse := func(n int) (read int, alloc uint64) {
		big := "[" + strings.Repeat("1,", n) + "1]"
		in := &countingReader{r: strings.NewReader(big)}
		var out, errb bytes.Buffer
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		code := run([]string{"redact", "json"}, &env{stdin: in, stdout: &out, stderr: &errb, lookup: func(string) (string, bool) { return "", false }})
		runtime.ReadMemStats(&after)
		if code != 1 || out.Len() != 0 || !strings.Contains(errb.String(), "over 65536 values") {
			t.Fatalf("%d bytes: exit %d, stdout %d bytes, stderr %q", len(big), code, out.Len(), errb.String())
		}
		if in.n > len(big)/4 {
			t.Errorf("read %d of %d bytes before refusing", in.n, len(big))
		}
		return in.n, after.TotalAlloc - before.TotalAlloc
	}
	_, small := refuse(1 << 19)
	read, large := refuse(24 << 20)
	if large > 2*small {
		t.Errorf("refusing 48 MiB allocated %d bytes (read %d), 1 MiB %d", large, read, small)
	}
}

// The limit is exact: 65536 members and elements are redacted and
// printed; one more is refused.
func TestRedactJSONValueLimitIsExact(t *testing.T) {
	at := `{"password":"hunter2","list":[` + strings.Repeat("0,", maxJSONValues-3) + `0]}`
	r := runCLI(t, at, nil, "redact", "json")
	if r.code != 0 || strings.Contains(r.stdout, "hunter2") || strings.Contains(r.stdout, "TRUNCATED") {
		t.Fatalf("at the limit: exit %d, stderr %q", r.code, r.stderr)
	}
	over := strings.Replace(at, "[", "[0,", 1)
	if r := runCLI(t, over, nil, "redact", "json"); r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "over 65536 values") {
		t.Fatalf("one more: %+v", r)
	}
}

type failAfter struct {
	data string
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// A read error of standard input is reported as one, not as the syntax
// error the tokenizer makes of it.
func TestRedactJSONReportsAReadError(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"redact", "json"}, &env{stdin: &failAfter{`{"a":[1,`, errors.New("device gone")}, stdout: &out, stderr: &errb,
		lookup: func(string) (string, bool) { return "", false }})
	if code != 1 || out.Len() != 0 || errb.String() != "interop: redact json: reading standard input: device gone\n" {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}
