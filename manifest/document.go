package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/interopkit/interop/internal/jsontext"
)

// Limits of the document layer. A manifest arrives from a plugin process,
// so nothing about its size or shape is trusted. Every other rule of the
// layer is the project's one strict JSON policy (spec/types.md), applied by
// internal/jsontext.
const (
	// MaxSize is the largest manifest document, in bytes, that is read.
	MaxSize = 4 << 20
	// MaxDepth is the deepest nesting of arrays and objects accepted; the
	// document's top-level value is at depth 1. It is the depth parameter
	// handed to the shared reader (whose own default, for package types,
	// is 1000): real manifests stay below 10 (an action example's content
	// data is at depth 8).
	MaxDepth = 128
)

// The document-layer errors. Each is one error kind of the manifest.validate
// vectors; all but ErrTooLarge are the JSON layer's sentinels, shared with
// package types (ErrSyntax is types.ErrSyntax, and so on), with the name and
// meaning of the same kind in serialize.roundtrip (spec/types.md, "Errors").
var (
	// ErrTooLarge reports a document longer than MaxSize bytes (too_large).
	ErrTooLarge = errors.New("document too large")
	// ErrInvalidUTF8 reports a document that is not well-formed Unicode:
	// bytes that are not UTF-8, or a \u escape of a lone surrogate
	// (invalid_utf8).
	ErrInvalidUTF8 error = jsontext.ErrInvalidUTF8
	// ErrSyntax reports a document that is not exactly one JSON value
	// (RFC 8259) (syntax).
	ErrSyntax error = jsontext.ErrSyntax
	// ErrTooDeep reports arrays and objects nested deeper than MaxDepth
	// (too_deep).
	ErrTooDeep error = jsontext.ErrTooDeep
	// ErrDuplicateKey reports an object with two members of the same name
	// (duplicate_key).
	ErrDuplicateKey error = jsontext.ErrDuplicateKey
	// ErrRange reports a number whose magnitude, once rounded to a double,
	// exceeds 2^53−1, infinity included: an integer that JavaScript, Python
	// and Rust read as different values (out_of_range).
	ErrRange error = jsontext.ErrRange
)

// DocumentError reports why a document could not be read as a manifest
// document at all. It matches exactly one of ErrTooLarge, ErrInvalidUTF8,
// ErrSyntax, ErrTooDeep, ErrDuplicateKey and ErrRange under errors.Is. Its
// message never contains a value from the document: only the location and
// the reader's few words, which name at most the one unexpected ASCII
// character of a syntax error.
type DocumentError struct {
	// Err is the sentinel error that says what is wrong.
	Err error
	// Offset is the byte offset at which the problem was found.
	Offset int
	// Line and Column (1-based; the column counts bytes) locate Offset.
	Line, Column int
	// Pointer is the JSON pointer of the offending member or value for
	// ErrDuplicateKey and ErrRange (HasPointer is then true).
	Pointer    string
	HasPointer bool
	// detail says in a few words what the reader found.
	detail string
}

// Error implements error.
func (e *DocumentError) Error() string {
	var b strings.Builder
	b.WriteString("manifest: ")
	b.WriteString(e.Err.Error())
	if e.HasPointer {
		b.WriteString(" at ")
		b.WriteString(displayPointer(e.Pointer))
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d, column %d)", e.Line, e.Column)
	}
	if e.detail != "" {
		b.WriteString(": ")
		b.WriteString(e.detail)
	}
	return b.String()
}

// Unwrap returns the sentinel error.
func (e *DocumentError) Unwrap() error { return e.Err }

// readOptions is the shared reader's policy with the manifest depth limit.
var readOptions = jsontext.Options{MaxDepth: MaxDepth}

// readDocument reads a manifest document into the generic form the schema
// validator takes: map[string]any, []any, string, float64, bool and nil.
// Which error a bad document gets is decided by the phases of
// spec/types.md, after the size check.
func readDocument(doc []byte) (any, error) {
	if len(doc) > MaxSize {
		return nil, errTooLarge()
	}
	v, err := jsontext.ReadValue(doc, readOptions)
	if err != nil {
		return nil, documentError(doc, err)
	}
	return v, nil
}

// errTooLarge locates the error at the first byte beyond the limit; it has
// no line and column, as the document is not read that far.
func errTooLarge() *DocumentError {
	return &DocumentError{Err: ErrTooLarge, Offset: MaxSize, detail: "more than " + strconv.Itoa(MaxSize) + " bytes"}
}

func documentError(doc []byte, err error) error {
	var je *jsontext.Error
	if !errors.As(err, &je) {
		return err
	}
	// The reader never gives KindType or KindMissing for an untyped value.
	if je.Kind == jsontext.KindType || je.Kind == jsontext.KindMissing {
		return fmt.Errorf("manifest: unexpected reader error: %w", err)
	}
	e := &DocumentError{Err: je.Kind.Err(), Offset: je.Offset, detail: je.Detail}
	if je.Kind.Located() {
		e.Pointer, e.HasPointer = je.Pointer(), true
	}
	if 0 <= e.Offset && e.Offset <= len(doc) {
		before := doc[:e.Offset]
		e.Line = 1 + bytes.Count(before, []byte{'\n'})
		e.Column = 1 + e.Offset - (bytes.LastIndexByte(before, '\n') + 1)
	}
	return e
}

// maxDisplay bounds how much of a pointer a message shows.
const maxDisplay = 200

// displayPointer renders a pointer for a one-line message: "(root)" for the
// empty pointer, control and other invisible characters as \u escapes (a
// member name can hold a newline, which must not forge an output line), and
// long pointers cut with "…".
func displayPointer(ptr string) string {
	if ptr == "" {
		return "(root)"
	}
	var b strings.Builder
	for i, r := range ptr {
		if i >= maxDisplay {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff || 0x200b <= r && r <= 0x200f || 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069 {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
