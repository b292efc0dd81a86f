package proc

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

func run(t *testing.T, spec Spec) *Process {
	t.Helper()
	p, err := Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		io.Copy(io.Discard, p.Stdout())
		p.Reap()
	}()
	return p
}

func TestStderrLines(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	var cut []bool
	p2 := run(t, Spec{Command: []string{"sh", "-c", `{ printf 'one\ntwo\r\n'; head -c 3000 /dev/zero | tr '\0' x; printf '\nlast'; } >&2`},
		StderrLine: func(l []byte, truncated bool) {
			mu.Lock()
			defer mu.Unlock()
			lines, cut = append(lines, string(l)), append(cut, truncated)
		}})
	<-p2.Done()
	mu.Lock()
	defer mu.Unlock()
	var got []string
	for i, l := range lines {
		if strings.HasPrefix(l, "x") {
			if len(l) != MaxStderrLine || !cut[i] {
				t.Fatalf("a long line: %d bytes, truncated %v", len(l), cut[i])
			}
			continue
		}
		got = append(got, l)
	}
	if strings.Join(got, "|") != "one|two|last" {
		t.Fatalf("lines %q", got)
	}
	if !strings.Contains(p2.Stderr(), "one\ntwo") {
		t.Fatalf("ring %q", p2.Stderr())
	}
}

// Stop gives SIGTERM, then kills a process that ignores it.
func TestStopKillsWhatIgnoresTerm(t *testing.T) {
	p := run(t, Spec{Command: []string{"sh", "-c", `trap '' TERM; sleep 30`}})
	time.Sleep(100 * time.Millisecond) // let the trap be set
	t0 := time.Now()
	p.Stop(200 * time.Millisecond)
	if d := time.Since(t0); d > 10*time.Second {
		t.Fatalf("Stop took %v", d)
	}
	if p.Status() == "still running" || p.ExitError() == nil {
		t.Fatalf("status %q", p.Status())
	}
}
