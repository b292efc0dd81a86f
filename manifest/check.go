package manifest

import (
	"cmp"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/interopkit/interop/internal/jsontext"
)

// Hint codes: stable identifiers of the known ways in which manifests
// written by upstream plugin children deviate from the schema, or look as
// if they might. spec/manifest.md describes each.
const (
	// HintRouteType: a route has "type" and no "method"; the upstream
	// Python bridge_server writes the HTTP method under "type".
	HintRouteType = "route-type"
	// HintMissingLanguage: the manifest has no "language"; the upstream
	// Rust host's inline TypeScript bridge script leaves it out.
	HintMissingLanguage = "missing-language"
	// HintNullMember: a member is null where the schema wants another type;
	// the upstream Python bridge_server writes unset fields (None) as null.
	HintNullMember = "null-member"
	// HintDefaultVersion: the version is "1.0.0", which every upstream child
	// substitutes when a plugin declares none.
	HintDefaultVersion = "default-version"
	// HintInteropCwd: interop.cwd is not a string; upstream types.ts
	// declares it as one, but the schema does not know the member and so
	// accepts any value.
	HintInteropCwd = "interop-cwd"
)

// Hint is advice printed next to the problems: it names the upstream child
// that produces such a manifest and the fix. A hint never makes a document
// valid or invalid.
type Hint struct {
	// Pointer is the JSON pointer the hint is about ("" for the document).
	Pointer string
	// Code is one of the Hint* constants.
	Code string
	// Message explains the hint in one line, without document values.
	Message string
}

// String formats the hint on one line, like Problem.String:
//
//	/routes/0: hint route-type: route has "type" but no "method": ...
func (h Hint) String() string {
	return displayPointer(h.Pointer) + ": hint " + h.Code + ": " + h.Message
}

// Result is everything Check finds in a document.
type Result struct {
	// Problems are the schema violations, as Validate returns them.
	Problems []Problem
	// Hints are sorted by pointer, then code.
	Hints []Hint
}

// Valid reports whether the document satisfies the schema.
func (r Result) Valid() bool { return len(r.Problems) == 0 }

// Check validates a manifest document like Validate and adds hints about
// the known deviations of upstream plugin children. The error is non-nil
// only when doc cannot be read as a JSON document.
func Check(doc []byte) (Result, error) {
	v, err := readDocument(doc)
	if err != nil {
		return Result{}, err
	}
	problems, err := validateValue(v)
	if err != nil {
		return Result{}, err
	}
	return Result{Problems: problems, Hints: hints(v, problems)}, nil
}

// CheckReader reads one document of at most MaxSize bytes from r and checks
// it; a longer document fails with ErrTooLarge without being read further.
func CheckReader(r io.Reader) (Result, error) {
	doc, err := readLimited(r)
	if err != nil {
		return Result{}, err
	}
	return Check(doc)
}

func hints(v any, problems []Problem) []Hint {
	var out []Hint
	root, _ := v.(map[string]any)
	if root != nil {
		if _, ok := root["language"]; !ok {
			out = append(out, Hint{Code: HintMissingLanguage, Message: `no "language": the upstream Rust host's inline TypeScript bridge script leaves it out; declare "typescript", "rust" or "python"`})
		}
		if ver, _ := root["version"].(string); ver == "1.0.0" {
			out = append(out, Hint{Pointer: "/version", Code: HintDefaultVersion, Message: `"1.0.0" is what every upstream child substitutes when a plugin declares no version; make sure the plugin declares its own`})
		}
		if routes, ok := root["routes"].([]any); ok {
			for i, r := range routes {
				route, ok := r.(map[string]any)
				if !ok {
					continue
				}
				_, hasMethod := route["method"]
				if _, hasType := route["type"]; hasType && !hasMethod {
					out = append(out, Hint{Pointer: "/routes/" + strconv.Itoa(i), Code: HintRouteType, Message: `route has "type" but no "method": the upstream Python bridge_server writes the HTTP method as "type"; rename the member to "method"`})
				}
			}
		}
		if interop, ok := root["interop"].(map[string]any); ok {
			if cwd, ok := interop["cwd"]; ok {
				if _, isString := cwd.(string); !isString {
					out = append(out, Hint{Pointer: "/interop/cwd", Code: HintInteropCwd, Message: `upstream types.ts declares "cwd" as a string, but the schema does not know the member and accepts any value; use a string`})
				}
			}
		}
	}
	for _, p := range problems {
		if p.Rule == "type" && p.Pointer != "" && resolve(v, p.Pointer) == nullValue {
			out = append(out, Hint{Pointer: p.Pointer, Code: HintNullMember, Message: "null is not allowed here: the upstream Python bridge_server writes unset fields (None) as null; leave the member out"})
		}
	}
	slices.SortFunc(out, func(a, b Hint) int {
		return cmp.Or(strings.Compare(a.Pointer, b.Pointer), strings.Compare(a.Code, b.Code))
	})
	return out
}

type lookup int

const (
	absent lookup = iota
	nullValue
	present
)

// resolve reports whether the value at ptr is absent, null or something
// else.
func resolve(v any, ptr string) lookup {
	if ptr == "" {
		return kindOf(v)
	}
	for _, tok := range jsontext.Tokens(ptr) {
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return absent
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return absent
			}
			v = c[i]
		default:
			return absent
		}
	}
	return kindOf(v)
}

func kindOf(v any) lookup {
	if v == nil {
		return nullValue
	}
	return present
}
