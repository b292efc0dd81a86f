// Package types holds the elizaOS values that cross language boundaries
// (Memory, Content, State, ActionResult, ProviderResult and the plugin
// manifest) with one canonical JSON form.
//
// The JSON shape is the TypeScript one: camelCase member names, optional
// members absent when unset (never null), the dynamic keys of Content and
// State at the top level of their object, timestamps as integer
// milliseconds. Reading is strict and lossless:
//
//   - every error is an *Error whose Kind (ErrSyntax, ErrType, ErrMissing,
//     ErrRange, ErrDuplicateKey, ErrInvalidUTF8, ErrTooDeep) works with
//     errors.Is and whose Path is the JSON pointer of the offending value;
//   - a member name repeated in one object, a number whose magnitude exceeds
//     2^53−1 (anywhere, extra members included), a lone surrogate escape and
//     invalid UTF-8 are errors, never silently resolved;
//   - members a type does not declare are kept in its Extra map and written
//     back, so nothing is lost in a round trip;
//   - null for an optional member means unset; for a required member it
//     means missing;
//   - a timestamp may also arrive in the proto3 JSON form, a decimal string
//     ("1704067200000"); it is written back as a number.
//
// Writing produces RFC 8785 (JCS) text: no whitespace, members sorted by
// UTF-16 code units, numbers formatted as ECMAScript does, minimal string
// escaping. Equal values therefore give equal bytes in every language that
// has a JCS serializer. Optional members are pointers (set with new(v) or
// &v) and nil means absent; a nil slice or map is absent and an empty one
// is written as [] or {}. Free-form values (Extra, data, values, config)
// hold nil, bool, float64, string, []any and map[string]any, as
// encoding/json decodes them; int and int64 are accepted when writing.
//
// Call the UnmarshalJSON and MarshalJSON methods directly: encoding/json
// checks syntax itself before calling UnmarshalJSON (so its errors are not
// *Error) and, in json.Marshal, rewrites <, > and & as \u003c, \u003e and
// \u0026, which is not the canonical form.
//
// The normative description, with every difference from the TypeScript,
// Python and Rust implementations, is spec/types.md.
package types
