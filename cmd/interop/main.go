// Command interop is the elizaOS cross-language interop tool: deterministic
// ids, settings envelopes, and the shared test vectors.
//
// Usage:
//
//	interop uuid [--agent UUID] STRING... | -
//	interop envelope encrypt|decrypt|migrate [VALUE | -]
//	interop vectors validate|check [DIR]
//	interop secrets scan [--glob PATTERN]... [--format text|json] PATH...
//	interop redact text|json [FILE|-]
//	interop manifest validate FILE...
//	interop parity [flags] | interop parity merge REPORT.json... | interop peer
//
// Exit codes: 0 success, 1 failure or finding, 2 usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/interopkit/interop/redact"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// maxInput bounds what a command reads from standard input.
const maxInput = 64 << 20

func main() {
	os.Exit(run(os.Args[1:], &env{
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		lookup:  os.LookupEnv,
		process: true,
	}))
}

// env is everything a command touches outside itself, so tests can run it
// in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	// process is true when stdin and stdout are this process's own, so
	// a command may rearrange file descriptors (plugin serve-example).
	process bool
}

// logger returns the CLI's logger: text records on stderr, without the
// time (nothing for a one-shot command's output to gain from it), every
// record through redact's handler. ELIZA_LOG_REDACT_KEYS adds secret keys;
// ELIZA_LOG_REDACT cannot switch the CLI's redaction off.
func (e *env) logger(level slog.Level) *slog.Logger {
	text := slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level, ReplaceAttr: dropTime})
	return slog.New(redact.NewHandler(text, redact.ConfigFromLookup(e.lookup).WithEnabled(true)))
}

// dropTime removes the time attribute of a record.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

const usage = `interop: elizaOS cross-language interop tool

Usage:
  interop uuid [--agent UUID] STRING...    deterministic ids (stringToUuid)
  interop uuid [--agent UUID] -            id of all of standard input
  interop envelope encrypt [VALUE|-]       seal a settings value (v2)
  interop envelope decrypt [--compat] [VALUE|-]
  interop envelope migrate [VALUE|-]       rewrite a v1 envelope as v2
  interop envelope migrate-file [--dry-run] [--no-backup] [--json] FILE
                                           rewrite every v1 value of a settings file as v2, atomically
  interop vectors validate [DIR]           check vector files against their schemas
  interop vectors check [DIR]              run the Go implementation over every case
  interop secrets scan [--glob G] [--format text|json] PATH...
                                           find credentials in prompt templates
  interop redact text [FILE|-]             mask secrets in text (redactSensitiveText, without its leaks)
  interop redact json [FILE|-]             redact secret keys at any depth of a JSON value
  interop manifest validate FILE...        check plugin manifests against the schema
  interop parity [flags]                   the conformance gate over every peer
  interop parity merge REPORT.json...      combine the reports of shards
  interop peer                             serve the Go implementation to the gate
  interop plugin manifest --ipc -- CMD...  a plugin child's manifest (spec/ipc.md)
  interop plugin call --ipc [flags] (--action|--provider|--evaluator) NAME -- CMD...
                                           run one call of a plugin child
  interop plugin serve-example             serve the Go example plugin as an IPC child

Envelope commands take the salt from SECRET_SALT (spec/salt.md), never from
the command line. Run "interop COMMAND --help" for details.

Exit codes: 0 success, 1 failure or finding, 2 usage error.
`

func run(args []string, e *env) int {
	out := &errWriter{w: e.stdout}
	e2 := *e
	e2.stdout = out
	code := dispatch(args, &e2)
	if out.err != nil && code == exitOK {
		fmt.Fprintf(e.stderr, "interop: writing output: %v\n", out.err)
		return exitFailure
	}
	return code
}

// errWriter remembers the first write error, so that output lost to a full
// disk or a closed pipe is a failure, not a silent success.
type errWriter struct {
	w   io.Writer
	err error
}

func (w *errWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

func dispatch(args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	case "uuid":
		return runUUID(args[1:], e)
	case "envelope":
		return runEnvelope(args[1:], e)
	case "vectors":
		return runVectors(args[1:], e)
	case "secrets":
		return runSecrets(args[1:], e)
	case "manifest":
		return runManifest(args[1:], e)
	case "redact":
		return runRedact(args[1:], e)
	case "parity":
		return runParity(args[1:], e)
	case "peer":
		return runPeer(args[1:], e)
	case "plugin":
		return runPlugin(args[1:], e)
	}
	fmt.Fprintf(e.stderr, "interop: unknown command\n\n%s", usage)
	return exitUsage
}

// flags is a command's flag set and help text. The flag package's own
// output is discarded: parse prints help once, to stdout, and errors as one
// line that never repeats the offending argument (it may be a secret given
// where a flag was expected).
type flags struct {
	*flag.FlagSet
	help string
}

func newFlags(name, help string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // called by the flag package on every error
	return &flags{fs, help}
}

func (f *flags) printHelp(w io.Writer) {
	fmt.Fprint(w, strings.TrimLeft(f.help, "\n"))
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
}

// parse parses flags; done reports that the command must return code now
// (help printed, or a usage error).
func (f *flags) parse(args []string, e *env) (code int, done bool) {
	err := f.Parse(args)
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		f.printHelp(e.stdout)
		return exitOK, true
	}
	// The flag package's messages quote the argument; say what kind of
	// mistake it was instead.
	what := "invalid flag or flag value"
	if strings.HasPrefix(err.Error(), "flag provided but not defined") {
		what = "unknown flag (put \"--\" before a value that starts with \"-\")"
	} else if strings.HasPrefix(err.Error(), "flag needs an argument") {
		what = "a flag is missing its value"
	}
	fmt.Fprintf(e.stderr, "interop %s: %s; see \"interop %s --help\"\n", f.Name(), what, f.Name())
	return exitUsage, true
}

// operation picks the operation of a command with sub-operations
// (interop envelope encrypt, interop vectors check, …): it prints help for
// --help, and reports a missing or unknown operation as a usage error. ok
// is false when the command must return code.
func operation(cmd string, args []string, help string, ops []string, e *env) (op string, code int, ok bool) {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, strings.TrimLeft(help, "\n"))
		return "", exitUsage, false
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, strings.TrimLeft(help, "\n"))
		return "", exitOK, false
	}
	for _, o := range ops {
		if args[0] == o {
			return o, 0, true
		}
	}
	return "", usagef(e, "%s: unknown operation (want %s)", cmd, strings.Join(ops, ", ")), false
}

// readAll reads all of standard input, exactly, up to maxInput bytes.
func readAll(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	if len(b) > maxInput {
		return "", fmt.Errorf("standard input is over the %d-byte limit", maxInput)
	}
	return string(b), nil
}

// failf prints a one-line error and returns exit code 1.
func failf(e *env, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "interop: "+format+"\n", args...)
	return exitFailure
}

// usagef prints a one-line usage error and returns exit code 2.
func usagef(e *env, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "interop: "+format+"\n", args...)
	return exitUsage
}

// argName names a path argument in a message: by the path when something
// by that name exists (a file's name is not a secret), else by what the
// argument is, kind ("FILE", "PATH 2"): an argument that names nothing may
// be a secret pasted in the wrong place, and is never repeated.
func argName(kind, name string) string {
	if _, err := os.Lstat(name); err == nil {
		return name
	}
	return kind
}

// pathError reports err, from opening or reading the path argument name,
// as "NAME: OP: CAUSE" with the name given by argName.
func pathError(kind, name string, err error) error {
	return fmt.Errorf("%s: %w", argName(kind, name), describePathErr(err))
}
