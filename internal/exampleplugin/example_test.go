package exampleplugin_test

import (
	"testing"

	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/internal/plugintest"
	"github.com/interopkit/interop/plugin"
)

// The in-process Go example is the reference every bridge is held to.
func TestContract(t *testing.T) {
	plugintest.Run(t, "go", func(t *testing.T) plugin.Plugin { return exampleplugin.New() })
}
