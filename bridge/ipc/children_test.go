package ipc_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/plugintest"
	"github.com/interopkit/interop/plugin"
)

// runner returns the path of a file under runners/, or skips the test when
// the runner is not installed (make peers installs every runner; make test
// always has them).
func runner(t *testing.T, rel, installed string) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", "runners"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, installed)); err != nil {
		t.Skipf("runners/%s is not installed (make peers installs it)", installed)
	}
	return filepath.Join(root, rel)
}

// The Python example plugin, on the real elizaos package, through our
// Python plugin server, passes the contract suite.
func TestContractPythonChild(t *testing.T) {
	defer checkLeaks(t)()
	py := runner(t, "python/.venv/bin/python", "python/.venv/bin/python")
	server := runner(t, "python/plugin_server.py", "python/.venv/bin/python")
	example := runner(t, "python/example_plugin.py", "python/.venv/bin/python")
	plugintest.Run(t, "python", func(t *testing.T) plugin.Plugin {
		return start(t, ipc.Config{Command: []string{py, server, "--module", example}, StartTimeout: 30 * time.Second, RequestTimeout: 10 * time.Second, Grace: time.Second})
	})
}

// The TypeScript example plugin, on the real @elizaos/core, through our
// Node plugin server, passes the contract suite, as an ES module and as
// CommonJS.
func TestContractTSChild(t *testing.T) {
	defer checkLeaks(t)()
	server := runner(t, "ts/plugin-server.mjs", "ts/node_modules/@elizaos/core/package.json")
	for _, file := range []string{"ts/example-plugin.mjs", "ts/example-plugin.cjs"} {
		example := runner(t, file, "ts/node_modules/@elizaos/core/package.json")
		t.Run(filepath.Ext(file)[1:], func(t *testing.T) {
			plugintest.Run(t, "typescript", func(t *testing.T) plugin.Plugin {
				return start(t, ipc.Config{Command: []string{"node", server, example}, StartTimeout: 30 * time.Second, RequestTimeout: 10 * time.Second, Grace: time.Second})
			})
		})
	}
}
