// Command interop is the elizaOS cross-language interop tool: deterministic
// ids, settings envelopes, and the shared test vectors.
//
// Usage:
//
//	interop uuid [--agent UUID] STRING... | -
//	interop envelope encrypt|decrypt|migrate [VALUE | -]
//	interop vectors validate|check [DIR]
//
// Exit codes: 0 success, 1 failure or finding, 2 usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
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
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		lookup: os.LookupEnv,
	}))
}

// env is everything a command touches outside itself, so tests can run it
// in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
}

const usage = `interop: elizaOS cross-language interop tool

Usage:
  interop uuid [--agent UUID] STRING...    deterministic ids (stringToUuid)
  interop uuid [--agent UUID] -            id of all of standard input
  interop envelope encrypt [VALUE|-]       seal a settings value (v2)
  interop envelope decrypt [--compat] [VALUE|-]
  interop envelope migrate [VALUE|-]       rewrite a v1 envelope as v2
  interop vectors validate [DIR]           check vector files against their schemas
  interop vectors check [DIR]              run the Go implementation over every case

Envelope commands take the salt from SECRET_SALT (spec/salt.md), never from
the command line. Run "interop COMMAND --help" for details.

Exit codes: 0 success, 1 failure or finding, 2 usage error.
`

func run(args []string, e *env) int {
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
	}
	fmt.Fprintf(e.stderr, "interop: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// newFlags returns a flag set that prints help text to stdout on --help and
// reports parse errors for the caller to turn into exit code 2.
func newFlags(name, help string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), strings.TrimLeft(help, "\n"))
		if hasFlags(fs) {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses flags; done reports that the command must return code now
// (help printed, or a usage error).
func parse(fs *flag.FlagSet, args []string, e *env) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK, true
		}
		return exitUsage, true
	}
	return 0, false
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
