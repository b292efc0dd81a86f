package wasm

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/interopkit/interop/internal/benchratio"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// benchMessage is a message whose Memory is about 1 KiB of JSON.
func benchMessage(b *testing.B) (plugin.Message, []byte) {
	text := strings.Repeat("the quick brown fox jumps over the lazy dog ", 20)
	src := "bench"
	m := &types.Memory{EntityID: "11111111-1111-4111-8111-111111111111", RoomID: "22222222-2222-4222-8222-222222222222",
		AgentID: ptr("33333333-3333-4333-8333-333333333333"), Content: types.Content{Text: &text, Source: &src}}
	raw, err := json.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	if len(raw) < 900 || len(raw) > 1200 {
		b.Fatalf("the benchmark's Memory is %d bytes of JSON, want about 1 KiB", len(raw))
	}
	return plugin.Message{Memory: m}, raw
}

func ptr[T any](v T) *T { return &v }

// benchGuests are the guests the benchmarks run, the C one first: the
// figures of spec/wasm.md are the C guest's.
var benchGuests = []string{"c-example.wasm", "rust-example.wasm", "go-example.wasm"}

func loadBench(b *testing.B, file string, cfg Config) *Plugin {
	p, err := Load(context.Background(), guest(b, file), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close(context.Background()) })
	return p
}

// bareCall is the baseline: n calls of an exported function that does
// nothing (dealloc of nothing) on an instance of the same module, with
// no deadline, no inputs and no result.
func bareCall(b *testing.B, p *Plugin) func(n int) {
	in, err := p.take(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.release(in) })
	ctx := context.Background()
	return func(n int) {
		for range n {
			in.stack[0], in.stack[1] = 0, 0
			if err := in.dealloc.CallWithStack(ctx, in.stack[:]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkInvokeAction is invoke_action ECHO with a 1 KiB Memory: raw is
// the ABI round trip with the JSON already encoded (what the bridge
// adds), full is Plugin.InvokeAction with Go values encoded and decoded.
// interrupt=off compiles without the checks that stop a runaway guest, to
// measure what the time limit costs. x-raw-speed compares with a bare
// call of the same module in the same run.
func BenchmarkInvokeAction(b *testing.B) {
	msg, mem := benchMessage(b)
	for _, file := range benchGuests {
		for _, interrupt := range []bool{true, false} {
			name := strings.TrimSuffix(file, ".wasm") + "/interrupt=on"
			if !interrupt {
				name = strings.TrimSuffix(file, ".wasm") + "/interrupt=off"
			}
			b.Run(name+"/raw", func(b *testing.B) {
				p := loadBench(b, file, Config{noInterrupt: !interrupt})
				ctx := context.Background()
				args := [][]byte{[]byte("ECHO"), mem, []byte("null"), []byte("{}")}
				for b.Loop() {
					if _, _, err := p.call(ctx, exInvokeAction, args...); err != nil {
						b.Fatal(err)
					}
				}
				benchratio.Report(b, bareCall(b, p))
			})
			b.Run(name+"/full", func(b *testing.B) {
				p := loadBench(b, file, Config{noInterrupt: !interrupt})
				ctx := context.Background()
				for b.Loop() {
					if r, err := p.InvokeAction(ctx, "ECHO", msg, nil); err != nil || !r.Success {
						b.Fatal(r, err)
					}
				}
				benchratio.Report(b, bareCall(b, p))
			})
		}
	}
}

// BenchmarkParallel runs invoke_action from every P: one instance (calls
// take turns) against a pool of four.
func BenchmarkParallel(b *testing.B) {
	_, mem := benchMessage(b)
	for _, instances := range []int{1, 4} {
		b.Run("instances="+string(rune('0'+instances)), func(b *testing.B) {
			p := loadBench(b, benchGuests[0], Config{Instances: instances})
			args := [][]byte{[]byte("ECHO"), mem, []byte("null"), []byte("{}")}
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, _, err := p.call(context.Background(), exInvokeAction, args...); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkLoad loads a guest: compiled fresh every time, or from the
// process's compilation cache.
func BenchmarkLoad(b *testing.B) {
	for _, file := range benchGuests {
		bin, err := os.ReadFile(guest(b, file))
		if err != nil {
			b.Fatal(err)
		}
		for _, cached := range []bool{false, true} {
			name := strings.TrimSuffix(file, ".wasm") + "/cache=off"
			if cached {
				name = strings.TrimSuffix(file, ".wasm") + "/cache=on"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					p, err := LoadBytes(context.Background(), bin, Config{noCache: !cached})
					if err != nil {
						b.Fatal(err)
					}
					p.Close(context.Background())
				}
			})
		}
	}
}
