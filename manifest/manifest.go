// Package manifest validates elizaOS cross-language plugin manifests
// against schemas/plugin.schema.json, the draft-07 schema of the upstream
// interop layer (identified by SchemaID).
//
// Validation works on the raw JSON document. The document layer is the
// project's one strict JSON reader (internal/jsontext, the rules of
// spec/types.md) with a size cap of MaxSize and a nesting limit of
// MaxDepth, and its failures are errors (a *DocumentError matching
// ErrTooLarge, ErrInvalidUTF8, ErrSyntax, ErrTooDeep, ErrDuplicateKey or
// ErrRange). A document this package reads is therefore one package types
// reads too. A document that is JSON but breaks the schema is not an
// error: Validate returns its problems, one per failing schema keyword, in
// a fixed order, each naming the JSON pointer of the instance and the
// keyword. Nothing is normalised: a manifest is reported as sent.
//
// Check adds hints for the known ways in which the upstream plugin
// children deviate from the schema (routes with "type" instead of
// "method", no "language", null for unset fields, a defaulted version),
// naming the child and the fix. Parse validates and then decodes into
// types.PluginManifest.
//
// Messages never contain values from the document (a config value can be
// a secret); they contain JSON pointers, which contain member names.
//
// The normative description is spec/manifest.md.
package manifest

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/interopkit/interop/internal/jsontext"
	"github.com/interopkit/interop/schemas"
)

// SchemaID is the $id of the plugin manifest schema: the upstream one, so
// that a reference to the upstream schema resolves to this file.
const SchemaID = "https://elizaos.ai/schemas/plugin.schema.json"

// schemaPath is the schema's path in schemas.FS.
const schemaPath = "plugin.schema.json"

// Problem is one way in which a document breaks the schema.
type Problem struct {
	// Pointer is the RFC 6901 JSON pointer of the instance that fails
	// ("" for the document itself).
	Pointer string
	// Rule is the failing schema keyword: type, required, pattern, enum,
	// oneOf, ... (for this schema, those five).
	Rule string
	// Property is the missing member for Rule "required", else "".
	Property string
	// Message says in a few words what is wrong, without the value.
	Message string
}

// String formats the problem on one line: pointer, rule, message, as in
//
//	/routes/0: required: missing property "method"
//
// The empty pointer shows as "(root)"; invisible characters in member names
// are escaped and very long pointers are shortened.
func (p Problem) String() string {
	return displayPointer(p.Pointer) + ": " + p.Rule + ": " + p.Message
}

// Validate checks a manifest document against the plugin schema. It
// returns the problems in the order of spec/manifest.md (by pointer in
// Unicode code point order, then rule, then property); none means valid.
// The error is non-nil only when doc cannot be read as a JSON document
// (see DocumentError).
func Validate(doc []byte) ([]Problem, error) {
	v, err := readDocument(doc)
	if err != nil {
		return nil, err
	}
	return validateValue(v)
}

// ValidateReader reads one document of at most MaxSize bytes from r and
// validates it; a longer document fails with ErrTooLarge without being
// read further.
func ValidateReader(r io.Reader) ([]Problem, error) {
	doc, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	return Validate(doc)
}

func readLimited(r io.Reader) ([]byte, error) {
	doc, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("manifest: reading: %w", err)
	}
	if len(doc) > MaxSize {
		return nil, errTooLarge()
	}
	return doc, nil
}

// Schema returns the text of the plugin manifest schema.
func Schema() []byte {
	b, err := fs.ReadFile(schemas.FS, schemaPath)
	if err != nil {
		panic("manifest: schema not embedded: " + err.Error())
	}
	return b
}

// The compiled manifest schema: built once, on first use, by the one call of
// compileOnce, and immutable afterwards (a *jsonschema.Schema is safe for
// concurrent Validate calls).
var (
	compileOnce sync.Once
	compiled    *jsonschema.Schema
	compileErr  error
)

// schema compiles the embedded schema once. It never loads anything from
// the network or the file system: the draft-07 metaschema is built into the
// validator library and every other reference is refused.
func schema() (*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
		if err != nil {
			compileErr = fmt.Errorf("manifest: embedded schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft7)
		c.UseLoader(refuseLoader{})
		if err := c.AddResource(SchemaID, doc); err != nil {
			compileErr = fmt.Errorf("manifest: embedded schema: %w", err)
			return
		}
		compiled, compileErr = c.Compile(SchemaID)
		if compileErr != nil {
			compileErr = fmt.Errorf("manifest: compiling the embedded schema: %w", compileErr)
		}
	})
	return compiled, compileErr
}

// refuseLoader refuses every external reference.
type refuseLoader struct{}

// Load implements jsonschema.URLLoader by refusing.
func (refuseLoader) Load(url string) (any, error) {
	return nil, errors.New("manifest: external schema references are not loaded")
}

func validateValue(v any) ([]Problem, error) {
	sch, err := schema()
	if err != nil {
		return nil, err
	}
	err = sch.Validate(v)
	if err == nil {
		return nil, nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return nil, fmt.Errorf("manifest: validating: %w", err)
	}
	var out []Problem
	collect(verr, &out)
	slices.SortFunc(out, compareProblems)
	return slices.Compact(out), nil
}

func compareProblems(a, b Problem) int {
	// Go compares strings byte-wise; for UTF-8 that is code point order.
	return cmp.Or(strings.Compare(a.Pointer, b.Pointer), strings.Compare(a.Rule, b.Rule), strings.Compare(a.Property, b.Property))
}

// collect flattens a validation error tree into problems, following the
// normalisation of spec/manifest.md: container kinds (the whole schema, a
// group of errors, a $ref) are transparent; a failing oneOf or anyOf is one
// problem at its instance and the failures of its branches are not
// reported (which branch "should" have matched is a guess); every other
// kind is a leaf keyword.
func collect(e *jsonschema.ValidationError, out *[]Problem) {
	ptr := jsontext.Pointer(e.InstanceLocation...)
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		for _, c := range e.Causes {
			collect(c, out)
		}
	case *kind.Required:
		for _, m := range k.Missing {
			*out = append(*out, Problem{Pointer: ptr, Rule: "required", Property: m, Message: fmt.Sprintf("missing property %q", m)})
		}
	case *kind.Type:
		*out = append(*out, Problem{Pointer: ptr, Rule: "type", Message: fmt.Sprintf("want %s, got %s", strings.Join(k.Want, " or "), k.Got)})
	case *kind.Pattern:
		*out = append(*out, Problem{Pointer: ptr, Rule: "pattern", Message: "does not match " + k.Want})
	case *kind.Enum:
		*out = append(*out, Problem{Pointer: ptr, Rule: "enum", Message: "want one of " + enumList(k.Want)})
	case *kind.OneOf:
		msg := "matches none of the alternatives"
		if len(k.Subschemas) > 1 {
			msg = "matches more than one alternative"
		}
		*out = append(*out, Problem{Pointer: ptr, Rule: "oneOf", Message: msg})
	case *kind.AnyOf:
		*out = append(*out, Problem{Pointer: ptr, Rule: "anyOf", Message: "matches none of the alternatives"})
	default:
		rule := "schema"
		if kw := k.KeywordPath(); len(kw) > 0 {
			rule = kw[0]
		}
		*out = append(*out, Problem{Pointer: ptr, Rule: rule, Message: "fails " + rule})
	}
}

// enumList lists the allowed values; they come from the schema, not from
// the document.
func enumList(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			parts[i] = fmt.Sprintf("%q", s)
		} else {
			parts[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(parts, ", ")
}
