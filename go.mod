module github.com/interopkit/interop

go 1.26

require github.com/santhosh-tekuri/jsonschema/v6 v6.0.3

require (
	github.com/ebitengine/purego v0.11.3
	github.com/tetratelabs/wazero v1.12.0
	golang.org/x/text v0.14.0
)

require golang.org/x/sys v0.44.0 // indirect
