package ipc_test

import (
	"bufio"
	"context"

	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/benchratio"
	"github.com/interopkit/interop/internal/plugintest"
)

// pingPong runs n lock-step round trips of a small line through a child
// that echoes lines (cmd): the floor under any protocol over two pipes.
func pingPong(b *testing.B, cmd *exec.Cmd) func(n int) {
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { in.Close(); cmd.Wait() })
	r := bufio.NewReader(out)
	line := []byte(`{"type":"action.invoke","id":"req_1","action":"ECHO","memory":{"entityId":"e","roomId":"r","content":{"text":"ping"}}}` + "\n")
	return func(n int) {
		for range n {
			if _, err := in.Write(line); err != nil {
				b.Fatal(err)
			}
			if _, err := r.ReadSlice('\n'); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func selfChild(b *testing.B, mode string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "IPC_CHILD="+mode)
	return cmd
}

// children of the benchmarks: the host's child, and the bare echo loop in
// the same language that is its baseline.
func benchChildren(b *testing.B) map[string][2]func() *exec.Cmd {
	m := map[string][2]func() *exec.Cmd{
		"go": {func() *exec.Cmd { return selfChild(b, "example") }, func() *exec.Cmd { return selfChild(b, "pingpong") }},
	}
	if _, err := os.Stat("../../runners/python/.venv/bin/python"); err == nil {
		m["python"] = [2]func() *exec.Cmd{
			func() *exec.Cmd {
				return exec.Command("../../runners/python/.venv/bin/python", "../../runners/python/plugin_server.py", "--module", "../../runners/python/example_plugin.py")
			},
			func() *exec.Cmd {
				return exec.Command("../../runners/python/.venv/bin/python", "-c", "import sys\nfor l in sys.stdin.buffer:\n    sys.stdout.buffer.write(l); sys.stdout.buffer.flush()")
			},
		}
	}
	if _, err := os.Stat("../../runners/ts/plugin-server.mjs"); err == nil {
		m["node"] = [2]func() *exec.Cmd{
			func() *exec.Cmd {
				return exec.Command("node", "../../runners/ts/plugin-server.mjs", "../../runners/ts/example-plugin.mjs")
			},
			func() *exec.Cmd {
				return exec.Command("node", "-e", "const rl=require('readline').createInterface({input:process.stdin});rl.on('line',l=>process.stdout.write(l+'\\n'))")
			},
		}
	}
	return m
}

func startCmd(b *testing.B, cmd *exec.Cmd) *ipc.Host {
	h, err := ipc.Start(context.Background(), ipc.Config{Command: cmd.Args, Env: cmd.Env, StartTimeout: 30 * time.Second, MaxPendingRequests: 4096})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close(context.Background()) })
	return h
}

// BenchmarkRoundTrip: one small action.invoke at a time, with the raw
// ping-pong through a bare echo child of the same language as baseline
// (x-raw-speed; 1.0 means as fast as the floor), and the p50 and p99 of
// the round trips.
func BenchmarkRoundTrip(b *testing.B) {
	for name, c := range benchChildren(b) {
		b.Run(name, func(b *testing.B) {
			h := startCmd(b, c[0]())
			msg := plugintest.Msg("ping")
			ctx := context.Background()
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, err := h.InvokeAction(ctx, "ECHO", msg, nil); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
			benchratio.Report(b, pingPong(b, c[1]()))
		})
	}
}

// BenchmarkPipelined: many callers at once through one child; calls/s.
func BenchmarkPipelined(b *testing.B) {
	for name, c := range benchChildren(b) {
		b.Run(name, func(b *testing.B) {
			h := startCmd(b, c[0]())
			msg := plugintest.Msg("ping")
			ctx := context.Background()
			const workers = 64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			per := (b.N + workers - 1) / workers
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range per {
						if _, err := h.InvokeAction(ctx, "ECHO", msg, nil); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(per*workers)/time.Since(start).Seconds(), "calls/s")
		})
	}
}
