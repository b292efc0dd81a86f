package parity

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/interopkit/interop/internal/benchratio"
	"github.com/interopkit/interop/internal/peer"
	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/suite"
)

// BenchmarkGoPeerRoundTrip measures one case through the protocol to a
// real Go peer process (encode, pipe, decode, run, and back) against the
// same case run in-process. The target is on the difference, reported as
// overhead-µs/op: at most 50 µs.
func BenchmarkGoPeerRoundTrip(b *testing.B) {
	spec := fake(&testing.T{}, "go", "good")
	p, err := peer.Start(context.Background(), peer.Spec{Name: "go", Command: spec.Command, Env: spec.Env}, 10*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	input := json.RawMessage(`{"value":"v2:000102030405060708090a0b::000102030405060708090a0b0c0d0e0f"}`)
	for b.Loop() {
		m, err := p.Run(context.Background(), &peerproto.Message{Suite: "envelope.detect", Case: "bench", Input: input}, 5*time.Second)
		if err != nil || string(m.Output) != `"v2"` {
			b.Fatalf("%v %s", err, m.Output)
		}
	}
	ours := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	id := int64(1)
	benchratio.Report(b, func(n int) {
		for range n {
			suite.Handle(&peerproto.Message{Type: peerproto.TypeRun, ID: &id, Suite: "envelope.detect", Input: input})
		}
	})
	raw := direct(input)
	b.ReportMetric((ours-raw)/1e3, "overhead-µs/op")
}

func direct(input json.RawMessage) float64 {
	id := int64(1)
	const n = 20000
	start := time.Now()
	for range n {
		suite.Handle(&peerproto.Message{Type: peerproto.TypeRun, ID: &id, Suite: "envelope.detect", Input: input})
	}
	return float64(time.Since(start).Nanoseconds()) / n
}
