package main

import (
	"flag"
	"fmt"

	"github.com/interopkit/interop/ids"
)

const uuidHelp = `
Usage: interop uuid [--agent UUID] STRING...
       interop uuid [--agent UUID] -

Prints the deterministic elizaOS id (stringToUuid) of each STRING, one per
line. With "-", all of standard input is one input, byte for byte: nothing
is trimmed, so a trailing newline is part of it. With --agent, prints
createUniqueUuid(agent, STRING) instead. Flags come before the strings; use
"--" before a string that starts with "-".
`

func runUUID(args []string, e *env) int {
	fs := newFlags("uuid", uuidHelp)
	agent := fs.String("agent", "", "agent `UUID`: print createUniqueUuid(agent, STRING)")
	if code, done := fs.parse(args, e); done {
		return code
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		return usagef(e, "uuid: no input (give STRING... or -)")
	}
	if len(inputs) == 1 && inputs[0] == "-" && !dashDash(args) {
		s, err := readAll(e.stdin)
		if err != nil {
			return failf(e, "uuid: %v", err)
		}
		inputs = []string{s}
	}
	agentSet := false
	fs.Visit(func(f *flag.Flag) { agentSet = agentSet || f.Name == "agent" })
	if agentSet && !ids.IsUUID(*agent) {
		return usagef(e, "uuid: --agent must be a UUID (8-4-4-4-12 hex digits)")
	}
	out := make([]string, 0, len(inputs))
	for i, in := range inputs {
		var id string
		var err error
		if agentSet {
			id, err = ids.CreateUniqueUUID(*agent, in)
		} else {
			id, err = ids.StringToUUID(in)
		}
		if err != nil {
			return failf(e, "uuid: input %d: %v", i+1, err)
		}
		out = append(out, id)
	}
	for _, id := range out {
		fmt.Fprintln(e.stdout, id)
	}
	return exitOK
}

// dashDash reports whether "--" ended the flags, making a following "-" a
// literal string rather than standard input.
func dashDash(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return true
		}
		if a == "-" {
			return false
		}
	}
	return false
}
