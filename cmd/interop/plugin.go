package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/pluginsuite"
	"github.com/interopkit/interop/internal/safefile"
	"github.com/interopkit/interop/internal/suite"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

const pluginHelp = `
Usage: interop plugin manifest BRIDGE [flags]
       interop plugin call BRIDGE [flags] (--action NAME | --provider NAME | --evaluator NAME)
       interop plugin serve-example
       interop plugin host-ffi FILE
       interop plugin peer --name NAME BRIDGE

BRIDGE says where the plugin runs:
  --ipc [flags] -- CMD [ARGS...]   a child process speaking spec/ipc.md
  --wasm FILE                      a WebAssembly module (spec/wasm.md), sandboxed
  --ffi FILE [--isolated]          a native shared library (spec/ffi.md): in this
                                   process (trusted code), or with --isolated in a
                                   child process that a crash cannot take down

manifest loads the plugin and prints its manifest. call loads it, passes it
--config values (plugin.init), runs one action, provider or evaluator on a
message and prints the result as JSON. serve-example runs the Go example
plugin (spec/example-plugin.md) as an IPC child on standard input and
output; host-ffi serves a shared library the same way (the child of
--ffi --isolated). peer serves the plugin.example suite to the parity gate
with the plugin behind a bridge (the gate's columns go-ipc, python-ipc,
ts-ipc, go-wasm, c-wasm, rust-wasm, c-ffi and rust-ffi).

An IPC child's environment is deny-by-default: PATH, HOME, LANG, LC_ALL,
TMPDIR and TZ, plus what --env names (NAME takes this process's value,
NAME=VALUE sets one). Its stderr is logged, redacted, on this command's
stderr. A WebAssembly guest gets no files, environment or network; its log
lines are logged the same way.

Flags of call and manifest:
  --timeout D        deadline of the start and of the call (default 30s)
  --env NAME[=VALUE] pass a variable to an IPC child (repeatable)
  --max-memory N     WebAssembly memory per instance, in bytes; K, M, G
                     suffixes are powers of 1024 (default 64M)
  --max-module-bytes N  the largest WebAssembly module loaded (default 32M)
  --config NAME=VALUE  plugin configuration for plugin.init (repeatable)
  --text TEXT        the message text (builds a Memory)
  --memory FILE      the Memory as JSON (instead of --text)
  --state FILE       the State as JSON
  --options FILE     the action's options as a JSON object
  --validate         validate the action or evaluator instead of running it

Exit codes: 0 success; 1 the plugin failed (it raised, or its result says
success false) or refused (validation false); 2 a usage or bridge failure.
`

func runPlugin(args []string, e *env) int {
	op, code, ok := operation("plugin", args, pluginHelp, []string{"manifest", "call", "serve-example", "host-ffi", "peer"}, e)
	if !ok {
		return code
	}
	if op == "peer" {
		return runPluginPeer(args[1:], e)
	}
	if op == "host-ffi" {
		return runHostFFI(args[1:], e)
	}
	if op == "serve-example" {
		if len(args) > 1 {
			return usagef(e, "plugin serve-example: takes no arguments")
		}
		return serveExample(e)
	}
	cmd := newFlags("plugin "+op, pluginHelp)
	var br bridgeFlags
	br.register(cmd)
	timeout := cmd.Duration("timeout", 30*time.Second, "deadline of the start and of the call")
	var envs, configs multi
	cmd.Var(&envs, "env", "pass `NAME[=VALUE]` to an IPC child (repeatable)")
	cmd.Var(&configs, "config", "plugin configuration `NAME=VALUE` (repeatable)")
	action := cmd.String("action", "", "run the action `NAME`")
	provider := cmd.String("provider", "", "run the provider `NAME`")
	evaluator := cmd.String("evaluator", "", "run the evaluator `NAME`")
	text := cmd.String("text", "", "the message `TEXT`")
	memFile := cmd.String("memory", "", "the Memory as JSON in `FILE`")
	stateFile := cmd.String("state", "", "the State as JSON in `FILE`")
	optFile := cmd.String("options", "", "the options as a JSON object in `FILE`")
	validate := cmd.Bool("validate", false, "validate instead of running")
	if code, done := cmd.parse(args[1:], e); done {
		return code
	}
	if err := br.check(cmd.Args()); err != nil {
		return usagef(e, "plugin %s: %v", op, err)
	}
	if *timeout <= 0 {
		return usagef(e, "plugin %s: --timeout must be a positive duration", op)
	}
	config := map[string]string{}
	for i, c := range configs {
		k, v, ok := strings.Cut(c, "=")
		if !ok || k == "" {
			return usagef(e, "plugin %s: --config (number %d): want NAME=VALUE", op, i+1)
		}
		config[k] = v
	}
	for i, v := range envs {
		if name, _, _ := strings.Cut(v, "="); name == "" {
			return usagef(e, "plugin %s: --env (number %d): want NAME or NAME=VALUE", op, i+1)
		}
	}
	var msg plugin.Message
	var options map[string]any
	if op == "call" {
		n := 0
		for _, s := range []string{*action, *provider, *evaluator} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			return usagef(e, "plugin call: give exactly one of --action, --provider and --evaluator")
		}
		if *validate && *provider != "" {
			return usagef(e, "plugin call: --validate applies to an action or an evaluator")
		}
		var err error
		if msg, options, err = readMessage(*text, *memFile, *stateFile, *optFile); err != nil {
			return usagef(e, "plugin call: %v", err)
		}
	}
	ctx, stop := signalContext()
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	logger := e.logger(slog.LevelInfo)
	h, err := br.open(ctx, cmd.Args(), envs, *timeout, logger)
	if err != nil {
		return failInfra(e, "plugin %s: %v", op, err)
	}
	defer h.Close(context.Background())
	if op == "manifest" {
		return printJSON(e, h.Manifest())
	}
	if len(config) > 0 {
		if err := h.Init(ctx, config); err != nil {
			return pluginFailure(e, err)
		}
	}
	var out any
	failed := false
	switch {
	case *action != "" && *validate:
		ok, err := h.ValidateAction(ctx, *action, msg)
		if err != nil {
			return pluginFailure(e, err)
		}
		out, failed = map[string]bool{"valid": ok}, !ok
	case *action != "":
		r, err := h.InvokeAction(ctx, *action, msg, options)
		if err != nil {
			return pluginFailure(e, err)
		}
		out, failed = r, r == nil || !r.Success
	case *provider != "":
		r, err := h.GetProvider(ctx, *provider, msg)
		if err != nil {
			return pluginFailure(e, err)
		}
		out = r
	case *evaluator != "" && *validate:
		ok, err := h.ValidateEvaluator(ctx, *evaluator, msg)
		if err != nil {
			return pluginFailure(e, err)
		}
		out, failed = map[string]bool{"valid": ok}, !ok
	default:
		r, err := h.InvokeEvaluator(ctx, *evaluator, msg)
		if err != nil {
			return pluginFailure(e, err)
		}
		out, failed = r, r != nil && !r.Success
	}
	if code := printJSON(e, out); code != exitOK {
		return code
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// pluginFailure maps a call's error to an exit code: the plugin's own
// failure is 1, the bridge's is 2.
func pluginFailure(e *env, err error) int {
	var pe *plugin.Error
	if errors.As(err, &pe) {
		return failf(e, "%v", err)
	}
	return failInfra(e, "%v", err)
}

func printJSON(e *env, v any) int {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return failInfra(e, "plugin: writing the result: %v", err)
	}
	if _, err := fmt.Fprintf(e.stdout, "%s\n", b); err != nil {
		return failInfra(e, "plugin: %v", err)
	}
	return exitOK
}

// maxJSONFile bounds --memory, --state and --options.
const maxJSONFile = 16 << 20

// readMessage builds the message and options of a call.
func readMessage(text, memFile, stateFile, optFile string) (plugin.Message, map[string]any, error) {
	var msg plugin.Message
	var options map[string]any
	load := func(flag, name string, v any) error {
		b, err := safefile.ReadFile(name, maxJSONFile)
		if err != nil {
			return fmt.Errorf("--%s: %v", flag, describePathErr(err))
		}
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("--%s: %s is not a valid %s: %v", flag, name, flag, jsonErr(err))
		}
		return nil
	}
	switch {
	case memFile != "" && text != "":
		return msg, nil, errors.New("give --text or --memory, not both")
	case memFile != "":
		msg.Memory = new(types.Memory)
		if err := load("memory", memFile, msg.Memory); err != nil {
			return msg, nil, err
		}
	default:
		msg.Memory = &types.Memory{EntityID: "00000000-0000-0000-0000-000000000000", RoomID: "00000000-0000-0000-0000-000000000000",
			Content: types.Content{Text: &text}}
	}
	if stateFile != "" {
		msg.State = new(types.State)
		if err := load("state", stateFile, msg.State); err != nil {
			return msg, nil, err
		}
	}
	if optFile != "" {
		if err := load("options", optFile, &options); err != nil {
			return msg, nil, err
		}
	}
	return msg, options, nil
}

// childStdio is the input and output of an IPC child. In a real process,
// standard output is kept for protocol lines only: file descriptor 1 is
// pointed at standard error, so that anything else printing to stdout
// (plugin code, a native library) cannot corrupt the stream. close
// releases the protocol's descriptor.
func childStdio(e *env) (in io.Reader, out io.Writer, close func(), err error) {
	if !e.process {
		return e.stdin, e.stdout, func() {}, nil
	}
	fd, err := syscall.Dup(1)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := syscall.Dup2(2, 1); err != nil {
		syscall.Close(fd)
		return nil, nil, nil, err
	}
	proto := os.NewFile(uintptr(fd), "protocol")
	os.Stdout = os.Stderr
	return ipc.PollableStdin(), proto, func() { proto.Close() }, nil
}

// serveExample serves the Go example plugin as an IPC child.
func serveExample(e *env) int {
	in, out, closeOut, err := childStdio(e)
	if err != nil {
		return failInfra(e, "plugin serve-example: %v", err)
	}
	defer closeOut()
	if e.process {
		// The example plugin does no heavy work: one P avoids a thread
		// hand-off on every request (a 3x shorter round trip here).
		runtime.GOMAXPROCS(1)
	}
	ctx, stop := signalContext()
	defer stop()
	if err := ipc.Serve(ctx, exampleplugin.New(), in, out, nil); err != nil && !errors.Is(err, context.Canceled) {
		return failf(e, "plugin serve-example: %v", err)
	}
	return exitOK
}

// runPluginPeer serves a plugin behind the IPC bridge to the parity gate
// (spec/runner-protocol.md) as a peer that runs the plugin.example suite:
// the example plugin of any language, through the bridge, becomes a column
// of the gate's matrix.
func runPluginPeer(args []string, e *env) int {
	cmd := newFlags("plugin peer", pluginHelp)
	name := cmd.String("name", "", "the peer's `NAME` in reports")
	var br bridgeFlags
	br.register(cmd)
	timeout := cmd.Duration("start-timeout", 30*time.Second, "deadline for loading the plugin")
	if code, done := cmd.parse(args, e); done {
		return code
	}
	if !peerName.MatchString(*name) {
		return usagef(e, "plugin peer: want --name NAME BRIDGE")
	}
	if err := br.check(cmd.Args()); err != nil {
		return usagef(e, "plugin peer: %v", err)
	}
	ctx, stop := signalContext()
	defer stop()
	logger := e.logger(slog.LevelWarn)
	br.callTimeout = 10 * time.Second
	h, err := br.open(ctx, cmd.Args(), nil, *timeout, logger)
	if err != nil {
		return failInfra(e, "plugin peer: %v", err)
	}
	defer func() {
		// A native call the gate stopped waiting for (plg-sleep-timeout)
		// may still run: it ends with the process.
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = h.Close(cctx)
	}()
	m := h.Manifest()
	language, version := "unknown", "unknown"
	if m.Language != nil {
		language = *m.Language
	}
	if m.Version != nil {
		version = *m.Version
	}
	hello := &peerproto.Message{Type: peerproto.TypeHello, Protocol: peerproto.Version,
		Peer:   &peerproto.PeerInfo{Name: *name, Language: language, Implementation: m.Name + " via bridge/" + br.kind(), Version: version},
		Suites: []string{pluginsuite.Suite}}
	handle := func(req *peerproto.Message) *peerproto.Message {
		res := &peerproto.Message{Type: peerproto.TypeResult, ID: req.ID}
		if req.Suite != pluginsuite.Suite {
			res.Fault = "only the plugin.example suite is served"
			return res
		}
		out, err := pluginsuite.Run(ctx, h, req.Input)
		switch {
		case err != nil:
			// A bridge failure the suite has no kind for: the peer's own.
			res.Fault = "the bridge failed: " + err.Error()
		case out.Error != "":
			res.Error = out.Error
		default:
			res.Output = out.Output
		}
		return res
	}
	if err := suite.ServePeer(e.stdin, e.stdout, hello, handle); err != nil {
		return failf(e, "plugin peer: %v", err)
	}
	return exitOK
}
