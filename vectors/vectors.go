// Package vectors embeds the shared test vectors (spec/vectors.md) so that
// the interop binary checks an implementation without a checkout. The files
// themselves, vectors/<suite>/*.json, are the public contract; this package
// only carries them.
package vectors

import "embed"

// FS holds every vector file at its path below vectors/.
//
//go:embed */*.json
var FS embed.FS
