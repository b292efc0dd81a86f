package safefile

import "syscall"

// Magic numbers (statfs f_type) of the pseudo file systems whose files
// report size 0 or block on read.
const (
	procMagic    = 0x9fa0
	sysfsMagic   = 0x62656572
	debugfsMagic = 0x64626720
	tracefsMagic = 0x74726163
)

// vet refuses a file on a pseudo file system and clears O_NONBLOCK.
func vet(fd uintptr) error {
	var st syscall.Statfs_t
	if err := fstatfs(int(fd), &st); err != nil {
		return err
	}
	switch int64(st.Type) {
	case procMagic, sysfsMagic, debugfsMagic, tracefsMagic:
		return ErrPseudoFile
	}
	return syscall.SetNonblock(int(fd), false)
}

func fstatfs(fd int, st *syscall.Statfs_t) error {
	for {
		err := syscall.Fstatfs(fd, st)
		if err != syscall.EINTR {
			return err
		}
	}
}
