package vector

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/interopkit/interop/internal/safefile"
)

const goodFile = `{
  "schema": "vectors/envelope.detect.schema.json",
  "suite": "envelope.detect",
  "specVersion": "v1",
  "description": "d",
  "generator": {"name": "test", "upstream": "none"},
  "notes": {"ascii": "plain ascii"},
  "cases": [
    {"id": "a-1", "description": "x", "input": {"value": "x"}, "output": "none", "result": "valid", "flags": ["ascii"]}
  ]
}`

func read(t *testing.T, files map[string]string) ([]*File, []Problem) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	fs, probs, err := Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return fs, probs
}

func TestReadGood(t *testing.T) {
	files, probs := read(t, map[string]string{"envelope.detect/a.json": goodFile})
	if len(probs) != 0 || len(files) != 1 || len(files[0].Cases) != 1 {
		t.Fatalf("got %d files, problems %v", len(files), probs)
	}
	c := files[0].Cases[0]
	if c.Result != Valid || !c.Matches(Outcome{Output: []byte(`"none"`)}) || c.Matches(Outcome{Output: []byte(`"v1"`)}) || c.Matches(Outcome{Error: "not_envelope"}) {
		t.Fatalf("case %+v matching is wrong", c)
	}
}

func TestReadProblems(t *testing.T) {
	tests := []struct {
		name, path, body, want string
	}{
		{"not json", "envelope.detect/a.json", `{`, "not valid json"},
		{"unknown schema", "envelope.detect/a.json", strings.Replace(goodFile, "envelope.detect.schema", "nope.schema", 1), "no schema"},
		{"wrong directory", "ids.string_to_uuid/a.json", goodFile, "is in directory"},
		{"unexplained flag", "envelope.detect/a.json", strings.Replace(goodFile, `"flags": ["ascii"]`, `"flags": ["ascii", "mystery"]`, 1), `flag "mystery" is not explained`},
		{"unused note", "envelope.detect/a.json", strings.Replace(goodFile, `"ascii": "plain ascii"`, `"ascii": "plain ascii", "spare": "x"`, 1), `note "spare"`},
		{"bad output", "envelope.detect/a.json", strings.Replace(goodFile, `"output": "none"`, `"output": "v3"`, 1), "/cases/0/output"},
		{"valid with error", "envelope.detect/a.json", strings.Replace(goodFile, `"output": "none"`, `"error": "not_envelope"`, 1), "/cases/0"},
		{"unknown member", "envelope.detect/a.json", strings.Replace(goodFile, `"result": "valid"`, `"result": "valid", "extra": 1`, 1), "/cases/0"},
		{"bad id", "envelope.detect/a.json", strings.Replace(goodFile, `"id": "a-1"`, `"id": "A 1"`, 1), "/cases/0/id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, probs := read(t, map[string]string{tt.path: tt.body})
			if len(files) != 0 || len(probs) == 0 {
				t.Fatalf("got %d files and no problems", len(files))
			}
			var all []string
			for _, p := range probs {
				all = append(all, p.String())
			}
			if joined := strings.Join(all, "\n"); !strings.Contains(joined, tt.want) {
				t.Fatalf("problems do not mention %q:\n%s", tt.want, joined)
			}
		})
	}
}

func TestDuplicateIDsAcrossFiles(t *testing.T) {
	_, probs := read(t, map[string]string{"envelope.detect/a.json": goodFile, "envelope.detect/b.json": goodFile})
	if len(probs) != 1 || !strings.Contains(probs[0].String(), "already used in envelope.detect/a.json") {
		t.Fatalf("problems %v", probs)
	}
}

func TestEmptyDir(t *testing.T) {
	if _, _, err := Read(fstest.MapFS{}); err == nil {
		t.Fatal("an empty directory must be an error")
	}
}

func TestJSONEqual(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":"x"}`, `{"b":"x","a":1}`, true},
		{`"\u00e9"`, `"é"`, true},
		{`1`, `"1"`, false},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`"x"`, `"x" "y"`, false},
		{`[1,2]`, `[2,1]`, false},
		{`1e-7`, `1e-07`, true},
		{`[1.0]`, `[1]`, true},
		{`9007199254740993`, `9007199254740992`, false},
		{`0.30000000000000004`, `0.3`, false},
	} {
		if got := JSONEqual([]byte(tt.a), []byte(tt.b)); got != tt.want {
			t.Errorf("JSONEqual(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(goodFile)
	f.Add(`{"cases":[{}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		fsys := fstest.MapFS{"envelope.detect/a.json": &fstest.MapFile{Data: []byte(body)}}
		files, probs, err := Read(fsys)
		if err != nil {
			t.Fatal(err)
		}
		if len(files)+len(probs) == 0 {
			t.Fatal("a file must be either read or reported")
		}
	})
}

// A vector file that is a device, a FIFO or a directory is refused without
// being opened: /dev/zero once exhausted memory (its size is 0) and a FIFO
// hung the reader.
func TestReadRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	suite := filepath.Join(dir, "envelope.detect")
	if err := os.MkdirAll(suite, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(suite, "zero.json")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(suite, "fifo.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(suite, "dir.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	// No timer: a Read that blocks fails the run at go test's -timeout.
	_, problems, err := Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 3 {
		t.Fatalf("problems %v", problems)
	}
	for _, p := range problems {
		if p.Msg != "not a regular file" {
			t.Errorf("%s", p)
		}
	}
}

// A file whose stat size lies (procfs reports 0) is still bounded by the
// bytes actually read.
func TestReadBoundsBytesRead(t *testing.T) {
	big := fstest.MapFS{"envelope.detect/big.json": &fstest.MapFile{Data: make([]byte, MaxFileSize+1)}}
	_, problems, err := Read(big)
	if err != nil || len(problems) != 1 || !strings.Contains(problems[0].Msg, "over the") {
		t.Fatalf("%v %v", problems, err)
	}
}

// A directory of the system given as safefile.DirFS (what the CLI passes):
// a file of /proc (size 0; /proc/kmsg blocks on read) is refused before it
// is read, not parsed.
func TestReadRefusesPseudoFiles(t *testing.T) {
	dir := t.TempDir()
	suite := filepath.Join(dir, "envelope.detect")
	if err := os.MkdirAll(suite, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(suite, "a.json"), []byte(goodFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self/status", filepath.Join(suite, "status.json")); err != nil {
		t.Fatal(err)
	}
	for name, fsys := range map[string]fs.FS{"safefile.DirFS": safefile.DirFS(dir)} {
		files, problems, err := Read(fsys)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(files) != 1 || len(problems) != 1 || problems[0].File != "envelope.detect/status.json" || !strings.Contains(problems[0].Msg, "pseudo-file") {
			t.Errorf("%s: %d files, problems %v", name, len(files), problems)
		}
	}
}
