package redact

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/interopkit/interop/internal/benchratio"
)

// benchRecord is a record of 10 attributes, two of them nested groups
// (user, and client inside it); with secret, user holds a token.
func benchRecord(secret bool) slog.Record {
	user := []any{slog.String("id", "u-1234"), slog.String("name", "alice")}
	if secret {
		user[1] = slog.String("token", "sk-0123456789abcdef")
	}
	user = append(user, slog.Group("client", slog.String("ip", "203.0.113.7"), slog.Int("port", 51234)))
	r := slog.NewRecord(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), slog.LevelInfo, "request served", 0)
	r.AddAttrs(
		slog.String(KeySrc, "core:http"),
		slog.String(KeyEvent, "core.http.request"),
		slog.String("method", "GET"),
		slog.String("path", "/v1/agents/7f0c/memories"),
		slog.Int("status", 200),
		slog.Duration("latency", 1500*time.Microsecond),
		slog.Bool("cached", false),
		slog.Group("user", user...),
		slog.String("agentId", "7f0c1b2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e"),
		slog.Float64("score", 0.93),
	)
	return r
}

// BenchmarkHandler compares the redacting handler wrapping
// slog.NewJSONHandler(io.Discard) with that JSON handler alone, on the same
// record (target: x-raw-speed ≥ 0.5, at most twice the time). "clean" has
// nothing to redact; "secret" has a token inside the user group, so the
// record and that group are copied.
func BenchmarkHandler(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name   string
		secret bool
	}{{"clean", false}, {"secret", true}} {
		b.Run(bc.name, func(b *testing.B) {
			r := benchRecord(bc.secret)
			plain := slog.NewJSONHandler(io.Discard, nil)
			h := NewHandler(slog.NewJSONHandler(io.Discard, nil), Config{})
			b.ReportAllocs()
			for b.Loop() {
				_ = h.Handle(ctx, r)
			}
			benchratio.Report(b, func(n int) {
				for range n {
					_ = plain.Handle(ctx, r)
				}
			})
		})
	}
}
