// Package settingsmigrate rewrites every legacy v1 settings envelope in a
// JSON document as a v2 envelope under the same key, and replaces a
// settings file with the result crash-safely. It is the logic behind
// "interop envelope migrate-file" (spec/envelope.md, "Migrating a file").
//
// Migrate works on bytes: it walks the document token by token with the
// project's strict JSON reader (internal/jsontext) and copies it through
// unchanged except for the strings it migrates, so member order,
// whitespace, escapes and number text all survive. What counts as a v1 or
// a v2 value is exactly envelope.IsV1 and envelope.IsV2. Every envelope,
// v1 or v2, must open under the key: a document that is partly encrypted
// under another salt is refused as a whole, before anything is written.
//
// Rewrite applies Migrate to a file: it refuses symbolic links and
// anything but a regular file, checks that it can replace the file before
// doing the work, keeps a backup, writes a temporary file beside the
// original, syncs it, renames it over the original and syncs the
// directory. A crash at any point leaves the file either exactly as it was
// or fully migrated.
//
// Errors name the file and the JSON pointer of the offending value, never
// a value, a plaintext, a ciphertext, the key or the salt.
package settingsmigrate

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/jsontext"
)

var (
	// ErrNotJSON reports a document that is not exactly one strict JSON
	// value: a syntax error, trailing data, invalid UTF-8 or a lone
	// surrogate escape, nesting deeper than jsontext.MaxDepth, or a member
	// name repeated in one object. The jsontext sentinel of the kind
	// (jsontext.ErrSyntax, jsontext.ErrDuplicateKey, …) is wrapped too.
	ErrNotJSON = errors.New("not valid json")
	// ErrDoesNotOpen reports an envelope (v1 or v2) that does not open
	// under the key, typically one sealed under another salt. The
	// envelope package's error (envelope.ErrAuthFailed,
	// envelope.ErrMalformed) is wrapped too.
	ErrDoesNotOpen = errors.New("encrypted value does not open under the salt")
)

// Error locates a refusal in the document. Its message holds the JSON
// pointer and what was wrong, never a value; the pointer's member names
// are the document's own keys.
type Error struct {
	// Pointer is the RFC 6901 pointer of the offending value ("" is the
	// whole document, or an unknown place for invalid UTF-8).
	Pointer string
	// Offset is the byte offset in the document where the problem was
	// found.
	Offset int
	// Err wraps ErrNotJSON or ErrDoesNotOpen.
	Err error
}

func (e *Error) Error() string {
	return "at " + strconv.Quote(e.Pointer) + " (offset " + strconv.Itoa(e.Offset) + "): " + e.Err.Error()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Stats counts the string values of a document. Member names are not
// values and are never migrated; numbers, booleans and null are not
// counted.
type Stats struct {
	// Scanned is the number of string values: Migrated + AlreadyV2 + Plain.
	Scanned int `json:"scanned"`
	// Migrated is the number of v1 envelopes rewritten as v2 (or, for a
	// dry run, to be rewritten).
	Migrated int `json:"migrated"`
	// AlreadyV2 is the number of v2 envelopes, each verified to open.
	AlreadyV2 int `json:"alreadyV2"`
	// Plain is the number of strings that are not envelopes, left as
	// they are.
	Plain int `json:"plain"`
}

// Migrate returns data with every v1 envelope among its string values
// replaced by a fresh v2 envelope of the same plaintext (key.Migrate), and
// the counts. When nothing is migrated the result is data itself. It
// fails, with an *Error wrapping ErrNotJSON or ErrDoesNotOpen, on a
// document the strict reader refuses and on any envelope that does not
// open under key; numbers outside ±(2^53−1), which that reader's policy
// refuses elsewhere, are accepted here because their text is copied, not
// converted. Nothing but the migrated strings differs between data and
// the result.
func Migrate(data []byte, key *envelope.Key) ([]byte, Stats, error) {
	if key == nil {
		return nil, Stats{}, envelope.ErrNoKey
	}
	// Invalid UTF-8 first, as the JSON layer's phase rules order it, and
	// because outside strings the reader would call it a syntax error.
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return nil, Stats{}, &Error{Offset: off, Err: fmt.Errorf("%w (%w: invalid utf-8)", ErrNotJSON, jsontext.ErrInvalidUTF8)}
	}
	w := walker{data: data, key: key}
	w.d.Reset(data)
	err := w.value()
	if err == nil {
		err = w.d.End()
	}
	if err != nil {
		return nil, Stats{}, w.locate(err)
	}
	if w.out == nil {
		return data, w.st, nil
	}
	return append(w.out, data[w.copied:]...), w.st, nil
}

// walker copies the document lazily: out is nil until the first migrated
// string, and copied is how much of data out already holds.
type walker struct {
	d      jsontext.Decoder
	data   []byte
	key    *envelope.Key
	path   []string
	out    []byte
	copied int
	st     Stats
}

// locate turns an error of the reader, or of an envelope, into an *Error
// at the current path.
func (w *walker) locate(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	ptr := jsontext.Pointer(w.path...)
	var je *jsontext.Error
	if errors.As(err, &je) {
		return &Error{Pointer: ptr, Offset: je.Offset, Err: fmt.Errorf("%w (%w: %s)", ErrNotJSON, je.Kind.Err(), je.Detail)}
	}
	return &Error{Pointer: ptr, Offset: w.d.Offset(), Err: fmt.Errorf("%w (%w)", ErrNotJSON, err)}
}

func (w *walker) value() error {
	d := &w.d
	switch c := d.Peek(); {
	case c == '{':
		if err := d.BeginObject(); err != nil {
			return err
		}
		seen := map[string]struct{}{}
		for i := 0; ; i++ {
			name, ok, err := d.NextMember(i)
			if err != nil || !ok {
				return err
			}
			k := string(name)
			w.path = append(w.path, k)
			if _, dup := seen[k]; dup {
				// A duplicate would make the migrated file mean different
				// things to different readers (first or last wins).
				return d.DuplicateError(k)
			}
			seen[k] = struct{}{}
			if err := w.value(); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
	case c == '[':
		if err := d.BeginArray(); err != nil {
			return err
		}
		for i := 0; ; i++ {
			more, err := d.NextElement(i)
			if err != nil || !more {
				return err
			}
			w.path = append(w.path, strconv.Itoa(i))
			if err := w.value(); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
	case c == '"':
		start := d.Offset()
		s, err := d.String()
		if err != nil {
			return err
		}
		return w.str(s, start, d.Offset())
	case c == '-' || (c >= '0' && c <= '9'):
		// The number's text is copied as it is, so a magnitude beyond
		// 2^53-1 loses nothing here.
		if _, err := d.Number(); err != nil {
			if isRange(err) {
				return nil
			}
			return err
		}
		return nil
	}
	_, err := d.Value() // true, false, null, or a syntax error
	return err
}

// isRange reports a number outside ±(2^53−1) (the reader consumed it).
func isRange(err error) bool {
	var je *jsontext.Error
	return errors.As(err, &je) && je.Kind == jsontext.KindRange
}

// str classifies the string value s, whose token is data[start:end], and
// replaces the token when s is a v1 envelope.
func (w *walker) str(s string, start, end int) error {
	w.st.Scanned++
	switch {
	case envelope.IsV2(s):
		// Verified although it stays as it is: a v2 under another salt
		// means the document mixes salts, and the run must not bless it.
		if _, err := w.key.Open(s); err != nil {
			return &Error{Pointer: jsontext.Pointer(w.path...), Offset: start, Err: fmt.Errorf("%w (v2: %w)", ErrDoesNotOpen, err)}
		}
		w.st.AlreadyV2++
	case envelope.IsV1(s):
		v2, err := w.key.Migrate(s)
		if err != nil {
			return &Error{Pointer: jsontext.Pointer(w.path...), Offset: start, Err: fmt.Errorf("%w (v1: %w)", ErrDoesNotOpen, err)}
		}
		if w.out == nil {
			w.out = make([]byte, 0, len(w.data)+len(w.data)/4)
		}
		w.out = append(w.out, w.data[w.copied:start]...)
		// A v2 envelope is lower-case hex, "v2" and colons: never escaped.
		w.out, err = jsontext.AppendString(w.out, v2)
		if err != nil {
			return err // unreachable: v2 envelopes are ASCII
		}
		w.copied = end
		w.st.Migrated++
	default:
		w.st.Plain++
	}
	return nil
}
