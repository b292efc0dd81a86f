// Package safefile opens and reads files named by users without trusting
// them. Only regular files are read: a device (/dev/zero never ends), a
// FIFO (opening one waits for a writer), a socket or a directory is
// refused, and so is a file of a kernel pseudo-file system (procfs, sysfs,
// debugfs, tracefs), whose files report size 0 and may block on read
// (/proc/kmsg). Reads are bounded by the bytes actually read, never by the
// size stat reports.
//
// Symbolic links are followed: what is checked is the file opened, after
// the open, so a link swapped between a check and the open cannot slip a
// device through. Opening never blocks: files are opened with O_NONBLOCK
// (cleared again once the file is known to be a regular one) and
// O_NOCTTY, so a terminal never becomes the controlling terminal.
//
// Errors are *fs.PathError values naming the file, never its content;
// errors.Is tells the refusals apart (ErrNotRegular, ErrPseudoFile,
// ErrTooLarge, ErrBadLimit) and the errors of the system (fs.ErrNotExist,
// fs.ErrPermission).
//
// The pseudo-file check is Linux's: elsewhere only the file type is
// checked, and outside Unix (no FIFOs to wait on, no O_NONBLOCK) the open
// is a plain read-only one.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// Refusals, wrapped in an *fs.PathError that names the file.
var (
	// ErrNotRegular: the file is a device, FIFO, socket or directory
	// (after following symbolic links).
	ErrNotRegular = errors.New("not a regular file")
	// ErrPseudoFile: the file is on procfs, sysfs, debugfs or tracefs.
	ErrPseudoFile = errors.New("a kernel pseudo-file (procfs, sysfs, debugfs or tracefs)")
	// ErrTooLarge: ReadFile read more than its limit.
	ErrTooLarge = errors.New("file too large")
	// ErrBadLimit: ReadFile was given a negative limit.
	ErrBadLimit = errors.New("negative read limit")
)

// Open opens name for reading if it is a regular file on a real file
// system, and returns it ready for ordinary blocking reads. It refuses
// anything else without blocking (see the package documentation).
func Open(name string) (*os.File, error) {
	return open(name, name, false)
}

// ReadFile reads the whole of name, a file Open accepts, if it holds at
// most limit bytes; a larger file is refused with ErrTooLarge after
// limit+1 bytes, whatever its reported size.
func ReadFile(name string, limit int64) ([]byte, error) {
	if limit < 0 {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrBadLimit}
	}
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, name, limit)
}

func readLimited(f *os.File, name string, limit int64) ([]byte, error) {
	n := limit
	if n < math.MaxInt64 {
		n++ // one byte more tells "exactly limit" from "more"
	}
	b, err := io.ReadAll(io.LimitReader(f, n))
	if err != nil {
		return nil, err // an *fs.PathError of os.File, naming the file
	}
	if int64(len(b)) > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)}
	}
	return b, nil
}

// open opens path, refusing what Open refuses; directories are allowed
// when dirOK. Errors name display, the name the caller was given.
func open(path, display string, dirOK bool) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, rename(err, display)
	}
	if err := check(f, dirOK); err != nil {
		f.Close()
		return nil, rename(err, display)
	}
	return f, nil
}

// check vets an open file: its type (fstat, of the file opened, not of a
// name), its file system, and then makes its reads blocking.
func check(f *os.File, dirOK bool) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() && !(dirOK && st.IsDir()) {
		return &fs.PathError{Op: "open", Path: f.Name(), Err: ErrNotRegular}
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return &fs.PathError{Op: "open", Path: f.Name(), Err: err}
	}
	var verr error
	if err := rc.Control(func(fd uintptr) { verr = vet(fd) }); err != nil {
		return &fs.PathError{Op: "open", Path: f.Name(), Err: err}
	}
	if verr != nil {
		return &fs.PathError{Op: "open", Path: f.Name(), Err: verr}
	}
	return nil
}

// rename makes a *fs.PathError name display instead of the path opened.
func rename(err error, display string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: display, Err: pe.Err}
	}
	return &fs.PathError{Op: "open", Path: display, Err: err}
}

// DirFS returns a file system of the files below dir, as os.DirFS does,
// whose Open refuses what Open refuses, without blocking; directories open
// (so that fs.Glob, fs.ReadDir and fs.WalkDir work). Its Stat follows
// symbolic links without opening anything, so it tells a FIFO or a device
// from a file. Errors name the path below dir, as os.DirFS's do. Bound
// reads of its files with io.LimitReader: a regular file can still be
// large.
func DirFS(dir string) fs.FS { return dirFS(dir) }

type dirFS string

// join validates name as io/fs requires and returns the path to open.
func (d dirFS) join(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	local, err := filepath.Localize(name)
	if err != nil || d == "" {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return filepath.Join(string(d), local), nil
}

// Open implements fs.FS.
func (d dirFS) Open(name string) (fs.File, error) {
	full, err := d.join("open", name)
	if err != nil {
		return nil, err
	}
	f, err := open(full, name, true)
	if err != nil {
		return nil, err
	}
	return dirFile{f, name}, nil
}

// Stat implements fs.StatFS.
func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	full, err := d.join("stat", name)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(full)
	if err != nil {
		return nil, rename(err, name)
	}
	return st, nil
}

// dirFile is an *os.File of a dirFS: its errors name the path below the
// root, as os.DirFS's do.
type dirFile struct {
	*os.File
	name string
}

func (f dirFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	if err != nil && err != io.EOF {
		err = rename(err, f.name)
	}
	return n, err
}

func (f dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	ents, err := f.File.ReadDir(n)
	if err != nil && err != io.EOF {
		err = rename(err, f.name)
	}
	return ents, err
}

func (f dirFile) Stat() (fs.FileInfo, error) {
	st, err := f.File.Stat()
	if err != nil {
		return nil, rename(err, f.name)
	}
	return st, nil
}

var _ fs.ReadDirFile = dirFile{}
