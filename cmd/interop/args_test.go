package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArgumentsAreNeverEchoed: whatever argument a command rejects — an
// unknown word, a flag value, a PATH or FILE that names nothing — it is
// never repeated on stdout or stderr: it may be a secret pasted in the
// wrong place. (A path that exists is named: it is a file, not a secret.)
func TestArgumentsAreNeverEchoed(t *testing.T) {
	const secret = "sk-live-SECRET123"
	dir := t.TempDir()
	write(t, filepath.Join(dir, "ok.txt"), "fine\n")
	inDir := filepath.Join(dir, secret)
	env := map[string]string{"SECRET_SALT": "s"}
	for _, args := range [][]string{
		{secret},
		{"--" + secret},
		{"uuid", "--agent", secret, "x"},
		{"uuid", "--" + secret + "=x", "y"},
		{"envelope", secret},
		{"envelope", "encrypt", "a", secret},
		{"envelope", "decrypt", secret},
		{"envelope", "decrypt", "--compat=" + secret, "x"},
		{"vectors", secret},
		{"vectors", "check", secret},
		{"vectors", "validate", inDir},
		{"vectors", "check", dir, secret},
		{"secrets", secret},
		{"secrets", "scan", secret},
		{"secrets", "scan", dir, inDir},
		{"secrets", "scan", "--format", "json", dir, secret},
		{"secrets", "scan", "--glob", "[" + secret, dir},
		{"secrets", "scan", "--format", secret, dir},
		{"secrets", "scan", "--", secret},
		{"redact", secret},
		{"redact", "text", secret},
		{"redact", "json", inDir},
		{"redact", "text", "-", secret},
		{"manifest", secret},
		{"manifest", "validate", secret},
		{"manifest", "validate", inDir},
		{"peer", secret},
		{"plugin", secret},
		{"plugin", "serve-example", secret},
		{"plugin", "manifest", secret},
		{"plugin", "manifest", "--ipc", "--timeout", secret, "--", "true"},
		{"plugin", "call", "--ipc", "--config", secret, "--action", "a", "--", "true"},
		{"plugin", "call", "--ipc", "--env", "=" + secret, "--action", "a", "--", "true"},
		{"plugin", "call", "--ipc", "--action", "a", "--memory", secret, "--", "true"},
		{"plugin", "call", "--ipc", "--action", "a", "--state", inDir, "--", "true"},
		{"plugin", "call", "--ipc", "--action", "a", "--options", secret, "--", "true"},
		{"plugin", "peer", "--name", secret, "--ipc", "--", "true"},
	} {
		r := runCLI(t, "", env, args...)
		if r.code == 0 || strings.Contains(r.stdout+r.stderr, "SECRET123") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

// A FILE named on the command line is read as safefile reads it: a FIFO
// is refused at once (it used to wait for a writer), a file of /proc is
// refused rather than parsed, and /dev/zero is not read at all; "-" is
// the way to read a pipe.
func TestNamedFilesAreRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	mkfifo(t, fifo)
	status := filepath.Join(dir, "status.json")
	zero := filepath.Join(dir, "zero.json")
	for link, target := range map[string]string{status: "/proc/self/status", zero: "/dev/zero"} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{fifo, status, zero} {
		for _, args := range [][]string{{"manifest", "validate", name}, {"redact", "text", name}, {"redact", "json", name}} {
			r := runCLI(t, "", nil, args...)
			out := r.stdout + r.stderr
			if r.code != 1 || !strings.Contains(out, "not a regular file") && !strings.Contains(out, "pseudo-file") || !strings.Contains(out, name) {
				t.Errorf("%q: %+v", args, r)
			}
		}
	}
}
