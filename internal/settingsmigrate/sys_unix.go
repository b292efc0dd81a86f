//go:build unix

package settingsmigrate

import (
	"io/fs"
	"os"
	"syscall"
)

// The access(2) modes; syscall has no names for them on every system.
const (
	accessX = 0x1
	accessW = 0x2
)

// canWrite reports whether this process may write path (access(2)).
func canWrite(path string) error { return syscall.Access(path, accessW) }

// canWriteDir reports whether this process may create and rename entries
// in dir.
func canWriteDir(dir string) error { return syscall.Access(dir, accessW|accessX) }

// keepOwner gives f the owner and group of the original, st, when they
// differ from what f was created with; when that is not permitted the
// rewrite fails rather than silently hand the file to someone else.
func keepOwner(f *os.File, st fs.FileInfo) error {
	want, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	got, err := f.Stat()
	if err != nil {
		return err
	}
	have, ok := got.Sys().(*syscall.Stat_t)
	if !ok || (have.Uid == want.Uid && have.Gid == want.Gid) {
		return nil
	}
	return f.Chown(int(want.Uid), int(want.Gid))
}
