package vectors

import (
	"encoding/json"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// spec/vectors.md's table of TS deviation flags says it is derived from the
// vector files: each row's case count, suites and results must be what the
// files hold, and every ts-* flag in use must have a row.
func TestDeviationFlagTableMatchesVectors(t *testing.T) {
	type use struct {
		cases   int
		suites  []string
		results []string
	}
	got := map[string]*use{}
	err := fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := fs.ReadFile(FS, path)
		if err != nil {
			return err
		}
		var f struct {
			Suite string `json:"suite"`
			Cases []struct {
				Result string   `json:"result"`
				Flags  []string `json:"flags"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		for _, c := range f.Cases {
			for _, fl := range c.Flags {
				if !strings.HasPrefix(fl, "ts-") {
					continue
				}
				u := got[fl]
				if u == nil {
					u = &use{}
					got[fl] = u
				}
				u.cases++
				if !slices.Contains(u.suites, f.Suite) {
					u.suites = append(u.suites, f.Suite)
				}
				if !slices.Contains(u.results, c.Result) {
					u.results = append(u.results, c.Result)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../spec/vectors.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(ts-[a-z0-9-]+)` \\| (\\d+) \\| ([^|]+) \\| ([^|]+) \\|")
	rows := row.FindAllStringSubmatch(string(doc), -1)
	if len(rows) == 0 {
		t.Fatal("spec/vectors.md has no deviation flag rows")
	}
	seen := map[string]bool{}
	for _, r := range rows {
		fl := r[1]
		seen[fl] = true
		u := got[fl]
		if u == nil {
			t.Errorf("spec/vectors.md lists %s, which no vector uses", fl)
			continue
		}
		slices.Sort(u.suites)
		slices.Sort(u.results)
		var suites []string
		for _, s := range u.suites {
			suites = append(suites, "`"+s+"`")
		}
		want := []string{strconv.Itoa(u.cases), strings.Join(suites, ", "), strings.Join(u.results, ", ")}
		if have := []string{r[2], strings.TrimSpace(r[3]), strings.TrimSpace(r[4])}; !slices.Equal(have, want) {
			t.Errorf("spec/vectors.md row %s says %q; the vectors give %q", fl, have, want)
		}
	}
	for fl := range got {
		if !seen[fl] {
			t.Errorf("flag %s is used by %d cases but has no row in spec/vectors.md", fl, got[fl].cases)
		}
	}
}
