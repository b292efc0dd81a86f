package sbom

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The repository root, from this package's directory.
var root = filepath.Join("..", "..")

var (
	validatorOnce sync.Once
	validator     *Validator
	validatorErr  error
)

func newValidator(t *testing.T) *Validator {
	t.Helper()
	validatorOnce.Do(func() {
		validator, validatorErr = NewValidator(filepath.Join(root, SchemaDir))
	})
	if validatorErr != nil {
		t.Fatal(validatorErr)
	}
	return validator
}

// An expected SBOM: its file in build/sbom, the spec version its generator
// emits, its root component, and components it must list, each at the
// version that the project's own manifests pin (a stale build/sbom fails).
type expected struct {
	file, spec, root string
	lists            map[string]string // component name -> pinned version
}

func expectations(t *testing.T) []expected {
	t.Helper()
	goMod := read(t, "go.mod")
	goPin := func(mod string) string {
		return match(t, "go.mod", goMod, `(?m)^\s*(?:require\s+)?`+regexp.QuoteMeta(mod)+`\s+(\S+)`)
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal([]byte(read(t, "runners/ts/package.json")), &pkg); err != nil {
		t.Fatalf("runners/ts/package.json: %v", err)
	}
	core := pkg.Dependencies["@elizaos/core"]
	if core == "" {
		t.Fatal("runners/ts/package.json: no @elizaos/core dependency")
	}
	pyPin := match(t, "runners/python/requirements.lock", read(t, "runners/python/requirements.lock"), `(?m)^elizaos==(\S+)`)
	rsPin := match(t, "runners/rust/Cargo.lock", read(t, "runners/rust/Cargo.lock"), `(?m)^name = "elizaos"\nversion = "([^"]+)"`)
	return []expected{
		{"go.cdx.json", "1.6", "github.com/interopkit/interop", map[string]string{
			"github.com/tetratelabs/wazero": goPin("github.com/tetratelabs/wazero"),
			"github.com/ebitengine/purego":  goPin("github.com/ebitengine/purego"),
		}},
		{"ts.cdx.json", "1.6", "@interopkit/runner-ts", map[string]string{"@elizaos/core": core}},
		{"python.cdx.json", "1.6", "interop-runner-python", map[string]string{"elizaos": pyPin}},
		{"rust.cdx.json", "1.5", "interop-peer", map[string]string{"elizaos": rsPin}},
		{"rust-ffi-example.cdx.json", "1.5", "interop-ffi-example", map[string]string{"elizaos": rsPin}},
	}
}

func read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func match(t *testing.T, name, text, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%s: no match for %s", name, re)
	}
	return m[1]
}

// TestBuiltSBOMs validates every file in build/sbom and checks that the
// expected ones are there and list what the project depends on.
func TestBuiltSBOMs(t *testing.T) {
	dir := filepath.Join(root, "build", "sbom")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("INTEROP_REQUIRE_SBOM") == "1" {
			t.Fatalf("%s is absent and INTEROP_REQUIRE_SBOM=1: run make sbom", dir)
		}
		t.Skipf("%s is absent: run make sbom to generate the SBOMs (INTEROP_REQUIRE_SBOM=1 makes this a failure)", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	v := newValidator(t)
	docs := map[string]*Document{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := v.Validate(data)
		if err != nil {
			t.Errorf("build/sbom/%s: %v", e.Name(), err)
			continue
		}
		if err := doc.Check(); err != nil {
			t.Errorf("build/sbom/%s: %v", e.Name(), err)
			continue
		}
		docs[e.Name()] = doc
		t.Logf("build/sbom/%s: CycloneDX %s, %d components, valid", e.Name(), doc.SpecVersion, len(doc.Components()))
	}
	for _, want := range expectations(t) {
		doc, ok := docs[want.file]
		if !ok {
			t.Errorf("build/sbom/%s: missing or invalid (run make sbom)", want.file)
			continue
		}
		if doc.SpecVersion != want.spec {
			t.Errorf("build/sbom/%s: CycloneDX %s, want %s", want.file, doc.SpecVersion, want.spec)
		}
		if r, _ := doc.Root(); r.Name != want.root {
			t.Errorf("build/sbom/%s: metadata.component is %q, want %q", want.file, r.Name, want.root)
		}
		for name, version := range want.lists {
			found := doc.Find(name)
			if len(found) == 0 {
				t.Errorf("build/sbom/%s: does not list %s", want.file, name)
				continue
			}
			if !slices.ContainsFunc(found, func(c Component) bool { return c.Version == version }) {
				t.Errorf("build/sbom/%s: lists %s at %v, but the project pins %s (stale: run make sbom)", want.file, name, found, version)
			}
		}
	}
}

// A minimal valid CycloneDX 1.6 document; the broken ones below each change
// one thing of it.
const minimal = `{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "metadata": {
    "timestamp": "2026-01-02T03:04:05Z",
    "component": {"type": "application", "name": "root", "version": "1.0.0"}
  },
  "components": [
    {"type": "library", "name": "dep", "version": "2.0.0", "purl": "pkg:golang/example.com/dep@v2.0.0",
     "licenses": [{"license": {"id": "Apache-2.0"}}]}
  ]
}`

func TestValidatorAcceptsMinimal(t *testing.T) {
	v := newValidator(t)
	for _, spec := range []string{"1.5", "1.6"} {
		doc, err := v.Validate([]byte(strings.Replace(minimal, `"1.6"`, `"`+spec+`"`, 1)))
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if err := doc.Check(); err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if got := doc.Find("dep"); len(got) != 1 || got[0].Version != "2.0.0" {
			t.Fatalf("%s: Find(dep) = %v", spec, got)
		}
	}
}

// TestValidatorRejectsBroken: each deliberately broken SBOM must fail, and
// the failures through the SPDX and JSF schemas show that the references
// resolve to the vendored files.
func TestValidatorRejectsBroken(t *testing.T) {
	v := newValidator(t)
	cases := []struct{ name, old, new string }{
		{"not CycloneDX", `"bomFormat": "CycloneDX"`, `"bomFormat": "SPDX"`},
		{"unknown spec version", `"specVersion": "1.6"`, `"specVersion": "9.9"`},
		{"no spec version", `"specVersion": "1.6",`, ``},
		{"component without name", `"name": "dep", `, ``},
		{"component of unknown type", `"type": "library"`, `"type": "gadget"`},
		{"unknown top-level property", `"version": 1,`, `"version": 1, "extra": true,`},
		{"version not an integer", `"version": 1,`, `"version": "one",`},
		{"timestamp not a date-time", `"2026-01-02T03:04:05Z"`, `"yesterday"`},
		{"license id not in the SPDX list", `"Apache-2.0"`, `"Not-A-License-1.0"`},
		{"signature not JSF", `"components": [`, `"signature": {"algorithm": "none", "value": 7}, "components": [`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			broken := strings.Replace(minimal, c.old, c.new, 1)
			if broken == minimal {
				t.Fatalf("the case changes nothing: %q not found", c.old)
			}
			if _, err := v.Validate([]byte(broken)); err == nil {
				t.Fatalf("a broken SBOM (%s) validated", c.name)
			} else {
				t.Logf("rejected: %.200s", err)
			}
		})
	}
}

func TestCheckRejectsTrivial(t *testing.T) {
	v := newValidator(t)
	for name, doc := range map[string]string{
		"no components":         `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"component": {"type": "application", "name": "root"}}, "components": []}`,
		"no metadata.component": `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [{"type": "library", "name": "dep"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			d, err := v.Validate([]byte(doc))
			if err != nil {
				t.Fatalf("not valid: %v", err)
			}
			if err := d.Check(); err == nil {
				t.Fatalf("a trivial SBOM (%s) passed the check", name)
			}
		})
	}
}
