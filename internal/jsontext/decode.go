package jsontext

import (
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of objects and arrays accepted, on input
// and on output. Interop messages never come close; the limit keeps a
// hostile document from exhausting the stack.
const MaxDepth = 1000

// MaxSafeInteger is 2^53−1, the largest magnitude a number may have. Every
// double of larger magnitude is an integer that JavaScript cannot tell from
// its neighbours and that Python and Rust read as a different type.
const MaxSafeInteger = 1<<53 - 1

// Decoder reads one JSON value from a byte slice. Its methods each consume
// one token or value; a method that finds a value of another JSON type
// returns a KindType error without consuming it.
//
// The zero Decoder reads nothing; call Reset.
type Decoder struct {
	data     []byte
	pos      int
	depth    int
	maxDepth int
	// member is the offset of the name of the member NextMember last
	// returned, so that a duplicate can be located.
	member int
}

// Options adjust what a Decoder, ValidateOptions and ReadValue accept. The
// zero value is the policy of spec/types.md; every other rule of the
// package (UTF-8, syntax, duplicate members, the ±(2^53−1) number range, the
// error phases) holds whatever the options.
type Options struct {
	// MaxDepth is the deepest nesting of objects and arrays accepted (the
	// outermost value is at depth 1); zero or less means the package's
	// MaxDepth. Package manifest reads with 128 (spec/manifest.md).
	MaxDepth int
}

func (o Options) maxDepth() int {
	if o.MaxDepth > 0 {
		return o.MaxDepth
	}
	return MaxDepth
}

// Reset makes d read data from the start with the zero Options.
func (d *Decoder) Reset(data []byte) { d.ResetOptions(data, Options{}) }

// ResetOptions makes d read data from the start under opts.
func (d *Decoder) ResetOptions(data []byte, opts Options) {
	*d = Decoder{data: data, maxDepth: opts.maxDepth()}
}

func (d *Decoder) skipWS() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// Peek returns the first byte of the next token without consuming it, or 0
// at the end of the input.
func (d *Decoder) Peek() byte {
	d.skipWS()
	if d.pos >= len(d.data) {
		return 0
	}
	return d.data[d.pos]
}

// End checks that nothing but whitespace follows the value.
func (d *Decoder) End() error {
	d.skipWS()
	if d.pos != len(d.data) {
		return newError(KindSyntax, d.pos, "unexpected data after the value")
	}
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// describe names the JSON type a value starting with c has, or "" when no
// value starts with c.
func describe(c byte) string {
	switch {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || isDigit(c):
		return "number"
	}
	return ""
}

// unexpected reports a syntax error at the current position. It names the
// character only when it is printable ASCII punctuation or a letter, never
// a run of input.
func (d *Decoder) unexpected() error {
	if d.pos >= len(d.data) {
		return newError(KindSyntax, d.pos, "unexpected end of input")
	}
	c := d.data[d.pos]
	if c > 0x20 && c < 0x7f {
		return newError(KindSyntax, d.pos, "unexpected character '"+string(rune(c))+"'")
	}
	return newError(KindSyntax, d.pos, "unexpected byte 0x"+strconv.FormatUint(uint64(c), 16))
}

// TypeError reports that the next value is not a want. When no value
// starts at the current position, it is a syntax error instead.
func (d *Decoder) TypeError(want string) error {
	got := describe(d.Peek())
	if got == "" {
		return d.unexpected()
	}
	return newError(KindType, d.pos, "expected "+want+", found "+got)
}

func (d *Decoder) enter() error {
	d.depth++
	if d.depth > d.maxDepth {
		return newError(KindDepth, d.pos, "nesting deeper than "+strconv.Itoa(d.maxDepth))
	}
	d.pos++
	return nil
}

// BeginObject consumes the '{' of an object.
func (d *Decoder) BeginObject() error {
	if d.Peek() != '{' {
		return d.TypeError("object")
	}
	return d.enter()
}

// NextMember moves to member i (counting from 0) of the object being read:
// it returns the member's name, unescaped, and leaves d at the member's
// value. After the last member it consumes the '}' and returns ok false. The
// name is either part of the input or a fresh copy; it is never
// overwritten.
func (d *Decoder) NextMember(i int) (name []byte, ok bool, err error) {
	c := d.Peek()
	if c == '}' {
		d.pos++
		d.depth--
		return nil, false, nil
	}
	if i > 0 {
		if c != ',' {
			return nil, false, d.unexpected()
		}
		d.pos++
		c = d.Peek()
	}
	if c != '"' {
		return nil, false, d.unexpected()
	}
	d.member = d.pos
	raw, esc, err := d.scanString()
	if err != nil {
		return nil, false, err
	}
	if esc {
		raw = unescape(raw)
	}
	if d.Peek() != ':' {
		return nil, false, d.unexpected()
	}
	d.pos++
	return raw, true, nil
}

// DuplicateError reports that the member NextMember just returned repeats
// an earlier name of the same object.
func (d *Decoder) DuplicateError(name string) error {
	return &Error{Kind: KindDuplicate, Offset: d.member, Detail: "the name occurs earlier in the same object", rev: []string{name}}
}

// MemberOffset is the offset of the name of the member NextMember just
// returned.
func (d *Decoder) MemberOffset() int { return d.member }

// Offset is the current position in the input.
func (d *Decoder) Offset() int { return d.pos }

// BeginArray consumes the '[' of an array.
func (d *Decoder) BeginArray() error {
	if d.Peek() != '[' {
		return d.TypeError("array")
	}
	return d.enter()
}

// NextElement moves to element i (counting from 0) of the array being
// read; after the last element it consumes the ']' and returns false.
func (d *Decoder) NextElement(i int) (bool, error) {
	c := d.Peek()
	if c == ']' {
		d.pos++
		d.depth--
		return false, nil
	}
	if i > 0 {
		if c != ',' {
			return false, d.unexpected()
		}
		d.pos++
		if d.Peek() == ']' {
			return false, d.unexpected()
		}
	}
	return true, nil
}

// plain marks the bytes a string can hold as they are: printable ASCII other
// than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// String reads a string.
func (d *Decoder) String() (string, error) {
	if d.Peek() != '"' {
		return "", d.TypeError("string")
	}
	raw, esc, err := d.scanString()
	if err != nil {
		return "", err
	}
	if esc {
		return string(unescape(raw)), nil
	}
	return string(raw), nil
}

// scanString checks the string starting at d.pos (a '"') and returns its
// raw contents and whether they hold escapes. It rejects control
// characters, invalid escapes, invalid UTF-8 and lone surrogate escapes.
func (d *Decoder) scanString() (raw []byte, esc bool, err error) {
	data := d.data
	start := d.pos + 1
	i := start
	for {
		for i < len(data) && plain[data[i]] {
			i++
		}
		if i >= len(data) {
			return nil, false, newError(KindSyntax, i, "unterminated string")
		}
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return data[start:i], esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(data) {
				return nil, false, newError(KindSyntax, i, "unterminated string")
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				r, ok := hex4(data[i+2:])
				if !ok {
					return nil, false, newError(KindSyntax, i, "invalid \\u escape")
				}
				at := i
				i += 6
				if utf16.IsSurrogate(r) {
					if r < 0xdc00 && i+6 <= len(data) && data[i] == '\\' && data[i+1] == 'u' {
						if r2, ok := hex4(data[i+2:]); ok && 0xdc00 <= r2 && r2 < 0xe000 {
							i += 6
							continue
						}
					}
					return nil, false, newError(KindUTF8, at, "lone surrogate escape")
				}
			default:
				return nil, false, newError(KindSyntax, i, "invalid escape")
			}
		case c < 0x20:
			return nil, false, newError(KindSyntax, i, "control character in string")
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, false, newError(KindUTF8, i, "invalid utf-8")
			}
			i += size
		}
	}
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unescape decodes the escapes of a string scanString accepted.
func unescape(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := hex4(raw[i+2:])
			if utf16.IsSurrogate(r) {
				r2, _ := hex4(raw[i+8:])
				r = utf16.DecodeRune(r, r2)
				i += 6
			}
			out = utf8.AppendRune(out, r)
			i += 6
			continue
		default: // '"', '\\', '/'
			out = append(out, raw[i+1])
		}
		i += 2
	}
	return out
}

// Bool reads true or false.
func (d *Decoder) Bool() (bool, error) {
	switch d.Peek() {
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	}
	return false, d.TypeError("boolean")
}

// IsNull reports whether the next value is null (or starts like it).
func (d *Decoder) IsNull() bool { return d.Peek() == 'n' }

// Null reads null.
func (d *Decoder) Null() error {
	if d.Peek() != 'n' {
		return d.TypeError("null")
	}
	return d.literal("null")
}

func (d *Decoder) literal(lit string) error {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		return d.unexpected()
	}
	d.pos += len(lit)
	return nil
}

// digitRun returns the end of the run of one or more digits at data[i:],
// or -1 when there is no digit there.
func digitRun(data []byte, i int) int {
	if i >= len(data) || !isDigit(data[i]) {
		return -1
	}
	for i < len(data) && isDigit(data[i]) {
		i++
	}
	return i
}

// Safe reports whether f is a number every peer reads alike: finite, with
// a magnitude of at most MaxSafeInteger.
func Safe(f float64) bool { return f >= -MaxSafeInteger && f <= MaxSafeInteger }

// Number reads a number, rounded to the nearest double. A number whose
// rounded magnitude exceeds MaxSafeInteger (or overflows) is a KindRange
// error; the number is consumed either way.
func (d *Decoder) Number() (float64, error) {
	c := d.Peek()
	if c != '-' && !isDigit(c) {
		return 0, d.TypeError("number")
	}
	data := d.data
	start := d.pos
	i := start
	if data[i] == '-' {
		i++
	}
	digits := i
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && isDigit(data[i]):
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	default:
		d.pos = i
		return 0, d.unexpected()
	}
	simple := true
	if i < len(data) && data[i] == '.' {
		end := digitRun(data, i+1)
		if end < 0 {
			d.pos = i + 1
			return 0, d.unexpected()
		}
		i = end
		simple = false
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		end := digitRun(data, i)
		if end < 0 {
			d.pos = i
			return 0, d.unexpected()
		}
		i = end
		simple = false
	}
	d.pos = i
	var f float64
	if simple && i-digits <= 15 {
		// Up to 15 digits an integer is exact in a double.
		var n int64
		for _, c := range data[digits:i] {
			n = n*10 + int64(c-'0')
		}
		f = float64(n)
		if digits != start {
			f = -f
		}
	} else {
		var err error
		f, err = strconv.ParseFloat(string(data[start:i]), 64)
		if err != nil && !math.IsInf(f, 0) {
			return 0, newError(KindSyntax, start, "invalid number")
		}
	}
	if !Safe(f) {
		return 0, newError(KindRange, start, "number magnitude above 2^53-1")
	}
	return f, nil
}

// Int reads a number whose value is an integer; a number with a fraction
// is a KindType error.
func (d *Decoder) Int() (int64, error) {
	if c := d.Peek(); c != '-' && !isDigit(c) {
		return 0, d.TypeError("integer")
	}
	off := d.pos
	f, err := d.Number()
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) {
		return 0, newError(KindType, off, "expected integer, found a number with a fraction")
	}
	return int64(f), nil
}

// Timestamp reads integer milliseconds: an integer number, or the proto3
// JSON form of an int64, a string of decimal digits with an optional minus
// sign and no leading zeros.
func (d *Decoder) Timestamp() (int64, error) {
	if d.Peek() != '"' {
		if c := d.Peek(); c != '-' && !isDigit(c) {
			return 0, d.TypeError("integer or decimal string")
		}
		return d.Int()
	}
	off := d.pos
	s, err := d.String()
	if err != nil {
		return 0, err
	}
	n, ok := decimal(s)
	if !ok {
		return 0, newError(KindType, off, "expected integer, found a string that is not a decimal integer")
	}
	if n < -MaxSafeInteger || n > MaxSafeInteger {
		return 0, newError(KindRange, off, "integer outside ±(2^53-1)")
	}
	return n, nil
}

// decimal parses -?(0|[1-9][0-9]*); values too long for int64 saturate,
// which the caller's range check then rejects.
func decimal(s string) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if s == "" || s[0] == '0' && len(s) > 1 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, false
		}
		if n < math.MaxInt64/10 {
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

// Value reads any value into the encoding/json shapes: nil, bool, float64,
// string, []any and map[string]any. Objects with a repeated member name are
// a KindDuplicate error.
func (d *Decoder) Value() (any, error) {
	switch c := d.Peek(); {
	case c == '{':
		return d.Object()
	case c == '[':
		if err := d.BeginArray(); err != nil {
			return nil, err
		}
		a := []any{}
		for i := 0; ; i++ {
			more, err := d.NextElement(i)
			if err != nil {
				return nil, err
			}
			if !more {
				return a, nil
			}
			v, err := d.Value()
			if err != nil {
				return nil, AtIndex(err, i)
			}
			a = append(a, v)
		}
	case c == '"':
		return d.String()
	case c == 't' || c == 'f':
		return d.Bool()
	case c == 'n':
		return nil, d.Null()
	case c == '-' || isDigit(c):
		return d.Number()
	}
	return nil, d.unexpected()
}

// Object reads an object of any values.
func (d *Decoder) Object() (map[string]any, error) {
	if err := d.BeginObject(); err != nil {
		return nil, err
	}
	m := map[string]any{}
	for i := 0; ; i++ {
		name, ok, err := d.NextMember(i)
		if err != nil {
			return nil, err
		}
		if !ok {
			return m, nil
		}
		k := string(name)
		if _, dup := m[k]; dup {
			return nil, d.DuplicateError(k)
		}
		v, err := d.Value()
		if err != nil {
			return nil, At(err, k)
		}
		m[k] = v
	}
}
