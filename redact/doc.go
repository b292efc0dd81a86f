// Package redact keeps secrets out of text and logs the way the elizaOS
// runtime does, so that a line written by a Go host hides the same things as
// one written by a TypeScript, Python or Rust plugin.
//
// It has two halves, which can be used together or apart.
//
// Text redaction finds secrets by their shape. Text applies the sixteen
// default patterns of upstream redactSensitiveText (environment-style
// assignments, JSON fields, command-line flags, Authorization and Bearer
// credentials, PEM private keys, well-known token prefixes) with
// JavaScript's regular-expression semantics, and masks each secret it finds
// with the rule of Mask: a token shorter than 18 UTF-16 code units becomes
// "***", a longer one keeps its first 6 and last 4 code units around "…".
// Secrets replaces known secret values, given by name, with
// "[REDACTED:<name>]", like upstream redactSecrets. Both insert their
// replacement literally: unlike upstream, a "$&" inside a secret or a
// secret's name is never expanded back into the secret. The normative
// description is spec/redact-text.md.
//
// Structured-log redaction finds secrets by their key. A Handler wraps any
// log/slog handler and replaces with Censor the value of every attribute
// whose key names a secret (password, token, apiKey and the other
// DefaultKeys, in any case, plus keys a Config adds), at any depth, without
// modifying the caller's values; Config.JSON does the same for a decoded
// JSON value; the normative description is spec/redact-log.md. Key
// redaction does not read text, and text redaction does not
// look at keys: a message string is only masked if it is passed through
// Text.
//
// Everything in the package is safe for concurrent use, and no function
// panics on any text, including text that is not valid UTF-8.
package redact
