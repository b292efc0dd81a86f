// Package leaktest checks, at the end of a test, that no goroutine and no
// child process it started is still alive: the bridges' and the gate's
// tests use it around every scenario with real processes.
package leaktest

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Check records the goroutines now running; the function it returns fails
// the test if, within a few seconds, more are running or any live child
// process of this process remains.
//
//	defer leaktest.Check(t)()
func Check(t testing.TB) func() {
	t.Helper()
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			g, kids := runtime.NumGoroutine(), Children()
			if g <= before && len(kids) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("leaked: %d goroutines (had %d), child processes %v", g, before, kids)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// Children lists the live (not zombie) child processes of this process.
func Children() []int {
	self := os.Getpid()
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		if ppid, live := Parent(pid); live && ppid == self {
			out = append(out, pid)
		}
	}
	return out
}

// Parent returns a process's parent and whether it is alive (not a
// zombie).
func Parent(pid int) (int, bool) {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	// pid (comm) state ppid ...; comm may contain spaces and parentheses.
	rest := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	if len(rest) < 2 || rest[0] == "Z" {
		return 0, false
	}
	ppid, _ := strconv.Atoi(rest[1])
	return ppid, true
}
