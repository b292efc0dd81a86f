// Package peerproto holds the messages and the line framing of the peer
// protocol (spec/runner-protocol.md): newline-delimited JSON objects, one
// per line, with a hard cap on a line's length.
package peerproto

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/interopkit/interop/internal/ndjson"
	"github.com/interopkit/interop/internal/vector"
)

// Version is the protocol version a hello must carry.
const Version = 1

// MaxLine caps one message; a longer line is a protocol error.
const MaxLine = 16 << 20

// Message types.
const (
	TypeHello  = "hello"
	TypeRun    = "run"
	TypeResult = "result"
	TypeBye    = "bye"
)

// Ops of the pairwise checks.
const (
	OpSeal = "envelope.seal"
	OpOpen = "envelope.open"
)

// PeerInfo identifies a peer in its hello.
type PeerInfo struct {
	Name           string `json:"name"`
	Language       string `json:"language"`
	Implementation string `json:"implementation"`
	Version        string `json:"version"`
}

// Message is any protocol message; Type says which fields are meaningful.
type Message struct {
	Type string `json:"type"`

	// hello
	Protocol int       `json:"protocol,omitempty"`
	Peer     *PeerInfo `json:"peer,omitempty"`
	Suites   []string  `json:"suites,omitempty"`
	Ops      []string  `json:"ops,omitempty"`

	// run and result
	ID    *int64          `json:"id,omitempty"`
	Suite string          `json:"suite,omitempty"`
	Case  string          `json:"case,omitempty"`
	Op    string          `json:"op,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`

	// result
	Output  json.RawMessage `json:"output,omitempty"`
	Error   string          `json:"error,omitempty"`
	ErrorAt *string         `json:"errorAt,omitempty"`
	Raised  string          `json:"raised,omitempty"` // the type of an upstream error with no spec kind
	Fault   string          `json:"fault,omitempty"`  // the peer's own code failed
	Message string          `json:"message,omitempty"`
	Skip    string          `json:"skip,omitempty"`
}

// Outcome is what a result reports, in the vector package's terms.
func (m *Message) Outcome() vector.Outcome {
	return vector.Outcome{Output: m.Output, Error: m.Error, ErrorAt: m.ErrorAt, Raised: m.Raised, Fault: m.Fault}
}

// ErrProtocol reports a line that is not a valid message.
var ErrProtocol = errors.New("peer protocol violation")

// Reader reads messages from a stream.
type Reader struct {
	r *ndjson.Reader
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader { return &Reader{r: ndjson.NewReader(r, MaxLine)} }

// Read returns the next message. io.EOF means the stream ended cleanly
// between messages.
func (r *Reader) Read() (*Message, error) {
	line, err := r.r.ReadLine()
	switch {
	case errors.Is(err, io.EOF):
		return nil, io.EOF
	case errors.Is(err, ndjson.ErrLineTooLong):
		return nil, fmt.Errorf("%w: line longer than %d bytes", ErrProtocol, MaxLine)
	case errors.Is(err, ndjson.ErrPartialLine):
		return nil, fmt.Errorf("%w: stream ended inside a line", ErrProtocol)
	case err != nil:
		return nil, err
	}
	var m Message
	d := json.NewDecoder(bytes.NewReader(line))
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: a line of %d bytes that is not a json object (it starts %s)", ErrProtocol, len(line), Prefix(line))
	}
	if d.More() {
		return nil, fmt.Errorf("%w: more than one json value on a line of %d bytes (it starts %s)", ErrProtocol, len(line), Prefix(line))
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// prefixLen is how much of a stray line an error shows.
const prefixLen = 24

// Prefix quotes the first bytes of a line that is not a protocol message,
// for error messages.
func Prefix(line []byte) string { return ndjson.Prefix(line, prefixLen) }

func (m *Message) validate() error {
	switch m.Type {
	case TypeHello:
		if m.Protocol != Version {
			return fmt.Errorf("%w: hello with protocol %d, want %d", ErrProtocol, m.Protocol, Version)
		}
		if m.Peer == nil || m.Peer.Name == "" {
			return fmt.Errorf("%w: hello without peer.name", ErrProtocol)
		}
	case TypeRun:
		if m.ID == nil || (m.Suite == "") == (m.Op == "") {
			return fmt.Errorf("%w: run needs an id and exactly one of suite and op", ErrProtocol)
		}
	case TypeResult:
		if m.ID == nil {
			return fmt.Errorf("%w: result without id", ErrProtocol)
		}
		n := 0
		for _, set := range []bool{m.Output != nil, m.Error != "", m.Raised != "", m.Fault != "", m.Skip != ""} {
			if set {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%w: result needs exactly one of output, error, raised, fault and skip", ErrProtocol)
		}
	case TypeBye:
	case "":
		return fmt.Errorf("%w: message without type", ErrProtocol)
	default:
		return fmt.Errorf("%w: unknown message type %q", ErrProtocol, m.Type)
	}
	return nil
}

// Writer writes messages, one per line.
type Writer struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Writer{w: bw, enc: enc}
}

// Write writes m and flushes it.
func (w *Writer) Write(m *Message) error {
	if err := w.enc.Encode(m); err != nil {
		return err
	}
	return w.w.Flush()
}
