package vector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/interopkit/interop/internal/jsontext"
	"github.com/interopkit/interop/internal/safefile"
	"github.com/interopkit/interop/schemas"
)

// MaxFileSize bounds one vector file; a larger one is reported, not read.
const MaxFileSize = 64 << 20

// Read parses and validates every vector file below the root of fsys
// (files named <suite>/<name>.json). It returns the files that are valid
// and one Problem for each rule a file or case breaks; a file with any
// problem is left out. The error is for failures to read fsys itself.
//
// A file that is not a regular one (after following symbolic links) is a
// Problem, never read, and every read is bounded by the bytes actually read
// (MaxFileSize). For a directory of the operating system pass
// safefile.DirFS, not os.DirFS: it also refuses the files of /proc and
// /sys, whose size reads 0 and which may block on read (/proc/kmsg), and
// never blocks on a FIFO that replaces a file after it was checked.
func Read(fsys fs.FS) ([]*File, []Problem, error) {
	paths, err := fs.Glob(fsys, "*/*.json")
	if err != nil {
		return nil, nil, fmt.Errorf("vector: listing files: %w", err)
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, nil, errors.New("vector: no vector files (<suite>/<name>.json) found")
	}
	var (
		files    []*File
		problems []Problem
		seen     = map[string]string{} // case id -> file that has it
	)
	for _, p := range paths {
		f, probs, err := readFile(fsys, p)
		if err != nil {
			return nil, nil, err
		}
		if f != nil {
			for _, c := range f.Cases {
				if other, dup := seen[c.ID]; dup {
					probs = append(probs, Problem{File: p, Case: c.ID, Msg: "case id already used in " + other})
					continue
				}
				seen[c.ID] = p
			}
		}
		problems = append(problems, probs...)
		if len(probs) == 0 {
			files = append(files, f)
		}
	}
	return files, problems, nil
}

func readFile(fsys fs.FS, p string) (*File, []Problem, error) {
	// Stat follows a symbolic link: a *.json that is (or points at) a
	// device, a FIFO or a directory is refused before it is opened, so
	// /dev/zero cannot exhaust memory and a FIFO cannot hang the reader.
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, nil, fmt.Errorf("vector: %s: %w", p, err)
	}
	if !info.Mode().IsRegular() {
		return nil, []Problem{{File: p, Msg: "not a regular file"}}, nil
	}
	// The size stat reports is not trusted (files of /proc report 0):
	// the read itself is bounded.
	r, err := fsys.Open(p)
	switch {
	case errors.Is(err, safefile.ErrNotRegular):
		return nil, []Problem{{File: p, Msg: "not a regular file"}}, nil
	case errors.Is(err, safefile.ErrPseudoFile):
		return nil, []Problem{{File: p, Msg: "not a regular file: " + safefile.ErrPseudoFile.Error()}}, nil
	case err != nil:
		return nil, nil, fmt.Errorf("vector: %s: %w", p, err)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	r.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("vector: %s: %w", p, err)
	}
	if len(data) > MaxFileSize {
		return nil, []Problem{{File: p, Msg: fmt.Sprintf("file is over the %d-byte limit", MaxFileSize)}}, nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, []Problem{{File: p, Msg: "not valid json: " + err.Error()}}, nil
	}
	name, _ := schemaName(doc)
	sch, err := compiled(name)
	if err != nil {
		return nil, []Problem{{File: p, At: "/schema", Msg: err.Error()}}, nil
	}
	if err := sch.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return nil, []Problem{{File: p, Msg: err.Error()}}, nil
		}
		return nil, schemaProblems(p, ve), nil
	}
	var f File
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return nil, []Problem{{File: p, Msg: "decoding: " + err.Error()}}, nil
	}
	f.Path = p
	return &f, rules(&f), nil
}

func schemaName(doc any) (string, bool) {
	m, ok := doc.(map[string]any)
	if !ok {
		return "", false
	}
	s, ok := m["schema"].(string)
	return s, ok
}

// rules checks what the schemas cannot: the directory names the suite,
// every flag is explained, and results agree with the expectation given.
func rules(f *File) []Problem {
	var probs []Problem
	if dir := path.Dir(f.Path); dir != f.Suite {
		probs = append(probs, Problem{File: f.Path, At: "/suite", Msg: fmt.Sprintf("suite %q is in directory %q", f.Suite, dir)})
	}
	used := map[string]bool{}
	for i, c := range f.Cases {
		for _, fl := range c.Flags {
			used[fl] = true
			if _, ok := f.Notes[fl]; !ok {
				probs = append(probs, Problem{File: f.Path, Case: c.ID, At: fmt.Sprintf("/cases/%d/flags", i), Msg: fmt.Sprintf("flag %q is not explained in notes", fl)})
			}
		}
	}
	for fl := range f.Notes {
		if !used[fl] {
			probs = append(probs, Problem{File: f.Path, At: "/notes/" + fl, Msg: fmt.Sprintf("note %q explains a flag no case uses", fl)})
		}
	}
	sort.Slice(probs, func(i, j int) bool { return probs[i].String() < probs[j].String() })
	return probs
}

func schemaProblems(file string, ve *jsonschema.ValidationError) []Problem {
	var probs []Problem
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			// The whole file shows as "/", not as the empty pointer.
			at := "/" + strings.TrimPrefix(jsontext.Pointer(e.InstanceLocation...), "/")
			probs = append(probs, Problem{File: file, Case: caseAt(e.InstanceLocation), At: at,
				Msg: fmt.Sprintf("%s (schema rule %s)", e.ErrorKind.LocalizedString(printer), strings.Join(e.ErrorKind.KeywordPath(), "/"))})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return probs
}

var printer = message.NewPrinter(language.English)

// caseAt names the case index of an instance location, since the id of a
// case that fails its schema may itself be missing.
func caseAt(loc []string) string {
	if len(loc) >= 2 && loc[0] == "cases" {
		return "index " + loc[1]
	}
	return ""
}

// The compiled vector schemas. They are built once, on first use, and
// never change afterwards: every vectors/*.schema.json is compiled (or its
// compile error kept) in the one call of compileOnce, and compiled only
// reads them.
var (
	compileOnce sync.Once
	compileErr  error
	schemaSet   map[string]compiledSchema
)

// compiledSchema is one embedded vector schema, compiled, or why it is not.
type compiledSchema struct {
	schema *jsonschema.Schema
	err    error
}

// compileAll compiles every embedded vector schema from the embedded
// schemas, never from the network.
func compileAll() (map[string]compiledSchema, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	var names []string
	err := fs.WalkDir(schemas.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(schemas.FS, p)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("schema %s: %w", p, err)
		}
		if strings.HasPrefix(p, "vectors/") && strings.HasSuffix(p, ".schema.json") {
			names = append(names, p)
		}
		return c.AddResource(schemas.BaseURI+p, doc)
	})
	if err != nil {
		return nil, err
	}
	set := make(map[string]compiledSchema, len(names))
	for _, name := range names {
		s, err := c.Compile(schemas.BaseURI + name)
		if err != nil {
			err = fmt.Errorf("vector: compiling schema %s: %w", name, err)
		}
		set[name] = compiledSchema{s, err}
	}
	return set, nil
}

// compiled returns the schema a file names.
func compiled(name string) (*jsonschema.Schema, error) {
	compileOnce.Do(func() { schemaSet, compileErr = compileAll() })
	if compileErr != nil {
		return nil, fmt.Errorf("vector: loading embedded schemas: %w", compileErr)
	}
	if name == "" || !strings.HasPrefix(name, "vectors/") || !strings.HasSuffix(name, ".schema.json") {
		return nil, fmt.Errorf("field \"schema\" must name a schema as vectors/<suite>.schema.json, got %q", name)
	}
	cs, ok := schemaSet[name]
	if !ok {
		return nil, fmt.Errorf("no schema %q in schemas/ (unknown suite?)", name)
	}
	return cs.schema, cs.err
}

// noLoader refuses every external reference: schemas must be embedded.
type noLoader struct{}

// Load implements jsonschema.URLLoader by refusing.
func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not embedded; external schemas are not loaded", url)
}
