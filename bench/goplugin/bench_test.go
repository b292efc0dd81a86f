package goplugin

import (
	"context"
	"net/rpc"
	"os"
	"os/exec"
	"testing"

	goplugin "github.com/hashicorp/go-plugin"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/internal/plugintest"
)

// Echo is the go-plugin side's interface: the same work as the example
// plugin's ECHO.
type Echo interface{ Echo(text string) string }

type echoImpl struct{}

func (echoImpl) Echo(text string) string { return text }

type echoRPC struct{ c *rpc.Client }

func (e *echoRPC) Echo(text string) string {
	var out string
	if err := e.c.Call("Plugin.Echo", text, &out); err != nil {
		panic(err)
	}
	return out
}

type echoServer struct{ impl Echo }

func (s *echoServer) Echo(text string, out *string) error { *out = s.impl.Echo(text); return nil }

type echoPlugin struct{ impl Echo }

func (p *echoPlugin) Server(*goplugin.MuxBroker) (any, error) { return &echoServer{p.impl}, nil }
func (*echoPlugin) Client(_ *goplugin.MuxBroker, c *rpc.Client) (any, error) {
	return &echoRPC{c}, nil
}

var handshake = goplugin.HandshakeConfig{ProtocolVersion: 1, MagicCookieKey: "INTEROP_BENCH", MagicCookieValue: "echo"}

// The test binary is the child of both systems.
func TestMain(m *testing.M) {
	switch os.Getenv("BENCH_CHILD") {
	case "goplugin":
		goplugin.Serve(&goplugin.ServeConfig{HandshakeConfig: handshake, Plugins: map[string]goplugin.Plugin{"echo": &echoPlugin{echoImpl{}}}})
		os.Exit(0)
	case "ipc":
		if err := ipc.Serve(context.Background(), exampleplugin.New(), ipc.PollableStdin(), os.Stdout, nil); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// BenchmarkGoPlugin: one net/rpc call at a time through go-plugin.
func BenchmarkGoPlugin(b *testing.B) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "BENCH_CHILD=goplugin")
	client := goplugin.NewClient(&goplugin.ClientConfig{HandshakeConfig: handshake, Plugins: map[string]goplugin.Plugin{"echo": &echoPlugin{}}, Cmd: cmd})
	defer client.Kill()
	rpcClient, err := client.Client()
	if err != nil {
		b.Fatal(err)
	}
	raw, err := rpcClient.Dispense("echo")
	if err != nil {
		b.Fatal(err)
	}
	echo := raw.(Echo)
	for b.Loop() {
		if echo.Echo("ping") != "ping" {
			b.Fatal("wrong echo")
		}
	}
}

// BenchmarkIPC: one action.invoke at a time through the IPC bridge, with a
// Memory and an ActionResult each way (more work than go-plugin's string).
func BenchmarkIPC(b *testing.B) {
	h, err := ipc.Start(context.Background(), ipc.Config{Command: []string{os.Args[0]}, Env: []string{"BENCH_CHILD=ipc", "GOMAXPROCS=1"}})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close(context.Background())
	msg := plugintest.Msg("ping")
	for b.Loop() {
		if _, err := h.InvokeAction(context.Background(), "ECHO", msg, nil); err != nil {
			b.Fatal(err)
		}
	}
}
