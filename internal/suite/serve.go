package suite

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/vector"
)

// version is the Go peer's version in its hello: the main module's version
// in the build information, or "devel".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Hello is the Go peer's hello.
func Hello() *peerproto.Message {
	return &peerproto.Message{
		Type:     peerproto.TypeHello,
		Protocol: peerproto.Version,
		Peer:     &peerproto.PeerInfo{Name: "go", Language: "go", Implementation: "github.com/interopkit/interop (reference)", Version: version()},
		Suites:   Names(),
		Ops:      []string{peerproto.OpSeal, peerproto.OpOpen},
	}
}

// Serve runs the Go peer over the peer protocol: hello, then one result
// per run until bye or the end of r.
func Serve(r io.Reader, w io.Writer) error { return ServePeer(r, w, Hello(), Handle) }

// ServePeer runs any peer over the peer protocol: it sends hello, then
// answers each run with handle, until bye or the end of r.
func ServePeer(r io.Reader, w io.Writer, hello *peerproto.Message, handle func(*peerproto.Message) *peerproto.Message) error {
	in, out := peerproto.NewReader(r), peerproto.NewWriter(w)
	if err := out.Write(hello); err != nil {
		return err
	}
	for {
		m, err := in.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch m.Type {
		case peerproto.TypeBye:
			return nil
		case peerproto.TypeRun:
			if err := out.Write(handle(m)); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: unexpected %q from the runner", peerproto.ErrProtocol, m.Type)
		}
	}
}

// Handle answers one run message.
func Handle(m *peerproto.Message) *peerproto.Message {
	res := &peerproto.Message{Type: peerproto.TypeResult, ID: m.ID}
	var (
		o   vector.Outcome
		err error
	)
	if m.Op != "" {
		o, err = runOp(m.Op, m.Input)
	} else if f, ok := Lookup(m.Suite); ok {
		o, err = f(m.Input)
	} else {
		res.Skip = fmt.Sprintf("suite %q is not supported", m.Suite)
		return res
	}
	switch {
	case err != nil:
		// The input could not be interpreted. The detail may quote the
		// input, and messages never carry input values.
		res.Fault = "the input does not have the shape of the suite's inputs"
	case o.Error != "":
		res.Error, res.ErrorAt = o.Error, o.ErrorAt
	default:
		res.Output = o.Output
	}
	return res
}

func runOp(op string, raw json.RawMessage) (vector.Outcome, error) {
	switch op {
	case peerproto.OpOpen:
		return open(raw)
	case peerproto.OpSeal:
		k, plaintext, err := sealInput(raw)
		if err != nil {
			return vector.Outcome{}, err
		}
		return result(k.Seal(plaintext))
	}
	return vector.Outcome{}, fmt.Errorf("%w: unknown op %q", ErrInput, op)
}
