package main

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/interopkit/interop/internal/safefile"
	"github.com/interopkit/interop/internal/suite"
	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/vectors"
)

const vectorsHelp = `
Usage: interop vectors validate [DIR]
       interop vectors check [DIR]

validate checks every vector file (DIR/<suite>/*.json) against the JSON
Schema it names and the rules of spec/vectors.md, and prints each problem.
check runs the Go reference implementation over every case and ends with
the line "N passed, N failed".

Without DIR, the vectors built into this binary are used. A vector file
must be a regular file (a link to one is followed); anything else (a FIFO,
a device, a file of /proc or /sys) is a problem, never read.
`

func runVectors(args []string, e *env) int {
	op, code, ok := operation("vectors", args, vectorsHelp, []string{"validate", "check"}, e)
	if !ok {
		return code
	}
	cmd := newFlags("vectors "+op, vectorsHelp)
	if code, done := cmd.parse(args[1:], e); done {
		return code
	}
	if cmd.NArg() > 1 {
		return usagef(e, "vectors %s: want at most one DIR, got %d arguments", op, cmd.NArg())
	}
	var fsys fs.FS = vectors.FS
	if cmd.NArg() == 1 {
		dir := cmd.Arg(0)
		st, err := os.Stat(dir)
		if err != nil {
			return usagef(e, "vectors %s: %v", op, pathError("DIR", dir, err))
		}
		if !st.IsDir() {
			return usagef(e, "vectors %s: %s is not a directory", op, dir)
		}
		fsys = safefile.DirFS(dir)
	}
	files, problems, err := vector.Read(fsys)
	if err != nil {
		return failf(e, "vectors %s: %v", op, err)
	}
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	if op == "validate" {
		cases := 0
		for _, f := range files {
			cases += len(f.Cases)
		}
		fmt.Fprintf(e.stdout, "%d files valid (%d cases), %d problems\n", len(files), cases, len(problems))
		if len(problems) > 0 {
			return exitFailure
		}
		return exitOK
	}
	passed, failed := 0, len(problems)
	for _, f := range files {
		for i := range f.Cases {
			c := &f.Cases[i]
			got, finding, err := suite.Check(f.Suite, c)
			switch {
			case err != nil:
				fmt.Fprintf(e.stdout, "FAIL %s: %v\n", c.Name(f), err)
				failed++
			case !c.Matches(got) || finding != "":
				fmt.Fprintf(e.stdout, "FAIL %s: want %s, got %s %s\n", c.Name(f), c.Expected(), got, finding)
				failed++
			default:
				passed++
			}
		}
	}
	fmt.Fprintf(e.stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}
