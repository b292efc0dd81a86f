// Package redact is a fixture.
package redact

import "log/slog"

// Event is a fixture.
func Event(src, event string) slog.Attr {
	return slog.Group("", slog.String("src", src), slog.String("event", event))
}
