//go:build unix

package safefile

import "syscall"

// openFlags: a FIFO opens without waiting for a writer, a terminal never
// becomes the controlling terminal, and no child inherits the descriptor.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY | syscall.O_CLOEXEC
