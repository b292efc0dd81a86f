package suite

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/interopkit/interop/internal/peerproto"
)

// TestServeSpeaksTheProtocol runs the Go peer over a scripted session and
// validates every line it writes against schemas/peer-protocol.schema.json.
func TestServeSpeaksTheProtocol(t *testing.T) {
	schemaDoc, err := os.ReadFile("../../schemas/peer-protocol.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaDoc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("peer-protocol.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("peer-protocol.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	in := strings.Join([]string{
		`{"type":"run","id":1,"suite":"ids.string_to_uuid","case":"a","input":{"kind":"string","value":"test"}}`,
		`{"type":"run","id":2,"suite":"envelope.malformed","case":"b","input":{"salt":"s","value":"nope"}}`,
		`{"type":"run","id":3,"suite":"no.such_suite","case":"c","input":{}}`,
		`{"type":"run","id":4,"suite":"ids.string_to_uuid","case":"d","input":{"kind":"what"}}`,
		`{"type":"run","id":5,"op":"envelope.seal","input":{"salt":"s","plaintext":"p"}}`,
		`{"type":"bye"}`,
	}, "\n") + "\n"
	var out bytes.Buffer
	if err := Serve(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d lines:\n%s", len(lines), out.String())
	}
	for _, l := range lines {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(l))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("line %s does not match the schema: %v", l, err)
		}
	}
	r := peerproto.NewReader(strings.NewReader(out.String()))
	hello, _ := r.Read()
	if hello.Type != peerproto.TypeHello || hello.Peer.Name != "go" || len(hello.Suites) != len(Names()) {
		t.Fatalf("hello %+v", hello)
	}
	want := []func(m *peerproto.Message) bool{
		func(m *peerproto.Message) bool { return string(m.Output) == `"a94a8fe5-ccb1-0ba6-9c4c-0873d391e987"` },
		func(m *peerproto.Message) bool { return m.Error == "not_envelope" },
		func(m *peerproto.Message) bool { return m.Skip != "" },
		func(m *peerproto.Message) bool {
			return m.Fault != "" && !strings.Contains(m.Fault, "what")
		},
		func(m *peerproto.Message) bool { return strings.HasPrefix(string(m.Output), `"v2:`) },
	}
	for i, ok := range want {
		m, err := r.Read()
		if err != nil || *m.ID != int64(i+1) || !ok(m) {
			t.Errorf("result %d: %+v %v", i+1, m, err)
		}
	}
}

func TestReaderRejectsBadLines(t *testing.T) {
	for _, line := range []string{
		"not json",
		`{"type":"hello","protocol":2,"peer":{"name":"x"}}`,
		`{"type":"result","id":1}`,
		`{"type":"result","id":1,"output":1,"error":"x"}`,
		`{"type":"run","id":1,"suite":"a","op":"b","input":{}}`,
		`{"type":"party"}`,
		`{}`,
		`{"type":"bye"} {"type":"bye"}`,
	} {
		if _, err := peerproto.NewReader(strings.NewReader(line + "\n")).Read(); err == nil {
			t.Errorf("%s: accepted", line)
		}
	}
	long := strings.Repeat("x", peerproto.MaxLine+1)
	if _, err := peerproto.NewReader(strings.NewReader(long + "\n")).Read(); err == nil {
		t.Error("an over-long line was accepted")
	}
}
