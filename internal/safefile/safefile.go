// Package safefile opens and reads files named by users without trusting
// them: only regular files, never a device, FIFO, socket or pseudo-file
// (procfs, sysfs), and reads bounded by the bytes actually read, never by
// what stat reports.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Errors of Open and ReadFile; each wraps the file's path, never content.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrPseudoFile = errors.New("a pseudo-file of the kernel (procfs, sysfs)")
	ErrTooLarge   = errors.New("file too large")
)

// Open opens name for reading if it is a regular file on a real file
// system. Opening never blocks (a FIFO is refused, not waited on).
func Open(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	if pseudo(f) {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: name, Err: ErrPseudoFile}
	}
	return f, nil
}

// ReadFile reads a whole regular file of at most limit bytes.
func ReadFile(name string, limit int64) ([]byte, error) {
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &os.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)}
	}
	return b, nil
}
