// Package eventcat finds the machine-readable log events in the module's
// source and reads the catalogue of them in docs/events.md, so that a test
// can hold the two to each other.
//
// An event is a log call (a slog.Logger's Debug, Info, Warn, Error, their
// Context forms, Log or LogAttrs) that carries the stable src and event
// attributes, written either as redact.Event(src, event) or as the pair
// slog.String("src", …), slog.String("event", …) (the primitives, which do
// not import redact, write them out). Its src, event, level and attribute
// keys must be constants the scanner can read from the source: string
// literals, or string constants of the same or another package of the
// module. A log call it cannot read is reported as a problem, never
// skipped, and so is an event attribute anywhere else (in a slice of
// attributes, Logger.With, a group, a hand-built record, a call through a
// method value): every event must be written where the scanner reads it,
// so that none can hide from the catalogue. Calls of the log package
// (log.Printf) carry no attributes and are not events.
//
// The scan is syntactic (go/parser, no type checking): it is fast and
// needs no build, and the forms above are the only ones the code uses.
//
// The package's tests also hold docs/soc2.md to the code: every test,
// path and vector suite its control map names as evidence must exist.
package eventcat

import (
	"bufio"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// An Event is one (src, event) pair with everything the code emits it
// with: every level and every attribute key over all its call sites.
type Event struct {
	Src, Name string
	Levels    []string // "debug", "info", "warn", "error"; sorted by severity
	Fields    []string // attribute keys besides src and event; sorted
	Sites     []string // file:line of each call, relative to the root
}

// Key is the event's identity in the catalogue.
func (e Event) Key() string { return e.Src + " " + e.Name }

// A Problem is a log call the scanner could not read.
type Problem struct {
	Site, Why string
}

func (p Problem) String() string { return p.Site + ": " + p.Why }

// levels orders the level names by severity.
var levels = []string{"debug", "info", "warn", "error"}

// logMethods maps a slog.Logger method to the index of its message argument
// and its level ("" when the level is an argument, at index msg-1).
var logMethods = map[string]struct {
	msg   int
	level string
}{
	"Debug": {0, "debug"}, "Info": {0, "info"}, "Warn": {0, "warn"}, "Error": {0, "error"},
	"DebugContext": {1, "debug"}, "InfoContext": {1, "info"}, "WarnContext": {1, "warn"}, "ErrorContext": {1, "error"},
	"Log": {2, ""}, "LogAttrs": {2, ""},
}

// slogLevels maps slog's level constants to level names.
var slogLevels = map[string]string{"LevelDebug": "debug", "LevelInfo": "info", "LevelWarn": "warn", "LevelError": "error"}

// Scan reads every non-test Go file of the module rooted at root (its
// go.mod names the module path), skipping nested modules, testdata,
// node_modules, hidden directories and build output, and returns the
// events found, sorted by src and name, and the log calls it could not
// read.
func Scan(root string) ([]Event, []Problem, error) {
	mod, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, nil, err
	}
	fset := token.NewFileSet()
	type file struct {
		pkg     string
		f       *ast.File
		imports map[string]string // import name → path
	}
	var files []file
	consts := map[string]map[string]string{} // package path → name → value
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" ||
				name == "build" || name == "target" || fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := mod
		if rel != "." {
			pkg += "/" + filepath.ToSlash(rel)
		}
		files = append(files, file{pkg, f, importsOf(f)})
		if consts[pkg] == nil {
			consts[pkg] = map[string]string{}
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if v, ok := stringLit(vs.Values[i]); ok {
							consts[pkg][name.Name] = v
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}

	byKey := map[string]*Event{}
	var problems []Problem
	consumed := map[token.Pos]bool{} // event attributes read as arguments of log calls
	for _, fl := range files {
		imports := fl.imports
		// str resolves a constant string expression of this file.
		str := func(e ast.Expr) (string, bool) {
			switch x := e.(type) {
			case *ast.BasicLit:
				return stringLit(x)
			case *ast.Ident:
				v, ok := consts[fl.pkg][x.Name]
				return v, ok
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok {
					v, ok := consts[imports[id.Name]][x.Sel.Name]
					return v, ok
				}
			}
			return "", false
		}
		// pkgCall reports whether e is a call of path.name(...), and returns it.
		pkgCall := func(e ast.Expr, path, name string) (*ast.CallExpr, bool) {
			c, ok := e.(*ast.CallExpr)
			if !ok {
				return nil, false
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != name {
				return nil, false
			}
			id, ok := sel.X.(*ast.Ident)
			return c, ok && imports[id.Name] == path
		}
		ast.Inspect(fl.f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			m, ok := logMethods[sel.Sel.Name]
			if !ok || len(call.Args) <= m.msg {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && imports[id.Name] != "" && imports[id.Name] != "log/slog" {
				return true // a package function of the same name, not a logger method
			}
			pos := fset.Position(call.Pos())
			rel, _ := filepath.Rel(root, pos.Filename)
			site := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), pos.Line)
			var src, name string
			var haveSrc, haveName, event bool
			var fields []string
			var why []string
			rest := call.Args[m.msg+1:]
			for i := 0; i < len(rest); i++ {
				a := rest[i]
				if c, ok := pkgCall(a, mod+"/redact", "Event"); ok && len(c.Args) == 2 {
					consumed[c.Pos()] = true
					event = true
					src, haveSrc = str(c.Args[0])
					name, haveName = str(c.Args[1])
					continue
				}
				if c, ok := a.(*ast.CallExpr); ok {
					if s, ok := c.Fun.(*ast.SelectorExpr); ok {
						if id, ok := s.X.(*ast.Ident); ok && imports[id.Name] == "log/slog" && len(c.Args) >= 1 {
							key, ok := str(c.Args[0])
							if !ok {
								why = append(why, "an attribute key that is not a constant")
								continue
							}
							switch key {
							case "src":
								src, haveSrc = str(c.Args[1])
							case "event":
								consumed[c.Pos()] = true
								event = true
								name, haveName = str(c.Args[1])
							default:
								fields = append(fields, key)
							}
							continue
						}
					}
				}
				if k, ok := str(a); ok && i+1 < len(rest) { // key, value pairs
					fields = append(fields, k)
					i++
					continue
				}
				why = append(why, "an argument the scanner cannot read (write attributes as slog.String(\"key\", …) and the like)")
			}
			if !event {
				return true // not a machine-readable event
			}
			level := m.level
			if level == "" {
				if s, ok := call.Args[m.msg-1].(*ast.SelectorExpr); ok {
					if id, ok := s.X.(*ast.Ident); ok && imports[id.Name] == "log/slog" {
						level = slogLevels[s.Sel.Name]
					}
				}
				if level == "" {
					why = append(why, "a level that is not one of slog's level constants")
				}
			}
			if !haveSrc || !haveName {
				why = append(why, "src or event that is not a constant string")
			}
			if len(why) > 0 {
				for _, w := range why {
					problems = append(problems, Problem{site, "an event with " + w})
				}
				return true
			}
			e := byKey[src+" "+name]
			if e == nil {
				e = &Event{Src: src, Name: name}
				byKey[src+" "+name] = e
			}
			if !slices.Contains(e.Levels, level) {
				e.Levels = append(e.Levels, level)
			}
			for _, f := range fields {
				if !slices.Contains(e.Fields, f) {
					e.Fields = append(e.Fields, f)
				}
			}
			e.Sites = append(e.Sites, site)
			return true
		})
	}
	// Every event attribute must have been read as a direct argument of a
	// log call: one built elsewhere (a slice of attributes, Logger.With,
	// a group, a record assembled by hand, a method value) is an event the
	// catalogue could miss.
	for _, fl := range files {
		if fl.pkg == mod+"/redact" {
			continue // where Event is defined
		}
		imports := fl.imports
		ast.Inspect(fl.f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || consumed[c.Pos()] {
				return true
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			isEvent := imports[id.Name] == mod+"/redact" && sel.Sel.Name == "Event"
			if imports[id.Name] == "log/slog" && len(c.Args) >= 1 {
				if lit, ok := stringLit(c.Args[0]); ok && lit == "event" {
					isEvent = true
				}
			}
			if isEvent {
				pos := fset.Position(c.Pos())
				rel, _ := filepath.Rel(root, pos.Filename)
				problems = append(problems, Problem{fmt.Sprintf("%s:%d", filepath.ToSlash(rel), pos.Line),
					"an event attribute that is not a direct argument of a log call (pass redact.Event(…) to Info, Warn, Error, Debug, Log or LogAttrs itself)"})
			}
			return true
		})
	}
	slices.SortFunc(problems, func(a, b Problem) int { return strings.Compare(a.Site, b.Site) })

	out := make([]Event, 0, len(byKey))
	for _, e := range byKey {
		slices.SortFunc(e.Levels, func(a, b string) int { return slices.Index(levels, a) - slices.Index(levels, b) })
		slices.Sort(e.Fields)
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Event) int { return strings.Compare(a.Key(), b.Key()) })
	return out, problems, nil
}

// importsOf maps a file's import names to paths. A path's name is taken
// to be its last element (without a /vN or .vN version suffix) unless the
// import names it.
func importsOf(f *ast.File) map[string]string {
	imports := map[string]string{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		elems := strings.Split(p, "/")
		name := elems[len(elems)-1]
		if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
			name = elems[len(elems)-2]
		}
		if i := strings.Index(name, ".v"); i > 0 {
			name = name[:i]
		}
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = p
	}
	return imports
}

// stringLit returns the value of a string literal.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	v, err := strconv.Unquote(lit.Value)
	return v, err == nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// modulePath reads the module line of a go.mod file.
func modulePath(gomod string) (string, error) {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("eventcat: %s has no module line", gomod)
}

// ErrNoCatalogue reports a document without the events table.
var ErrNoCatalogue = errors.New("eventcat: no table whose first two columns are src and event")

// ParseDoc reads the events table of a Markdown document: the first table
// whose header starts with the columns src, event, level and fields. Cells
// may wrap values in backticks; levels and fields are comma-separated ("—"
// or empty for none). Levels keep the document's order, fields are sorted.
func ParseDoc(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var out []Event
	in, seen := false, map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") {
			if in {
				break
			}
			continue
		}
		cells := splitRow(line)
		if !in {
			if len(cells) >= 4 && strings.EqualFold(cells[0], "src") && strings.EqualFold(cells[1], "event") &&
				strings.EqualFold(cells[2], "level") && strings.EqualFold(cells[3], "fields") {
				in = true
			}
			continue
		}
		if strings.Trim(cells[0], "-: ") == "" {
			continue // the delimiter row
		}
		if len(cells) < 4 {
			return nil, fmt.Errorf("eventcat: %s:%d: a row with %d cells, want at least 4", path, n, len(cells))
		}
		e := Event{Src: unquote(cells[0]), Name: unquote(cells[1]), Levels: list(cells[2]), Fields: list(cells[3]),
			Sites: []string{fmt.Sprintf("%s:%d", path, n)}}
		slices.Sort(e.Fields)
		if prev, dup := seen[e.Key()]; dup {
			return nil, fmt.Errorf("eventcat: %s:%d: %s is listed twice (first on line %d)", path, n, e.Key(), prev)
		}
		seen[e.Key()] = n
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !in {
		return nil, fmt.Errorf("%w in %s", ErrNoCatalogue, path)
	}
	return out, nil
}

func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

func unquote(s string) string { return strings.Trim(strings.TrimSpace(s), "`") }

func list(cell string) []string {
	var out []string
	for _, s := range strings.Split(cell, ",") {
		if s = unquote(s); s != "" && s != "—" && s != "-" {
			out = append(out, s)
		}
	}
	return out
}

// Diff compares the catalogue with the code and returns one line per
// disagreement: an event emitted but not listed, listed but not emitted,
// or listed with other levels or fields than the code uses.
func Diff(doc, code []Event) []string {
	var out []string
	inDoc := map[string]Event{}
	for _, e := range doc {
		inDoc[e.Key()] = e
	}
	inCode := map[string]bool{}
	for _, c := range code {
		inCode[c.Key()] = true
		d, ok := inDoc[c.Key()]
		if !ok {
			out = append(out, fmt.Sprintf("src=%s event=%s is emitted (%s) but not in the catalogue", c.Src, c.Name, strings.Join(c.Sites, ", ")))
			continue
		}
		if !slices.Equal(d.Levels, c.Levels) {
			out = append(out, fmt.Sprintf("src=%s event=%s: the catalogue says level %q, the code logs at %q (%s)",
				c.Src, c.Name, strings.Join(d.Levels, ", "), strings.Join(c.Levels, ", "), strings.Join(c.Sites, ", ")))
		}
		if !slices.Equal(d.Fields, c.Fields) {
			out = append(out, fmt.Sprintf("src=%s event=%s: the catalogue lists fields %q, the code writes %q (%s)",
				c.Src, c.Name, strings.Join(d.Fields, ", "), strings.Join(c.Fields, ", "), strings.Join(c.Sites, ", ")))
		}
	}
	for _, d := range doc {
		if !inCode[d.Key()] {
			out = append(out, fmt.Sprintf("src=%s event=%s is in the catalogue (%s) but nothing emits it", d.Src, d.Name, d.Sites[0]))
		}
	}
	return out
}
