package eventcat

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The catalogue in docs/events.md lists exactly the events the code emits,
// with their levels and fields.
func TestCatalogueMatchesCode(t *testing.T) {
	code, problems, err := Scan("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s", p)
	}
	if len(code) < 10 {
		t.Fatalf("found only %d events in the module: the scanner is missing log calls", len(code))
	}
	doc, err := ParseDoc("../../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range Diff(doc, code) {
		t.Errorf("docs/events.md: %s", d)
	}
	// The upstream names the issue and the readiness guide rely on are
	// among them.
	for _, name := range []string{"interop.ipc.message_exceeded", "interop.ipc.parse_failed", "interop.ipc.stderr",
		"interop.wasm.stdout", "interop.wasm.stderr", "core.settings.default_secret_salt"} {
		if !slices.ContainsFunc(code, func(e Event) bool { return e.Name == name }) {
			t.Errorf("%s is not emitted anywhere", name)
		}
	}
}

func TestScanFixture(t *testing.T) {
	got, problems, err := Scan("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i].Sites = nil
	}
	want := []Event{
		{Src: "fix:a", Name: "fix.a.boom", Levels: []string{"warn", "error"}, Fields: []string{"n", "why"}},
		{Src: "fix:a", Name: "fix.a.pair", Levels: []string{"warn"}, Fields: []string{"extra"}},
		{Src: "fix:b", Name: "fix.a.boom", Levels: []string{"debug"}},
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("events:\n got %+v\nwant %+v", got, want)
	}
	var why []string
	for _, p := range problems {
		why = append(why, p.String())
	}
	wantProblems := []struct{ site, what string }{
		{"a/a.go:21", "not a constant"},
		{"a/a.go:22", "level"},
		{"a/a.go:28", "not a direct argument"}, // in a slice of attributes
		{"a/a.go:30", "not a direct argument"}, // Logger.With
		{"a/a.go:32", "not a direct argument"}, // through a method value
	}
	if len(why) != len(wantProblems) {
		t.Fatalf("problems: %q", why)
	}
	for i, w := range wantProblems {
		if !strings.Contains(why[i], w.site) || !strings.Contains(why[i], w.what) {
			t.Errorf("problem %d = %q, want %s: …%s", i, why[i], w.site, w.what)
		}
	}
}

// Every kind of drift is reported.
func TestDiff(t *testing.T) {
	code := []Event{
		{Src: "s", Name: "same", Levels: []string{"info"}, Fields: []string{"a"}, Sites: []string{"x.go:1"}},
		{Src: "s", Name: "level", Levels: []string{"warn"}, Sites: []string{"x.go:2"}},
		{Src: "s", Name: "fields", Levels: []string{"info"}, Fields: []string{"a", "b"}, Sites: []string{"x.go:3"}},
		{Src: "s", Name: "undocumented", Levels: []string{"info"}, Sites: []string{"x.go:4"}},
	}
	doc := []Event{
		{Src: "s", Name: "same", Levels: []string{"info"}, Fields: []string{"a"}, Sites: []string{"d.md:1"}},
		{Src: "s", Name: "level", Levels: []string{"error"}, Sites: []string{"d.md:2"}},
		{Src: "s", Name: "fields", Levels: []string{"info"}, Fields: []string{"a"}, Sites: []string{"d.md:3"}},
		{Src: "s", Name: "gone", Levels: []string{"info"}, Sites: []string{"d.md:4"}},
	}
	got := Diff(doc, code)
	want := []string{"event=level: the catalogue says level", "event=fields: the catalogue lists fields",
		"event=undocumented is emitted", "event=gone is in the catalogue"}
	if len(got) != len(want) {
		t.Fatalf("Diff = %q", got)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("Diff[%d] = %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

func TestParseDoc(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.md", "intro | not a table\n\n| src | event | level | fields | when |\n| --- | --- | --- | --- | --- |\n"+
		"| `a` | `a.b` | warn, error | `y`, `x` | text |\n| `a` | `a.c` | info | — | text |\n\nafter\n| src | event | level | fields |\n| x | y | info | — |\n")
	got, err := ParseDoc(ok)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i].Sites = nil
	}
	want := []Event{{Src: "a", Name: "a.b", Levels: []string{"warn", "error"}, Fields: []string{"x", "y"}}, {Src: "a", Name: "a.c", Levels: []string{"info"}}}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("ParseDoc:\n got %+v\nwant %+v", got, want)
	}
	if _, err := ParseDoc(write("none.md", "# nothing\n")); err == nil || !strings.Contains(err.Error(), "no table") {
		t.Errorf("no table: %v", err)
	}
	if _, err := ParseDoc(write("dup.md", "| src | event | level | fields |\n|---|---|---|---|\n| a | b | info | — |\n| a | b | warn | — |\n")); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := ParseDoc(write("short.md", "| src | event | level | fields |\n|---|---|---|---|\n| a | b |\n")); err == nil || !strings.Contains(err.Error(), "2 cells") {
		t.Errorf("short row: %v", err)
	}
}
