// Package b uses a's constant from another package.
package b

import (
	"log/slog"

	"example.com/mod/a"
	"example.com/mod/redact"
)

func g(log *slog.Logger) {
	log.Debug("from b", redact.Event("fix:b", a.EventBoom))
}
