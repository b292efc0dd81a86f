package types

import (
	"errors"
	"strconv"

	"github.com/interopkit/interop/internal/jsontext"
)

// The kinds of *Error, usable with errors.Is. Each is one error kind of the
// serialize.roundtrip vectors (spec/types.md, "Errors"). They are the JSON
// layer's sentinels, shared with package manifest: manifest.ErrSyntax is
// ErrSyntax, and so on.
var (
	// ErrInvalidUTF8 reports text that is not well-formed Unicode: invalid
	// UTF-8 bytes, or a \u escape of a lone surrogate (invalid_utf8).
	ErrInvalidUTF8 error = jsontext.ErrInvalidUTF8
	// ErrSyntax reports text that is not one JSON value: malformed JSON,
	// an empty input, or data after the value (syntax).
	ErrSyntax error = jsontext.ErrSyntax
	// ErrTooDeep reports objects and arrays nested more than MaxDepth deep
	// (too_deep).
	ErrTooDeep error = jsontext.ErrTooDeep
	// ErrDuplicateKey reports a member name that occurs twice in one object,
	// or, when writing, an Extra key that repeats a declared member
	// (duplicate_key).
	ErrDuplicateKey error = jsontext.ErrDuplicateKey
	// ErrRange reports a number whose magnitude exceeds 2^53−1 (any such
	// double is an integer peers disagree on), a non-finite number, or an
	// integer member outside ±(2^53−1) (out_of_range).
	ErrRange error = jsontext.ErrRange
	// ErrType reports a value of the wrong JSON type, a number with a
	// fraction where an integer is required, a timestamp string that is
	// not a decimal integer, or, when writing, a Go value with no JSON form
	// (invalid_type).
	ErrType error = jsontext.ErrType
	// ErrMissing reports a required member that is absent or null
	// (missing_field).
	ErrMissing error = jsontext.ErrMissing
)

// MaxDepth is the deepest nesting of objects and arrays read or written.
const MaxDepth = jsontext.MaxDepth

// Error is the error of every UnmarshalJSON and MarshalJSON of the package.
// Its message names the kind, the location and the rule, never the input's
// text (member names on the path excepted).
type Error struct {
	// Kind is one of the Err* values; errors.Is(err, Kind) holds.
	Kind error
	// Path is the RFC 6901 JSON pointer of the offending value or member
	// (for ErrMissing and ErrDuplicateKey, of the member); "" is the whole
	// document.
	Path string
	// Offset is the byte offset in the input where the problem was found;
	// -1 when writing.
	Offset int
	detail string
}

func (e *Error) Error() string {
	msg := "types: " + e.Kind.Error()
	if e.Path != "" {
		msg += ` at "` + e.Path + `"`
	}
	msg += ": " + e.detail
	if e.Offset >= 0 {
		msg += " (offset " + strconv.Itoa(e.Offset) + ")"
	}
	return msg
}

// Unwrap returns Kind.
func (e *Error) Unwrap() error { return e.Kind }

func wrap(err error) error {
	var e *jsontext.Error
	if !errors.As(err, &e) {
		return err
	}
	return &Error{Kind: e.Kind.Err(), Path: e.Pointer(), Offset: e.Offset, detail: e.Detail}
}
