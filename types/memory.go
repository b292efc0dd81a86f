package types

// Memory is a stored message or fact: TypeScript's Memory.
type Memory struct {
	ID       *string // "id"
	EntityID string  // "entityId", required
	AgentID  *string // "agentId"
	// CreatedAt is "createdAt", milliseconds since the Unix epoch.
	CreatedAt *int64
	Content   Content // "content", required
	// Embedding is "embedding". Values are doubles, as in TypeScript; the
	// proto schema's float32 is not applied.
	Embedding  []float64
	RoomID     string          // "roomId", required
	WorldID    *string         // "worldId"
	Unique     *bool           // "unique"
	Similarity *float64        // "similarity"
	Metadata   *MemoryMetadata // "metadata"
	SessionID  *string         // "sessionId"
	SessionKey *string         // "sessionKey"
	// Extra holds the members Memory does not declare.
	Extra map[string]any
}

// MemoryMetadata is the flat metadata object of TypeScript (the union of
// the document, fragment, message, description and custom metadata). The
// members every variant shares are declared; the variant-specific ones live
// in Extra.
type MemoryMetadata struct {
	Type     *string // "type": document, fragment, message, description, custom or another string
	Source   *string // "source"
	SourceID *string // "sourceId"
	Scope    *string // "scope": shared, private or room
	// Timestamp is "timestamp", milliseconds since the Unix epoch.
	Timestamp  *int64
	Tags       []string // "tags"
	DocumentID *string  // "documentId" (fragments)
	Position   *int64   // "position" (fragments), an integer
	// Extra holds the members MemoryMetadata does not declare.
	Extra map[string]any
}

var (
	memorySchema   = new(schema[Memory])
	metadataSchema = new(schema[MemoryMetadata])
)

func init() {
	memorySchema.define(func(m *Memory) *map[string]any { return &m.Extra },
		optString("id", func(m *Memory) **string { return &m.ID }),
		reqString("entityId", func(m *Memory) *string { return &m.EntityID }),
		optString("agentId", func(m *Memory) **string { return &m.AgentID }),
		optInt("createdAt", timestamp, func(m *Memory) **int64 { return &m.CreatedAt }),
		reqStruct("content", contentSchema, func(m *Memory) *Content { return &m.Content }),
		floats("embedding", func(m *Memory) *[]float64 { return &m.Embedding }),
		reqString("roomId", func(m *Memory) *string { return &m.RoomID }),
		optString("worldId", func(m *Memory) **string { return &m.WorldID }),
		optBool("unique", func(m *Memory) **bool { return &m.Unique }),
		optFloat("similarity", func(m *Memory) **float64 { return &m.Similarity }),
		optStruct("metadata", metadataSchema, func(m *Memory) **MemoryMetadata { return &m.Metadata }),
		optString("sessionId", func(m *Memory) **string { return &m.SessionID }),
		optString("sessionKey", func(m *Memory) **string { return &m.SessionKey }),
	)
	metadataSchema.define(func(m *MemoryMetadata) *map[string]any { return &m.Extra },
		optString("type", func(m *MemoryMetadata) **string { return &m.Type }),
		optString("source", func(m *MemoryMetadata) **string { return &m.Source }),
		optString("sourceId", func(m *MemoryMetadata) **string { return &m.SourceID }),
		optString("scope", func(m *MemoryMetadata) **string { return &m.Scope }),
		optInt("timestamp", timestamp, func(m *MemoryMetadata) **int64 { return &m.Timestamp }),
		strs("tags", func(m *MemoryMetadata) *[]string { return &m.Tags }),
		optString("documentId", func(m *MemoryMetadata) **string { return &m.DocumentID }),
		optInt("position", integer, func(m *MemoryMetadata) **int64 { return &m.Position }),
	)
}

// UnmarshalJSON reads m from canonical or TypeScript-shaped JSON; m is
// unchanged on error.
func (m *Memory) UnmarshalJSON(data []byte) error { return unmarshal(data, memorySchema, m) }

// MarshalJSON writes m canonically.
func (m Memory) MarshalJSON() ([]byte, error) { return marshal(memorySchema, &m) }

// UnmarshalJSON reads m; m is unchanged on error.
func (m *MemoryMetadata) UnmarshalJSON(data []byte) error { return unmarshal(data, metadataSchema, m) }

// MarshalJSON writes m canonically.
func (m MemoryMetadata) MarshalJSON() ([]byte, error) { return marshal(metadataSchema, &m) }
