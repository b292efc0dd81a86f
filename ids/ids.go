// Package ids derives the deterministic identifiers of the elizaOS runtime.
//
// StringToUUID reproduces upstream stringToUuid byte for byte: the input is
// escaped as JavaScript's encodeURIComponent would escape it, hashed with
// SHA-1, and the first 16 bytes of the digest are formatted as a UUID with
// the RFC 4122 variant bits and a version nibble of 0. It is not UUIDv5: no
// namespace is involved, and the version nibble is a custom elizaOS marker.
//
// The normative description, including every place where this package
// deliberately differs from the TypeScript, Python and Rust implementations,
// is spec/ids.md.
package ids

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/interopkit/interop/internal/hexcodec"
	"github.com/interopkit/interop/internal/jsontext"
)

// MaxSafeInteger is the largest integer magnitude accepted by IntegerToUUID:
// 2^53−1, the largest integer every upstream language represents exactly.
const MaxSafeInteger = 1<<53 - 1

var (
	// ErrInvalidUTF8 reports text that is not well-formed UTF-8. To
	// errors.Is it is also the JSON layer's invalid_utf8 (one kind, as the
	// vectors spell it), but not envelope.ErrInvalidUTF8.
	ErrInvalidUTF8 error = jsontext.NewSentinel(jsontext.KindUTF8, "ids: input is not valid utf-8")
	// ErrOutOfRange reports an integer outside ±MaxSafeInteger (the kind
	// out_of_range).
	ErrOutOfRange error = jsontext.NewSentinel(jsontext.KindRange, "ids: integer outside ±(2^53-1)")
	// ErrInvalidType reports a value of a type that has no deterministic id
	// (booleans, floats, nil and anything that is neither a string nor an
	// integer; the kind invalid_type).
	ErrInvalidType error = jsontext.NewSentinel(jsontext.KindType, "ids: value must be a string or a safe integer")
	// ErrInvalidAgentID reports an agent id that is not a UUID.
	ErrInvalidAgentID = errors.New("ids: agent id is not a uuid")
)

// StringToUUID returns the deterministic elizaOS id of s.
//
// An s that already is a UUID (any case) is returned unchanged. The check is
// anchored at the very end of s, so a UUID followed by a newline is hashed.
// It fails only for input that is not valid UTF-8, with an error wrapping
// ErrInvalidUTF8 that names the byte offset.
//
// StringToUUID is AppendUUID into a new string.
func StringToUUID(s string) (string, error) {
	var out [36]byte
	b, same, err := appendUUID(out[:0], s)
	switch {
	case err != nil:
		return "", err
	case same:
		return s, nil
	}
	return string(b), nil
}

// AppendUUID appends the id StringToUUID returns for s, its 36 characters,
// to dst and returns the extended slice. A dst with room for 36 more bytes
// is extended without allocating, whatever the length of s. It fails as
// StringToUUID fails, with an error wrapping ErrInvalidUTF8 that names the
// byte offset, and then returns dst unchanged, having written nothing
// beyond len(dst).
func AppendUUID(dst []byte, s string) ([]byte, error) {
	b, _, err := appendUUID(dst, s)
	return b, err
}

// appendUUID is AppendUUID that also reports whether s was a UUID, and so
// appended as it is: StringToUUID then returns s itself.
func appendUUID(dst []byte, s string) (_ []byte, same bool, _ error) {
	if IsUUID(s) {
		return append(dst, s...), true, nil
	}
	b, err := appendHash(dst, s)
	return b, false, err
}

// IntegerToUUID returns the id of n formatted in base 10. It fails with
// ErrOutOfRange when |n| exceeds MaxSafeInteger.
func IntegerToUUID(n int64) (string, error) {
	if n > MaxSafeInteger || n < -MaxSafeInteger {
		return "", fmt.Errorf("%w: got %d", ErrOutOfRange, n)
	}
	return hashUUID(strconv.FormatInt(n, 10))
}

// ValueToUUID is the dynamic entry point that mirrors upstream's
// `string | number` parameter. It accepts a string, any Go integer type and
// a json.Number written as an integer; floating-point values, booleans, nil
// and every other type fail with ErrInvalidType.
func ValueToUUID(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return StringToUUID(x)
	case int:
		return IntegerToUUID(int64(x))
	case int8:
		return IntegerToUUID(int64(x))
	case int16:
		return IntegerToUUID(int64(x))
	case int32:
		return IntegerToUUID(int64(x))
	case int64:
		return IntegerToUUID(x)
	case uint:
		return unsignedToUUID(uint64(x))
	case uint8:
		return unsignedToUUID(uint64(x))
	case uint16:
		return unsignedToUUID(uint64(x))
	case uint32:
		return unsignedToUUID(uint64(x))
	case uint64:
		return unsignedToUUID(x)
	case json.Number:
		return decimalToUUID(string(x))
	default:
		return "", fmt.Errorf("%w: got %s", ErrInvalidType, typeName(v))
	}
}

// CreateUniqueUUID returns the id of base scoped to an agent: agentID itself
// when base equals it exactly, otherwise the id of base + ":" + agentID.
// agentID must be a UUID (any case); the comparison is case-sensitive, as
// upstream's is.
//
// CreateUniqueUUID is AppendUniqueUUID into a new string.
func CreateUniqueUUID(agentID, base string) (string, error) {
	var out [36]byte
	b, same, err := appendUniqueUUID(out[:0], agentID, base)
	switch {
	case err != nil:
		return "", err
	case same:
		return agentID, nil
	}
	return string(b), nil
}

// AppendUniqueUUID appends the id CreateUniqueUUID returns to dst and
// returns the extended slice. base + ":" + agentID is escaped piece by
// piece, never built, so a dst with room for 36 more bytes is extended
// without allocating. It fails as CreateUniqueUUID fails (ErrInvalidAgentID,
// or ErrInvalidUTF8 for base), and then returns dst unchanged, having
// written nothing beyond len(dst).
func AppendUniqueUUID(dst []byte, agentID, base string) ([]byte, error) {
	b, _, err := appendUniqueUUID(dst, agentID, base)
	return b, err
}

// appendUniqueUUID is AppendUniqueUUID that also reports whether the
// result is agentID itself.
func appendUniqueUUID(dst []byte, agentID, base string) (_ []byte, same bool, _ error) {
	if !IsUUID(agentID) {
		return dst, false, ErrInvalidAgentID
	}
	if base == agentID {
		return append(dst, agentID...), true, nil
	}
	b, err := appendHash(dst, base, ":", agentID)
	return b, false, err
}

// IsUUID reports whether s is exactly 8-4-4-4-12 hexadecimal digits of
// either case, with nothing before or after. Any version and variant is
// accepted, as upstream accepts them.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !hexcodec.IsDigit(c) {
				return false
			}
		}
	}
	return true
}

func unsignedToUUID(n uint64) (string, error) {
	if n > MaxSafeInteger {
		return "", fmt.Errorf("%w: got %d", ErrOutOfRange, n)
	}
	return IntegerToUUID(int64(n))
}

// decimalToUUID accepts only integer syntax: a json.Number such as 1.0 or
// 1e3 is a float in every language that reads it as one, so it is rejected.
func decimalToUUID(s string) (string, error) {
	if !isIntegerLiteral(s) {
		return "", fmt.Errorf("%w: got a non-integer number", ErrInvalidType)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil {
		return IntegerToUUID(n)
	}
	if errors.Is(err, strconv.ErrRange) {
		return "", fmt.Errorf("%w: %d-digit integer", ErrOutOfRange, len(s))
	}
	return "", fmt.Errorf("%w: got a non-integer number", ErrInvalidType)
}

// isIntegerLiteral reports whether s is a JSON integer: an optional minus
// sign, then 0 or a digit string without a leading zero.
func isIntegerLiteral(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprintf("%T", v)
}
