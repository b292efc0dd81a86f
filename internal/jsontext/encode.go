package jsontext

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s as RFC 8785 does (and JSON.stringify): the quote,
// the backslash and the C0 controls are escaped, \b \f \n \r \t in short
// form and the others as \u00xx in lower case; everything else, DEL and
// U+2028 included, is copied. Text that is not valid UTF-8 is a KindUTF8
// error.
func AppendString(b []byte, s string) ([]byte, error) {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return b, EncodeError(KindUTF8, "string is not valid utf-8")
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"'), nil
}

// AppendFloat appends f as ECMAScript's Number.prototype.toString writes
// it (the RFC 8785 rule), with -0 written as 0. A value that is not Safe is
// a KindRange error.
func AppendFloat(b []byte, f float64) ([]byte, error) {
	if !Safe(f) {
		return b, EncodeError(KindRange, "number is not finite or its magnitude is above 2^53-1")
	}
	if f == math.Trunc(f) {
		return strconv.AppendInt(b, int64(f), 10), nil // also turns -0 into 0
	}
	// Below 1e21 ECMAScript uses plain notation; all Safe numbers are, so
	// only the small end switches to exponent notation.
	if math.Abs(f) >= 1e-6 {
		return strconv.AppendFloat(b, f, 'f', -1, 64), nil
	}
	b = strconv.AppendFloat(b, f, 'e', -1, 64)
	// Go writes e-07 where ECMAScript writes e-7.
	if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b, nil
}

// AppendInt appends an integer within ±MaxSafeInteger.
func AppendInt(b []byte, n int64) ([]byte, error) {
	if n < -MaxSafeInteger || n > MaxSafeInteger {
		return b, EncodeError(KindRange, "integer outside ±(2^53-1)")
	}
	return strconv.AppendInt(b, n, 10), nil
}

// CompareKeys orders member names as RFC 8785 does: by their UTF-16 code
// units. It differs from byte order only between characters at or above
// U+E000 and characters above U+FFFF.
func CompareKeys(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return len(a) - len(b)
	}
	// Back up to the start of the differing characters (they share any
	// leading bytes of the sequence).
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRuneInString(a[i:])
	rb, _ := utf8.DecodeRuneInString(b[i:])
	supA, supB := ra >= 0x10000, rb >= 0x10000
	switch {
	case ra == rb: // both invalid: not a case valid keys reach
		return strings.Compare(a[i:], b[i:])
	case supA == supB:
		return int(ra - rb)
	case supA: // a starts with a high surrogate, 0xd800..0xdbff
		if rb < 0xd800 {
			return 1
		}
		return -1
	}
	if ra < 0xd800 {
		return -1
	}
	return 1
}

// SortedKeys returns the names of m in RFC 8785 order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, CompareKeys)
	return keys
}

// AppendValue appends a value of the shapes Value returns (and int,
// int64) canonically. Other Go types are a KindType error; a nesting deeper
// than MaxDepth is a KindDepth error (a cyclic value hits it).
func AppendValue(b []byte, v any) ([]byte, error) { return appendValue(b, v, 0) }

// AppendValueAt is AppendValue for a value enclosed in depth objects and
// arrays.
func AppendValueAt(b []byte, v any, depth int) ([]byte, error) { return appendValue(b, v, depth) }

func appendValue(b []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		if v {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case string:
		return AppendString(b, v)
	case float64:
		return AppendFloat(b, v)
	case int:
		return AppendInt(b, int64(v))
	case int64:
		return AppendInt(b, v)
	case []any:
		if depth >= MaxDepth {
			return b, EncodeError(KindDepth, "nesting deeper than 1000")
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, e, depth+1); err != nil {
				return b, AtIndex(err, i)
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		return appendObject(b, v, depth)
	}
	return b, EncodeError(KindType, "unsupported Go type in a JSON value")
}

func appendObject(b []byte, m map[string]any, depth int) ([]byte, error) {
	if depth >= MaxDepth {
		return b, EncodeError(KindDepth, "nesting deeper than 1000")
	}
	b = append(b, '{')
	for i, k := range SortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = AppendString(b, k); err != nil {
			return b, At(err, k)
		}
		b = append(b, ':')
		if b, err = appendValue(b, m[k], depth+1); err != nil {
			return b, At(err, k)
		}
	}
	return append(b, '}'), nil
}
