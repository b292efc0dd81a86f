//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/fuzzgen"
	"github.com/interopkit/interop/internal/settingsmigrate"
)

// The secrets of the migrate-file tests: no output may contain any of
// them, nor any envelope of the fixture or its hex fields.
const (
	mfSalt   = "mf-salt-Zq81-secret"
	mfOther  = "mf-other-salt-Lp02"
	mfPlainA = "sk-live-MFPLAINTEXT-alpha-4c2d"
	mfPlainB = "xoxb-MFPLAINTEXT-beta-91ee"
)

var mfTime = time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)

// mfSealV1 makes a legacy v1 envelope (AES-256-CBC, PKCS#7) with an IV
// drawn from a source seeded by seed.
func mfSealV1(t *testing.T, salt, plaintext string, seed byte) string {
	t.Helper()
	return fuzzgen.SealV1(rand.New(rand.NewPCG(uint64(seed), 0)), salt, plaintext)
}

func mfKey(t *testing.T, salt string) *envelope.Key {
	t.Helper()
	k, err := envelope.NewKey(salt)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// mfFixture writes a character file with secrets at several depths to
// dir/character.json, mode 0660, an old mtime. It returns the document and
// every secret string an output must not contain.
func mfFixture(t *testing.T, dir string) (path string, doc []byte, secrets []string) {
	t.Helper()
	key := mfKey(t, mfSalt)
	v1a := mfSealV1(t, mfSalt, mfPlainA, 1)
	v1b := mfSealV1(t, mfSalt, mfPlainB, 2)
	v2, _ := key.Seal(mfPlainB)
	doc = []byte(`{
  "name": "eliza",
  "settings": {
    "secrets": {"OPENAI_API_KEY": "` + v1a + `", "DISCORD": "` + v2 + `"},
    "world": {"TOKEN": {"name": "Token", "value": "` + v1b + `", "secret": true}}
  },
  "lore": ["a", {"deep": [["` + v1a + `"]]}],
  "numbers": [1.50e+2, -0.0, 123456789012345678901]
}
`)
	path = filepath.Join(dir, "character.json")
	mfWrite(t, path, doc, 0o660)
	secrets = []string{mfSalt, mfOther, mfPlainA, mfPlainB, v1a, v1b, v2, v1a[33:], v1b[33:], v1a[:32], v2[3:27]}
	return path, doc, secrets
}

func mfWrite(t *testing.T, path string, doc []byte, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, doc, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mfTime, mfTime); err != nil {
		t.Fatal(err)
	}
}

func mfList(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func mfNoSecret(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains a secret (%d bytes): %q", what, len(s), text)
		}
	}
}

// mfUntouched checks the file's bytes and mtime.
func mfUntouched(t *testing.T, path string, doc []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(b, doc) {
		t.Fatalf("%s changed (%v)", path, err)
	}
	if st, err := os.Stat(path); err != nil || !st.ModTime().Equal(mfTime) {
		t.Fatalf("%s: mtime changed (%v)", path, err)
	}
}

// mfAssertMigrated checks that out is in with every v1 string value, and
// only those, replaced by a v2 envelope of the same plaintext: the same
// JSON value otherwise (numbers compared by their text), and the same
// member order.
func mfAssertMigrated(t *testing.T, in, out []byte) {
	t.Helper()
	key := mfKey(t, mfSalt)
	decode := func(b []byte) any {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("does not parse: %v", err)
		}
		return v
	}
	var walk func(p string, a, b any)
	walk = func(p string, a, b any) {
		switch x := a.(type) {
		case map[string]any:
			y, ok := b.(map[string]any)
			if !ok || len(x) != len(y) {
				t.Fatalf("%s: object changed", p)
			}
			for k := range x {
				walk(p+"/"+k, x[k], y[k])
			}
		case []any:
			y, ok := b.([]any)
			if !ok || len(x) != len(y) {
				t.Fatalf("%s: array changed", p)
			}
			for i := range x {
				walk(p+"/"+string(rune('0'+i)), x[i], y[i])
			}
		case string:
			y, ok := b.(string)
			if !ok {
				t.Fatalf("%s: type changed", p)
			}
			if !envelope.IsV1(x) {
				if x != y {
					t.Fatalf("%s: a string that is not v1 changed", p)
				}
				return
			}
			p1, err1 := key.Open(x)
			p2, err2 := key.Open(y)
			if !envelope.IsV2(y) || err1 != nil || err2 != nil || p1 != p2 {
				t.Fatalf("%s: not migrated to a v2 of the same plaintext", p)
			}
		default:
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: value changed", p)
			}
		}
	}
	walk("", decode(in), decode(out))
	// Member order: the names appear in the same order in both texts.
	names := func(b []byte) []string {
		var s []string
		d := json.NewDecoder(bytes.NewReader(b))
		for {
			tk, err := d.Token()
			if err != nil {
				return s
			}
			if str, ok := tk.(string); ok && !envelope.IsV1(str) && !envelope.IsV2(str) {
				s = append(s, str)
			}
		}
	}
	if !slices.Equal(names(in), names(out)) {
		t.Fatal("member order or plain strings changed")
	}
	if bytes.Contains(in, []byte("1.50e+2")) && !bytes.Contains(out, []byte("1.50e+2")) {
		t.Fatal("number text changed")
	}
}

func TestMigrateFile(t *testing.T) {
	env := map[string]string{"SECRET_SALT": mfSalt}
	dir := t.TempDir()
	path, doc, secrets := mfFixture(t, dir)

	// Dry run: counts, nothing written.
	r := runCLI(t, "", env, "envelope", "migrate-file", "--dry-run", path)
	if r.code != 0 || r.stdout != path+": 7 string values scanned, 3 v1 to migrate, 1 already v2, 3 plain left; dry run, nothing written\n" {
		t.Fatalf("dry run: %+v", r)
	}
	mfNoSecret(t, "dry run", r.stdout+r.stderr, secrets)
	mfUntouched(t, path, doc)
	if got := mfList(t, dir); !slices.Equal(got, []string{"character.json"}) {
		t.Fatalf("dry run left %q", got)
	}

	r = runCLI(t, "", env, "envelope", "migrate-file", path)
	if r.code != 0 || r.stdout != path+": 7 string values scanned, 3 v1 migrated, 1 already v2, 3 plain left; backup "+path+".bak\n" || r.stderr != "" {
		t.Fatalf("migrate: %+v", r)
	}
	mfNoSecret(t, "migrate", r.stdout+r.stderr, secrets)
	out, _ := os.ReadFile(path)
	mfAssertMigrated(t, doc, out)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o660 {
		t.Fatalf("permissions %v, want 0660", st.Mode().Perm())
	}
	if bak, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bak, doc) {
		t.Fatal("the backup is not the original")
	}
	if st, _ := os.Stat(path + ".bak"); st.Mode().Perm() != 0o660 {
		t.Fatalf("backup permissions %v", st.Mode().Perm())
	}

	// Idempotent: 0 migrated, the file not rewritten, no new backup.
	os.Chtimes(path, mfTime, mfTime)
	r = runCLI(t, "", env, "envelope", "migrate-file", "--json", path)
	var sum struct {
		File                                string
		Scanned, Migrated, AlreadyV2, Plain int
		DryRun, Written                     bool
		Backup                              string
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &sum) != nil || sum.Migrated != 0 || sum.AlreadyV2 != 4 || sum.Scanned != 7 || sum.Written || sum.Backup != "" || sum.File != path {
		t.Fatalf("second run: %+v", r)
	}
	mfUntouched(t, path, out)
	if got := mfList(t, dir); !slices.Equal(got, []string{"character.json", "character.json.bak"}) {
		t.Fatalf("second run left %q", got)
	}
	mfNoSecret(t, "second run", r.stdout+r.stderr, secrets)
}

// An existing backup is never overwritten; --no-backup keeps none.
func TestMigrateFileBackups(t *testing.T) {
	env := map[string]string{"SECRET_SALT": mfSalt}
	dir := t.TempDir()
	path, doc, _ := mfFixture(t, dir)
	mfWrite(t, path+".bak", []byte("an older backup"), 0o600)
	r := runCLI(t, "", env, "envelope", "migrate-file", path)
	if r.code != 0 || !strings.HasSuffix(r.stdout, "; backup "+path+".bak.1\n") {
		t.Fatalf("%+v", r)
	}
	if b, _ := os.ReadFile(path + ".bak"); string(b) != "an older backup" {
		t.Fatal("an existing backup was overwritten")
	}
	if b, _ := os.ReadFile(path + ".bak.1"); !bytes.Equal(b, doc) {
		t.Fatal("the new backup is not the original")
	}
	dir = t.TempDir()
	path, _, _ = mfFixture(t, dir)
	r = runCLI(t, "", env, "envelope", "migrate-file", "--no-backup", path)
	if r.code != 0 || strings.Contains(r.stdout, "backup") || !slices.Equal(mfList(t, dir), []string{"character.json"}) {
		t.Fatalf("--no-backup: %+v %q", r, mfList(t, dir))
	}
}

// Every refusal: exit 1, the file's bytes and mtime unchanged, nothing
// created, a one-line error naming the file (and the JSON pointer) and no
// secret anywhere in the output.
func TestMigrateFileRefusals(t *testing.T) {
	foreignV1 := mfSealV1(t, mfOther, mfPlainA, 7)
	if _, err := mfKey(t, mfSalt).Open(foreignV1); err == nil {
		t.Fatal("fixture: the foreign v1 value opens under the test salt; change its seed")
	}
	foreignV2, _ := mfKey(t, mfOther).Seal(mfPlainA)
	replace := func(old, new string) func(t *testing.T, dir, path string) string {
		return func(t *testing.T, dir, path string) string {
			b, _ := os.ReadFile(path)
			if !bytes.Contains(b, []byte(old)) {
				t.Fatal("fixture: nothing to replace")
			}
			mfWrite(t, path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o660)
			return path
		}
	}
	tests := []struct {
		name  string
		env   map[string]string
		setup func(t *testing.T, dir, path string) string // returns FILE
		want  []string                                    // in stderr
	}{
		{"not json", nil, replace(`"name": "eliza",`, `"name": eliza,`), []string{"not valid json", `at "/name"`}},
		{"trailing data", nil, func(t *testing.T, dir, path string) string {
			b, _ := os.ReadFile(path)
			mfWrite(t, path, append(b, "{}\n"...), 0o660)
			return path
		}, []string{"not valid json", "unexpected data after the value"}},
		{"truncated", nil, replace(`"numbers"`, `"numbers" }`), []string{"not valid json"}},
		{"invalid utf-8", nil, replace(`"a"`, "\"\xff\""), []string{"not valid json", "invalid"}},
		{"duplicate key", nil, replace(`"name": "eliza",`, `"name": "eliza", "name": "x",`), []string{"duplicate member", `at "/name"`}},
		{"v1 under another salt", nil, replace(`"a"`, `"`+foreignV1+`"`), []string{"does not open under the salt", `at "/lore/0"`}},
		{"v2 under another salt", nil, replace(`"Token"`, `"`+foreignV2+`"`), []string{"does not open under the salt", `at "/settings/world/TOKEN/name"`}},
		{"wrong salt for the whole file", map[string]string{"SECRET_SALT": mfOther}, func(t *testing.T, dir, path string) string { return path }, []string{"does not open under the salt", `at "/settings/secrets/OPENAI_API_KEY"`}},
		{"symlink", nil, func(t *testing.T, dir, path string) string {
			link := filepath.Join(dir, "link.json")
			if err := os.Symlink("character.json", link); err != nil {
				t.Fatal(err)
			}
			return link
		}, []string{"symbolic link"}},
		{"directory", nil, func(t *testing.T, dir, path string) string { return dir }, []string{"not a regular file"}},
		{"fifo", nil, func(t *testing.T, dir, path string) string {
			p := filepath.Join(dir, "fifo.json")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}, []string{"not a regular file"}},
		{"device", nil, func(t *testing.T, dir, path string) string { return os.DevNull }, []string{"not a regular file"}},
		{"read-only file", nil, func(t *testing.T, dir, path string) string {
			os.Chmod(path, 0o444)
			return path
		}, []string{"not writable", "read-only"}},
		{"read-only directory", nil, func(t *testing.T, dir, path string) string {
			os.Chmod(dir, 0o555)
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			return path
		}, []string{"not writable", "directory"}},
		{"default salt in production", map[string]string{"NODE_ENV": "production"}, func(t *testing.T, dir, path string) string { return path }, []string{"SECRET_SALT"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, _, secrets := mfFixture(t, dir)
			file := tc.setup(t, dir, path)
			doc, _ := os.ReadFile(path)
			os.Chtimes(path, mfTime, mfTime)
			before := mfList(t, dir)
			env := tc.env
			if env == nil {
				env = map[string]string{"SECRET_SALT": mfSalt}
			}
			r := runCLI(t, "", env, "envelope", "migrate-file", file)
			if r.code != 1 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
				t.Fatalf("want exit 1 and one error line: %+v", r)
			}
			if tc.name != "default salt in production" && !strings.Contains(r.stderr, file) {
				t.Errorf("the error does not name %s: %q", file, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("the error %q does not say %q", r.stderr, w)
				}
			}
			mfNoSecret(t, "output", r.stdout+r.stderr, append(secrets, foreignV1, foreignV2, foreignV1[33:], foreignV2[3:27], "secretsalt"))
			mfUntouched(t, path, doc)
			if got := mfList(t, dir); !slices.Equal(got, before) {
				t.Fatalf("the directory changed: %q, was %q", got, before)
			}
		})
	}
}

func TestMigrateFileUsage(t *testing.T) {
	env := map[string]string{"SECRET_SALT": mfSalt}
	dir := t.TempDir()
	path, doc, _ := mfFixture(t, dir)
	for _, args := range [][]string{
		{"envelope", "migrate-file"},
		{"envelope", "migrate-file", path, path},
		{"envelope", "migrate-file", "--bogus", path},
		{"envelope", "migrate-file", "--dry-run=maybe", path},
	} {
		if r := runCLI(t, "", env, args...); r.code != 2 || r.stdout != "" {
			t.Errorf("%q: %+v", args, r)
		}
	}
	mfUntouched(t, path, doc)
	if r := runCLI(t, "", env, "envelope", "migrate-file", "--help"); r.code != 0 || !strings.Contains(r.stdout, "Usage: interop envelope migrate-file") {
		t.Fatalf("help: %+v", r)
	}
	// A FILE that does not exist is a failure, and is not echoed: it may
	// be a secret pasted in the wrong place.
	missing := filepath.Join(dir, "sk-live-NOTAFILE")
	if r := runCLI(t, "", env, "envelope", "migrate-file", missing); r.code != 1 || strings.Contains(r.stderr, "NOTAFILE") {
		t.Fatalf("missing FILE: %+v", r)
	}
	// The crash hook is for the real process only: in-process it is
	// ignored, and the run completes.
	crashEnvVars := map[string]string{"SECRET_SALT": mfSalt, crashEnv: "after-write"}
	if r := runCLI(t, "", crashEnvVars, "envelope", "migrate-file", path); r.code != 0 {
		t.Fatalf("in-process run with the crash variable: %+v", r)
	}
}

// The real binary, killed (SIGKILL) at every step: FILE is then exactly
// the original or fully migrated, nothing but a temporary file of the
// documented naming is left beside it, and the next normal run completes,
// removes that temporary file and leaves FILE migrated.
func TestMigrateFileCrashAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := interopBinary(t)
	run := func(dir string, extra ...string) (string, error) {
		cmd := exec.Command(bin, "envelope", "migrate-file", "character.json")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "SECRET_SALT="+mfSalt, "NODE_ENV=")
		cmd.Env = append(cmd.Env, extra...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	beforeRename := map[settingsmigrate.Step]bool{
		settingsmigrate.StepAfterBackup: true, settingsmigrate.StepAfterTempCreate: true,
		settingsmigrate.StepAfterWrite: true, settingsmigrate.StepAfterFsync: true,
	}
	for _, step := range settingsmigrate.Steps() {
		t.Run(string(step), func(t *testing.T) {
			dir := t.TempDir()
			path, doc, _ := mfFixture(t, dir)
			out, err := run(dir, crashEnv+"="+string(step))
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("the run was not killed: %v", err)
			}
			if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the run ended with %v, not SIGKILL (output %q)", err, out)
			}
			got, _ := os.ReadFile(path)
			if beforeRename[step] {
				if !bytes.Equal(got, doc) {
					t.Fatal("killed before the rename, but the file changed")
				}
			} else {
				mfAssertMigrated(t, doc, got)
			}
			for _, n := range mfList(t, dir) {
				switch {
				case n == "character.json", n == "character.json.bak":
				case settingsmigrate.IsTempName(n, "character.json") && (step == settingsmigrate.StepAfterTempCreate || step == settingsmigrate.StepAfterWrite || step == settingsmigrate.StepAfterFsync):
				default:
					t.Fatalf("unexpected file %q after a kill at %s", n, step)
				}
			}
			if b, err := os.ReadFile(path + ".bak"); err != nil || !bytes.Equal(b, doc) {
				t.Fatalf("the backup is not the original (%v)", err)
			}
			// The next normal run completes and cleans up.
			if out, err := run(dir); err != nil || !strings.HasPrefix(out, "character.json: ") {
				t.Fatalf("the next run: %v (%q)", err, out)
			}
			got, _ = os.ReadFile(path)
			mfAssertMigrated(t, doc, got)
			if names := mfList(t, dir); !slices.Equal(names, []string{"character.json", "character.json.bak"}) {
				t.Fatalf("after the next run the directory holds %q", names)
			}
			if b, _ := os.ReadFile(path + ".bak"); !bytes.Equal(b, doc) {
				t.Fatal("the backup is not the original after the next run")
			}
		})
	}
	// An unknown step is a usage error, not a silent no-op.
	dir := t.TempDir()
	mfFixture(t, dir)
	_, err := run(dir, crashEnv+"=after-lunch")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("unknown step: %v", err)
	}
}

// A binary built without the interop_crashhook tag, as users get it,
// ignores INTEROP_TEST_CRASH_AT: a stray variable cannot kill it.
func TestMigrateFileShippedBinaryHasNoCrashHook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "interop")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	path, _, _ := mfFixture(t, dir)
	cmd := exec.Command(bin, "envelope", "migrate-file", path)
	cmd.Env = append(os.Environ(), "SECRET_SALT="+mfSalt, "NODE_ENV=", crashEnv+"=after-write")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "backup") {
		t.Fatalf("the shipped binary honoured the crash hook or failed: %v\n%s", err, out)
	}
}
