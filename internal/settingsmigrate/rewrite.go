package settingsmigrate

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/safefile"
)

// Refusals of Rewrite, wrapped in an *fs.PathError that names the file.
var (
	// ErrSymlink: the file is a symbolic link. Rewrite replaces the name
	// it is given; through a link it would replace the link with a file
	// and leave the target, secrets and all, as it was.
	ErrSymlink = errors.New("is a symbolic link; migrate the file it points to")
	// ErrNotWritable: the file or its directory cannot be replaced: no
	// write permission, or a mode with no write bit at all (a read-only
	// file is a statement, honoured even by root).
	ErrNotWritable = errors.New("not writable")
	// ErrChanged: the file was replaced or modified while Rewrite worked
	// on it; it is left to whoever changed it.
	ErrChanged = errors.New("changed during the migration; run again")
	// ErrNoBackupName: every backup name is taken by a different file.
	ErrNoBackupName = errors.New("no free backup name")
)

// DefaultMaxSize is the largest file Rewrite reads when Options.MaxSize is
// zero.
const DefaultMaxSize = 64 << 20

// maxBackups bounds the backup names tried: FILE.bak, FILE.bak.1, …
const maxBackups = 100

// Step names a point in Rewrite after which Options.Hook runs. The steps
// happen in this order; StepAfterBackup only with a backup.
type Step string

// The steps of Rewrite.
const (
	StepAfterBackup     Step = "after-backup"      // FILE.bak holds the original
	StepAfterTempCreate Step = "after-temp-create" // the empty temporary file exists
	StepAfterWrite      Step = "after-write"       // the migrated document is written
	StepAfterFsync      Step = "after-fsync"       // and synced, and the temporary file closed
	StepAfterRename     Step = "after-rename"      // FILE is the migrated document
	StepAfterDirFsync   Step = "after-dir-fsync"   // the directory is synced: done
)

// Steps returns every Step, in order.
func Steps() []Step {
	return []Step{StepAfterBackup, StepAfterTempCreate, StepAfterWrite, StepAfterFsync, StepAfterRename, StepAfterDirFsync}
}

// Options adjust Rewrite. The zero value rewrites with a backup.
type Options struct {
	// DryRun migrates in memory only: nothing is written, created or
	// removed, and write permission is not needed.
	DryRun bool
	// NoBackup skips the backup of the original.
	NoBackup bool
	// MaxSize is the largest file read, in bytes; 0 means DefaultMaxSize.
	MaxSize int64
	// Hook, when set, runs after each step that happens. An error it
	// returns aborts Rewrite as if the step had failed (before the rename
	// the original stays as it was and what this run created is removed).
	// It is for tests: crash and failure injection.
	Hook func(Step) error
}

// Result says what Rewrite did.
type Result struct {
	Stats
	// Written reports that the file was replaced. It is false for a dry
	// run and when there was nothing to migrate.
	Written bool
	// Backup is the path of the backup holding the original bytes, when
	// one was made or an identical earlier one reused; "" otherwise.
	Backup string
	// StaleRemoved counts temporary files of an earlier, interrupted run
	// that were removed.
	StaleRemoved int
}

// ops are the file operations that tests make fail.
type ops struct {
	create func(name string, flag int, perm fs.FileMode) (*os.File, error)
	rename func(oldpath, newpath string) error
}

var sys = ops{create: os.OpenFile, rename: os.Rename}

// Rewrite migrates the JSON settings file at path (see Migrate) in place.
//
// It refuses, leaving the file untouched: a symbolic link (ErrSymlink), a
// directory, device, FIFO or socket (safefile.ErrNotRegular), a file of
// more than opts.MaxSize bytes, a file or directory it cannot replace
// (ErrNotWritable; not checked for a dry run), and any document Migrate
// refuses (*Error). When nothing needs migrating it writes nothing.
// Otherwise it links (or copies) the original to a backup name no other
// file holds, writes the result to a temporary file in the same directory
// (created exclusively, with the original's permission bits and owner),
// syncs it, renames it over path and syncs the directory.
//
// The temporary file is named ".BASE.interop-migrate-HEX.tmp"; one left
// by a killed run is removed by the next run that is not a dry run (after
// the document has been checked). Errors are *fs.PathError values naming
// path; their Err is a sentinel of this package, an *Error, or the
// system's error. An error after the rename (the directory sync) comes
// with Result.Written true: the file is migrated, its backup kept.
func Rewrite(ctx context.Context, path string, key *envelope.Key, opts Options) (Result, error) {
	r := rewrite{path: path, opts: opts}
	res, err := r.run(ctx, key)
	if err != nil {
		r.undo()
		if _, ok := err.(*fs.PathError); !ok {
			err = &fs.PathError{Op: "migrate", Path: path, Err: err}
		}
		// After the rename (a failing directory sync) the file is
		// migrated: Written says so.
		return Result{Written: res.Written, Backup: res.Backup}, err
	}
	return res, nil
}

// rewrite is one run of Rewrite: what it created, so that a failure
// before the rename can remove it.
type rewrite struct {
	path      string
	opts      Options
	tmp       string // the temporary file, until renamed
	newBackup string // a backup this run created
}

func (r *rewrite) fail(op string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is a temporary or backup name; name the file
	}
	return &fs.PathError{Op: op, Path: r.path, Err: err}
}

func (r *rewrite) step(s Step) error {
	if r.opts.Hook == nil {
		return nil
	}
	if err := r.opts.Hook(s); err != nil {
		return r.fail(string(s), err)
	}
	return nil
}

// undo removes what a failed run created, before the rename only: once
// the temporary file is renamed, tmp is "" and the backup is the only
// copy of the original.
func (r *rewrite) undo() {
	if r.tmp != "" {
		os.Remove(r.tmp)
	}
	if r.newBackup != "" {
		os.Remove(r.newBackup)
	}
}

func (r *rewrite) run(ctx context.Context, key *envelope.Key) (Result, error) {
	path, opts := r.path, r.opts
	st, err := os.Lstat(path)
	if err != nil {
		return Result{}, err
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		return Result{}, &fs.PathError{Op: "open", Path: path, Err: ErrSymlink}
	case !st.Mode().IsRegular():
		return Result{}, &fs.PathError{Op: "open", Path: path, Err: safefile.ErrNotRegular}
	}
	dir := filepath.Dir(path)
	if !opts.DryRun {
		if err := checkWritable(path, st, dir); err != nil {
			return Result{}, err
		}
	}
	data, err := readSame(path, st, opts.MaxSize)
	if err != nil {
		return Result{}, err
	}
	out, stats, err := Migrate(data, key)
	if err != nil {
		return Result{}, &fs.PathError{Op: "migrate", Path: path, Err: err}
	}
	res := Result{Stats: stats}
	if opts.DryRun {
		return res, nil
	}
	if res.StaleRemoved, err = removeStale(dir, filepath.Base(path)); err != nil {
		return Result{}, r.fail("remove stale temporary file", err)
	}
	if stats.Migrated == 0 {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if !opts.NoBackup {
		if res.Backup, err = r.backup(data, st); err != nil {
			return Result{}, err
		}
		// The backup's name must be on disk before the rename is: a
		// file system that does not keep metadata operations in order
		// could otherwise keep the rename and lose the backup.
		if err := syncDir(dir); err != nil {
			return Result{}, r.fail("sync directory", err)
		}
		if err := r.step(StepAfterBackup); err != nil {
			return Result{}, err
		}
	}
	if err := r.writeTemp(dir, filepath.Base(path), out, st); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	// Last look before the rename: a writer that replaced or modified the
	// file since it was read would lose its change.
	now, err := os.Lstat(path)
	if err != nil {
		return Result{}, err
	}
	if !unchanged(st, now) {
		return Result{}, &fs.PathError{Op: "rename", Path: path, Err: ErrChanged}
	}
	if err := sys.rename(r.tmp, path); err != nil {
		return Result{}, r.fail("rename", err)
	}
	r.tmp, r.newBackup = "", "" // from here on the original is gone: keep the backup
	res.Written = true
	if err := r.step(StepAfterRename); err != nil {
		return res, err
	}
	if err := syncDir(dir); err != nil {
		return res, r.fail("sync directory", err)
	}
	if err := r.step(StepAfterDirFsync); err != nil {
		return res, err
	}
	return res, nil
}

// unchanged reports whether the file is still the one read: same file,
// size and modification time.
func unchanged(was, now fs.FileInfo) bool {
	return now.Mode().IsRegular() && os.SameFile(was, now) && was.Size() == now.Size() && was.ModTime().Equal(now.ModTime())
}

// checkWritable refuses, before any work, a file or directory Rewrite
// could not replace.
func checkWritable(path string, st fs.FileInfo, dir string) error {
	if st.Mode().Perm()&0o222 == 0 {
		return &fs.PathError{Op: "check", Path: path, Err: fmt.Errorf("%w: the file is read-only", ErrNotWritable)}
	}
	dst, err := os.Stat(dir)
	if err != nil {
		return &fs.PathError{Op: "check directory", Path: path, Err: unwrapPath(err)}
	}
	if dst.Mode().Perm()&0o222 == 0 {
		return &fs.PathError{Op: "check directory", Path: path, Err: fmt.Errorf("%w: its directory is read-only", ErrNotWritable)}
	}
	if err := canWrite(path); err != nil {
		return &fs.PathError{Op: "check", Path: path, Err: fmt.Errorf("%w: %w", ErrNotWritable, err)}
	}
	if err := canWriteDir(dir); err != nil {
		return &fs.PathError{Op: "check directory", Path: path, Err: fmt.Errorf("%w: its directory: %w", ErrNotWritable, err)}
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readSame reads path through safefile, after checking that the file
// opened is the one Lstat saw: a symbolic link swapped in between would
// otherwise be followed.
func readSame(path string, st fs.FileInfo, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	f, err := safefile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fst, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !os.SameFile(st, fst) {
		return nil, &fs.PathError{Op: "open", Path: path, Err: ErrChanged}
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: more than %d bytes", safefile.ErrTooLarge, limit)}
	}
	return b, nil
}

// Temporary files are ".BASE" + tmpMid + 16 hex digits + tmpSuffix: hidden,
// and never a name that could be taken for the file or its backup.
const (
	tmpMid    = ".interop-migrate-"
	tmpSuffix = ".tmp"
	tmpHex    = 16
)

// IsTempName reports whether name (a base name) is a temporary file
// Rewrite creates for the file whose base name is base.
func IsTempName(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base+tmpMid)
	if !ok {
		return false
	}
	h, ok := strings.CutSuffix(rest, tmpSuffix)
	if !ok || len(h) != tmpHex {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// removeStale removes the temporary files of base left in dir by a run
// that was killed. Only regular files with exactly Rewrite's naming are
// touched. Two runs on one file at once are not supported: one could
// remove the other's temporary file, and that run's rename then fails,
// leaving the file as it was.
func removeStale(dir, base string) (int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, nil // best effort: a directory we may write but not list
	}
	n := 0
	for _, e := range ents {
		if !e.Type().IsRegular() || !IsTempName(e.Name(), base) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
		n++
	}
	return n, nil
}

// writeTemp creates the temporary file exclusively with the original's
// mode and owner, writes out and syncs it.
func (r *rewrite) writeTemp(dir, base string, out []byte, st fs.FileInfo) error {
	mode := st.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	var f *os.File
	for range 10 {
		var b [tmpHex / 2]byte
		rand.Read(b[:])
		name := filepath.Join(dir, "."+base+tmpMid+hex.EncodeToString(b[:])+tmpSuffix)
		var err error
		f, err = sys.create(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode.Perm())
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return r.fail("create temporary file", err)
		}
		r.tmp = name
		break
	}
	if f == nil {
		return r.fail("create temporary file", fs.ErrExist)
	}
	err := r.fillTemp(f, out, st, mode)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = r.fail("close temporary file", cerr)
	}
	if err != nil {
		return err
	}
	return r.step(StepAfterFsync)
}

func (r *rewrite) fillTemp(f *os.File, out []byte, st fs.FileInfo, mode fs.FileMode) error {
	// The owner first: a change of owner may clear mode bits. Then the
	// mode, which the umask may have narrowed.
	if err := keepOwner(f, st); err != nil {
		return r.fail("keep the owner of", err)
	}
	if err := f.Chmod(mode); err != nil {
		return r.fail("chmod temporary file", err)
	}
	if err := r.step(StepAfterTempCreate); err != nil {
		return err
	}
	if _, err := f.Write(out); err != nil {
		return r.fail("write temporary file", err)
	}
	if err := r.step(StepAfterWrite); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return r.fail("sync temporary file", err)
	}
	return nil
}

// backup keeps the original bytes under FILE.bak, or FILE.bak.N for the
// first N from 1 whose name is free. An existing backup with exactly the
// original's bytes (left by an earlier run that was killed) is reused
// rather than duplicated; a different one is never overwritten.
func (r *rewrite) backup(data []byte, st fs.FileInfo) (string, error) {
	for i := range maxBackups {
		name := r.path + ".bak"
		if i > 0 {
			name += "." + strconv.Itoa(i)
		}
		bst, err := os.Lstat(name)
		switch {
		case err == nil:
			if sameContent(name, bst, data) {
				return name, nil
			}
			continue
		case !errors.Is(err, fs.ErrNotExist):
			return "", r.fail("backup", err)
		}
		// A hard link is atomic and never overwrites: the backup is the
		// original file itself, bytes, mode and mtime included.
		err = os.Link(r.path, name)
		if err == nil {
			r.newBackup = name
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// No hard links here (some file systems): copy, exclusively.
		err = r.copyBackup(name, data, st)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return name, nil
	}
	return "", &fs.PathError{Op: "backup", Path: r.path, Err: ErrNoBackupName}
}

func (r *rewrite) copyBackup(name string, data []byte, st fs.FileInfo) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, st.Mode().Perm())
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if err != nil {
		return r.fail("backup", err)
	}
	r.newBackup = name
	err = keepOwner(f, st)
	if err == nil {
		err = f.Chmod(st.Mode().Perm())
	}
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return r.fail("backup", err)
	}
	return nil
}

// sameContent reports whether the regular file name holds exactly data.
func sameContent(name string, st fs.FileInfo, data []byte) bool {
	if !st.Mode().IsRegular() || st.Size() != int64(len(data)) {
		return false
	}
	b, err := safefile.ReadFile(name, int64(len(data)))
	return err == nil && bytes.Equal(b, data)
}

// syncDir makes the rename (and the backup link) durable. Windows has no
// directory sync.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
