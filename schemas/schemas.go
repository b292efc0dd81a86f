// Package schemas embeds the project's JSON Schemas (draft 2020-12) so that
// the interop binary validates vector files without a checkout.
//
// Each schema's $id is BaseURI followed by its path below schemas/; the
// vector file schemas live under vectors/ and share vectors/common.schema.json.
package schemas

import "embed"

// BaseURI prefixes every schema's $id.
const BaseURI = "https://interopkit.github.io/interop/schemas/v1/"

// FS holds every schema file, at its path below schemas/.
//
//go:embed vectors/*.json
var FS embed.FS
