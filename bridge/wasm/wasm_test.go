package wasm

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/plugintest"
	"github.com/interopkit/interop/plugin"
)

// guestDir is where make builds the example guests (make guests).
const guestDir = "../../build/guests"

// need reports a missing prerequisite: a failure under make (which sets
// INTEROP_REQUIRE_GUESTS and builds everything first), a skip with the
// reason when go test is run on its own.
func need(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("INTEROP_REQUIRE_GUESTS") != "" {
		t.Fatalf("%s is missing; make test builds it", what)
	}
	t.Skipf("%s is missing: run make guests first (make test does)", what)
}

// guest is the path of an example guest built by make.
func guest(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(guestDir, name)
	if _, err := os.Stat(path); err != nil {
		need(t, path)
	}
	return path
}

// examples are the example plugin's guests: file and manifest language.
var examples = []struct{ file, language string }{
	{"c-example.wasm", "c"},
	{"rust-example.wasm", "rust"},
	{"go-example.wasm", "go"},
}

func TestContract(t *testing.T) {
	defer leaktest.Check(t)()
	for _, g := range examples {
		t.Run(g.language, func(t *testing.T) {
			path := guest(t, g.file)
			plugintest.Run(t, g.language, func(t *testing.T) plugin.Plugin {
				p, err := Load(context.Background(), path, Config{})
				if err != nil {
					t.Fatal(err)
				}
				return p
			})
		})
	}
}

// wat assembles a WebAssembly text module with wabt's wat2wasm.
func wat(t testing.TB, src string) []byte {
	t.Helper()
	tool, err := exec.LookPath("wat2wasm")
	if err != nil {
		need(t, "wat2wasm (Debian's wabt)")
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
