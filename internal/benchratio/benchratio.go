// Package benchratio reports a benchmark's speed as a ratio to a raw
// baseline measured in the same run, so that performance targets are read
// from one machine at one moment rather than compared across runs.
package benchratio

import (
	"testing"
	"time"
)

// minBaseline is how long the baseline is timed: long enough to be stable
// on a small, noisy machine.
const minBaseline = 200 * time.Millisecond

// Report times baseline right after the benchmark's own loop and reports
// the metric "x-raw-speed": the baseline's time per operation divided by
// this benchmark's. 1.0 means as fast as the raw baseline; a target of
// "≥ 0.7×" means the metric must be at least 0.7. baseline(n) must run n
// operations. Call Report once, after a b.Loop loop (which runs the
// benchmark function once per -count), so that every run is compared with
// a baseline measured next to it.
func Report(b *testing.B, baseline func(n int)) {
	b.Helper()
	b.StopTimer()
	if b.N == 0 {
		return
	}
	raw := measure(baseline)
	ours := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	if ours > 0 {
		b.ReportMetric(raw/ours, "x-raw-speed")
	}
	b.ReportMetric(raw, "raw-ns/op")
}

func measure(baseline func(n int)) float64 {
	baseline(1) // warm caches and lazy initialisation
	for n := 1; ; n *= 2 {
		start := time.Now()
		baseline(n)
		if d := time.Since(start); d >= minBaseline || n >= 1<<30 {
			return float64(d.Nanoseconds()) / float64(n)
		}
	}
}
