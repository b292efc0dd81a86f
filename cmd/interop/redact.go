package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/interopkit/interop/redact"
)

const redactHelp = `
Usage: interop redact text [FILE|-]
       interop redact json [FILE|-]

text prints FILE (or standard input) with secrets masked as upstream
redactSensitiveText masks them (spec/redact-text.md): key assignments,
bearer tokens, private-key blocks and the known token formats; the mask
is inserted literally, so no part of a secret leaks through a replacement
pattern. Nothing is added or removed apart from the masks.

json reads one JSON value and prints it with the value of every secret
key (password, token, apiKey, authorization, … and the keys in
ELIZA_LOG_REDACT_KEYS, matched case-insensitively) replaced by
"[REDACTED]" at any depth (spec/redact-log.md). ELIZA_LOG_REDACT=false
turns it off, as for the logs. Where the logs would replace an object or
array nested 64 levels deep, or a value of more than 65536 members and
elements, by "[TRUNCATED]", json refuses the input (exit 1, naming the
JSON pointer of the first value too deep) rather than print a document
with parts silently missing; the input is measured while it is read, so
a huge one is refused before it is decoded.
`

func runRedact(args []string, e *env) int {
	op, code, ok := operation("redact", args, redactHelp, []string{"text", "json"}, e)
	if !ok {
		return code
	}
	cmd := newFlags("redact "+op, redactHelp)
	if code, done := cmd.parse(args[1:], e); done {
		return code
	}
	if cmd.NArg() > 1 {
		return usagef(e, "redact %s: want at most one FILE", op)
	}
	data, err := readInput(cmd.Arg(0), e.stdin)
	if err != nil {
		return failf(e, "redact %s: %v", op, err)
	}
	if op == "text" {
		io.WriteString(e.stdout, redact.Text(string(data)))
		return exitOK
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(data) {
		return failf(e, "redact json: input is not valid utf-8")
	}
	if err := measureJSON(data); err != nil {
		return failf(e, "redact json: %v", err)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return failf(e, "redact json: input is not json: %v", jsonErr(err))
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return failf(e, "redact json: more than one json value in the input")
	}
	out := redact.ConfigFromLookup(e.lookup).JSON(v)
	if s, ok := out.(string); ok && s == redact.Truncated {
		if in, ok := v.(string); !ok || in != redact.Truncated {
			// Printing the placeholder would lose the document silently.
			return failf(e, "redact json: the input is too large to redact (over 65536 values)")
		}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return failf(e, "redact json: %v", err)
	}
	return exitOK
}

// maxJSONValues is how many members and elements the redactor visits in
// one value before it truncates the whole (redact's node budget).
const maxJSONValues = 1 << 16

// measureJSON streams the tokens of data, counting members and elements
// and tracking depth, so that an input the redactor would truncate is
// refused before it is decoded (a 64 MiB array once took 2.5 GB). Syntax
// errors are left to the decoder that follows.
func measureJSON(data []byte) error {
	d := json.NewDecoder(bytes.NewReader(data))
	var stack []jsonFrame
	values := 0
	pointer := func() string {
		var b strings.Builder
		for _, f := range stack {
			b.WriteByte('/')
			if f.object {
				b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(f.key))
			} else {
				fmt.Fprint(&b, f.index)
			}
		}
		return b.String()
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil // the end, or a syntax error the decoder reports
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expect {
			if k, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].expect = k, false
				continue
			}
		}
		if delim, ok := tok.(json.Delim); ok && (delim == '}' || delim == ']') {
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 {
				stack[n-1].advance()
			}
			continue
		}
		// A value: a member's, an element's, or the whole input.
		if len(stack) > 0 {
			if values++; values > maxJSONValues {
				return fmt.Errorf("the input is too large to redact (over %d values)", maxJSONValues)
			}
		}
		if delim, ok := tok.(json.Delim); ok {
			if len(stack) >= redact.MaxDepth {
				return fmt.Errorf("an object or array at %q is nested %d levels deep or more, where the redactor stops looking (spec/redact-log.md)", pointer(), redact.MaxDepth)
			}
			stack = append(stack, jsonFrame{object: delim == '{', expect: delim == '{'})
			continue
		}
		if n := len(stack); n > 0 {
			stack[n-1].advance()
		}
	}
}

// jsonFrame is an open object or array of measureJSON.
type jsonFrame struct {
	object bool
	key    string // the current member's name, in an object
	index  int    // the current element's index, in an array
	expect bool   // an object: the next token is a key
}

// advance moves past the current member or element.
func (f *jsonFrame) advance() {
	if f.object {
		f.expect = true
	} else {
		f.index++
	}
}

// readInput reads FILE, or all of standard input for "" or "-".
func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "" || name == "-" {
		s, err := readAll(stdin)
		return []byte(s), err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, describePathErr(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInput+1))
	if err != nil {
		return nil, describePathErr(err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("%s is over the %d-byte limit", name, maxInput)
	}
	return b, nil
}

// jsonErr keeps a decoding error to its position: its text may quote the
// input.
func jsonErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if strings.Contains(se.Error(), "depth") {
			return fmt.Errorf("nested too deeply at byte %d", se.Offset)
		}
		return fmt.Errorf("syntax error at byte %d", se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of input")
	}
	return errors.New("invalid json")
}
