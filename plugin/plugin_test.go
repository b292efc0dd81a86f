package plugin_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/interopkit/interop/plugin"
)

// A plugin's text reaches the caller as it was given, but the error string,
// which ends up in logs, has credential shapes masked.
func TestErrorRedactsMessage(t *testing.T) {
	const key = "sk-proj-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	var err error = fmt.Errorf("call: %w", &plugin.Error{Op: "action.invoke", Name: "ECHO", Message: "bad key " + key})
	var pe *plugin.Error
	if !errors.As(err, &pe) || pe.Message != "bad key "+key {
		t.Fatalf("errors.As: %v", err)
	}
	if s := err.Error(); strings.Contains(s, key) || !strings.Contains(s, "plugin: action.invoke ECHO: bad key ") {
		t.Fatalf("Error() = %q", s)
	}
	if s := (&plugin.Error{Op: "plugin.init", Message: "plain"}).Error(); s != "plugin: plugin.init: plain" {
		t.Fatalf("Error() = %q", s)
	}
}
