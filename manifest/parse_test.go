package manifest_test

import (
	"errors"
	"testing"

	"github.com/interopkit/interop/manifest"
)

func TestParse(t *testing.T) {
	m, ps, err := manifest.Parse(with(`"routes":[{"path":"/a","method":"GET"}],"config":{"N":3}`))
	if err != nil || ps != nil {
		t.Fatalf("Parse: %v %v", ps, err)
	}
	if m.Name != "my-plugin" || m.Language == nil || *m.Language != "typescript" || len(m.Routes) != 1 || *m.Routes[0].Method != "GET" || m.Config["N"] != 3.0 {
		t.Fatalf("decoded %+v", m)
	}

	m, ps, err = manifest.Parse(with(`"routes":[{"path":"/a","type":"GET"}]`))
	if err != nil || m != nil || len(ps) != 1 || ps[0].Rule != "required" {
		t.Fatalf("invalid manifest: %v %v %v", m, ps, err)
	}

	if _, _, err := manifest.Parse([]byte(`{`)); !errors.Is(err, manifest.ErrSyntax) {
		t.Fatalf("not JSON: %v", err)
	}
	// A number types cannot hold is not JSON to manifest either.
	if m, ps, err := manifest.Parse(with(`"providers":[{"name":"P","position":9007199254740993}]`)); !errors.Is(err, manifest.ErrRange) || m != nil || ps != nil {
		t.Fatalf("unsafe integer: got %v %v %v, want ErrRange", m, ps, err)
	}

	// Valid by the schema, but beyond what types.PluginManifest holds.
	for _, doc := range [][]byte{with(`"interop":{"cwd":5}`), with(`"actions":[{"name":"A","description":"a","examples":[[{"name":"u","content":{"attachments":5}}]]}]`)} {
		m, ps, err := manifest.Parse(doc)
		if !errors.Is(err, manifest.ErrDecode) || m != nil || ps != nil {
			t.Errorf("%s: got %v %v %v, want ErrDecode", doc, m, ps, err)
		}
	}
}
