//go:build unix

package settingsmigrate

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/safefile"
)

// No test here runs in parallel: some replace the file operations in sys.

// oldTime is the modification time fixtures get, so that any rewrite
// shows.
var oldTime = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture writes a settings document with v1, v2 and plain values to
// dir/settings.json with mode 0660 and an old mtime.
func fixture(t *testing.T, key *envelope.Key) (dir, path string, doc []byte) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "settings.json")
	v2, _ := key.Seal(plainB)
	doc = []byte(`{
  "name": "eliza",
  "settings": {"secrets": {"OPENAI_API_KEY": "` + sealV1(t, testSalt, plainA, 1) + `", "B": "` + v2 + `"},
    "TOKEN": {"value": "` + sealV1(t, testSalt, plainB, 2) + `", "secret": true}},
  "limits": [1.50e+2, 123456789012345678901]
}
`)
	writeFixture(t, path, doc, 0o660)
	return dir, path, doc
}

func writeFixture(t *testing.T, path string, doc []byte, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, doc, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.Chtimes(path, oldTime, oldTime); err != nil {
		t.Fatal(err)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// assertUntouched checks that path holds doc with the fixture's mtime and
// that dir holds exactly names.
func assertUntouched(t *testing.T, dir, path string, doc []byte, names ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(b, doc) {
		t.Fatalf("the file changed (%v)", err)
	}
	st, err := os.Lstat(path)
	if err != nil || !st.ModTime().Equal(oldTime) {
		t.Fatalf("the file's mtime changed (%v)", err)
	}
	if got := listDir(t, dir); !slices.Equal(got, names) {
		t.Fatalf("directory holds %q, want %q", got, names)
	}
}

func TestRewrite(t *testing.T) {
	key := mustKey(t, testSalt)
	dir, path, doc := fixture(t, key)
	res, err := Rewrite(context.Background(), path, key, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Stats: Stats{Scanned: 4, Migrated: 2, AlreadyV2: 1, Plain: 1}, Written: true, Backup: path + ".bak"}
	if res != want {
		t.Fatalf("result %+v, want %+v", res, want)
	}
	out, _ := os.ReadFile(path)
	assertMigrated(t, key, doc, out)
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o660 {
		t.Fatalf("mode %v, want 0660", st.Mode().Perm())
	}
	bak, _ := os.ReadFile(path + ".bak")
	bst, _ := os.Stat(path + ".bak")
	if !bytes.Equal(bak, doc) || bst.Mode().Perm() != 0o660 {
		t.Fatalf("backup differs from the original (mode %v)", bst.Mode().Perm())
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"settings.json", "settings.json.bak"}) {
		t.Fatalf("directory holds %q", got)
	}
	// Idempotent: nothing to do, nothing written, no new backup.
	if err := os.Chtimes(path, oldTime, oldTime); err != nil {
		t.Fatal(err)
	}
	res, err = Rewrite(context.Background(), path, key, Options{})
	if err != nil || res.Written || res.Migrated != 0 || res.AlreadyV2 != 3 || res.Backup != "" {
		t.Fatalf("second run: %+v %v", res, err)
	}
	assertUntouched(t, dir, path, out, "settings.json", "settings.json.bak")
}

func TestRewriteDryRunAndNoBackup(t *testing.T) {
	key := mustKey(t, testSalt)
	dir, path, doc := fixture(t, key)
	stale := filepath.Join(dir, ".settings.json.interop-migrate-0123456789abcdef.tmp")
	writeFixture(t, stale, []byte("x"), 0o600)
	res, err := Rewrite(context.Background(), path, key, Options{DryRun: true})
	if err != nil || res.Written || res.Migrated != 2 || res.Backup != "" || res.StaleRemoved != 0 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	assertUntouched(t, dir, path, doc, filepath.Base(stale), "settings.json")
	// A dry run needs no write permission.
	if err := os.Chmod(path, 0o440); err != nil {
		t.Fatal(err)
	}
	if _, err := Rewrite(context.Background(), path, key, Options{DryRun: true}); err != nil {
		t.Fatalf("dry run of a read-only file: %v", err)
	}
	os.Chmod(path, 0o660)
	res, err = Rewrite(context.Background(), path, key, Options{NoBackup: true})
	if err != nil || !res.Written || res.Backup != "" || res.StaleRemoved != 1 {
		t.Fatalf("no backup: %+v %v", res, err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"settings.json"}) {
		t.Fatalf("directory holds %q", got)
	}
}

// A backup is never overwritten; one with exactly the original's bytes is
// reused.
func TestRewriteBackupNames(t *testing.T) {
	key := mustKey(t, testSalt)
	for _, tc := range []struct {
		name     string
		existing map[string]string // name → content; "=" is the original's
		link     string            // a symbolic link named so, to the original
		want     string
	}{
		{"free", nil, "", "settings.json.bak"},
		{"taken", map[string]string{"settings.json.bak": "older"}, "", "settings.json.bak.1"},
		{"two taken", map[string]string{"settings.json.bak": "older", "settings.json.bak.1": "old"}, "", "settings.json.bak.2"},
		{"identical reused", map[string]string{"settings.json.bak": "="}, "", "settings.json.bak"},
		{"identical later reused", map[string]string{"settings.json.bak": "older", "settings.json.bak.1": "="}, "", "settings.json.bak.1"},
		{"symlink not reused", nil, "settings.json.bak", "settings.json.bak.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, path, doc := fixture(t, key)
			for n, c := range tc.existing {
				if c == "=" {
					c = string(doc)
				}
				writeFixture(t, filepath.Join(dir, n), []byte(c), 0o600)
			}
			if tc.link != "" {
				if err := os.Symlink("settings.json", filepath.Join(dir, tc.link)); err != nil {
					t.Fatal(err)
				}
			}
			res, err := Rewrite(context.Background(), path, key, Options{})
			if err != nil || res.Backup != filepath.Join(dir, tc.want) {
				t.Fatalf("backup %q, want %q (%v)", res.Backup, tc.want, err)
			}
			if b, _ := os.ReadFile(res.Backup); !bytes.Equal(b, doc) {
				t.Fatal("the backup is not the original")
			}
			for n, c := range tc.existing {
				if b, _ := os.ReadFile(filepath.Join(dir, n)); c != "=" && string(b) != c {
					t.Fatalf("%s was overwritten", n)
				}
			}
		})
	}
}

// A failure at any step before the rename leaves the file as it was and
// removes what the run created; after the rename the file is migrated and
// the backup kept.
func TestRewriteFailureAtEveryStep(t *testing.T) {
	key := mustKey(t, testSalt)
	boom := errors.New("injected failure")
	for _, step := range Steps() {
		t.Run(string(step), func(t *testing.T) {
			dir, path, doc := fixture(t, key)
			var seen []Step
			_, err := Rewrite(context.Background(), path, key, Options{Hook: func(s Step) error {
				seen = append(seen, s)
				if s == step {
					return boom
				}
				return nil
			}})
			if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v", err)
			}
			if seen[len(seen)-1] != step {
				t.Fatalf("steps %v", seen)
			}
			assertNoSecret(t, "error", err.Error(), secretsIn(string(doc), key))
			if step == StepAfterRename || step == StepAfterDirFsync {
				out, _ := os.ReadFile(path)
				assertMigrated(t, key, doc, out)
				if got := listDir(t, dir); !slices.Equal(got, []string{"settings.json", "settings.json.bak"}) {
					t.Fatalf("directory holds %q", got)
				}
				return
			}
			assertUntouched(t, dir, path, doc, "settings.json")
		})
	}
	// Every step happens, in the documented order.
	_, path, _ := fixture(t, key)
	var seen []Step
	if _, err := Rewrite(context.Background(), path, key, Options{Hook: func(s Step) error { seen = append(seen, s); return nil }}); err != nil || !slices.Equal(seen, Steps()) {
		t.Fatalf("steps %v, want %v (%v)", seen, Steps(), err)
	}
}

// Failing system calls: the create and the rename.
func TestRewriteFailingCalls(t *testing.T) {
	key := mustKey(t, testSalt)
	defer func(o ops) { sys = o }(sys)
	tests := []struct {
		name string
		set  func()
	}{
		{"create", func() {
			sys.create = func(string, int, fs.FileMode) (*os.File, error) {
				return nil, &fs.PathError{Op: "open", Path: "tmp", Err: syscall.EACCES}
			}
		}},
		{"create collides", func() {
			sys.create = func(string, int, fs.FileMode) (*os.File, error) {
				return nil, &fs.PathError{Op: "open", Path: "tmp", Err: syscall.EEXIST}
			}
		}},
		{"rename", func() {
			sys.rename = func(string, string) error { return &os.LinkError{Op: "rename", Err: syscall.EXDEV} }
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sys = ops{create: os.OpenFile, rename: os.Rename}
			tc.set()
			dir, path, doc := fixture(t, key)
			_, err := Rewrite(context.Background(), path, key, Options{})
			var pe *fs.PathError
			if err == nil || !errors.As(err, &pe) || pe.Path != path {
				t.Fatalf("error %v does not name the file", err)
			}
			assertUntouched(t, dir, path, doc, "settings.json")
		})
	}
}

// A writer that changes the file during the run wins: the run aborts
// before its rename.
func TestRewriteDetectsConcurrentChange(t *testing.T) {
	key := mustKey(t, testSalt)
	for _, how := range []string{"modified", "replaced"} {
		t.Run(how, func(t *testing.T) {
			dir, path, _ := fixture(t, key)
			changed := []byte(`{"changed":true}`)
			_, err := Rewrite(context.Background(), path, key, Options{Hook: func(s Step) error {
				if s != StepAfterFsync {
					return nil
				}
				if how == "replaced" {
					os.WriteFile(path+".new", changed, 0o660)
					return os.Rename(path+".new", path)
				}
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
				if err != nil {
					return err
				}
				f.Write(changed)
				return f.Close()
			}})
			if !errors.Is(err, ErrChanged) {
				t.Fatalf("error %v", err)
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, changed) {
				t.Fatal("the other writer's change was lost")
			}
			if got := listDir(t, dir); !slices.Equal(got, []string{"settings.json"}) {
				t.Fatalf("directory holds %q", got)
			}
		})
	}
}

func TestRewriteRefuses(t *testing.T) {
	key := mustKey(t, testSalt)
	foreign := sealV1(t, otherSalt, plainB, 5)
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, path string) string // returns the path to migrate
		opts  Options
		is    error
	}{
		{"symlink", func(t *testing.T, dir, path string) string {
			link := filepath.Join(dir, "link.json")
			if err := os.Symlink("settings.json", link); err != nil {
				t.Fatal(err)
			}
			return link
		}, Options{}, ErrSymlink},
		{"directory", func(t *testing.T, dir, path string) string { return dir }, Options{}, safefile.ErrNotRegular},
		{"fifo", func(t *testing.T, dir, path string) string {
			p := filepath.Join(dir, "fifo")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Skip(err)
			}
			return p
		}, Options{}, safefile.ErrNotRegular},
		{"device", func(t *testing.T, dir, path string) string { return os.DevNull }, Options{}, safefile.ErrNotRegular},
		{"read-only file", func(t *testing.T, dir, path string) string {
			os.Chmod(path, 0o440)
			return path
		}, Options{}, ErrNotWritable},
		{"read-only directory", func(t *testing.T, dir, path string) string {
			os.Chmod(dir, 0o555)
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			return path
		}, Options{}, ErrNotWritable},
		{"too large", func(t *testing.T, dir, path string) string { return path }, Options{MaxSize: 64}, safefile.ErrTooLarge},
		{"partly under another salt", func(t *testing.T, dir, path string) string {
			b, _ := os.ReadFile(path)
			b = bytes.Replace(b, []byte(`"name": "eliza"`), []byte(`"name": "`+foreign+`"`), 1)
			writeFixture(t, path, b, 0o660)
			return path
		}, Options{}, ErrDoesNotOpen},
		{"not json", func(t *testing.T, dir, path string) string {
			b, _ := os.ReadFile(path)
			writeFixture(t, path, append(b, "{}"...), 0o660)
			return path
		}, Options{}, ErrNotJSON},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, path, _ := fixture(t, key)
			target := tc.setup(t, dir, path)
			doc, _ := os.ReadFile(path)
			before := listDir(t, dir)
			_, err := Rewrite(context.Background(), target, key, tc.opts)
			if !errors.Is(err, tc.is) {
				t.Fatalf("error %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), target) {
				t.Fatalf("error %q does not name %s", err, target)
			}
			assertNoSecret(t, "error", err.Error(), append(secretsIn(string(doc), key), foreign))
			assertUntouched(t, dir, path, doc, before...)
		})
	}
	// A cancelled context stops the run before anything is written.
	dir, path, doc := fixture(t, key)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Rewrite(ctx, path, key, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	assertUntouched(t, dir, path, doc, "settings.json")
}

// Only regular files with exactly the temporary naming of the file are
// removed as stale.
func TestRemoveStale(t *testing.T) {
	key := mustKey(t, testSalt)
	dir, path, _ := fixture(t, key)
	keep := []string{
		".settings.json.interop-migrate-0123456789ABCDEF.tmp", // upper case: not ours
		".settings.json.interop-migrate-0123456789abcde.tmp",  // 15 digits
		".other.json.interop-migrate-0123456789abcdef.tmp",    // another file's
		"settings.json.interop-migrate-0123456789abcdef.tmp",  // not hidden
		"settings.json.bak",
	}
	for _, n := range keep {
		writeFixture(t, filepath.Join(dir, n), []byte("k"), 0o600)
	}
	stale := ".settings.json.interop-migrate-0123456789abcdef.tmp"
	writeFixture(t, filepath.Join(dir, stale), []byte("s"), 0o600)
	if err := os.Mkdir(filepath.Join(dir, ".settings.json.interop-migrate-fedcba9876543210.tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := Rewrite(context.Background(), path, key, Options{})
	if err != nil || res.StaleRemoved != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, stale)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the stale temporary file is still there")
	}
	for _, n := range append(keep, ".settings.json.interop-migrate-fedcba9876543210.tmp") {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Fatalf("%s was removed", n)
		}
	}
	if !IsTempName(stale, "settings.json") || IsTempName(keep[0], "settings.json") {
		t.Fatal("IsTempName")
	}
}

// A file swapped between the Lstat and the open (a symbolic link put in
// its place) is refused rather than followed.
func TestReadSameRefusesASwappedFile(t *testing.T) {
	key := mustKey(t, testSalt)
	dir, path, _ := fixture(t, key)
	other := filepath.Join(dir, "other.json")
	writeFixture(t, other, []byte(`{}`), 0o600)
	st, err := os.Lstat(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readSame(path, st, 0); !errors.Is(err, ErrChanged) {
		t.Fatalf("error %v", err)
	}
}
