package main

import (
	"fmt"
	"io"
	"os"

	"github.com/interopkit/interop/internal/safefile"
	"github.com/interopkit/interop/manifest"
)

const manifestHelp = `
Usage: interop manifest validate FILE...

Validates elizaOS plugin manifests against schemas/plugin.schema.json (the
upstream draft-07 plugin schema). Prints each problem as

  FILE: POINTER: RULE: MESSAGE

and, after the problems, hints about the known deviations of the live
upstream plugin processes (routes with "type" instead of "method", a
missing "language", a defaulted version). A FILE must be a regular file
(not a FIFO, a device or a file of /proc or /sys); "-" reads standard
input, a pipe included. A FILE that does not exist is named by its
position ("FILE 2"), never repeated. Exit code 1 if any file is invalid or
unreadable, 0 otherwise.
`

func runManifest(args []string, e *env) int {
	_, code, ok := operation("manifest", args, manifestHelp, []string{"validate"}, e)
	if !ok {
		return code
	}
	cmd := newFlags("manifest validate", manifestHelp)
	if code, done := cmd.parse(args[1:], e); done {
		return code
	}
	if cmd.NArg() == 0 {
		return usagef(e, "manifest validate: no FILE given")
	}
	failed := false
	for i, name := range cmd.Args() {
		res, err := checkManifest(name, e.stdin)
		if err != nil {
			if name != "-" {
				name = argName(fmt.Sprintf("FILE %d", i+1), name)
			}
			fmt.Fprintf(e.stdout, "%s: %v\n", name, err)
			failed = true
			continue
		}
		for _, p := range res.Problems {
			fmt.Fprintf(e.stdout, "%s: %s\n", name, p)
		}
		for _, h := range res.Hints {
			fmt.Fprintf(e.stdout, "%s: %s\n", name, h)
		}
		if !res.Valid() {
			failed = true
		} else {
			fmt.Fprintf(e.stdout, "%s: valid\n", name)
		}
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

func checkManifest(name string, stdin io.Reader) (manifest.Result, error) {
	if name == "-" {
		return manifest.CheckReader(stdin)
	}
	f, err := safefile.Open(name)
	if err != nil {
		return manifest.Result{}, describePathErr(err)
	}
	defer f.Close()
	return manifest.CheckReader(f)
}

// describePathErr drops the path the caller prints already.
func describePathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
