package eventcat

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docs/soc2.md names the tests, packages, files and vector suites that
// prove each control; every one of them must exist, so that the control
// map cannot point at evidence that is gone.
func TestSOC2MapNamesRealEvidence(t *testing.T) {
	b, err := os.ReadFile("../../docs/soc2.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	funcs := map[string]bool{}
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "target" || d.Name() == "build" || strings.HasPrefix(d.Name(), ".")) && path != "../.." {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)\w+)\(`).FindAllStringSubmatch(string(src), -1) {
				funcs[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(doc, -1) {
		name := m[1]
		switch {
		case regexp.MustCompile(`^(Test|Fuzz)\w+\*?$`).MatchString(name):
			prefix := strings.TrimSuffix(name, "*")
			found := funcs[name]
			for f := range funcs {
				found = found || strings.HasSuffix(name, "*") && strings.HasPrefix(f, prefix)
			}
			if !found {
				t.Errorf("docs/soc2.md names %s, which no test file defines", name)
			}
			checked++
		case regexp.MustCompile(`^[a-z0-9.]+\.[a-z0-9_]+$`).MatchString(name) && !strings.Contains(name, "/") && isSuiteName(name):
			if _, err := os.Stat(filepath.Join("../../vectors", name)); err != nil {
				t.Errorf("docs/soc2.md names the vector suite %s, which vectors/ does not have", name)
			}
			checked++
		case regexp.MustCompile(`^(internal|bridge|cmd|envelope|redact|parity|runners|docs|spec)(/[\w.-]+)*$`).MatchString(name):
			if _, err := os.Stat(filepath.Join("../..", name)); err != nil {
				t.Errorf("docs/soc2.md names %s, which does not exist", name)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Fatalf("only %d references checked: the patterns no longer match the document", checked)
	}
}

// isSuiteName reports whether s has the form of a vector suite name.
func isSuiteName(s string) bool {
	for _, p := range []string{"ids.", "envelope.", "redact.", "salt.", "secrets.", "serialize.", "manifest.", "plugin."} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
