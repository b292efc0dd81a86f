//go:build !unix

package safefile

// openFlags: nothing more than O_RDONLY where there are no FIFOs to wait
// on.
const openFlags = 0
