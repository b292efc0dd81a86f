package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/interopkit/interop/internal/safefile"
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
JSON pointer of the first value too deep, never a value) rather than print
a document with parts silently missing. The input is measured while it is
read, so a huge one is refused before the rest of it is read, let alone
decoded; the limits hold for the whole input, values under secret keys
included, and whether or not redaction is on.

FILE must be a regular file (not a FIFO, a device or a file of /proc or
/sys); "-" or no FILE reads standard input, a pipe included. Inputs are
limited to 64 MiB. A FILE that does not exist is not named (it may be a
secret pasted in the wrong place).
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
	if op == "text" {
		data, err := readInput(cmd.Arg(0), e.stdin)
		if err != nil {
			return failf(e, "redact text: %v", err)
		}
		io.WriteString(e.stdout, redact.Text(string(data)))
		return exitOK
	}
	data, err := readJSONInput(cmd.Arg(0), e.stdin)
	if err != nil {
		return failf(e, "redact json: %v", err)
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(data) {
		return failf(e, "redact json: input is not valid utf-8")
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

// readJSONInput reads FILE, or all of standard input for "" or "-", up to
// maxInput bytes, measuring the JSON while it streams in (measureJSON): an
// input the redactor would truncate is refused as soon as that shows,
// before the rest is read, let alone decoded (a 64 MiB array once took
// 2.5 GB).
func readJSONInput(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if name != "" && name != "-" {
		f, err := safefile.Open(name)
		if err != nil {
			return nil, pathError("FILE", name, err)
		}
		defer f.Close()
		r = f
	}
	var buf bytes.Buffer
	src := &stickyReader{r: io.LimitReader(r, maxInput+1)}
	tee := io.TeeReader(src, &buf)
	if err := measureJSON(tee); err != nil {
		return nil, err
	}
	// The measure stops at the end of the first value or at a syntax
	// error; whatever follows is read for the decoder to report.
	if _, err := io.Copy(io.Discard, tee); err != nil || src.err != nil {
		return nil, inputError(name, cmpErr(src.err, err))
	}
	if buf.Len() > maxInput {
		return nil, overLimit(name)
	}
	return buf.Bytes(), nil
}

// stickyReader remembers the first read error other than io.EOF, which
// the JSON tokenizer would otherwise report as a syntax error.
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// cmpErr returns the first error that is not nil.
func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// measureJSON streams the tokens of r, counting members and elements and
// tracking depth, so that an input the redactor would truncate is refused
// without decoding it. Syntax errors are left to the decoder that follows.
func measureJSON(r io.Reader) error {
	d := json.NewDecoder(r)
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

// readInput reads FILE, or all of standard input for "" or "-", up to
// maxInput bytes. FILE must be a regular file (safefile); "-" reads a pipe.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if name != "" && name != "-" {
		f, err := safefile.Open(name)
		if err != nil {
			return nil, pathError("FILE", name, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, inputError(name, err)
	}
	if len(b) > maxInput {
		return nil, overLimit(name)
	}
	return b, nil
}

// inputError reports a failed read of FILE or standard input.
func inputError(name string, err error) error {
	if name == "" || name == "-" {
		return fmt.Errorf("reading standard input: %w", err)
	}
	return pathError("FILE", name, err)
}

// overLimit reports an input of more than maxInput bytes.
func overLimit(name string) error {
	if name == "" || name == "-" {
		return fmt.Errorf("standard input is over the %d-byte limit", maxInput)
	}
	return fmt.Errorf("%s is over the %d-byte limit", name, maxInput)
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
