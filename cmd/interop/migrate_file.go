package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/settingsmigrate"
)

const migrateFileHelp = `
Usage: interop envelope migrate-file [--dry-run] [--no-backup] [--json] FILE

Rewrites every legacy v1 envelope among the string values of the JSON
settings file FILE, at any depth, as a fresh v2 envelope under the same
salt (SECRET_SALT, as for the other envelope commands; spec/salt.md).
Plain strings and v2 envelopes are left as they are; everything else in the
file (member order, whitespace, number text, escapes) is kept byte for
byte, and so are the file's permission bits and owner.

Every envelope, v1 or v2, must open under the salt. FILE is refused (exit 1,
the file untouched) when it is not exactly one valid JSON value (trailing
data, invalid UTF-8, a repeated member name), when any envelope does not
open (the error gives its JSON pointer, never a value), when it is a
symbolic link (migrate the file it points to), not a regular file, over
64 MiB, read-only, or in a directory that cannot be written.

The original is kept as FILE.bak, or FILE.bak.1, FILE.bak.2, … when that
name holds something else (a backup is never overwritten; one with exactly
the original's bytes is reused). The new content goes to a temporary file
".FILE.interop-migrate-<16 hex>.tmp" beside FILE, synced, renamed over FILE,
and the directory synced: a crash leaves FILE either as it was or fully
migrated. A temporary file left by a killed run is removed by the next run.
A run with nothing to migrate writes nothing. Do not run two migrations of
one file at once, and stop writers of FILE first: a change made during the
run is detected only up to the rename.

Output is counts only (string values scanned, v1 migrated, already v2,
plain left), never a value or the salt.
`

// crashEnv names the test-only variable that kills the process at a step
// of migrate-file (SIGKILL to itself), so tests can check what a crash
// there leaves. It is honoured only by a binary built with the
// interop_crashhook tag (the tests build one), and only when the command
// runs as the real process (env.process), never in-process.
const crashEnv = "INTEROP_TEST_CRASH_AT"

func runMigrateFile(args []string, e *env) int {
	fs := newFlags("envelope migrate-file", migrateFileHelp)
	dryRun := fs.Bool("dry-run", false, "report what would change; write nothing")
	noBackup := fs.Bool("no-backup", false, "keep no FILE.bak copy of the original")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	if code, done := fs.parse(args, e); done {
		return code
	}
	if fs.NArg() != 1 {
		return usagef(e, "envelope migrate-file: want one FILE, got %d arguments", fs.NArg())
	}
	name := fs.Arg(0)
	opts := settingsmigrate.Options{DryRun: *dryRun, NoBackup: *noBackup, MaxSize: maxInput}
	if at, ok := e.lookup(crashEnv); crashHook && ok && at != "" && e.process {
		if !slices.Contains(settingsmigrate.Steps(), settingsmigrate.Step(at)) {
			return usagef(e, "envelope migrate-file: %s: unknown step", crashEnv)
		}
		opts.Hook = func(s settingsmigrate.Step) error {
			if s == settingsmigrate.Step(at) {
				crash()
			}
			return nil
		}
	}
	salt, err := envelope.SaltFromEnv(e.lookup, e.logger(slog.LevelWarn))
	if err != nil {
		return failf(e, "envelope migrate-file: %v", err)
	}
	key, err := envelope.NewKey(salt)
	if err != nil {
		return failf(e, "envelope migrate-file: SECRET_SALT: %v", err)
	}
	res, err := settingsmigrate.Rewrite(context.Background(), name, key, opts)
	if err != nil && res.Written {
		// The new file is in place; only making the rename durable
		// failed. Say so, and where the backup is.
		backup := "no backup kept"
		if res.Backup != "" {
			backup = "backup " + res.Backup
		}
		return failf(e, "envelope migrate-file: %s was migrated (%d v1 values; %s), but: %v", name, res.Migrated, backup, err)
	}
	if err != nil {
		// pathError names FILE only when it exists: a missing one may be
		// a secret pasted in the wrong place.
		return failf(e, "envelope migrate-file: %v", pathError("FILE", name, err))
	}
	if *asJSON {
		b, _ := json.Marshal(struct {
			File string `json:"file"`
			settingsmigrate.Stats
			DryRun       bool   `json:"dryRun"`
			Written      bool   `json:"written"`
			Backup       string `json:"backup,omitempty"`
			StaleRemoved int    `json:"staleTempsRemoved"`
		}{name, res.Stats, *dryRun, res.Written, res.Backup, res.StaleRemoved})
		fmt.Fprintf(e.stdout, "%s\n", b)
		return exitOK
	}
	verb := "migrated"
	if *dryRun {
		verb = "to migrate"
	}
	fmt.Fprintf(e.stdout, "%s: %d string values scanned, %d v1 %s, %d already v2, %d plain left", name, res.Scanned, res.Migrated, verb, res.AlreadyV2, res.Plain)
	switch {
	case *dryRun:
		fmt.Fprint(e.stdout, "; dry run, nothing written")
	case !res.Written:
		fmt.Fprint(e.stdout, "; unchanged")
	case res.Backup != "":
		fmt.Fprintf(e.stdout, "; backup %s", res.Backup)
	}
	if res.StaleRemoved > 0 {
		fmt.Fprintf(e.stdout, "; removed %d stale temporary file(s)", res.StaleRemoved)
	}
	fmt.Fprintln(e.stdout)
	return exitOK
}

// crash kills this process as a power cut or kill -9 would: no deferred
// function, no cleanup runs.
func crash() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill()
	}
	for {
		time.Sleep(time.Second) // the signal is on its way
	}
}
