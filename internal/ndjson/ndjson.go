// Package ndjson frames newline-delimited JSON: a line reader whose cap is
// checked while reading, so that a peer or a child process cannot make the
// reader hold more than the cap and one read chunk, and a writer that
// flushes every line. The gate's peer protocol and the IPC bridge share it.
package ndjson

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrLineTooLong reports a line longer than the reader's cap. The reader
// stops at the first byte over the cap; the rest of the line is not read.
var ErrLineTooLong = errors.New("line too long")

// ErrPartialLine reports a stream that ended inside a line.
var ErrPartialLine = errors.New("stream ended inside a line")

// Reader reads lines of at most Max bytes (the newline, and a carriage
// return before it, not counted).
type Reader struct {
	r   *bufio.Reader
	max int
	buf []byte
	// midLine: the last ReadLine stopped inside an over-long line.
	midLine bool
}

// NewReader returns a Reader of r with lines capped at max bytes.
func NewReader(r io.Reader, max int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// ReadLine returns the next line without its line ending. The slice is
// valid until the next call. io.EOF means the stream ended cleanly between
// lines.
func (r *Reader) ReadLine() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.r.ReadSlice('\n')
		if len(r.buf)+len(chunk) > r.max+2 || len(r.buf)+len(bytes.TrimRight(chunk, "\r\n")) > r.max {
			r.midLine = err != nil // no newline yet: the rest is still to come
			return nil, fmt.Errorf("%w: over %d bytes", ErrLineTooLong, r.max)
		}
		r.buf = append(r.buf, chunk...)
		switch {
		case err == nil:
			return bytes.TrimRight(r.buf, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(r.buf) == 0:
			return nil, io.EOF
		case errors.Is(err, io.EOF):
			return nil, ErrPartialLine
		default:
			return nil, err
		}
	}
}

// Skip discards the rest of the current line after ErrLineTooLong, so a
// server can answer the oversized request and go on reading. It reads at
// most limit bytes (ErrLineTooLong again past that).
func (r *Reader) Skip(limit int64) error {
	if !r.midLine {
		return nil
	}
	r.midLine = false
	var n int64
	for {
		chunk, err := r.r.ReadSlice('\n')
		n += int64(len(chunk))
		if n > limit {
			return fmt.Errorf("%w: over %d bytes while skipping", ErrLineTooLong, limit)
		}
		switch {
		case err == nil:
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return err
		}
	}
}

// Prefix quotes the first bytes of a line for an error or a log record:
// enough to recognise a stray print, too little to carry a value.
func Prefix(line []byte, n int) string {
	if len(line) > n {
		return fmt.Sprintf("%q…", line[:n])
	}
	return fmt.Sprintf("%q", line)
}
