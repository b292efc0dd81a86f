//go:build !interop_crashhook

package main

// crashHook is off: INTEROP_TEST_CRASH_AT is ignored (see crashhook_on.go).
const crashHook = false
