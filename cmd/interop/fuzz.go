package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/interopkit/interop/internal/safefile"
	"github.com/interopkit/interop/parity"
	"github.com/interopkit/interop/vectors"
)

const parityFuzzHelp = `
Usage: interop parity fuzz [--suite SUITE]... [--n N | --duration D] [--seed X] [--peers LIST] [--out DIR]

Differential fuzzing. For each suite (all that have a generator when no
--suite is given, or "all"), generates inputs where the upstream bugs are
(non-string ids, lone surrogates, big integers; real v1 and v2 envelopes,
mutated; envelope-shaped plaintexts such as "<32 hex>:a:b" and "v2:…";
salts with Unicode and whitespace; the salt environment; almost-UUID agent
ids; secrets and log contexts where the redactors differ; scanner tokens at
their thresholds; typed documents with odd members), puts each to every
peer that declares the suite, and judges each answer against the Go
reference exactly as the gate does (interop parity):

  - an answer the spec gives, or one an acceptable case allows, agrees;
  - a listed known failure, a known-failure rule, or a disagreement of the
    same cause as a known failure or tolerated answer of vectors/ (same
    peer, outcome kind, reference outcome kind and input shape) is known:
    counted per peer, never reported; so is one of a known sort: a Go
    model of one upstream deviation (hex fields read leniently, white
    space between hex pairs skipped, a finding printed in clear), in
    force for a peer only when it reproduces one of that peer's known or
    tolerated answers whose entry or flag names the sort, and that
    reproduces this answer exactly (an input model asks the peer itself
    about the input it is believed to read);
  - anything else is new. New disagreements are grouped by cause (which
    peers differ, the kind of each one's outcome, the input's shape) and
    each cause is reported once, with its count and its smallest input,
    minimized while every peer keeps its outcome. A peer that crashes or
    hangs on an input is a new cause too (with its stderr tail).

Each new cause becomes a case of DIR/SUITE/fuzz-SEED.json, a vector file
that passes "interop vectors validate DIR" as written: the Go reference's
outcome as the expectation, each deviating peer under "upstream" and named
by a "<peer>-fuzz-<kind>" flag, ids unique against vectors/. An input that
is already a case of vectors/ is not written. DIR/fuzz-SEED-summary.json
holds the whole report. Nothing is ever written into vectors/.

The summary names each peer that did not test a suite (it does not declare
it, did not start, or was given up on after repeated crashes) and gives
inputs per second per peer; the last line counts new causes and known
disagreements.

Exit codes: 0 no new cause (every disagreement was known); 1 at least one
new cause (candidates written), a peer crash included; 2 usage or
infrastructure failure: an unknown suite, --n or --duration not positive,
an --out that cannot be written, unreadable vectors or known-failure lists,
no peer able to run any selected suite, or a run stopped by a signal.
`

func runParityFuzz(args []string, e *env) int {
	cmd := newFlags("parity fuzz", parityFuzzHelp)
	var peersFlag, extra, suites multi
	cmd.Var(&peersFlag, "peers", "`LIST` of peers (default auto: every installed peer)")
	cmd.Var(&extra, "peer", "add a peer: `NAME=COMMAND` (repeatable)")
	cmd.Var(&suites, "suite", "`SUITE` to fuzz (repeatable, comma-separated; all by default): "+strings.Join(parity.FuzzSuites(), ", "))
	n := cmd.Int("n", 200, "`N` inputs per suite")
	duration := cmd.Duration("duration", 0, "fuzz each suite for `D` (with no --n, as many inputs as fit)")
	seed := cmd.Uint64("seed", 1, "random `SEED`; the same seed and peers give the same inputs")
	out := cmd.String("out", "fuzz-candidates", "`DIR` for candidate vector files (never vectors/)")
	root := cmd.String("root", ".", "checkout `DIR` the ts, python and rust peers run from")
	vecDir := cmd.String("vectors", "", "vectors `DIR` (default: the vectors built into this binary)")
	knownDir := cmd.String("known-failures", "", "known-failure `DIR` (default: ROOT/parity/known-failures)")
	timeout := cmd.Duration("timeout", 5*time.Second, "deadline per case")
	startTimeout := cmd.Duration("start-timeout", 10*time.Second, "deadline for a peer's hello")
	budget := cmd.Int("minimize-budget", 300, "at most `N` tries to minimize each cause")
	if code, done := cmd.parse(args, e); done {
		return code
	}
	if cmd.NArg() > 0 {
		return usagef(e, "parity fuzz: unexpected argument (flags only; see --help)")
	}
	nSet := false
	cmd.Visit(func(f *flag.Flag) { nSet = nSet || f.Name == "n" })
	switch {
	case *n < 1:
		return usagef(e, "parity fuzz: --n must be a positive number of inputs")
	case *duration < 0:
		return usagef(e, "parity fuzz: --duration must not be negative")
	case *timeout <= 0 || *startTimeout <= 0:
		return usagef(e, "parity fuzz: --timeout and --start-timeout must be positive durations")
	case *budget < 1:
		return usagef(e, "parity fuzz: --minimize-budget must be positive")
	}
	if *duration > 0 && !nSet {
		*n = 0 // bounded by the time alone
	}
	names := splitList(suites)
	if len(names) == 1 && names[0] == "all" {
		names = nil
	}
	have := parity.FuzzSuites()
	for _, s := range names {
		if !contains(have, s) {
			return usagef(e, "parity fuzz: a --suite names no suite with a generator (have: %s)", strings.Join(have, ", "))
		}
	}
	cfg := parity.FuzzConfig{Suites: names, N: *n, Duration: *duration, Seed: *seed, CaseTimeout: *timeout,
		StartTimeout: *startTimeout, MinimizeBudget: *budget, Vectors: vectors.FS}
	if *vecDir != "" {
		if st, err := os.Stat(*vecDir); err != nil || !st.IsDir() {
			return usagef(e, "parity fuzz: --vectors is not a directory")
		}
		cfg.Vectors = safefile.DirFS(*vecDir)
	}
	if err := checkWritable(*out); err != nil {
		return usagef(e, "parity fuzz: --out cannot be written: %v", describePathErr(err))
	}
	specs, missing, err := choosePeers(splitList(peersFlag), extra, *root)
	if err != nil {
		return usagef(e, "parity fuzz: %v", err)
	}
	for _, m := range missing {
		fmt.Fprintf(e.stderr, "interop parity fuzz: peer %s is not installed: %s; not tested\n", m.Name, m.Error)
	}
	if len(specs) == 0 {
		return failInfra(e, "parity fuzz: no peer to fuzz")
	}
	cfg.Peers = specs
	if cfg.Known, err = loadKnown(knownPath(*root, *knownDir), specs); err != nil {
		return failInfra(e, "parity fuzz: %v", err)
	}
	ctx, stop := signalContext()
	defer stop()
	rep, err := parity.Fuzz(ctx, cfg)
	switch {
	case errors.Is(err, parity.ErrFuzzSuite), errors.Is(err, parity.ErrFuzzUsage):
		return usagef(e, "parity fuzz: %v", err)
	case err != nil && rep == nil:
		return failInfra(e, "parity fuzz: %v", err)
	}
	stopped := err
	files, ferr := rep.CandidateFiles()
	if ferr != nil {
		return failInfra(e, "parity fuzz: %v", ferr)
	}
	for name, body := range files {
		path := filepath.Join(*out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return failInfra(e, "parity fuzz: --out: %v", describePathErr(err))
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			return failInfra(e, "parity fuzz: --out: %v", describePathErr(err))
		}
	}
	summary, _ := json.MarshalIndent(rep, "", "  ")
	sumPath := filepath.Join(*out, fmt.Sprintf("fuzz-%d-summary.json", *seed))
	if err := os.WriteFile(sumPath, append(summary, '\n'), 0o644); err != nil {
		return failInfra(e, "parity fuzz: --out: %v", describePathErr(err))
	}
	if err := rep.WriteText(e.stdout); err != nil {
		return failInfra(e, "parity fuzz: %v", err)
	}
	if len(files) > 0 {
		fmt.Fprintf(e.stdout, "candidates written under %s (check them with: interop vectors validate %s)\n", *out, *out)
	}
	if stopped != nil {
		return failInfra(e, "parity fuzz: stopped: %v", stopped)
	}
	ran := 0
	for _, s := range rep.Suites {
		ran += s.Tried
	}
	if ran == 0 {
		return failInfra(e, "parity fuzz: no input was put to any peer (no peer declares the selected suites)")
	}
	return rep.Exit()
}

// checkWritable makes sure files can be created under dir before a long
// run.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".fuzz-probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
