package safefile

import (
	"os"
	"syscall"
)

// Magic numbers of the pseudo file systems whose files report size 0 or
// block on read.
const (
	procMagic    = 0x9fa0
	sysfsMagic   = 0x62656572
	debugfsMagic = 0x64626720
	tracefsMagic = 0x74726163
)

func pseudo(f *os.File) bool {
	var st syscall.Statfs_t
	if err := syscall.Fstatfs(int(f.Fd()), &st); err != nil {
		return true // cannot tell: refuse
	}
	switch int64(st.Type) {
	case procMagic, sysfsMagic, debugfsMagic, tracefsMagic:
		return true
	}
	return false
}
