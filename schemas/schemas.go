// Package schemas embeds the project's JSON Schemas so that the interop
// binary validates vector files and plugin manifests without a checkout.
//
// The vector file schemas (draft 2020-12) live under vectors/ and share
// vectors/common.schema.json; each one's $id is BaseURI followed by its path
// below schemas/. plugin.schema.json (draft-07) is the plugin manifest
// schema used by package manifest; it keeps the upstream elizaOS $id,
// https://elizaos.ai/schemas/plugin.schema.json (see spec/manifest.md).
package schemas

import "embed"

// BaseURI prefixes the $id of every vector file schema.
const BaseURI = "https://interopkit.github.io/interop/schemas/v1/"

// FS holds every schema file, at its path below schemas/.
//
//go:embed vectors/*.json plugin.schema.json
var FS embed.FS
