// Package interop is the elizaOS cross-language interop conformance and
// bridge suite. The root package holds no code; the parts are:
//
//   - ids and envelope: the Go reference implementation of the runtime
//     primitives (deterministic UUIDs, the settings envelope and its salt
//     policy);
//   - vectors and schemas: the shared test vectors and their JSON Schemas,
//     embedded so that the interop command works without a checkout;
//   - cmd/interop: the command-line tool;
//   - spec/ (not a package): the normative pages that decide where the
//     upstream TypeScript, Python and Rust implementations disagree.
package interop
