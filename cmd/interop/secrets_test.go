package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestSecretsScan(t *testing.T) {
	dir := t.TempDir()
	secret := "ghp_" + strings.Repeat("x", 30)
	write(t, filepath.Join(dir, "a.txt"), "ok\nuse "+secret+"\n")
	write(t, filepath.Join(dir, "w.txt"), "API_TOKEN=abcdefghijkl\n")
	write(t, filepath.Join(dir, "bin.txt"), "a\x00b")

	r := runCLI(t, "", nil, "secrets", "scan", dir)
	want := filepath.Join(dir, "a.txt") + ":2  GitHub token: use ghp_xx…xxxx\n" +
		filepath.Join(dir, "w.txt") + ":1  Generic credential assignment (review): API_TOKEN=***\n"
	if r.code != 1 || r.stdout != want || strings.Contains(r.stdout+r.stderr, secret) {
		t.Fatalf("%+v", r)
	}
	if !strings.Contains(r.stderr, "skipped: "+filepath.Join(dir, "bin.txt")) {
		t.Fatalf("binary file not reported: %q", r.stderr)
	}

	// Warnings alone do not fail.
	if r := runCLI(t, "", nil, "secrets", "scan", filepath.Join(dir, "w.txt")); r.code != 0 {
		t.Fatalf("warnings only: %+v", r)
	}

	r = runCLI(t, "", nil, "secrets", "scan", "--format", "json", dir)
	var doc struct {
		Files, Errors, Warnings int
		Findings                []map[string]any
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != 1 || doc.Errors != 1 || doc.Warnings != 1 || doc.Files != 2 || len(doc.Findings) != 2 {
		t.Fatalf("json: %v %+v %+v", err, doc, r)
	}

	write(t, filepath.Join(dir, "sub", "x.md"), secret)
	if r := runCLI(t, "", nil, "secrets", "scan", "--glob", "*.md", filepath.Join(dir, "sub")); r.code != 1 || !strings.Contains(r.stdout, "x.md:1") {
		t.Fatalf("--glob: %+v", r)
	}
	for _, args := range [][]string{{"secrets"}, {"secrets", "scan"}, {"secrets", "scan", "--format", "xml", dir}, {"secrets", "scan", "--glob", "[", dir}, {"secrets", "nope"}} {
		if r := runCLI(t, "", nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}

// A named path that cannot be read is exit 2, never a pass, and nothing
// blocks on it: a FIFO, a file of /proc that never ends (/proc/kmsg), and
// one that reports size 0.
func TestSecretsScanUnreadable(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "prompt.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok.txt")
	write(t, ok, "nothing to see\n")
	for _, path := range []string{fifo, "/proc/kmsg", "/proc/self/status", "/dev/zero", filepath.Join(dir, "nope.txt")} {
		// No timer: a scan that blocks fails the run at go test's -timeout.
		r := runCLI(t, "", nil, "secrets", "scan", ok, path)
		if r.code != 2 || !strings.Contains(r.stderr, "cannot be read") {
			t.Errorf("%s: %+v", path, r)
		}
	}
}

// A directory named through a link is scanned (it once scanned nothing and
// passed), and a FIFO the globs select in a walk is exit 2, named.
func TestSecretsScanLinksAndFIFOsInAWalk(t *testing.T) {
	dir := t.TempDir()
	secret := "ghp_" + strings.Repeat("x", 30)
	write(t, filepath.Join(dir, "real", "a.txt"), "use "+secret+"\n")
	link := filepath.Join(dir, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "", nil, "secrets", "scan", link); r.code != 1 || !strings.HasPrefix(r.stdout, filepath.Join(link, "a.txt")+":1  GitHub token") {
		t.Fatalf("linked directory: %+v", r)
	}
	fifo := filepath.Join(dir, "real", "b.txt")
	mkfifo(t, fifo)
	r := runCLI(t, "", nil, "secrets", "scan", filepath.Join(dir, "real"))
	if r.code != 2 || !strings.Contains(r.stderr, "skipped: "+fifo+": open: not a regular file") || !strings.Contains(r.stderr, "cannot be read") {
		t.Fatalf("FIFO in a walk: %+v", r)
	}
}

// A PATH that names nothing is named by its position.
func TestSecretsScanNamesAMissingPathByPosition(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, "", nil, "secrets", "scan", dir, filepath.Join(dir, "nope"))
	if r.code != 2 || !strings.Contains(r.stderr, "skipped: PATH 2: stat: no such file or directory") {
		t.Fatalf("%+v", r)
	}
	r = runCLI(t, "", nil, "secrets", "scan", "--format", "json", dir, filepath.Join(dir, "nope"))
	if r.code != 2 || !strings.Contains(r.stdout, `"arg": 2`) || strings.Contains(r.stdout, "nope") {
		t.Fatalf("json: %+v", r)
	}
}

func mkfifo(t *testing.T, name string) {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Fatal(err)
	}
}
