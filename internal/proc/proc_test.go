package proc

import (
	"fmt"
	"io"
	"slices"
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
		if cut[i] {
			// 3,000 x's and no white space: one token, cut at the limit,
			// so nothing of it is kept (see CutToken).
			if l != "" {
				t.Fatalf("a long line kept %d bytes of the token it cut", len(l))
			}
			continue
		}
		got = append(got, l)
	}
	if !slices.Contains(cut, true) {
		t.Fatalf("the long line was not reported as cut: %q", lines)
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

func TestCutToken(t *testing.T) {
	for _, c := range []struct {
		in    string
		start bool
		want  string
	}{
		{"roj-9XrjjGXZefri key=x\nnext", true, " key=x\nnext"},
		{"a b sk-proj-9Xrj", false, "a b "},
		{"nowhitespace", true, ""},
		{"nowhitespace", false, ""},
		{" lead", true, " lead"},
		{"trail ", false, "trail "},
	} {
		if got := string(CutToken([]byte(c.in), c.start)); got != c.want {
			t.Errorf("CutToken(%q, %v) = %q, want %q", c.in, c.start, got, c.want)
		}
	}
}

// A ring that lost its start, and a line cut at the limit, keep no piece
// of the token the cut went through.
func TestRingDropsCutTokens(t *testing.T) {
	r := &ring{max: 16}
	r.Write([]byte("a sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ end"))
	if got := r.String(); got != " end" {
		t.Errorf("the ring kept a cut token at its start: %q", got)
	}
	var lines []string
	long := strings.Repeat("word ", MaxStderrLine/5) + "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 more\n"
	r2 := &ring{max: 1 << 20, line: func(b []byte, cut bool) { lines = append(lines, fmt.Sprintf("%s|%v", b, cut)) }}
	r2.Write([]byte(long[:700]))
	r2.Write([]byte(long[700:]))
	if len(lines) != 1 || !strings.HasSuffix(lines[0], "|true") || strings.Contains(lines[0], "sk-pr") || strings.Contains(lines[0], "more") {
		t.Errorf("a cut line kept part of the token it cut, or what followed: %d lines, %.80q", len(lines), lines)
	}
}
