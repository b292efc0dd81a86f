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
// Whenever DefaultSalt is in force, SaltFromEnv logs a warning to logger
// (slog.Default() when nil) with src=core:settings and
// event=core.settings.default_secret_salt, on every call: the memory of
// having warned is the caller's. A program that resolves the salt once (the
// CLI) warns once; one that resolves it repeatedly keeps a SaltPolicy, which
// warns once per value as upstream warns once per process.
func SaltFromEnv(lookup func(string) (string, bool), logger *slog.Logger) (string, error) {
	salt, isDefault, err := resolveSalt(lookup)
	if isDefault {
		warnDefaultSalt(logger)
	}
	return salt, err
}

// A SaltPolicy resolves the salt like SaltFromEnv and logs the default-salt
// warning at most once in its lifetime. The zero value logs to
// slog.Default(); a SaltPolicy is safe for concurrent use and must not be
// copied after first use.
type SaltPolicy struct {
	// Logger receives the warning; nil means slog.Default().
	Logger *slog.Logger

	warned atomic.Bool
}

// Salt returns the salt in force, as SaltFromEnv does.
func (p *SaltPolicy) Salt(lookup func(string) (string, bool)) (string, error) {
	salt, isDefault, err := resolveSalt(lookup)
	if isDefault && p.warned.CompareAndSwap(false, true) {
		warnDefaultSalt(p.Logger)
	}
	return salt, err
}

// resolveSalt applies the policy; isDefault reports that DefaultSalt is in
// force and allowed (the case that warns).
func resolveSalt(lookup func(string) (string, bool)) (salt string, isDefault bool, err error) {
	salt, _ = lookup("SECRET_SALT")
	if salt == "" {
		salt = DefaultSalt
	}
	if salt != DefaultSalt {
		return salt, false, nil
	}
	env, _ := lookup("NODE_ENV")
	allow, _ := lookup("ELIZA_ALLOW_DEFAULT_SECRET_SALT")
	if asciiLowerIs(env, "production") && !asciiLowerIs(allow, "true") {
		return "", false, ErrDefaultSaltInProduction
	}
	return salt, true, nil
}

// warnDefaultSalt logs upstream's warning. The event attributes are written
// out rather than taken from package redact, which the primitives do not
// import; docs/events.md and its test keep the names in step.
func warnDefaultSalt(logger *slog.Logger) {
	if logger == nil {
		logger = slog.Default()
	}
	logger.LogAttrs(context.Background(), slog.LevelWarn,
		"SECRET_SALT is not set or is the default value",
		slog.String("src", logSrc), slog.String("event", eventDefaultSalt))
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
