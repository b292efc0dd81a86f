package types_test

import (
	"encoding/json"
	"testing"

	"github.com/interopkit/interop/internal/benchratio"
	"github.com/interopkit/interop/types"
)

// benchMemory is a typical message memory: ids, a timestamp, content with
// text, thought, actions and providers, a short embedding and message
// metadata. It is canonical, so both codecs read and write the same bytes
// (up to member order).
const benchMemory = `{"agentId":"b850bc30-45f8-0041-a00a-83df46d8555d",` +
	`"content":{"actions":["REPLY"],"channelType":"GROUP","inReplyTo":"c0a80101-0000-4000-8000-000000000001",` +
	`"providers":["TIME","FACTS","RECENT_MESSAGES"],"source":"discord",` +
	`"text":"Hello there! How are you doing today? I was wondering whether you could help me with the deployment.",` +
	`"thought":"The user greets me and asks for help; reply politely and ask for details."},` +
	`"createdAt":1704067200000,` +
	`"embedding":[0.0123,-0.4567,0.891,0.0001,-0.25,0.3333,0.75,-0.125,0.5,0.0625,-0.03125,0.9,0.1,-0.2,0.3,-0.4],` +
	`"entityId":"a1b2c3d4-e5f6-4789-8abc-def012345678","id":"5f4dcc3b-5aa7-4c6f-9d4e-7e5b0f1a2b3c",` +
	`"metadata":{"scope":"room","source":"discord","tags":["greeting","support"],"timestamp":1704067200000,"type":"message"},` +
	`"roomId":"0e9f8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c","similarity":0.8731,"unique":true,` +
	`"worldId":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}`

// Plain structs with the same members and no custom methods: what
// encoding/json does with the same data.
type plainContent struct {
	Actions     []string `json:"actions,omitempty"`
	ChannelType string   `json:"channelType,omitempty"`
	InReplyTo   string   `json:"inReplyTo,omitempty"`
	Providers   []string `json:"providers,omitempty"`
	Source      string   `json:"source,omitempty"`
	Text        string   `json:"text,omitempty"`
	Thought     string   `json:"thought,omitempty"`
}

type plainMetadata struct {
	Scope     string   `json:"scope,omitempty"`
	Source    string   `json:"source,omitempty"`
	Tags      []string `json:"tags,omitempty"`
	Timestamp int64    `json:"timestamp,omitempty"`
	Type      string   `json:"type,omitempty"`
}

type plainMemory struct {
	AgentID    string         `json:"agentId,omitempty"`
	Content    plainContent   `json:"content"`
	CreatedAt  int64          `json:"createdAt,omitempty"`
	Embedding  []float64      `json:"embedding,omitempty"`
	EntityID   string         `json:"entityId"`
	ID         string         `json:"id,omitempty"`
	Metadata   *plainMetadata `json:"metadata,omitempty"`
	RoomID     string         `json:"roomId"`
	Similarity float64        `json:"similarity,omitempty"`
	Unique     bool           `json:"unique,omitempty"`
	WorldID    string         `json:"worldId,omitempty"`
}

var sinkBytes []byte

// BenchmarkMemoryRoundTrip reads and writes a Memory against encoding/json
// doing the same with a plain struct (target: x-raw-speed ≥ 0.67, that is
// at most 1.5× the time).
func BenchmarkMemoryRoundTrip(b *testing.B) {
	in := []byte(benchMemory)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		var m types.Memory
		if err := m.UnmarshalJSON(in); err != nil {
			b.Fatal(err)
		}
		out, err := m.MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		sinkBytes = out
	}
	benchratio.Report(b, func(n int) {
		for range n {
			var m plainMemory
			if err := json.Unmarshal(in, &m); err != nil {
				b.Fatal(err)
			}
			out, err := json.Marshal(&m)
			if err != nil {
				b.Fatal(err)
			}
			sinkBytes = out
		}
	})
}
