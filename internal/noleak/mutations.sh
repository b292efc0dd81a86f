#!/bin/sh
# Removes, one at a time, each redaction TestNoSecretLeaves stands for, in
# a copy of the working tree, and checks that the test then fails. Run by
# `make noleak-mutations`; prints one line per mutation and exits 1 if the
# test survives any of them.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
survived=0

# copy: a fresh copy of the working tree (tracked and untracked files,
# not ignored ones) in $work/t.
copy() {
	rm -rf "$work/t" && mkdir -p "$work/t"
	(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$root" && tar --null -T - -cf -) | tar -xf - -C "$work/t"
}

# run: the test in the copy, its output in $work/out; the tools it needs
# are required, so that a missing one fails rather than skips.
run() {
	(cd "$work/t" && INTEROP_REQUIRE_GUESTS=1 go test -count=1 -run 'TestNoSecretLeaves$' ./internal/noleak/ >"$work/out" 2>&1)
}

# The unmutated tree must pass, or no failure below would mean anything.
copy
if ! run; then
	echo "the unmutated test fails; fix that first:"
	tail -20 "$work/out"
	exit 1
fi

# mutate NAME FILE PERL: apply the substitution PERL (perl -0pe) to FILE
# in a fresh copy and run the test there. Only a failure that reports a
# leak counts as killing the mutation.
mutate() {
	copy
	before=$(cksum < "$work/t/$2")
	perl -0pi -e "$3" "$work/t/$2"
	if [ "$(cksum < "$work/t/$2")" = "$before" ]; then
		echo "STALE    $1: the substitution no longer matches $2"
		survived=1
		return
	fi
	if ! (cd "$work/t" && go build ./... && go vet ./internal/noleak/) >"$work/out" 2>&1; then
		echo "BROKEN   $1: the mutated tree does not build: $(grep -m1 -v '^#' "$work/out")"
		survived=1
		return
	fi
	if run; then
		echo "SURVIVED $1"
		survived=1
	elif grep -q 'leaked (' "$work/out"; then
		echo "killed   $1: $(grep -m1 -o 'leaked (.*' "$work/out" | cut -c1-100)"
	else
		echo "FAILED   $1, but not with a leak: $(grep -m1 -- '--- FAIL\|noleak_test.go' "$work/out")"
		survived=1
	fi
}

mutate "ipc: child stderr not redacted" bridge/ipc/host.go \
	's/slog\.String\("line", redact\.Text\(string\(bytes\.ToValidUTF8\(line, \[\]byte\("\\uFFFD"\)\)\)\)\)/slog.String("line", string(line))/'
mutate "ipc: line prefix not redacted" bridge/ipc/host.go \
	's/s := redact\.Text\(string\(bytes\.ToValidUTF8\(line, \[\]byte\("\\uFFFD"\)\)\)\)/s := string(line)/'
mutate "plugin: error text not redacted" plugin/plugin.go \
	's/redact\.Text\(e\.Message\)/(e.Message + redact.Censor[:0])/g'
mutate "wasm: guest output not redacted" bridge/wasm/imports.go \
	's/slog\.String\("line", redact\.Text\(text\)\)/slog.String("line", text)/g'
mutate "wasm: abort message not redacted" bridge/wasm/imports.go \
	's/st\.message = redact\.Text\(text\)/st.message = text/'
mutate "gate: peer stderr not redacted" parity/runner.go \
	's/pr\.Stderr = redact\.Text\(tail\(r\.stderr\+cur, peer\.StderrLimit\)\)/pr.Stderr = tail(r.stderr+cur, peer.StderrLimit) + redact.Censor[:0]/'
mutate "env: no variable withheld on inherit" internal/proc/env.go \
	's/func DeniedEnv\(name string\) bool \{/func DeniedEnv(name string) bool {\n\tif name != "" {\n\t\treturn false\n\t}/'
mutate "gate: peers inherit the environment" internal/peer/peer.go \
	's/Env: proc\.ChildEnv\(false, spec\.Env\)/Env: append(os.Environ(), spec.Env...)/'
mutate "proc: stderr ring keeps the token its cut went through" internal/proc/proc.go \
	's/return string\(CutToken\(r\.buf, true\)\)/return string(r.buf)/'
mutate "proc: a cut stderr line keeps the token the cut went through" internal/proc/proc.go \
	's/r\.partial = CutToken\(append\(r\.partial, part\[:max\(room, 0\)\]\.\.\.\), false\)/r.partial = append(r.partial, part[:max(room, 0)]...)/'
exit $survived
