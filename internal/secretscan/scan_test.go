package secretscan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
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
	if n := notices["."]; !n.Skipped || n.Arg != 3 || rep.Missing != 1 {
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

// A directory named through a symbolic link is walked: it once scanned
// nothing and passed.
func TestScanFollowsANamedLinkToADirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "real", "a.txt"), ghp, 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	rep, err := Scan(context.Background(), []string{link}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 1 || rep.Errors() != 1 || rep.Findings[0].File != filepath.Join(link, "a.txt") || rep.Missing != 0 {
		t.Fatalf("%+v", rep)
	}
}

// In a walk, an entry the globs select that is not a regular file is
// checked as a named one is: a link to a file is scanned, and a FIFO, a
// device or a dangling link cannot be read and is counted in Missing,
// never passed over in silence. A link to a directory is not followed,
// with a notice.
func TestScanWalkChecksWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "elsewhere", "b.md"), ghp, 0o644)
	root := filepath.Join(dir, "prompts")
	write(t, filepath.Join(root, "ok.txt"), "fine\n", 0o644)
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.bin"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"linked.txt":   "../elsewhere/b.md",
		"zero.txt":     "/dev/zero",
		"dangling.txt": "../nowhere",
		"subdir":       "../elsewhere",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Scan(context.Background(), []string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 2 || rep.Errors() != 1 || rep.Findings[0].File != filepath.Join(root, "linked.txt") {
		t.Errorf("files %d, findings %+v", rep.Files, rep.Findings)
	}
	if rep.Missing != 3 {
		t.Errorf("missing %d, want 3 (fifo.txt, zero.txt, dangling.txt): %+v", rep.Missing, rep.Notices)
	}
	got := map[string]Notice{}
	for _, n := range rep.Notices {
		got[filepath.Base(n.File)] = n
	}
	for _, name := range []string{"fifo.txt", "zero.txt", "dangling.txt", "subdir"} {
		if n, ok := got[name]; !ok || !n.Skipped {
			t.Errorf("%s: notice %+v", name, n)
		}
	}
	if _, ok := got["fifo.bin"]; ok {
		t.Error("fifo.bin is not selected by the globs, yet reported")
	}
}

// A named path that does not exist may be no path at all (a secret pasted
// in the wrong place): it is reported by its position, never repeated.
// So is a bad glob.
func TestScanDoesNotRepeatArguments(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.txt"), "fine\n", 0o644)
	const secret = "sk-live-SECRET123"
	rep, err := Scan(context.Background(), []string{dir, secret, filepath.Join(dir, "a.txt", secret)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Missing != 2 || len(rep.Notices) != 2 || rep.Notices[0].Arg != 2 || rep.Notices[1].Arg != 3 {
		t.Fatalf("%+v", rep)
	}
	for _, n := range rep.Notices {
		if n.File != "" || !n.Skipped || strings.Contains(n.Msg, "SECRET") {
			t.Errorf("notice %+v", n)
		}
	}
	_, err = Scan(context.Background(), []string{dir}, Options{Globs: []string{"*.txt", "[" + secret}})
	if !errors.Is(err, ErrBadGlob) || !errors.Is(err, filepath.ErrBadPattern) || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "2") {
		t.Fatalf("bad glob: %v", err)
	}
}

// Root reads a file whatever its mode; for everyone else, a file that
// cannot be opened is counted in Missing.
func TestScanCountsAFileThatCannotBeOpened(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads a file of mode 000")
	}
	locked := filepath.Join(t.TempDir(), "locked.txt")
	write(t, locked, ghp, 0o000)
	rep, err := Scan(context.Background(), []string{locked}, Options{})
	if err != nil || rep.Missing != 1 || len(rep.Notices) != 1 || rep.Notices[0].File != locked {
		t.Fatalf("%v %+v", err, rep)
	}
}
