package main

// Temporary placeholder until cmd/interop/plugin_ffi.go lands: whoever
// writes plugin_ffi.go (defining openFFI and runHostFFI) deletes this file.

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/interopkit/interop/plugin"
)

func openFFI(ctx context.Context, file string, isolated bool, timeout time.Duration, logger *slog.Logger) (plugin.Plugin, error) {
	return nil, errors.New("ffi: not built")
}

func runHostFFI(args []string, e *env) int { return usagef(e, "plugin host-ffi: not built") }
