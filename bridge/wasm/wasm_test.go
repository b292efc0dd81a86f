package wasm

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/plugintest"
	"github.com/interopkit/interop/plugin"
)

// guestDir is where make builds the example guests (make guests).
const guestDir = "../../build/guests"

func need(t testing.TB, what string) { t.Helper(); plugintest.Need(t, what) }

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

// wat assembles a WebAssembly text module.
func wat(t testing.TB, src string) []byte { t.Helper(); return plugintest.WAT(t, src) }
