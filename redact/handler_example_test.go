package redact_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"github.com/interopkit/interop/redact"
)

func ExampleNewHandler() {
	// In a program: redact.ConfigFromEnv(), which reads ELIZA_LOG_REDACT and
	// ELIZA_LOG_REDACT_KEYS.
	cfg := redact.Config{}.WithKeys("pin")
	json := slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the example's output stable
			}
			return a
		},
	})
	logger := slog.New(redact.NewHandler(json, cfg))

	creds := map[string]any{"user": "alice", "Password": "hunter2", "PIN": 1234}
	logger.Info("login", redact.Event("core:auth", "core.auth.login"), "creds", creds,
		slog.Group("req", "Authorization", "Bearer abc", "path", "/login"))
	fmt.Println(creds["Password"]) // the caller's map is untouched
	// Output:
	// {"level":"INFO","msg":"login","src":"core:auth","event":"core.auth.login","creds":{"PIN":"[REDACTED]","Password":"[REDACTED]","user":"alice"},"req":{"Authorization":"[REDACTED]","path":"/login"}}
	// hunter2
}

func ExampleConfig_JSON() {
	var v any
	_ = json.Unmarshal([]byte(`{"src":"plugin:x","config":{"apiKey":"sk-1","servers":[{"host":"h","token":"t"}]}}`), &v)
	out, _ := json.Marshal(redact.Config{}.JSON(v))
	fmt.Println(string(out))
	// Output:
	// {"config":{"apiKey":"[REDACTED]","servers":[{"host":"h","token":"[REDACTED]"}]},"src":"plugin:x"}
}
