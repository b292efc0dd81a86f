// Package a is a fixture for eventcat's scanner.
package a

import (
	"context"
	"log/slog"

	"example.com/mod/redact"
)

const src = "fix:a"

// EventBoom is exported so another package can use it.
const EventBoom = "fix.a.boom"

func f(log *slog.Logger, name string) {
	log.Error("boom", redact.Event(src, EventBoom), slog.Int("n", 1))
	log.LogAttrs(context.Background(), slog.LevelWarn, "boom again", redact.Event(src, EventBoom), slog.String("why", "x"))
	log.Info("plain", "k", 1) // not an event
	log.Warn("pair", slog.String("src", "fix:a"), slog.String("event", "fix.a.pair"), "extra", 2)
	log.Info("bad", redact.Event(src, name))                                            // not a constant: a problem
	log.Log(context.Background(), slog.Level(3), "odd", redact.Event(src, "fix.a.odd")) // level not a constant
}

// hidden emits events the scanner cannot read where they are logged: each
// is a problem.
func hidden(log *slog.Logger) {
	attrs := []any{redact.Event(src, "fix.a.slice")}
	log.Info("slice", attrs...)
	log.With(redact.Event(src, "fix.a.with")).Warn("with")
	info := log.Info
	info("method value", slog.String("event", "fix.a.value"))
}
