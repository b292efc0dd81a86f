package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/interopkit/interop/bridge/ffi"
	"github.com/interopkit/interop/plugin"
)

// openFFI loads a shared library: in this process, or with isolated in a
// child (this executable's plugin host-ffi) behind the IPC bridge. In
// process, calls are detached: a command (or the gate's peer) answers at
// its deadline even when the native call runs on.
func openFFI(ctx context.Context, file string, isolated bool, timeout time.Duration, logger *slog.Logger) (plugin.Plugin, error) {
	return ffi.Open(ctx, file, ffi.Config{Isolated: isolated, Detach: !isolated, CallTimeout: timeout, Logger: logger})
}

// runHostFFI serves a shared library as an IPC child: the child of
// plugin --ffi FILE --isolated, with stdout for protocol lines only
// (childStdio), so that whatever the library prints goes to stderr.
func runHostFFI(args []string, e *env) int {
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
			return usagef(e, "usage: interop plugin host-ffi FILE")
		}
		return usagef(e, "plugin host-ffi: want one argument, the shared library")
	}
	in, out, closeOut, err := childStdio(e)
	if err != nil {
		return failInfra(e, "plugin host-ffi: %v", err)
	}
	defer closeOut()
	ctx, stop := signalContext()
	defer stop()
	if err := ffi.ServeLibrary(ctx, args[0], in, out); err != nil && !errors.Is(err, context.Canceled) {
		return failInfra(e, "plugin host-ffi: %v", err)
	}
	return exitOK
}
