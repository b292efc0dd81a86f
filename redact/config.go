package redact

import (
	"os"
	"strings"
)

// Censor replaces the value of every key that names a secret: a string,
// a number, an object or an array alike. It is upstream's censor text, in
// TypeScript and Python.
const Censor = "[REDACTED]"

// Truncated replaces an object or array at depth MaxDepth or more, and an
// attribute value too large to inspect (more than 65,536 members in all):
// what the redactor has not looked at, it does not pass on.
const Truncated = "[TRUNCATED]"

// MaxDepth is how deep the redactor looks. The log record, or the value
// given to Config.JSON, is depth 0; the value of a member of an object or
// array of depth d has depth d+1. An object or array of depth MaxDepth or
// more becomes Truncated (unless its own key names a secret, which makes it
// Censor). The limit bounds the work on cyclic values, which would
// otherwise never end.
const MaxDepth = 64

// The environment variables of upstream Python's logger, read by
// ConfigFromLookup.
const (
	cfgEnvEnabled = "ELIZA_LOG_REDACT"
	cfgEnvKeys    = "ELIZA_LOG_REDACT_KEYS"
)

// cfgDefaultKeys is the upstream key list in upstream TypeScript's spelling;
// Python's list is the same keys lower-cased.
var cfgDefaultKeys = [...]string{
	"password", "passwd", "secret", "token", "apiKey", "api_key",
	"apiSecret", "api_secret", "authorization", "auth", "credential",
	"credentials", "privateKey", "private_key", "accessToken",
	"access_token", "refreshToken", "refresh_token", "cookie", "session",
	"jwt", "bearer",
}

// cfgDefaultSet is the folded form of cfgDefaultKeys, shared by every
// Config that adds no keys.
var cfgDefaultSet = newKeySet(nil, cfgDefaultKeys[:])

// DefaultKeys returns the 22 keys every Config redacts, in upstream
// TypeScript's spelling. They match in any case (see Config.Matches).
func DefaultKeys() []string {
	return append([]string(nil), cfgDefaultKeys[:]...)
}

// Config says what the redactor does: which keys name secrets and whether
// redaction is on. The zero value redacts the DefaultKeys. A Config is an
// immutable value: its With methods return changed copies, it is safe to
// share between goroutines, and keys are folded once, when they are added,
// not on every log record.
type Config struct {
	keys *keySet // nil means cfgDefaultSet
	off  bool
}

// ConfigFromLookup returns the configuration upstream Python's logger takes
// from its environment, reading variables through lookup (os.LookupEnv in a
// real process; nil reads nothing):
//
//   - ELIZA_LOG_REDACT switches redaction: after trimming white space and
//     lower-casing, "1", "true", "yes" and "on" switch it on, "0", "false",
//     "no" and "off" switch it off, and anything else, or nothing, leaves it
//     on.
//   - ELIZA_LOG_REDACT_KEYS adds keys to the DefaultKeys: a comma-separated
//     list whose items are trimmed and folded like every key; empty items
//     are skipped.
//
// White space is what Python's str.strip removes (Unicode White_Space and
// the ASCII separators U+001C..U+001F), and folding is Python's str.lower
// (see Config.Matches), so that a Go process and a Python one given the same
// environment redact the same keys.
func ConfigFromLookup(lookup func(string) (string, bool)) Config {
	var c Config
	if lookup == nil {
		return c
	}
	if v, ok := lookup(cfgEnvEnabled); ok {
		switch keyFold(keyTrim(v)) {
		case "0", "false", "no", "off":
			c.off = true
		}
	}
	if v, ok := lookup(cfgEnvKeys); ok {
		var extra []string
		for item := range strings.SplitSeq(v, ",") {
			if item = keyTrim(item); item != "" {
				extra = append(extra, item)
			}
		}
		c = c.WithKeys(extra...)
	}
	return c
}

// ConfigFromEnv is ConfigFromLookup(os.LookupEnv): the configuration of
// this process's environment.
func ConfigFromEnv() Config { return ConfigFromLookup(os.LookupEnv) }

// WithKeys returns a copy of c that also redacts keys. Each key is folded
// as Matches describes, not trimmed; empty keys are ignored, so that an
// attribute with an empty key (which slog uses for inline groups) is never
// redacted.
func (c Config) WithKeys(keys ...string) Config {
	c.keys = newKeySet(c.set(), keys)
	return c
}

// WithEnabled returns a copy of c with redaction switched on or off. A
// Handler of a Config that is off passes every record through untouched,
// and JSON returns its argument.
func (c Config) WithEnabled(on bool) Config {
	c.off = !on
	return c
}

// Enabled reports whether c redacts at all.
func (c Config) Enabled() bool { return !c.off }

// Matches reports whether key names a secret under c, whether or not c is
// enabled.
//
// Keys are compared after folding both sides with the full Unicode lower-case
// mapping, without locale: Python's str.lower and JavaScript's
// String.prototype.toLowerCase. So "APIKEY", "ApiKey" and "apikey" match
// "apiKey", and "to\u212Aen" (with KELVIN SIGN, which lower-cases to "k")
// matches "token", but "\u017Fecret" (LATIN SMALL LETTER LONG S, already
// lower case) does not match "secret": this is lower-casing, not case
// folding. Nothing else is normalised: "api-key", "apiKey " and "passwords"
// are not secret keys.
func (c Config) Matches(key string) bool { return c.set().match(key) }

func (c Config) set() *keySet {
	if c.keys == nil {
		return cfgDefaultSet
	}
	return c.keys
}
