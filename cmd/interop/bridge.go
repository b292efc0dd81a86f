package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/bridge/wasm"
	"github.com/interopkit/interop/plugin"
)

// bridgeFlags chooses the bridge a plugin command loads its plugin
// through: --ipc -- CMD, --wasm FILE or --ffi FILE [--isolated].
type bridgeFlags struct {
	ipc            bool
	wasm, ffi      string
	isolated       bool
	maxMemory      byteSize
	maxModuleBytes byteSize
	callTimeout    time.Duration // the calls' deadline when the command's own does not apply
}

func (b *bridgeFlags) register(f *flags) {
	f.BoolVar(&b.ipc, "ipc", false, "run the plugin as an IPC child: -- CMD [ARGS...]")
	f.StringVar(&b.wasm, "wasm", "", "load the WebAssembly module `FILE`")
	f.StringVar(&b.ffi, "ffi", "", "load the shared library `FILE`")
	f.BoolVar(&b.isolated, "isolated", false, "with --ffi: load the library in a child process")
	b.maxMemory = wasm.DefaultMaxMemoryBytes
	b.maxModuleBytes = wasm.DefaultMaxModuleBytes
	f.Var(&b.maxMemory, "max-memory", "with --wasm: memory per instance in `BYTES` (K, M, G suffixes)")
	f.Var(&b.maxModuleBytes, "max-module-bytes", "with --wasm: the largest module in `BYTES` (K, M, G suffixes)")
}

// check says what is wrong with the choice, given the arguments left
// after the flags.
func (b *bridgeFlags) check(args []string) error {
	n := 0
	for _, on := range []bool{b.ipc, b.wasm != "", b.ffi != ""} {
		if on {
			n++
		}
	}
	switch {
	case n == 0:
		return errors.New("say which bridge: --ipc -- CMD [ARGS...], --wasm FILE or --ffi FILE")
	case n > 1:
		return errors.New("give one bridge: --ipc, --wasm or --ffi")
	case b.ipc && len(args) == 0:
		return errors.New("give the child's command after --")
	case !b.ipc && len(args) > 0:
		return fmt.Errorf("unexpected arguments after the flags (%d); only --ipc takes a command", len(args))
	case b.isolated && b.ffi == "":
		return errors.New("--isolated applies to --ffi")
	}
	return nil
}

// kind names the chosen bridge as its package does.
func (b *bridgeFlags) kind() string {
	switch {
	case b.wasm != "":
		return "wasm"
	case b.ffi != "":
		return "ffi"
	}
	return "ipc"
}

// open loads the plugin. timeout bounds the start and, unless callTimeout
// is set, every call.
func (b *bridgeFlags) open(ctx context.Context, args, envs []string, timeout time.Duration, logger *slog.Logger) (plugin.Plugin, error) {
	calls := b.callTimeout
	if calls == 0 {
		calls = timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case b.wasm != "":
		return wasm.Load(ctx, b.wasm, wasm.Config{MaxMemoryBytes: int64(b.maxMemory),
			MaxModuleBytes: int64(b.maxModuleBytes), CallTimeout: calls, Logger: logger})
	case b.ffi != "":
		return openFFI(ctx, b.ffi, b.isolated, calls, logger)
	}
	return ipc.Start(ctx, ipc.Config{Command: args, Env: envs, StartTimeout: timeout, RequestTimeout: calls, Logger: logger})
}

// byteSize is a flag of bytes, with optional K, M or G (powers of 1024).
type byteSize int64

func (s *byteSize) String() string { return strconv.FormatInt(int64(*s), 10) }

func (s *byteSize) Set(v string) error {
	mult := int64(1)
	num := strings.TrimSuffix(strings.TrimSuffix(v, "iB"), "B")
	if num != "" {
		switch num[len(num)-1] {
		case 'K', 'k':
			mult = 1 << 10
		case 'M', 'm':
			mult = 1 << 20
		case 'G', 'g':
			mult = 1 << 30
		}
		if mult > 1 {
			num = num[:len(num)-1]
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<42)/mult {
		return errors.New("want a positive number of bytes, such as 65536, 64K or 64M")
	}
	*s = byteSize(n * mult)
	return nil
}
