// Package jsontext is the strict JSON reader and canonical writer behind the
// types package (spec/types.md). Its reader is also the document layer of
// package manifest (spec/manifest.md): the project has one strict JSON
// policy, stated once in spec/types.md, and only the nesting limit
// (Options.MaxDepth) differs between its users.
//
// The reader is a pull decoder over a byte slice. Unlike encoding/json it
// locates every error with a JSON pointer, rejects duplicate member names,
// numbers whose value is an integer outside ±(2^53−1), lone surrogate escapes
// and nesting deeper than MaxDepth (or Options.MaxDepth), and never rounds
// silently. The writer
// emits RFC 8785 (JCS) text: members sorted by UTF-16 code units, ES6 number
// formatting, minimal string escaping.
//
// Errors are ordered in phases so that every implementation reports the same
// one (spec/types.md, "Errors"): invalid UTF-8 anywhere first, then the first
// syntax, lone-surrogate or depth error, then the first duplicate member or
// out-of-range number, then the first type or missing-member error. A typed
// decoder stops at its first problem; Precedence then finds the error the
// phases select.
package jsontext

import (
	"errors"
	"strconv"
)

// Kind classifies an error.
type Kind uint8

// The error kinds, in phase order.
const (
	KindUTF8      Kind = iota + 1 // text that is not well-formed Unicode
	KindSyntax                    // not JSON, or trailing data
	KindDepth                     // nesting deeper than MaxDepth (or Options.MaxDepth)
	KindDuplicate                 // a member name twice in one object
	KindRange                     // a number whose value is an integer outside ±(2^53−1), or not finite
	KindType                      // a value of the wrong JSON type (or a non-integer where an integer is required)
	KindMissing                   // a required member is absent or null
)

// phase orders kinds: a lower phase wins over a higher one.
func (k Kind) phase() int {
	switch k {
	case KindUTF8:
		return 0
	case KindSyntax, KindDepth:
		return 1
	case KindDuplicate, KindRange:
		return 2
	}
	return 3
}

// Error is a located decoding or encoding error. Messages never contain
// input text other than member names on the path.
type Error struct {
	Kind Kind
	// Offset is the byte offset in the input where the problem was found,
	// or -1 when encoding.
	Offset int
	// Detail says what was wrong, e.g. "expected string, found number".
	Detail string
	// rev holds the path segments innermost first: prepending while an
	// error travels up the call stack is then an append.
	rev []string
}

// Pointer returns the RFC 6901 JSON pointer of the error's location; the
// empty string is the whole document.
func (e *Error) Pointer() string {
	if len(e.rev) == 0 {
		return ""
	}
	tokens := make([]string, len(e.rev))
	for i, t := range e.rev {
		tokens[len(e.rev)-1-i] = t
	}
	return Pointer(tokens...)
}

func (e *Error) Error() string {
	msg := e.Detail
	if p := e.Pointer(); p != "" || e.Kind.phase() >= 2 {
		msg += " at \"" + p + "\""
	}
	if e.Offset >= 0 {
		msg += " (offset " + strconv.Itoa(e.Offset) + ")"
	}
	return msg
}

// At returns err located one level deeper, under the member key; errors of
// other types pass through.
func At(err error, key string) error {
	var e *Error
	if errors.As(err, &e) {
		e.rev = append(e.rev, key)
	}
	return err
}

// AtIndex is At for an array element.
func AtIndex(err error, i int) error {
	var e *Error
	if errors.As(err, &e) {
		e.rev = append(e.rev, strconv.Itoa(i))
	}
	return err
}

func newError(k Kind, off int, detail string) *Error {
	return &Error{Kind: k, Offset: off, Detail: detail}
}

// MissingError reports the required member name as missing, found at
// offset off (the member, when it is null; the closing brace, when it is
// absent).
func MissingError(off int, name, detail string) error {
	return &Error{Kind: KindMissing, Offset: off, Detail: detail, rev: []string{name}}
}

// EncodeError reports a value that cannot be written canonically.
func EncodeError(k Kind, detail string) error { return newError(k, -1, detail) }
