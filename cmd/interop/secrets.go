package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/interopkit/interop/internal/secretscan"
)

const secretsHelp = `
Usage: interop secrets scan [--glob PATTERN]... [--format text|json] PATH...

Scans prompt templates for credentials with the rules of upstream's
check:secrets (@elizaos/prompts): eight error rules (private keys, GitHub,
Slack, AWS, Google, OpenAI- and Anthropic-style keys) and one warning rule
(generic credential assignments). Directories are walked for files whose
name matches a --glob (default *.txt); files named on the command line are
scanned whatever their name. A directory named through a symbolic link is
walked; inside a walk, links to files are followed and links to
directories are not (a notice says so). Each finding is printed as

  FILE:LINE  RULE: LINE-WITH-EVERY-MATCH-MASKED

never with the secret itself. Binary and oversized files are skipped with a
warning on stderr; the rest is still reported. Exit code 1 when any
error-level rule matched, 0 otherwise (warnings do not fail), and 2 when
something could not be checked: a PATH that does not exist, or a file or
directory that cannot be read (permission denied, a FIFO or device, a
dangling link, a file of /proc or /sys), named or selected in a walk; each
is named on stderr. A PATH that does not exist is named by its position
("PATH 2"), and a bad --glob by its number: an argument that names nothing
may be a secret pasted in the wrong place, and is never repeated.
`

func runSecrets(args []string, e *env) int {
	_, code, ok := operation("secrets", args, secretsHelp, []string{"scan"}, e)
	if !ok {
		return code
	}
	cmd := newFlags("secrets scan", secretsHelp)
	var g multi
	cmd.Var(&g, "glob", "file name `PATTERN` to scan in directories (repeatable; default *.txt)")
	format := cmd.String("format", "text", "output `format`: text or json")
	if code, done := cmd.parse(args[1:], e); done {
		return code
	}
	if *format != "text" && *format != "json" {
		return usagef(e, "secrets scan: --format must be text or json")
	}
	if cmd.NArg() == 0 {
		return usagef(e, "secrets scan: no PATH given")
	}
	rep, err := secretscan.Scan(context.Background(), cmd.Args(), secretscan.Options{Globs: g})
	if err != nil {
		return usagef(e, "secrets scan: %v", err)
	}
	for _, n := range rep.Notices {
		what := "warning"
		if n.Skipped {
			what = "skipped"
		}
		file := n.File
		if file == "" {
			file = fmt.Sprintf("PATH %d", n.Arg) // it names nothing: not repeated
		}
		fmt.Fprintf(e.stderr, "interop: secrets scan: %s: %s: %s\n", what, file, n.Msg)
	}
	errs := rep.Errors()
	if *format == "json" {
		out := struct {
			Files    int                      `json:"files"`
			Errors   int                      `json:"errors"`
			Warnings int                      `json:"warnings"`
			Findings []secretscan.FileFinding `json:"findings"`
			Notices  []secretscan.Notice      `json:"notices"`
		}{rep.Files, errs, len(rep.Findings) - errs, rep.Findings, rep.Notices}
		if out.Findings == nil {
			out.Findings = []secretscan.FileFinding{}
		}
		if out.Notices == nil {
			out.Notices = []secretscan.Notice{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return failf(e, "secrets scan: %v", err)
		}
	} else {
		for _, f := range rep.Findings {
			fmt.Fprintf(e.stdout, "%s:%d  %s: %s\n", f.File, f.Line, f.Rule, f.Text)
		}
		fmt.Fprintf(e.stderr, "interop: secrets scan: %d files, %d errors, %d warnings\n", rep.Files, errs, len(rep.Findings)-errs)
	}
	switch {
	case rep.Missing > 0:
		// A mistyped path must not pass a CI job.
		fmt.Fprintf(e.stderr, "interop: secrets scan: %d paths do not exist or cannot be read: not everything was checked\n", rep.Missing)
		return exitUsage
	case errs > 0:
		return exitFailure
	}
	return exitOK
}
