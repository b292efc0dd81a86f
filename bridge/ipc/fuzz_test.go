package ipc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/exampleplugin"
)

// FuzzServe: whatever a host sends, the server answers with whole JSON
// lines and never panics.
func FuzzServe(f *testing.F) {
	f.Add([]byte(`{"type":"action.invoke","id":"req_1","action":"ECHO","memory":{"entityId":"e","roomId":"r","content":{"text":"x"}}}` + "\n"))
	f.Add([]byte(`{"type":"provider.get","id":"1","provider":"EXAMPLE","memory":{"entityId":1}}` + "\nnot json\n{}\n"))
	f.Add([]byte(`{"type":"cancel","id":"x"}` + "\n" + `{"type":"plugin.init","id":"2","config":{"GREETING":"\ud800"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := ipc.Serve(ctx, exampleplugin.New(), bytes.NewReader(in), &out, &ipc.ServeOptions{MaxLineBytes: 4096}); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil || m["type"] == nil {
				t.Fatalf("not a protocol line: %q", sc.Bytes())
			}
		}
	})
}
