package ffi

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/plugin"
)

// openIsolated starts the child that serves the library and supervises
// it: a crash ends the calls in flight with an ipc.ExitError (which
// errors.Is plugin.ErrClosed), and the next call gets a new child.
func openIsolated(ctx context.Context, path string, cfg Config) (plugin.Plugin, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, path, err)
	}
	command := cfg.Command
	if len(command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("ffi: locating this executable for the isolated child: %w", err)
		}
		command = []string{exe, "plugin", "host-ffi"}
	}
	command = append(append([]string{}, command...), abs)
	policy := cfg.Restart
	if policy == (ipc.Restart{}) {
		policy = ipc.Restart{Max: 5, Backoff: 100 * time.Millisecond}
	}
	return ipc.Supervise(ctx, ipc.Config{Command: command, RequestTimeout: cfg.CallTimeout, MaxMessageBytes: max(ipc.DefaultMaxMessageBytes, 2*cfg.MaxResultBytes), Logger: cfg.Logger}, policy)
}

// ServeLibrary is the isolated child: it loads the library in this
// process and serves it over in and out with the IPC bridge (spec/ipc.md)
// until in ends or ctx is done. out must carry nothing else.
func ServeLibrary(ctx context.Context, path string, in io.Reader, out io.Writer) error {
	p, err := Load(path, Config{})
	if err != nil {
		return err
	}
	defer p.Close(context.Background())
	return ipc.Serve(ctx, p, in, out, nil)
}
