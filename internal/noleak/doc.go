// Package noleak holds one test, TestNoSecretLeaves: it drives the bridges'
// fault paths, the envelope package and CLI's failures, the salt policy
// and the gate's failure reports with known secret values (a salt, a
// plaintext, API-key-shaped strings in Memory and State, secrets in the
// parent's environment) and fails if any of them appears in a log record,
// an error message, a line of standard error or output, a report file or a
// child's environment. It has no code of its own.
package noleak
