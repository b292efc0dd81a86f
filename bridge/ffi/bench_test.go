package ffi

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/interopkit/interop/internal/plugintest"
)

// benchArgs are the arguments of invoke_action ECHO with a short message.
func benchArgs(b *testing.B) []string {
	mem, err := json.Marshal(plugintest.Msg("ping").Memory)
	if err != nil {
		b.Fatal(err)
	}
	return []string{"ECHO", string(mem), "null", "{}"}
}

// BenchmarkRoundTrip: invoke_action ECHO through the C example library.
// raw is the string round trip the loader makes (C strings in, the result
// read and freed) on the caller's goroutine, raw-detached the same on a
// goroutine of its own (Config.Detach), full is Plugin.InvokeAction with Go values, isolated
// is the same call to the library in a child behind the IPC bridge. With
// -tags cgobench, BenchmarkRoundTripCgo is the same raw call through cgo.
func BenchmarkRoundTrip(b *testing.B) {
	path := library(b, examples[0].path)
	args := benchArgs(b)
	for _, detach := range []bool{false, true} {
		name := "raw"
		if detach {
			name = "raw-detached"
		}
		b.Run(name, func(b *testing.B) {
			p, err := Load(path, Config{Detach: detach})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				if _, err := p.call(ctx, "action.invoke", "ECHO", "elizaos_invoke_action", p.sym.invokeAction, true, args...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("full", func(b *testing.B) {
		p, err := Load(path, Config{})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		msg := plugintest.Msg("ping")
		for b.Loop() {
			if _, err := p.InvokeAction(ctx, "ECHO", msg, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("isolated", func(b *testing.B) {
		p, err := Open(context.Background(), path, isolated(Config{}))
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close(context.Background())
		ctx := context.Background()
		msg := plugintest.Msg("ping")
		for b.Loop() {
			if _, err := p.InvokeAction(ctx, "ECHO", msg, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
