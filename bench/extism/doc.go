// Package extism compares the WASM bridge (bridge/wasm) with Extism's Go
// SDK (github.com/extism/go-sdk), the best-known WebAssembly plugin system
// for Go, on the same machine in the same run: the example plugin's ECHO
// with a 1 KiB Memory, one call at a time, and the time to load a plugin.
// Both run on wazero; see README.md for what is compared and how to run
// it. It is a module of its own so that the interop library never depends
// on Extism.
package extism
