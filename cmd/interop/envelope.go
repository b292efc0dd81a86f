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
       interop envelope migrate-file [--dry-run] [--no-backup] [--json] FILE

Seals, opens or migrates one elizaOS settings value; migrate-file migrates
every v1 value of a JSON settings file in place (see its --help). The salt
comes from SECRET_SALT under the salt policy of spec/salt.md (NODE_ENV=production with
the default salt fails unless ELIZA_ALLOW_DEFAULT_SECRET_SALT=true); it is
never taken from the command line. With "-" or no VALUE, the value is all of
standard input, byte for byte: a trailing newline is part of it. Prefer
standard input for secrets: command lines are visible to other users. Put
"--" before a VALUE that starts with "-".

encrypt takes at most 33554401 bytes of plaintext, so that every envelope it
prints, with its newline, fits in what decrypt reads (64 MiB).

The result is printed followed by one newline. decrypt fails closed (exit 1,
a one-line error that contains neither the value nor the salt); with
--compat it prints the value unchanged when it does not open, as
@elizaos/core 2.0.0-alpha.537 does. When the default salt is in force, a
one-line structured warning (src=core:settings
event=core.settings.default_secret_salt) may come first on stderr.
`

func runEnvelope(args []string, e *env) int {
	op, code, ok := operation("envelope", args, envelopeHelp, []string{"encrypt", "decrypt", "migrate", "migrate-file"}, e)
	if !ok {
		return code
	}
	if op == "migrate-file" {
		return runMigrateFile(args[1:], e)
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
	logger := e.logger(slog.LevelWarn)
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
		if len(value) > maxPlaintext {
			return failf(e, "envelope encrypt: the value is over the %d-byte limit (its envelope must fit in the %d bytes decrypt reads)", maxPlaintext, maxInput)
		}
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

// The sizes of AES-GCM as envelope seals with it (spec/envelope.md): the
// standard nonce (the v2 IV) and the full tag.
const (
	gcmNonceSize = 12
	gcmTagSize   = 16
)

// v2Overhead is what a v2 envelope, "v2:IV:CIPHERTEXT:TAG" in hex, adds to
// twice the plaintext's length.
const v2Overhead = len("v2:") + 2*gcmNonceSize + 2*len(":") + 2*gcmTagSize

// maxPlaintext is the largest value encrypt seals: its envelope and the
// newline printed after it fit in maxInput, so decrypt can read back every
// envelope encrypt writes.
const maxPlaintext = (maxInput - v2Overhead - len("\n")) / 2

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
