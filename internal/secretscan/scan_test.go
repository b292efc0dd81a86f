package secretscan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func write(t *testing.T, path string, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
}

const ghp = "ghp_abcdefghijklmnopqrstuvwxyz0123"

func TestScanFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.txt"), "ok\n"+ghp+"\n", 0o644)
	write(t, filepath.Join(dir, "sub", "b.txt"), "API_TOKEN=abcdefghijkl", 0o644)
	write(t, filepath.Join(dir, "sub", "c.md"), ghp, 0o644)
	write(t, filepath.Join(dir, "bin.txt"), "x\x00"+ghp, 0o644)
	write(t, filepath.Join(dir, "latin1.txt"), "caf\xe9 "+ghp, 0o644)
	explicit := filepath.Join(dir, "notes.cfg")
	write(t, explicit, ghp, 0o644)

	rep, err := Scan(context.Background(), []string{dir, explicit, filepath.Join(dir, "missing.txt")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range rep.Findings {
		got[filepath.Base(f.File)] = append(got[filepath.Base(f.File)], f.Rule)
		if strings.Contains(f.Text, ghp) || strings.Contains(f.Text, "abcdefghijkl") {
			t.Errorf("finding %+v prints the secret", f)
		}
	}
	want := map[string][]string{
		"a.txt":      {"GitHub token"},
		"b.txt":      {"Generic credential assignment (review)"},
		"latin1.txt": {"GitHub token"},
		"notes.cfg":  {"GitHub token"},
	}
	if len(got) != len(want) {
		t.Fatalf("findings by file %v, want %v", got, want)
	}
	for f, rules := range want {
		if strings.Join(got[f], ",") != strings.Join(rules, ",") {
			t.Errorf("%s: %v, want %v", f, got[f], rules)
		}
	}
	if rep.Errors() != 3 || rep.Files != 4 {
		t.Errorf("errors %d files %d", rep.Errors(), rep.Files)
	}
	notices := map[string]Notice{}
	for _, n := range rep.Notices {
		notices[filepath.Base(n.File)] = n
	}
	if n := notices["bin.txt"]; !n.Skipped || !strings.Contains(n.Msg, "binary") {
		t.Errorf("binary notice %+v", n)
	}
	if n := notices["latin1.txt"]; n.Skipped || !strings.Contains(n.Msg, "UTF-8") {
		t.Errorf("invalid utf-8 notice %+v", n)
	}
	if n := notices["missing.txt"]; !n.Skipped || rep.Missing != 1 {
		t.Errorf("missing file notice %+v, missing %d", n, rep.Missing)
	}
	rep, err = Scan(context.Background(), []string{"/dev/zero", "/dev/null"}, Options{})
	if err != nil || rep.Files != 0 || len(rep.Notices) != 2 || !strings.Contains(rep.Notices[0].Msg, "not a regular file") {
		t.Errorf("devices: %v %+v", err, rep)
	}
}

func TestScanGlobsAndUnreadable(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "c.md"), ghp, 0o644)
	locked := filepath.Join(dir, "locked.txt")
	write(t, locked, ghp, 0o000)
	rep, err := Scan(context.Background(), []string{dir}, Options{Globs: []string{"*.md", "*.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 { // root reads anything; the skip path is then not reachable this way
		if len(rep.Notices) != 1 || !rep.Notices[0].Skipped || strings.Contains(rep.Notices[0].Msg, dir) {
			t.Errorf("unreadable file notices %+v", rep.Notices)
		}
	}
	if rep.Errors() == 0 {
		t.Error("the *.md file was not scanned")
	}
	if _, err := Scan(context.Background(), []string{dir}, Options{Globs: []string{"["}}); !errors.Is(err, ErrBadGlob) {
		t.Errorf("bad glob: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, []string{dir}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled scan: %v", err)
	}
}

func TestUTF16Counting(t *testing.T) {
	// Four astral characters are eight UTF-16 code units: the value
	// quantifier {8,} counts them as JavaScript does.
	if f := ScanText("PASSWORD=😀😀😀😀"); len(f) != 1 || f[0].Text != `PASSWORD=***` {
		t.Fatalf("%+v", f)
	}
	if f := ScanText("PASSWORD=😀😀😀"); len(f) != 0 {
		t.Fatalf("%+v", f)
	}
	long := "TOKEN=" + strings.Repeat("😀", 10)
	if f := ScanText(long); len(f) != 1 || f[0].Text != "TOKEN=😀😀😀…😀😀" {
		t.Fatalf("%+v", f)
	}
}

// FuzzScanText: never panics, and no finding prints a token a rule matched
// when the token is long enough to be masked.
func FuzzScanText(f *testing.F) {
	for _, s := range []string{"", ghp, "API_KEY=abcdefghij", "PASSWORD=😀😀😀😀😀😀😀😀😀😀", "\r\n\r", "-----BEGIN PRIVATE KEY-----", "\xff\xfe"} {
		f.Add(s)
	}
	tokens := regexp.MustCompile(`\b(?:ghp_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16})\b`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, fd := range ScanText(strings.ToValidUTF8(s, "\uFFFD")) {
			for _, tok := range tokens.FindAllString(fd.Text, -1) {
				t.Fatalf("finding %+v prints token %q", fd, tok)
			}
		}
	})
}
