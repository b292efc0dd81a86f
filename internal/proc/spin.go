package proc

import (
	"io"
	"os"
	"runtime"
	"syscall"
	"time"
)

// SpinReader reads f, a pipe in Go's poller, trying non-blocking reads for
// up to d before a read that parks, whenever spin (nil: always) allows.
// On a small machine the wake-up of an idle CPU is most of a round trip
// through two pipes; a reader that stays awake for a reply that comes
// within microseconds avoids it (measured: the IPC round trip to a Go
// child, p50 80 to 16 µs). A reader waiting for something slow should not
// spin: it takes the CPU its peer needs.
func SpinReader(f *os.File, d time.Duration, spin func() bool) io.Reader {
	return &spinReader{f: f, d: d, spin: spin}
}

type spinReader struct {
	f    *os.File
	d    time.Duration
	spin func() bool
}

func (r *spinReader) Read(p []byte) (int, error) {
	if len(p) == 0 || r.spin != nil && !r.spin() {
		return r.f.Read(p)
	}
	rc, err := r.f.SyscallConn()
	if err != nil {
		return r.f.Read(p)
	}
	for t0 := time.Now(); time.Since(t0) < r.d; {
		var n int
		var rerr error
		got := false
		_ = rc.Read(func(fd uintptr) bool {
			n, rerr = syscall.Read(int(fd), p)
			got = rerr != syscall.EAGAIN
			return true // never wait here: the spin decides
		})
		switch {
		case !got:
			runtime.Gosched()
		case rerr != nil:
			return r.f.Read(p) // let the file report it
		case n == 0:
			return 0, io.EOF
		default:
			return n, nil
		}
	}
	return r.f.Read(p)
}
