//go:build interop_crashhook

package main

// crashHook enables INTEROP_TEST_CRASH_AT: only in the binary the tests
// build (go build -tags interop_crashhook), never in one a user runs.
const crashHook = true
