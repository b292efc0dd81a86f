package main

import (
	"fmt"
	"log/slog"

	"github.com/interopkit/interop/envelope"
)

const envelopeHelp = `
Usage: interop envelope encrypt [VALUE|-]
       interop envelope decrypt [--compat] [VALUE|-]
       interop envelope migrate [VALUE|-]

Seals, opens or migrates one elizaOS settings value. The salt comes from
SECRET_SALT under the salt policy of spec/salt.md (NODE_ENV=production with
the default salt fails unless ELIZA_ALLOW_DEFAULT_SECRET_SALT=true); it is
never taken from the command line. With "-" or no VALUE, the value is all of
standard input, byte for byte: a trailing newline is part of it. Prefer
standard input for secrets: command lines are visible to other users. Put
"--" before a VALUE that starts with "-".

The result is printed followed by one newline. decrypt fails closed (exit 1,
a one-line error that contains neither the value nor the salt); with
--compat it prints the value unchanged when it does not open, as
@elizaos/core 2.0.0-alpha.537 does. When the default salt is in force, a
one-line structured warning (src=core:settings
event=core.settings.default_secret_salt) may come first on stderr.
`

func runEnvelope(args []string, e *env) int {
	op, code, ok := operation("envelope", args, envelopeHelp, []string{"encrypt", "decrypt", "migrate"}, e)
	if !ok {
		return code
	}
	fs := newFlags("envelope "+op, envelopeHelp)
	compat := false
	if op == "decrypt" {
		fs.BoolVar(&compat, "compat", false, "print the value unchanged when it does not open (fail-open)")
	}
	if code, done := fs.parse(args[1:], e); done {
		return code
	}
	if fs.NArg() > 1 {
		return usagef(e, "envelope %s: want one VALUE or -, got %d arguments", op, fs.NArg())
	}
	value, code, ok := valueArg(fs.Args(), e)
	if !ok {
		return code
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: dropTime}))
	salt, err := envelope.SaltFromEnv(e.lookup, logger)
	if err != nil {
		return failf(e, "envelope %s: %v", op, err)
	}
	key, err := envelope.NewKey(salt)
	if err != nil {
		return failf(e, "envelope %s: SECRET_SALT: %v", op, err)
	}
	var out string
	switch op {
	case "encrypt":
		out, err = key.Seal(value)
	case "decrypt":
		if compat {
			out = key.OpenCompat(value)
		} else {
			out, err = key.Open(value)
		}
	case "migrate":
		out, err = key.Migrate(value)
	}
	if err != nil {
		return failf(e, "envelope %s: %v", op, err)
	}
	fmt.Fprintln(e.stdout, out)
	return exitOK
}

// valueArg returns the VALUE argument, or all of standard input for "-" or
// no argument.
func valueArg(args []string, e *env) (string, int, bool) {
	if len(args) == 1 && args[0] != "-" {
		return args[0], 0, true
	}
	v, err := readAll(e.stdin)
	if err != nil {
		return "", failf(e, "envelope: %v", err), false
	}
	return v, 0, true
}

// dropTime keeps CLI log lines stable: the time adds nothing to a one-shot
// command's stderr.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
