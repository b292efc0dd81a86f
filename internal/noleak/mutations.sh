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

# mutate NAME FILE PERL: apply the substitution PERL (perl -0pe) to FILE
# in a fresh copy and run the test there.
mutate() {
	rm -rf "$work/t" && mkdir -p "$work/t"
	(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$root" && tar --null -T - -cf -) | tar -xf - -C "$work/t"
	before=$(cksum < "$work/t/$2")
	perl -0pi -e "$3" "$work/t/$2"
	if [ "$(cksum < "$work/t/$2")" = "$before" ]; then
		echo "STALE    $1: the substitution no longer matches $2"
		survived=1
		return
	fi
	if ! (cd "$work/t" && go build ./... && go vet ./internal/noleak/ >"$work/out" 2>&1); then
		echo "BROKEN   $1: the mutated tree does not build: $(grep -m1 -v '^#' "$work/out")"
		survived=1
		return
	fi
	if (cd "$work/t" && go test -count=1 -run 'TestNoSecretLeaves$' ./internal/noleak/ >"$work/out" 2>&1); then
		echo "SURVIVED $1"
		survived=1
	else
		echo "killed   $1: $(grep -m1 -o 'leaked (.*' "$work/out" | cut -c1-100 || grep -m1 'FAIL\|error' "$work/out")"
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
exit $survived
