package peer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/peerproto"
)

// The test binary doubles as the peer (PEER_CHILD names its behaviour).
func TestMain(m *testing.M) {
	switch os.Getenv("PEER_CHILD") {
	case "":
		os.Exit(m.Run())
	case "nohello":
		fmt.Fprintln(os.Stderr, "peer: cannot load the package")
		os.Exit(4)
	case "hang":
		out := peerproto.NewWriter(os.Stdout)
		out.Write(&peerproto.Message{Type: peerproto.TypeHello, Protocol: peerproto.Version, Peer: &peerproto.PeerInfo{Name: "p"}, Suites: []string{"s"}})
		time.Sleep(time.Hour)
	default:
		out := peerproto.NewWriter(os.Stdout)
		out.Write(&peerproto.Message{Type: peerproto.TypeHello, Protocol: peerproto.Version, Peer: &peerproto.PeerInfo{Name: "p"}, Suites: []string{"s"}, Ops: []string{peerproto.OpSeal}})
		in := peerproto.NewReader(os.Stdin)
		for {
			m, err := in.Read()
			if err != nil || m.Type == peerproto.TypeBye {
				os.Exit(0)
			}
			out.Write(&peerproto.Message{Type: peerproto.TypeResult, ID: m.ID, Output: []byte(`"ok"`)})
		}
	}
}

func spec(t *testing.T, mode string) Spec {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Spec{Name: "p", Command: []string{exe}, Env: append(os.Environ(), "PEER_CHILD="+mode)}
}

func TestRunAndClose(t *testing.T) {
	defer leaktest.Check(t)()
	p, err := Start(context.Background(), spec(t, "good"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Offers(peerproto.OpSeal) || p.Offers(peerproto.OpOpen) {
		t.Fatal("ops of the hello")
	}
	for range 3 {
		m, err := p.Run(context.Background(), &peerproto.Message{Suite: "s", Case: "c"}, time.Second)
		if err != nil || string(m.Output) != `"ok"` {
			t.Fatalf("%+v %v", m, err)
		}
	}
	p.Close()
}

func TestStartErrorKeepsStderr(t *testing.T) {
	defer leaktest.Check(t)()
	_, err := Start(context.Background(), spec(t, "nohello"), 5*time.Second)
	var se *StartError
	if !errors.As(err, &se) || !errors.Is(err, ErrStart) || se.Status != "exit status 4" || !strings.Contains(se.Stderr, "cannot load") {
		t.Fatalf("%v", err)
	}
}

func TestRunDeadline(t *testing.T) {
	defer leaktest.Check(t)()
	p, err := Start(context.Background(), spec(t, "hang"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	if _, err := p.Run(context.Background(), &peerproto.Message{Suite: "s", Case: "c"}, 100*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("%v", err)
	}
}
