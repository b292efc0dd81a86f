//go:build unix && !linux

package safefile

import "syscall"

// vet clears O_NONBLOCK; the pseudo-file check is Linux's.
func vet(fd uintptr) error {
	return syscall.SetNonblock(int(fd), false)
}
