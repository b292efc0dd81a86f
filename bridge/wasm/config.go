package wasm

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/interopkit/interop/redact"
)

// Defaults of Config (spec/wasm.md, section 6). None of the limits can be
// switched off.
const (
	DefaultMaxModuleBytes  = 32 << 20
	DefaultMaxMemoryBytes  = 64 << 20
	DefaultCallTimeout     = 30 * time.Second
	DefaultMaxMessageBytes = 1_000_000
	DefaultInstances       = 4
)

// pageSize is the WebAssembly page, the unit of memory limits.
const pageSize = 65536

// Src is the src attribute of every event the host logs.
const Src = "interop:wasm"

// Events the host logs, for alerting.
const (
	EventStdout = "interop.wasm.stdout" // a guest's console_log or WASI stdout
	EventStderr = "interop.wasm.stderr" // a guest's console_error or WASI stderr
	EventTrap   = "interop.wasm.trap"   // a call ended by a trap, abort, exit or limit; its instance discarded
)

// Config sets a plugin's limits. The zero value is the defaults.
type Config struct {
	MaxModuleBytes  int64         // the module file; DefaultMaxModuleBytes when zero
	MaxMemoryBytes  int64         // per instance, initial and grown; DefaultMaxMemoryBytes when zero
	CallTimeout     time.Duration // per call, unless the context ends sooner; DefaultCallTimeout when zero
	MaxMessageBytes int           // every input and every result; DefaultMaxMessageBytes when zero
	Instances       int           // instances run at once; DefaultInstances when zero
	// Logger receives the guest's log records and the host's events,
	// through the redacting handler; slog.Default when nil.
	Logger *slog.Logger

	// noInterrupt compiles without the checks that stop a running guest
	// when its context ends, for the benchmark that measures their cost.
	// Nothing outside the package can set it: the time limit is not
	// optional.
	noInterrupt bool
	// noCache compiles without the process's compilation cache, for the
	// benchmark of load times.
	noCache bool
}

// Errors of the host beyond those of package plugin. Each is wrapped with
// the function and the figure that broke the limit; none carries guest
// data beyond a short, redacted message.
var (
	// ErrConfig reports a Config that cannot work.
	ErrConfig = errors.New("wasm: bad config")
	// ErrModuleTooLarge reports a module file over MaxModuleBytes.
	ErrModuleTooLarge = errors.New("wasm: module over the size limit")
	// ErrInvalidModule reports bytes that are not a module wazero can
	// compile.
	ErrInvalidModule = errors.New("wasm: invalid module")
	// ErrMissingExport reports a module without a required export.
	ErrMissingExport = errors.New("wasm: required export missing")
	// ErrSignature reports an export or import whose type differs from
	// the ABI's, or a module that mixes the two result conventions.
	ErrSignature = errors.New("wasm: export or import of the wrong type")
	// ErrImport reports an import the host does not provide.
	ErrImport = errors.New("wasm: import not provided by the host")
	// ErrMemoryLimit reports a module whose memory starts over, or a guest
	// that trapped at, MaxMemoryBytes.
	ErrMemoryLimit = errors.New("wasm: memory limit reached")
	// ErrTrap reports a call ended by a trap.
	ErrTrap = errors.New("wasm: guest trapped")
	// ErrAborted reports a call ended by the guest calling env.abort.
	ErrAborted = errors.New("wasm: guest called abort")
	// ErrExited reports a call ended by the guest calling WASI proc_exit.
	ErrExited = errors.New("wasm: guest exited")
	// ErrBadResult reports a result pointer or length outside memory, a
	// result that is not UTF-8 or not the JSON expected, or an alloc that
	// returned unusable memory.
	ErrBadResult = errors.New("wasm: guest returned a bad result")
)

func (c *Config) defaults() error {
	if c.MaxModuleBytes == 0 {
		c.MaxModuleBytes = DefaultMaxModuleBytes
	}
	if c.MaxMemoryBytes == 0 {
		c.MaxMemoryBytes = DefaultMaxMemoryBytes
	}
	if c.CallTimeout == 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.Instances == 0 {
		c.Instances = DefaultInstances
	}
	switch {
	case c.MaxModuleBytes < 0 || c.MaxMemoryBytes < 0 || c.MaxMessageBytes < 0 || c.Instances < 0:
		return fmt.Errorf("%w: negative limit", ErrConfig)
	case c.CallTimeout < 0:
		return fmt.Errorf("%w: negative CallTimeout", ErrConfig)
	case c.MaxMemoryBytes < pageSize:
		return fmt.Errorf("%w: MaxMemoryBytes %d is less than one page (%d bytes)", ErrConfig, c.MaxMemoryBytes, pageSize)
	case c.MaxMemoryBytes > 65536*pageSize:
		return fmt.Errorf("%w: MaxMemoryBytes %d is over 4 GiB, the most a 32-bit memory can address", ErrConfig, c.MaxMemoryBytes)
	case c.MaxMessageBytes > 1<<30:
		return fmt.Errorf("%w: MaxMessageBytes %d is over 1 GiB", ErrConfig, c.MaxMessageBytes)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Logger = slog.New(redact.NewHandler(c.Logger.Handler(), redact.ConfigFromEnv()))
	return nil
}

// memoryPages is MaxMemoryBytes in whole pages.
func (c *Config) memoryPages() uint32 { return uint32(c.MaxMemoryBytes / pageSize) }
