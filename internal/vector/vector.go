// Package vector reads, validates and checks the project's test-vector
// files (spec/vectors.md): typed files and cases, the tri-state result, and
// the rules a JSON Schema cannot express.
package vector

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"
)

// Result is a case's expected verdict.
type Result string

// The three results of spec/vectors.md.
const (
	Valid      Result = "valid"
	Invalid    Result = "invalid"
	Acceptable Result = "acceptable"
)

// File is one vector file.
type File struct {
	// Path is the file's slash-separated path below the vectors root.
	Path        string            `json:"-"`
	Schema      string            `json:"schema"`
	Suite       string            `json:"suite"`
	SpecVersion string            `json:"specVersion"`
	Description string            `json:"description"`
	Generator   Generator         `json:"generator"`
	Notes       map[string]string `json:"notes"`
	Cases       []Case            `json:"cases"`
}

// Generator names the program that wrote a file and the upstream package
// it ran.
type Generator struct {
	Name     string `json:"name"`
	Upstream string `json:"upstream"`
}

// Case is one named test case.
type Case struct {
	ID          string                 `json:"id"`
	Description string                 `json:"description"`
	Input       json.RawMessage        `json:"input"`
	Output      json.RawMessage        `json:"output,omitempty"`
	Error       string                 `json:"error,omitempty"`
	ErrorAt     *string                `json:"errorAt,omitempty"`
	Result      Result                 `json:"result"`
	Flags       []string               `json:"flags"`
	Upstream    map[string]Observation `json:"upstream,omitempty"`
}

// Observation records what an upstream implementation did on a case where
// it differs from the spec. It is informational only.
type Observation struct {
	Output json.RawMessage `json:"output,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// Outcome is what an implementation produced for a case: an output, an
// error kind of spec/vectors.md (for suites whose errors have a location,
// with a JSON pointer to it), an error the implementation raised that has
// no kind of the spec (Raised, its type name), or a failure of the harness
// around the implementation (Fault). Raised and Fault never match a case.
type Outcome struct {
	Output  json.RawMessage `json:"output,omitempty"`
	Error   string          `json:"error,omitempty"`
	ErrorAt *string         `json:"errorAt,omitempty"`
	Raised  string          `json:"raised,omitempty"`
	Fault   string          `json:"fault,omitempty"`
}

// String renders the outcome on one line for reports.
func (o Outcome) String() string {
	switch {
	case o.Fault != "":
		return "fault " + clip(o.Fault)
	case o.Raised != "":
		return "raised " + clip(o.Raised)
	case o.Error != "":
		if o.ErrorAt != nil {
			return fmt.Sprintf("error %s at %q", o.Error, *o.ErrorAt)
		}
		return "error " + o.Error
	}
	return "output " + clip(string(compact(o.Output)))
}

// Fingerprint identifies an outcome compactly and deterministically, so
// that a known failure can pin what was observed: "error <kind>" (with
// "@<pointer>" where located), "raised <type>", "fault", or "output " and
// the first 16 hex digits of the SHA-256 of the output's compact JSON.
func (o Outcome) Fingerprint() string {
	switch {
	case o.Fault != "":
		return "fault"
	case o.Raised != "":
		return "raised " + o.Raised
	case o.Error != "":
		if o.ErrorAt != nil {
			return "error " + o.Error + "@" + *o.ErrorAt
		}
		return "error " + o.Error
	}
	sum := sha256.Sum256(canonical(o.Output))
	return "output " + hex.EncodeToString(sum[:8])
}

// canonical renders a JSON value with sorted members and no insignificant
// space, so that the same value spelled two ways has one fingerprint.
func canonical(m json.RawMessage) []byte {
	v, err := decode(m)
	if err != nil || hasLoneSurrogate(m) {
		return compact(m)
	}
	b, err := json.Marshal(v) // sorts map keys; json.Number is written as spelled
	if err != nil {
		return compact(m)
	}
	return b
}

// clip keeps report lines short when an output is a 100 000-character
// string.
func clip(s string) string {
	const max = 160
	if len(s) <= max {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:max], len(s))
}

// Expected returns the outcome the spec requires of c.
func (c *Case) Expected() Outcome {
	return Outcome{Output: c.Output, Error: c.Error, ErrorAt: c.ErrorAt}
}

// Name identifies the case in messages: "<file> #<id>".
func (c *Case) Name(f *File) string { return f.Path + " #" + c.ID }

// Matches reports whether got is the spec's outcome for c: the same error
// kind (and location, when the case gives one), or an output equal as JSON
// (same types and strings, members in any order).
func (c *Case) Matches(got Outcome) bool {
	if got.Raised != "" || got.Fault != "" {
		return false
	}
	if c.Error != "" || got.Error != "" {
		if c.ErrorAt != nil && (got.ErrorAt == nil || *got.ErrorAt != *c.ErrorAt) {
			return false
		}
		return c.Error == got.Error && got.Output == nil
	}
	return JSONEqual(c.Output, got.Output)
}

// Allows reports whether got is one of the answers an acceptable case
// allows: the spec's, or one that an upstream implementation was observed
// to give (its output, or an error recorded as a kind). Any other answer
// to an acceptable case is a failure.
func (c *Case) Allows(got Outcome) bool {
	if c.Matches(got) {
		return true
	}
	if c.Result != Acceptable || got.Raised != "" || got.Fault != "" {
		return false
	}
	for _, obs := range c.Upstream {
		switch {
		case obs.Output != nil && got.Error == "":
			if JSONEqual(obs.Output, got.Output) {
				return true
			}
		case obs.Output == nil && got.Error != "" && obs.Error == got.Error:
			return true
		}
	}
	return false
}

// JSONEqual reports whether a and b encode the same JSON value: the same
// types, strings and members (in any order), and numbers of the same
// exact decimal value however they are spelled (1e-7 and 1e-07, 1.0 and 1
// are equal; no rounding through float64 is involved). A string escaping
// a lone surrogate equals only the same escape: the decoder would replace
// it with U+FFFD and make an ill-formed answer look like the spec's.
func JSONEqual(a, b json.RawMessage) bool {
	if hasLoneSurrogate(a) || hasLoneSurrogate(b) {
		return bytes.Equal(compact(a), compact(b))
	}
	va, errA := decode(a)
	vb, errB := decode(b)
	if errA != nil || errB != nil {
		return false
	}
	return equalValues(va, vb)
}

func equalValues(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		rx, okx := new(big.Rat).SetString(string(x))
		ry, oky := new(big.Rat).SetString(string(y))
		return okx && oky && rx.Cmp(ry) == 0
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equalValues(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValues(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func decode(m json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(m))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data after json value")
	}
	return v, nil
}

// hasLoneSurrogate reports whether a JSON text escapes a surrogate code
// unit that is not half of a \uD8xx\uDCxx pair.
func hasLoneSurrogate(m []byte) bool {
	for i := 0; i < len(m); i++ {
		if m[i] != '\\' {
			continue
		}
		if i+1 < len(m) && m[i+1] != 'u' {
			i++ // an escaped character, such as \\ itself
			continue
		}
		u, ok := unit(m, i)
		if !ok {
			continue
		}
		switch {
		case u >= 0xD800 && u <= 0xDBFF:
			if lo, ok := unit(m, i+6); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				i += 11
				continue
			}
			return true
		case u >= 0xDC00 && u <= 0xDFFF:
			return true
		}
		i += 5
	}
	return false
}

// unit reads the code unit of a \uXXXX escape at m[i:].
func unit(m []byte, i int) (uint16, bool) {
	if i+6 > len(m) || m[i] != '\\' || m[i+1] != 'u' {
		return 0, false
	}
	var u uint16
	for _, c := range m[i+2 : i+6] {
		switch {
		case '0' <= c && c <= '9':
			u = u<<4 | uint16(c-'0')
		case 'a' <= c && c <= 'f':
			u = u<<4 | uint16(c-'a'+10)
		case 'A' <= c && c <= 'F':
			u = u<<4 | uint16(c-'A'+10)
		default:
			return 0, false
		}
	}
	return u, true
}

func compact(m json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, m); err != nil {
		return m
	}
	return b.Bytes()
}

// Problem is one reason a vector file or case is not valid.
type Problem struct {
	File string // path below the vectors root
	Case string // case id, when the problem is within one case
	At   string // JSON pointer within the file, when known
	Msg  string
}

// String renders the problem as "<file> #<case> at <pointer>: <message>".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Case != "" {
		b.WriteString(" #" + p.Case)
	}
	if p.At != "" {
		b.WriteString(" at " + p.At)
	}
	b.WriteString(": " + p.Msg)
	return b.String()
}
