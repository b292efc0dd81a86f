package envelope

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
)

// DefaultSalt is the salt upstream falls back to when SECRET_SALT is unset
// or empty. Anyone can derive its key: it protects nothing.
const DefaultSalt = "secretsalt"

// ErrDefaultSaltInProduction reports that NODE_ENV is production and the
// salt in force is DefaultSalt, without the explicit override. Its text
// follows upstream's on purpose, so that the same grep finds it in logs of
// every implementation.
var ErrDefaultSaltInProduction = errors.New("envelope: SECRET_SALT must be set to a non-default value in production (set ELIZA_ALLOW_DEFAULT_SECRET_SALT=true to override, not recommended)")

// Log attributes of the default-salt warning, shared with upstream TS.
const (
	logSrc           = "core:settings"
	eventDefaultSalt = "core.settings.default_secret_salt"
)

// defaultSaltWarned makes the default-salt warning once per process.
var defaultSaltWarned atomic.Bool

// SaltFromEnv returns the salt in force under the settings salt policy,
// reading variables through lookup (os.LookupEnv in a real process).
//
// SECRET_SALT is used as written; unset or empty means DefaultSalt. When
// NODE_ENV, lower-cased, is "production" and the salt is DefaultSalt, it
// fails with ErrDefaultSaltInProduction unless
// ELIZA_ALLOW_DEFAULT_SECRET_SALT, lower-cased, is "true". Nothing is
// trimmed. This matches upstream TS; spec/salt.md lists how Python and Rust
// differ.
//
// Whenever DefaultSalt is in force, the first call in the process logs a
// warning to logger (slog.Default() when nil) with src=core:settings and
// event=core.settings.default_secret_salt.
func SaltFromEnv(lookup func(string) (string, bool), logger *slog.Logger) (string, error) {
	salt, _ := lookup("SECRET_SALT")
	if salt == "" {
		salt = DefaultSalt
	}
	if salt != DefaultSalt {
		return salt, nil
	}
	env, _ := lookup("NODE_ENV")
	allow, _ := lookup("ELIZA_ALLOW_DEFAULT_SECRET_SALT")
	if asciiLowerIs(env, "production") && !asciiLowerIs(allow, "true") {
		return "", ErrDefaultSaltInProduction
	}
	if defaultSaltWarned.CompareAndSwap(false, true) {
		if logger == nil {
			logger = slog.Default()
		}
		logger.LogAttrs(context.Background(), slog.LevelWarn,
			"SECRET_SALT is not set or is the default value",
			slog.String("src", logSrc), slog.String("event", eventDefaultSalt))
	}
	return salt, nil
}

// asciiLowerIs reports whether s lower-cased equals the lower-case ASCII
// word w. JavaScript's toLowerCase maps no non-ASCII character onto the
// letters of the words compared here, while Go's strings.ToLower maps U+0130
// onto 'i'; comparing ASCII only keeps the verdict identical to upstream.
func asciiLowerIs(s, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
