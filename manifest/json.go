package manifest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the document layer. A manifest arrives from a plugin process,
// so nothing about its size or shape is trusted.
const (
	// MaxSize is the largest manifest document, in bytes, that is read.
	MaxSize = 4 << 20
	// MaxDepth is the deepest nesting of arrays and objects accepted; the
	// document's top-level value is at depth 1. Real manifests stay below
	// 10 (an action example's content data is at depth 8).
	MaxDepth = 128
)

var (
	// ErrTooLarge reports a document longer than MaxSize bytes.
	ErrTooLarge = errors.New("manifest: document too large")
	// ErrInvalidUTF8 reports a document that is not well-formed Unicode:
	// bytes that are not UTF-8, or a \u escape of an unpaired surrogate.
	ErrInvalidUTF8 = errors.New("manifest: document is not well-formed UTF-8")
	// ErrNotJSON reports a document that is not one JSON value (RFC 8259).
	ErrNotJSON = errors.New("manifest: not a JSON document")
	// ErrDuplicateKey reports an object with two members of the same name.
	ErrDuplicateKey = errors.New("manifest: duplicate object member")
	// ErrNumberOverflow reports a number too large for an IEEE-754 double.
	ErrNumberOverflow = errors.New("manifest: number out of range")
	// ErrTooDeep reports arrays and objects nested deeper than MaxDepth.
	ErrTooDeep = errors.New("manifest: nesting too deep")
)

// DocumentError reports why a document could not be read as a manifest
// document at all. It matches one of ErrTooLarge, ErrInvalidUTF8,
// ErrNotJSON, ErrDuplicateKey, ErrNumberOverflow and ErrTooDeep under
// errors.Is. Its message never contains document content other than the
// location.
type DocumentError struct {
	// Err is the sentinel error that says what is wrong.
	Err error
	// Offset is the byte offset at which the problem was found.
	Offset int
	// Line and Column (1-based; the column counts bytes) locate Offset.
	Line, Column int
	// Pointer is the JSON pointer of the offending member or value for
	// ErrDuplicateKey and ErrNumberOverflow (HasPointer is then true).
	Pointer    string
	HasPointer bool
	// detail adds a few words for ErrNotJSON (what was expected).
	detail string
}

// Error implements error.
func (e *DocumentError) Error() string {
	var b strings.Builder
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

// parser reads a document in one pass, left to right, and reports the first
// problem in document order: each check runs when the token it concerns is
// complete (a string after its closing quote, a number after its last
// digit, a container when it opens). spec/manifest.md fixes this order so
// that every implementation reports the same error for the same document.
type parser struct {
	s     []byte
	i     int
	depth int
	path  []string // JSON pointer tokens of the value being read, unescaped
}

// parseDocument reads a manifest document into the generic form the schema
// validator takes: map[string]any, []any, string, float64, bool and nil.
func parseDocument(doc []byte) (any, error) {
	if len(doc) > MaxSize {
		return nil, &DocumentError{Err: ErrTooLarge, Offset: MaxSize}
	}
	if !utf8.Valid(doc) {
		off := firstInvalidUTF8(doc)
		return nil, locate(doc, &DocumentError{Err: ErrInvalidUTF8, Offset: off})
	}
	p := &parser{s: doc}
	p.space()
	v, err := p.value()
	if err == nil {
		p.space()
		if p.i < len(p.s) {
			err = p.syntax("unexpected content after the top-level value")
		}
	}
	if err != nil {
		var de *DocumentError
		if errors.As(err, &de) {
			return nil, locate(doc, de)
		}
		return nil, err
	}
	return v, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// locate fills in Line and Column from Offset.
func locate(doc []byte, e *DocumentError) *DocumentError {
	if e.Offset > len(doc) {
		return e
	}
	before := doc[:e.Offset]
	e.Line = 1 + strings.Count(string(before), "\n")
	e.Column = 1 + e.Offset - (strings.LastIndexByte(string(before), '\n') + 1)
	return e
}

func (p *parser) syntax(detail string) error {
	return &DocumentError{Err: ErrNotJSON, Offset: p.i, detail: detail}
}

func (p *parser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, p.syntax("unexpected end of document, want a value")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.syntax("unexpected character, want a value")
}

func (p *parser) literal(word string) error {
	if len(p.s)-p.i < len(word) || string(p.s[p.i:p.i+len(word)]) != word {
		return p.syntax("invalid literal, want " + word)
	}
	p.i += len(word)
	return nil
}

func (p *parser) open() error {
	if p.depth == MaxDepth {
		return &DocumentError{Err: ErrTooDeep, Offset: p.i}
	}
	p.depth++
	p.i++
	return nil
}

func (p *parser) object() (any, error) {
	if err := p.open(); err != nil {
		return nil, err
	}
	obj := map[string]any{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		p.depth--
		return obj, nil
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.syntax("want a member name")
		}
		start := p.i
		name, err := p.str()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[name]; dup {
			p.path = append(p.path, name)
			err := &DocumentError{Err: ErrDuplicateKey, Offset: start, Pointer: pointer(p.path), HasPointer: true}
			p.path = p.path[:len(p.path)-1]
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.syntax("want ':' after a member name")
		}
		p.i++
		p.space()
		p.path = append(p.path, name)
		v, err := p.value()
		p.path = p.path[:len(p.path)-1]
		if err != nil {
			return nil, err
		}
		obj[name] = v
		p.space()
		if p.i >= len(p.s) {
			return nil, p.syntax("unexpected end of document in an object")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			p.space()
		case '}':
			p.i++
			p.depth--
			return obj, nil
		default:
			return nil, p.syntax("want ',' or '}' in an object")
		}
	}
}

func (p *parser) array() (any, error) {
	if err := p.open(); err != nil {
		return nil, err
	}
	arr := []any{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		p.depth--
		return arr, nil
	}
	for {
		p.path = append(p.path, strconv.Itoa(len(arr)))
		v, err := p.value()
		p.path = p.path[:len(p.path)-1]
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.space()
		if p.i >= len(p.s) {
			return nil, p.syntax("unexpected end of document in an array")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			p.space()
		case ']':
			p.i++
			p.depth--
			return arr, nil
		default:
			return nil, p.syntax("want ',' or ']' in an array")
		}
	}
}

// str reads a string token. The document is already known to be UTF-8, so
// a string without escapes is its bytes; with escapes it is decoded, and an
// escaped unpaired surrogate is ErrInvalidUTF8 (JSON text must be
// well-formed Unicode, and decoders disagree on what to do with one).
func (p *parser) str() (string, error) {
	start := p.i
	p.i++ // opening quote
	escaped := false
	for {
		if p.i >= len(p.s) {
			return "", p.syntax("unterminated string")
		}
		c := p.s[p.i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return "", p.syntax("control character in a string")
		}
		if c == '\\' {
			escaped = true
			p.i++
			if p.i >= len(p.s) {
				return "", p.syntax("unterminated string")
			}
			switch p.s[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(p.s)-p.i < 5 || !isHex4(p.s[p.i+1:p.i+5]) {
					return "", p.syntax("invalid \\u escape")
				}
				p.i += 4
			default:
				return "", p.syntax("invalid escape")
			}
		}
		p.i++
	}
	raw := p.s[start+1 : p.i]
	p.i++ // closing quote
	if !escaped {
		return string(raw), nil
	}
	s, ok := unescape(raw)
	if !ok {
		return "", &DocumentError{Err: ErrInvalidUTF8, Offset: start}
	}
	return s, nil
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func hex4(b []byte) rune {
	v, _ := strconv.ParseUint(string(b), 16, 16)
	return rune(v)
}

// unescape decodes the body of a syntactically valid string token; ok is
// false if it escapes an unpaired surrogate.
func unescape(raw []byte) (string, bool) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		e := raw[i+1]
		i += 2
		switch e {
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
			r := hex4(raw[i : i+4])
			i += 4
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 || i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
					return "", false
				}
				r2 := hex4(raw[i+2 : i+6])
				dec := utf16.DecodeRune(r, r2)
				if dec == utf8.RuneError {
					return "", false
				}
				r = dec
				i += 6
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, e)
		}
	}
	return string(out), true
}

// number reads a number token (RFC 8259 grammar) as the nearest IEEE-754
// double, as JavaScript, Python floats and serde_json's f64 do; a literal
// beyond the double range is ErrNumberOverflow rather than an infinity.
func (p *parser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case p.i < len(p.s) && '1' <= p.s[p.i] && p.s[p.i] <= '9':
		p.digits()
	default:
		return nil, p.syntax("invalid number")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if !p.digits() {
			return nil, p.syntax("invalid number: want a digit after '.'")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return nil, p.syntax("invalid number: want a digit in the exponent")
		}
	}
	f, err := strconv.ParseFloat(string(p.s[start:p.i]), 64)
	if err != nil {
		// The grammar was checked above, so the only failure is range.
		return nil, &DocumentError{Err: ErrNumberOverflow, Offset: start, Pointer: pointer(p.path), HasPointer: true}
	}
	return f, nil
}

func (p *parser) digits() bool {
	start := p.i
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// pointer builds an RFC 6901 JSON pointer from unescaped tokens.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		for i := 0; i < len(t); i++ {
			switch t[i] {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(t[i])
			}
		}
	}
	return b.String()
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
