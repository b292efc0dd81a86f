package b

import (
	"log/slog"

	"example.com/mod/redact"
)

func h(log *slog.Logger) { log.Info("test files are not scanned", redact.Event("fix:b", "fix.b.test")) }
