package plugintest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need stops a test that lacks a guest or a tool: a failure under make
// (INTEROP_REQUIRE_GUESTS set), which builds every guest and installs every
// tool first, and otherwise a skip that says what is missing.
func Need(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("INTEROP_REQUIRE_GUESTS") != "" {
		t.Fatalf("%s is missing; make test builds it", what)
	}
	t.Skipf("%s is missing: run make guests first (make test does)", what)
}

// WAT assembles a WebAssembly text module with wabt's wat2wasm.
func WAT(t testing.TB, src string) []byte {
	t.Helper()
	tool, err := exec.LookPath("wat2wasm")
	if err != nil {
		Need(t, "wat2wasm (Debian's wabt)")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "m.wat"), filepath.Join(dir, "m.wasm")
	if err := os.WriteFile(in, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(tool, "--enable-all", "-o", out, in).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
