package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/safefile"
	"github.com/interopkit/interop/internal/suite"
	"github.com/interopkit/interop/parity"
	"github.com/interopkit/interop/vectors"
)

const parityHelp = `
Usage: interop parity [flags]
       interop parity merge [--report FORMAT=FILE]... REPORT.json...
       interop parity fuzz [--suite SUITE]... [--n N] [--seed X] [--out DIR]
       interop peer

The conformance gate: starts the peers (go, ts, python, rust, and any given
with --peer), runs every vector case each one declares, checks envelopes
pairwise (sealed by one peer, opened by every other), holds the results
against parity/known-failures/<peer>.json, prints the suites × peers matrix
and ends with "N passed, N failed, N skipped".

Peers: go is built in; ts, python and rust run from a checkout (--root) once
installed (make parity installs them). --peers auto (the default) runs every
peer that is installed and says which are not; naming peers requires them.
A peer's environment is deny by default: PATH, HOME, LANG, LC_ALL, TMPDIR and
TZ only, so that no CI token or salt reaches it; start one that needs more
through env(1): --peer 'java=env JAVA_HOME=/opt/jdk java -jar runner.jar'.

The last line counts only exact agreements as passed; the line before it
counts known failures, tolerated answers of acceptable cases and peers not
run, which are neither passed nor failed. A secret that the spec says must
be sealed and a peer returned in clear is listed on its own.

Exit codes: 0 every result agrees exactly, is tolerated, skipped, or is a
listed known failure observed as recorded; 1 an unexpected disagreement, a
known failure that changed or now passes, or a peer that declared a suite
and answered none of it; 2 a usage or infrastructure failure (a peer that
cannot start or was given up on, unreadable vectors, a run stopped by a
signal or --deadline, or a run that compared nothing).

Reports: --report json=FILE (JSON Lines, one object per case; input of
"interop parity merge"), junit=FILE, markdown=FILE, html=FILE.
"interop peer" serves the Go implementation over the peer protocol
(spec/runner-protocol.md) on standard input and output.
`

// multi collects a repeatable flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

// builtinPeers are the peers a checkout provides, relative to --root.
var builtinPeers = []struct {
	name    string
	command []string
	check   string // a file that exists once the peer is installed
	runner  string // runners/<runner>/.install-error says why it is not; the name when empty
}{
	{"go", []string{self, "peer"}, "", ""},
	{"ts", []string{"node", "runners/ts/peer.mjs"}, "runners/ts/node_modules/@elizaos/core/package.json", ""},
	{"python", []string{"runners/python/.venv/bin/python", "runners/python/peer.py"}, "runners/python/.venv/bin/python", ""},
	{"rust", []string{"runners/rust/target/release/interop-peer"}, "runners/rust/target/release/interop-peer", ""},
	// The example plugin of each language through the IPC bridge
	// (spec/example-plugin.md): the plugin.example suite.
	{"go-ipc", []string{self, "plugin", "peer", "--name", "go-ipc", "--ipc", "--", self, "plugin", "serve-example"}, "", ""},
	{"python-ipc", []string{self, "plugin", "peer", "--name", "python-ipc", "--ipc", "--",
		"runners/python/.venv/bin/python", "runners/python/plugin_server.py", "--module", "runners/python/example_plugin.py"}, "runners/python/.venv/bin/python", "python"},
	{"ts-ipc", []string{self, "plugin", "peer", "--name", "ts-ipc", "--ipc", "--",
		"node", "runners/ts/plugin-server.mjs", "runners/ts/example-plugin.mjs"}, "runners/ts/node_modules/@elizaos/core/package.json", "ts"},
	// The example plugin compiled to WebAssembly (spec/wasm.md), each run
	// sandboxed by bridge/wasm; make guests builds them.
	{"go-wasm", []string{self, "plugin", "peer", "--name", "go-wasm", "--wasm", "build/guests/go-example.wasm"}, "build/guests/go-example.wasm", "go-wasm"},
	{"c-wasm", []string{self, "plugin", "peer", "--name", "c-wasm", "--wasm", "build/guests/c-example.wasm"}, "build/guests/c-example.wasm", "c"},
	{"rust-wasm", []string{self, "plugin", "peer", "--name", "rust-wasm", "--wasm", "build/guests/rust-example.wasm"}, "build/guests/rust-example.wasm", "rust-wasm"},
	// The example plugin as a native library (spec/ffi.md) through
	// bridge/ffi, in process.
	{"c-ffi", []string{self, "plugin", "peer", "--name", "c-ffi", "--ffi", "build/guests/libc-example.so"}, "build/guests/libc-example.so", "c"},
	{"rust-ffi", []string{self, "plugin", "peer", "--name", "rust-ffi", "--ffi", "runners/rust/target/release/libinterop_ffi_example.so"},
		"runners/rust/target/release/libinterop_ffi_example.so", "rust"},
}

// self stands for this binary in builtinPeers.
const self = "\x00self"

// installError is where make parity leaves the reason a peer's
// installation failed (the command and its last error line), relative to
// --root: runners/<peer>/.install-error.
func installError(root, name string) string {
	path := filepath.Join(root, "runners", name, ".install-error")
	b, err := safefile.ReadFile(path, 4<<10)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return line
}

func runPeer(args []string, e *env) int {
	if len(args) > 0 {
		if args[0] == "--help" || args[0] == "-h" {
			fmt.Fprint(e.stdout, parityHelp[1:])
			return exitOK
		}
		return usagef(e, "peer: takes no arguments")
	}
	in := e.stdin
	if e.process {
		in = ipc.PollableStdin() // the gate runs one case at a time: stay awake for the next
	}
	if err := suite.Serve(in, e.stdout); err != nil {
		return failf(e, "peer: %v", err)
	}
	return exitOK
}

func runParity(args []string, e *env) int {
	if len(args) > 0 && args[0] == "merge" {
		return runParityMerge(args[1:], e)
	}
	if len(args) > 0 && args[0] == "fuzz" {
		return runParityFuzz(args[1:], e)
	}
	cmd := newFlags("parity", parityHelp)
	var peersFlag, extra, suites, cases, reports multi
	cmd.Var(&peersFlag, "peers", "`LIST` of peers: auto (installed ones), all, or names such as go,ts (repeatable)")
	cmd.Var(&extra, "peer", "add a peer: `NAME=COMMAND` (repeatable)")
	cmd.Var(&suites, "suite", "run only suites matching `PATTERN` (repeatable, path.Match syntax)")
	cmd.Var(&cases, "case", "run only cases whose id matches `PATTERN` (repeatable)")
	cmd.Var(&reports, "report", "write a report: `FORMAT=FILE`, FORMAT json, junit, markdown or html (repeatable)")
	root := cmd.String("root", ".", "checkout `DIR` the ts, python and rust peers run from")
	vecDir := cmd.String("vectors", "", "vectors `DIR` (default: the vectors built into this binary)")
	knownDir := cmd.String("known-failures", "", "known-failure `DIR` (default: ROOT/parity/known-failures)")
	update := cmd.Bool("update-known-failures", false, "rewrite the known-failure lists from this run")
	shard := cmd.String("shard", "", "run shard `I/N` of the cases")
	timeout := cmd.Duration("timeout", 5*time.Second, "deadline per case")
	startTimeout := cmd.Duration("start-timeout", 10*time.Second, "deadline for a peer's hello")
	deadline := cmd.Duration("deadline", 0, "stop the whole run after `D` (cases not reached are reported as not run; 0: no limit)")
	noPairwise := cmd.Bool("no-pairwise", false, "skip the pairwise envelope matrix")
	progressMode := cmd.String("progress", "auto", "progress bar: auto (on a terminal), always or never")
	maxFail := cmd.Int("max-failures", 25, "failures shown in the terminal report")
	if code, done := cmd.parse(args, e); done {
		return code
	}
	if cmd.NArg() > 0 {
		return usagef(e, "parity: unexpected argument (flags only; see --help)")
	}
	if *progressMode != "auto" && *progressMode != "always" && *progressMode != "never" {
		return usagef(e, "parity: --progress must be auto, always or never")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
		zero bool // whether 0 is allowed
	}{{"--timeout", *timeout, false}, {"--start-timeout", *startTimeout, false}, {"--deadline", *deadline, true}} {
		if d.v < 0 || d.v == 0 && !d.zero {
			return usagef(e, "parity: %s must be a positive duration", d.name)
		}
	}
	if *maxFail < 0 {
		return usagef(e, "parity: --max-failures must not be negative")
	}
	outs, err := parseReports(reports)
	if err != nil {
		return usagef(e, "parity: %v", err)
	}
	cfg := parity.Config{CaseTimeout: *timeout, StartTimeout: *startTimeout, Deadline: *deadline, Pairwise: !*noPairwise,
		Suites: splitList(suites), Cases: splitList(cases)}
	if *shard != "" {
		if cfg.Shard, cfg.Shards, err = parseShard(*shard); err != nil {
			return usagef(e, "parity: %v", err)
		}
	}
	cfg.Vectors = vectors.FS
	if *vecDir != "" {
		if st, err := os.Stat(*vecDir); err != nil || !st.IsDir() {
			return usagef(e, "parity: --vectors is not a directory")
		}
		cfg.Vectors = safefile.DirFS(*vecDir)
	}
	specs, missing, err := choosePeers(splitList(peersFlag), extra, *root)
	if err != nil {
		return usagef(e, "parity: %v", err)
	}
	for _, p := range append(splitList(suites), splitList(cases)...) {
		if _, err := path.Match(p, ""); err != nil {
			return usagef(e, "parity: a --suite or --case pattern is malformed")
		}
	}
	// Every argument is checked: only now are report files created, so
	// that an unwritable path fails before the run, not after it, and a
	// usage error leaves no empty report behind.
	if err := createReports(outs); err != nil {
		return usagef(e, "parity: %v", err)
	}
	for _, m := range missing {
		fmt.Fprintf(e.stderr, "interop parity: peer %s is not installed: %s; skipping\n", m.Name, m.Error)
	}
	cfg.Peers = specs
	kdir := knownPath(*root, *knownDir)
	if cfg.Known, err = loadKnown(kdir, specs); err != nil {
		return failInfra(e, "parity: %v", err)
	}
	bar := newProgress(*progressMode, e.stderr)
	if bar != nil {
		cfg.Progress = bar.update
	}
	// On SIGINT or SIGTERM the run stops, every peer is killed, and the
	// reports say what was and was not checked.
	ctx, stop := signalContext()
	defer stop()
	rep, err := parity.Run(ctx, cfg)
	if bar != nil {
		bar.finish()
	}
	if errors.Is(err, parity.ErrNoCases) {
		return usagef(e, "%v", err)
	}
	if err != nil {
		return failInfra(e, "parity: %v", err)
	}
	rep.Peers = append(rep.Peers, missing...)
	if *update {
		lists, err := parity.UpdateKnown(rep, cfg.Known)
		if err != nil {
			rep.WriteText(e.stdout, *maxFail)
			return failInfra(e, "%v", err)
		}
		if err := parity.WriteKnown(kdir, lists); err != nil {
			return failInfra(e, "parity: writing known failures: %v", err)
		}
		fmt.Fprintf(e.stderr, "interop parity: known-failure lists in %s rewritten from this run\n", kdir)
		// Rerun the verdict against the new lists: the run's failures are
		// now all known.
		newKnown, _ := loadKnown(kdir, specs)
		rep = parity.Rejudge(rep, newKnown)
	}
	return finish(rep, outs, *maxFail, e)
}

// signalContext is cancelled by SIGINT or SIGTERM, with the signal as its
// cause.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			cancel(fmt.Errorf("interrupted by %v", sig))
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

func failInfra(e *env, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "interop: "+format+"\n", args...)
	return parity.ExitInfra
}

// finish writes the reports and the terminal output, and returns the
// gate's exit code.
func finish(rep *parity.Report, outs []reportOut, maxFail int, e *env) int {
	for _, o := range outs {
		if err := writeReport(rep, o); err != nil {
			return failInfra(e, "parity: writing %s report: %v", o.format, err)
		}
	}
	if err := rep.WriteText(e.stdout, maxFail); err != nil {
		return failInfra(e, "parity: %v", err)
	}
	return rep.Exit()
}

type reportOut struct{ format, file string }

// parseReports reads --report values. Errors never quote the value.
func parseReports(specs []string) ([]reportOut, error) {
	var out []reportOut
	for i, s := range specs {
		f, file, ok := strings.Cut(s, "=")
		if !ok || file == "" {
			return nil, fmt.Errorf("--report (number %d): want FORMAT=FILE", i+1)
		}
		switch f {
		case "json", "junit", "markdown", "html":
		default:
			return nil, fmt.Errorf("--report (number %d): unknown format (want json, junit, markdown or html)", i+1)
		}
		out = append(out, reportOut{f, file})
	}
	return out, nil
}

// createReports creates (empties) every report file, to find an unwritable
// path before a long run rather than after it.
func createReports(outs []reportOut) error {
	for _, o := range outs {
		f, err := os.Create(o.file)
		if err != nil {
			return fmt.Errorf("--report %s: %v", o.format, describePathErr(err))
		}
		f.Close()
	}
	return nil
}

func writeReport(rep *parity.Report, o reportOut) error {
	f, err := os.Create(o.file)
	if err != nil {
		return err
	}
	var werr error
	switch o.format {
	case "json":
		werr = rep.WriteJSON(f)
	case "junit":
		werr = rep.WriteJUnit(f)
	case "markdown":
		werr = rep.WriteMarkdown(f, 50)
	case "html":
		werr = rep.WriteHTML(f)
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	return werr
}

func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n || n > parity.MaxShards {
		return 0, 0, fmt.Errorf("--shard: want I/N with 1 <= I <= N <= %d", parity.MaxShards)
	}
	return i, n, nil
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// peerName is the form of a peer name; it becomes a file name under the
// known-failures directory.
var peerName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)

// choosePeers resolves --peers and --peer into commands. auto (or nothing)
// takes every installed built-in peer; names require theirs.
func choosePeers(names, extra []string, root string) ([]parity.PeerSpec, []parity.PeerReport, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, fmt.Errorf("locating this binary for the go peer: %w", err)
	}
	auto := len(names) == 0
	var want []string
	for _, n := range names {
		switch n {
		case "auto":
			auto = true
		case "all":
			for _, b := range builtinPeers {
				want = append(want, b.name)
			}
		default:
			want = append(want, n)
		}
	}
	custom := map[string][]string{}
	var customOrder []string
	for _, x := range extra {
		name, command, ok := strings.Cut(x, "=")
		if !ok || !peerName.MatchString(name) || len(strings.Fields(command)) == 0 {
			return nil, nil, fmt.Errorf("--peer: want NAME=COMMAND with NAME of lower-case letters, digits and dashes")
		}
		if _, dup := custom[name]; dup {
			return nil, nil, fmt.Errorf("--peer %s given twice", name)
		}
		custom[name] = strings.Fields(command)
		customOrder = append(customOrder, name)
	}
	var specs []parity.PeerSpec
	var missing []parity.PeerReport
	seen := map[string]bool{}
	add := func(name string, required bool) error {
		if seen[name] {
			return nil
		}
		seen[name] = true
		if c, ok := custom[name]; ok {
			specs = append(specs, parity.PeerSpec{Name: name, Command: c, Dir: root})
			return nil
		}
		for _, b := range builtinPeers {
			if b.name != name {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, b.check)); b.check != "" && err != nil {
				runner := b.runner
				if runner == "" {
					runner = name
				}
				why := installError(root, runner)
				if why == "" {
					why = fmt.Sprintf("%s is missing under %s (run make parity)", b.check, root)
				}
				if required {
					return fmt.Errorf("peer %s is not installed: %s", name, why)
				}
				missing = append(missing, parity.PeerReport{Name: name, NotInstalled: true, Error: why})
				return nil
			}
			cmd := append([]string{}, b.command...)
			for i, a := range cmd {
				switch {
				case a == self:
					cmd[i] = exe
				case strings.HasPrefix(a, "runners/") || strings.HasPrefix(a, "build/"):
					cmd[i] = filepath.Join(root, a)
				}
			}
			specs = append(specs, parity.PeerSpec{Name: name, Command: cmd, Dir: root})
			return nil
		}
		names := make([]string, len(builtinPeers))
		for i, b := range builtinPeers {
			names[i] = b.name
		}
		return fmt.Errorf("unknown peer name (built in: %s; add others with --peer NAME=COMMAND)", strings.Join(names, ", "))
	}
	if auto {
		for _, b := range builtinPeers {
			if err := add(b.name, false); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, n := range want {
		if err := add(n, true); err != nil {
			return nil, nil, err
		}
	}
	for _, n := range customOrder {
		if err := add(n, true); err != nil {
			return nil, nil, err
		}
	}
	return specs, missing, nil
}

// maxReportBytes bounds one JSON report read by merge.
const maxReportBytes = 1 << 30

func runParityMerge(args []string, e *env) int {
	cmd := newFlags("parity merge", parityHelp)
	var reports multi
	cmd.Var(&reports, "report", "write a report: `FORMAT=FILE` (repeatable)")
	maxFail := cmd.Int("max-failures", 25, "failures shown in the terminal report")
	if code, done := cmd.parse(args, e); done {
		return code
	}
	if cmd.NArg() == 0 {
		return usagef(e, "parity merge: give the JSON reports of the shards")
	}
	outs, err := parseReports(reports)
	if err != nil {
		return usagef(e, "parity merge: %v", err)
	}
	if cmd.NArg() > parity.MaxShards {
		return usagef(e, "parity merge: more than %d reports", parity.MaxShards)
	}
	var reps []*parity.Report
	for _, name := range cmd.Args() {
		f, err := safefile.Open(name)
		if err != nil {
			return failInfra(e, "parity merge: %v", err)
		}
		rep, err := parity.ReadJSON(io.LimitReader(f, maxReportBytes))
		f.Close()
		if err != nil {
			return failInfra(e, "parity merge: %s: %v", name, err)
		}
		reps = append(reps, rep)
	}
	if err := createReports(outs); err != nil {
		return usagef(e, "parity merge: %v", err)
	}
	return finish(parity.Merge(reps...), outs, *maxFail, e)
}

// progressBar draws "[=====     ] done/total" on a terminal's stderr.
type progressBar struct {
	mu   sync.Mutex
	w    io.Writer
	last time.Time
	drew bool
}

func newProgress(mode string, w io.Writer) *progressBar {
	switch mode {
	case "never":
		return nil
	case "always":
	default:
		f, ok := w.(*os.File)
		if !ok {
			return nil
		}
		st, err := f.Stat()
		if err != nil || st.Mode()&fs.ModeCharDevice == 0 {
			return nil
		}
	}
	return &progressBar{w: w}
}

func (p *progressBar) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if done != total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := 0
	if total > 0 {
		fill = done * width / total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d cases", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total)
	p.drew = true
}

func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drew {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// knownPath is the known-failure directory: dir, or ROOT/parity/known-failures
// when dir is empty.
func knownPath(root, dir string) string {
	if dir == "" {
		return filepath.Join(root, "parity", "known-failures")
	}
	return dir
}

// loadKnown reads the known-failure lists of the peers in specs: the gate
// and the fuzzer judge against the same lists.
func loadKnown(dir string, specs []parity.PeerSpec) (map[string]*parity.KnownFailures, error) {
	names := make([]string, 0, len(specs))
	for _, s := range specs {
		names = append(names, s.Name)
	}
	return parity.LoadKnown(dir, names)
}
