// Package sbom checks the CycloneDX SBOMs that `make sbom` writes into
// build/sbom: each file must validate against the official CycloneDX JSON
// schema of the spec version it declares (1.5 or 1.6, vendored with the SPDX
// and JSF schemas they reference under schemas/third_party/cyclonedx), and
// must say something: a root component in metadata.component and at least
// one component.
//
// The package's test validates every file in build/sbom. It skips, with the
// reason, when build/sbom is absent, unless INTEROP_REQUIRE_SBOM=1 (set by
// make test), which makes a missing or incomplete build/sbom a failure.
package sbom

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaDir is the directory of the vendored schemas, relative to the
// repository root.
const SchemaDir = "schemas/third_party/cyclonedx"

// The spec versions with a vendored schema, and the file of each.
var bomSchemas = map[string]string{
	"1.5": "bom-1.5.schema.json",
	"1.6": "bom-1.6.schema.json",
}

// The schemas the BOM schemas reference, by file; each is added under its
// own $id, so that their relative $refs resolve without a loader.
var refSchemas = []string{"spdx.schema.json", "jsf-0.82.schema.json"}

// Validator validates CycloneDX JSON documents. It is safe for concurrent
// use once built.
type Validator struct {
	schemas map[string]*jsonschema.Schema // by spec version
}

// SpecVersions returns the spec versions the validator knows, sorted.
func (v *Validator) SpecVersions() []string {
	out := make([]string, 0, len(v.schemas))
	for k := range v.schemas {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NewValidator compiles the vendored schemas found in dir. Formats
// (date-time, iri-reference, idn-email, ...) are asserted, as the CycloneDX
// tools' own validators do. No reference is ever loaded from the network or
// from any other file.
func NewValidator(dir string) (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	c.UseLoader(refuseLoader{})
	add := func(name string) (string, error) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", fmt.Errorf("sbom: reading schema: %w", err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return "", fmt.Errorf("sbom: schema %s: %w", name, err)
		}
		m, ok := doc.(map[string]any)
		if !ok {
			return "", fmt.Errorf("sbom: schema %s is not an object", name)
		}
		id, _ := m["$id"].(string)
		if id == "" {
			return "", fmt.Errorf("sbom: schema %s has no $id", name)
		}
		if err := c.AddResource(id, doc); err != nil {
			return "", fmt.Errorf("sbom: schema %s: %w", name, err)
		}
		return id, nil
	}
	for _, name := range refSchemas {
		if _, err := add(name); err != nil {
			return nil, err
		}
	}
	v := &Validator{schemas: map[string]*jsonschema.Schema{}}
	ids := map[string]string{}
	for version, name := range bomSchemas {
		id, err := add(name)
		if err != nil {
			return nil, err
		}
		ids[version] = id
	}
	for version, id := range ids {
		sch, err := c.Compile(id)
		if err != nil {
			return nil, fmt.Errorf("sbom: compiling the CycloneDX %s schema: %w", version, err)
		}
		v.schemas[version] = sch
	}
	return v, nil
}

// refuseLoader refuses every reference that is not a vendored schema.
type refuseLoader struct{}

// Load implements jsonschema.URLLoader by refusing.
func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("sbom: %s is not a vendored schema; references are not loaded", url)
}

// Document is a parsed SBOM, as the validator's JSON decoder returned it.
type Document struct {
	SpecVersion string
	root        map[string]any
}

// Validate parses data and validates it against the schema of the spec
// version it declares. An unknown or missing specVersion is an error.
func (v *Validator) Validate(data []byte) (*Document, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	if f, _ := root["bomFormat"].(string); f != "CycloneDX" {
		return nil, fmt.Errorf("bomFormat is %v, not CycloneDX", root["bomFormat"])
	}
	spec, _ := root["specVersion"].(string)
	sch, ok := v.schemas[spec]
	if !ok {
		return nil, fmt.Errorf("specVersion %q has no vendored schema (have %s)", spec, strings.Join(v.SpecVersions(), ", "))
	}
	if err := sch.Validate(doc); err != nil {
		return nil, fmt.Errorf("invalid CycloneDX %s: %w", spec, err)
	}
	return &Document{SpecVersion: spec, root: root}, nil
}

// Component is what the checks read of a component.
type Component struct {
	Name    string // with the group, if any, as group/name (npm: @scope/name)
	Version string
}

// Root returns metadata.component, if the document has one.
func (d *Document) Root() (Component, bool) {
	md, _ := d.root["metadata"].(map[string]any)
	c, ok := md["component"].(map[string]any)
	if !ok {
		return Component{}, false
	}
	return component(c), true
}

// Components returns every component of the document, nested ones
// included, in document order.
func (d *Document) Components() []Component {
	var out []Component
	var walk func(list any)
	walk = func(list any) {
		items, _ := list.([]any)
		for _, it := range items {
			c, ok := it.(map[string]any)
			if !ok {
				continue
			}
			out = append(out, component(c))
			walk(c["components"])
		}
	}
	walk(d.root["components"])
	return out
}

// Find returns the components named name (group/name for a grouped one).
func (d *Document) Find(name string) []Component {
	var out []Component
	for _, c := range d.Components() {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

func component(c map[string]any) Component {
	name, _ := c["name"].(string)
	if g, _ := c["group"].(string); g != "" {
		name = g + "/" + name
	}
	version, _ := c["version"].(string)
	return Component{Name: name, Version: version}
}

// Check reports why a valid document is trivial: no metadata.component, or
// no component. It returns nil for a document that says something.
func (d *Document) Check() error {
	var problems []string
	if r, ok := d.Root(); !ok || r.Name == "" {
		problems = append(problems, "no metadata.component with a name")
	}
	if len(d.Components()) == 0 {
		problems = append(problems, "no components")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
