// Package interop is the elizaOS cross-language interop conformance and
// bridge suite. The root package holds no code; the parts are:
//
//   - ids and envelope: the Go reference implementation of the runtime
//     primitives (deterministic UUIDs, the settings envelope and its salt
//     policy);
//   - types: Memory, Content, State, the results and the plugin manifest,
//     with the canonical JSON every language is compared on;
//   - manifest: plugin manifest validation against plugin.schema.json;
//   - redact: a slog Handler that redacts secrets by key, and text
//     redaction without upstream's leaks;
//   - plugin: the one interface every bridge implements;
//   - bridge/ipc: plugins in child processes over upstream's NDJSON
//     protocol, as a host and as a server;
//   - bridge/wasm: plugins compiled to WebAssembly, sandboxed on wazero
//     with limits on size, memory, time and strings;
//   - bridge/ffi: plugins in native shared libraries through purego, in
//     process (trusted code) or isolated in a supervised child;
//   - parity: the conformance gate that drives every peer over the
//     vectors and judges their answers;
//   - vectors and schemas: the shared test vectors and their JSON Schemas,
//     embedded so that the interop command works without a checkout;
//   - cmd/interop: the command-line tool;
//   - spec/ (not a package): the normative pages that decide where the
//     upstream TypeScript, Python and Rust implementations disagree.
package interop
