package safefile

import (
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

// No test here guards against a hang with a timer: every call below must
// return at once, and one that blocks fails the run at go test's -timeout.

func writeFile(t *testing.T, name, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadFileLimit(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "exact")
	writeFile(t, name, "0123456789")
	if b, err := ReadFile(name, 10); err != nil || string(b) != "0123456789" {
		t.Fatalf("exactly at the limit: %q %v", b, err)
	}
	_, err := ReadFile(name, 9)
	var pe *fs.PathError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Path != name {
		t.Fatalf("one byte over the limit: %v", err)
	}
	if strings.Contains(err.Error(), "0123") {
		t.Fatalf("the error %q shows content", err)
	}
	empty := filepath.Join(dir, "empty")
	writeFile(t, empty, "")
	if b, err := ReadFile(empty, 0); err != nil || len(b) != 0 {
		t.Fatalf("empty file, limit 0: %q %v", b, err)
	}
	if _, err := ReadFile(name, 0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("limit 0: %v", err)
	}
	// limit+1 must not overflow into a reader that reads nothing.
	if b, err := ReadFile(name, math.MaxInt64); err != nil || string(b) != "0123456789" {
		t.Fatalf("limit MaxInt64: %q %v", b, err)
	}
	if _, err := ReadFile(name, -1); !errors.Is(err, ErrBadLimit) {
		t.Fatalf("negative limit: %v", err)
	}
}

// refused are names Open must refuse, with the error each must match.
func refused(t *testing.T) map[string]error {
	t.Helper()
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	procLink := filepath.Join(dir, "status.json")
	if err := os.Symlink("/proc/self/status", procLink); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub.json")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	return map[string]error{
		zero:                               ErrNotRegular,
		"/dev/null":                        ErrNotRegular,
		fifo:                               ErrNotRegular,
		sub:                                ErrNotRegular,
		"/proc/self/status":                ErrPseudoFile,
		procLink:                           ErrPseudoFile,
		"/sys/kernel/address_bits":         ErrPseudoFile,
		filepath.Join(dir, "missing.json"): fs.ErrNotExist,
	}
}

func TestOpenRefuses(t *testing.T) {
	for name, want := range refused(t) {
		if want == ErrPseudoFile {
			if _, err := os.Stat(name); err != nil {
				t.Logf("%s: %v (not tested)", name, err)
				continue
			}
		}
		f, err := Open(name)
		if err == nil {
			f.Close()
		}
		var pe *fs.PathError
		if !errors.Is(err, want) || !errors.As(err, &pe) || pe.Path != name {
			t.Errorf("Open(%s): %v, want %v naming the path", name, err, want)
		}
		if _, err := ReadFile(name, 1<<20); !errors.Is(err, want) {
			t.Errorf("ReadFile(%s): %v, want %v", name, err, want)
		}
	}
}

// /proc/kmsg blocks on read and reports size 0; it is refused before any
// read (when it can be opened at all: it needs CAP_SYSLOG).
func TestOpenRefusesKmsg(t *testing.T) {
	f, err := Open("/proc/kmsg")
	if err == nil {
		f.Close()
		t.Fatal("/proc/kmsg opened")
	}
	if !errors.Is(err, ErrPseudoFile) && !errors.Is(err, fs.ErrPermission) && !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("/proc/kmsg: %v", err)
	}
}

// The file Open returns reads as an ordinary, blocking file: O_NONBLOCK
// is only for the open itself.
func TestOpenClearsNonblock(t *testing.T) {
	name := filepath.Join(t.TempDir(), "a")
	writeFile(t, name, "abc")
	f, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var flags int
	var ferr error
	if err := rc.Control(func(fd uintptr) { flags, ferr = fcntlGetfl(fd) }); err != nil || ferr != nil {
		t.Fatal(err, ferr)
	}
	if flags&syscall.O_NONBLOCK != 0 {
		t.Fatalf("O_NONBLOCK is still set (flags %#x)", flags)
	}
	if b, err := io.ReadAll(f); err != nil || string(b) != "abc" {
		t.Fatalf("%q %v", b, err)
	}
}

func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.json"), "{}")
	writeFile(t, filepath.Join(dir, "sub", "b.json"), "[]")
	if err := fstest.TestFS(DirFS(dir), "a.json", "sub/b.json"); err != nil {
		t.Fatal(err)
	}
	fsys := DirFS(dir)
	if m, err := fs.Glob(fsys, "*/*.json"); err != nil || len(m) != 1 || m[0] != "sub/b.json" {
		t.Fatalf("glob: %v %v", m, err)
	}
	// Every name refused by Open is refused through DirFS too, with the
	// error naming the path below the root, as os.DirFS does.
	for name, want := range refused(t) {
		if want == fs.ErrNotExist || strings.HasPrefix(name, "/proc") || strings.HasPrefix(name, "/sys") || name == "/dev/null" {
			continue
		}
		if filepath.Base(name) == "sub.json" {
			continue // a directory opens, to be listed
		}
		root, base := filepath.Split(name)
		f, err := DirFS(root).Open(base)
		if err == nil {
			f.Close()
		}
		var pe *fs.PathError
		if !errors.Is(err, want) || !errors.As(err, &pe) || pe.Path != base {
			t.Errorf("DirFS.Open(%s): %v, want %v naming %s", name, err, want, base)
		}
		// Stat is lstat's view followed through links, as os.DirFS's: it
		// tells a FIFO from a file without opening it.
		if st, err := fs.Stat(DirFS(root), base); err != nil || st.Mode().IsRegular() == (want == ErrNotRegular) {
			t.Errorf("DirFS.Stat(%s): %v %v", name, st, err)
		}
	}
	for _, bad := range []string{"../a.json", "/a.json", "sub/../a.json", ""} {
		if _, err := fsys.Open(bad); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q): %v, want fs.ErrInvalid", bad, err)
		}
	}
}

func fcntlGetfl(fd uintptr) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}
