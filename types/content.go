package types

// Content is the payload of a message: TypeScript's Content. Its dynamic
// keys sit at the top level of the object, as in TypeScript, and are kept
// in Extra.
type Content struct {
	Thought           *string         // "thought"
	Text              *string         // "text"
	Merge             *string         // "merge": append or replace
	Actions           []string        // "actions"
	Providers         []string        // "providers"
	Source            *string         // "source"
	Target            *string         // "target"
	URL               *string         // "url"
	InReplyTo         *string         // "inReplyTo"
	Attachments       []Media         // "attachments"
	ChannelType       *string         // "channelType": SELF, DM, GROUP, …
	MentionContext    *MentionContext // "mentionContext"
	ResponseMessageID *string         // "responseMessageId"
	ResponseID        *string         // "responseId"
	Simple            *bool           // "simple"
	ActionCallbacks   *Content        // "actionCallbacks"
	EvalCallbacks     *Content        // "evalCallbacks"
	Type              *string         // "type"
	Data              map[string]any  // "data", a JSON object
	// Extra holds the dynamic keys: every member Content does not declare.
	Extra map[string]any
}

// Media is an attachment: TypeScript's Media.
type Media struct {
	ID          string  // "id", required
	URL         string  // "url", required
	Title       *string // "title"
	Source      *string // "source"
	Description *string // "description"
	Text        *string // "text"
	ContentType *string // "contentType": image, video, audio, document or link
	// Extra holds the members Media does not declare.
	Extra map[string]any
}

// MentionContext says how a message addressed the agent: TypeScript's
// MentionContext.
type MentionContext struct {
	IsMention   bool    // "isMention", required
	IsReply     bool    // "isReply", required
	IsThread    bool    // "isThread", required
	MentionType *string // "mentionType": platform_mention, reply, thread or none
	// Extra holds the members MentionContext does not declare.
	Extra map[string]any
}

var (
	contentSchema = new(schema[Content])
	mediaSchema   = new(schema[Media])
	mentionSchema = new(schema[MentionContext])
)

func init() {
	type C = Content
	contentSchema.define(func(c *C) *map[string]any { return &c.Extra },
		optString("thought", func(c *C) **string { return &c.Thought }),
		optString("text", func(c *C) **string { return &c.Text }),
		optString("merge", func(c *C) **string { return &c.Merge }),
		strs("actions", func(c *C) *[]string { return &c.Actions }),
		strs("providers", func(c *C) *[]string { return &c.Providers }),
		optString("source", func(c *C) **string { return &c.Source }),
		optString("target", func(c *C) **string { return &c.Target }),
		optString("url", func(c *C) **string { return &c.URL }),
		optString("inReplyTo", func(c *C) **string { return &c.InReplyTo }),
		structs("attachments", mediaSchema, func(c *C) *[]Media { return &c.Attachments }),
		optString("channelType", func(c *C) **string { return &c.ChannelType }),
		optStruct("mentionContext", mentionSchema, func(c *C) **MentionContext { return &c.MentionContext }),
		optString("responseMessageId", func(c *C) **string { return &c.ResponseMessageID }),
		optString("responseId", func(c *C) **string { return &c.ResponseID }),
		optBool("simple", func(c *C) **bool { return &c.Simple }),
		optStruct("actionCallbacks", contentSchema, func(c *C) **Content { return &c.ActionCallbacks }),
		optStruct("evalCallbacks", contentSchema, func(c *C) **Content { return &c.EvalCallbacks }),
		optString("type", func(c *C) **string { return &c.Type }),
		object("data", func(c *C) *map[string]any { return &c.Data }),
	)
	mediaSchema.define(func(m *Media) *map[string]any { return &m.Extra },
		reqString("id", func(m *Media) *string { return &m.ID }),
		reqString("url", func(m *Media) *string { return &m.URL }),
		optString("title", func(m *Media) **string { return &m.Title }),
		optString("source", func(m *Media) **string { return &m.Source }),
		optString("description", func(m *Media) **string { return &m.Description }),
		optString("text", func(m *Media) **string { return &m.Text }),
		optString("contentType", func(m *Media) **string { return &m.ContentType }),
	)
	mentionSchema.define(func(m *MentionContext) *map[string]any { return &m.Extra },
		reqBool("isMention", func(m *MentionContext) *bool { return &m.IsMention }),
		reqBool("isReply", func(m *MentionContext) *bool { return &m.IsReply }),
		reqBool("isThread", func(m *MentionContext) *bool { return &m.IsThread }),
		optString("mentionType", func(m *MentionContext) **string { return &m.MentionType }),
	)
}

// UnmarshalJSON reads c; c is unchanged on error.
func (c *Content) UnmarshalJSON(data []byte) error { return unmarshal(data, contentSchema, c) }

// MarshalJSON writes c canonically.
func (c Content) MarshalJSON() ([]byte, error) { return marshal(contentSchema, &c) }

// UnmarshalJSON reads m; m is unchanged on error.
func (m *Media) UnmarshalJSON(data []byte) error { return unmarshal(data, mediaSchema, m) }

// MarshalJSON writes m canonically.
func (m Media) MarshalJSON() ([]byte, error) { return marshal(mediaSchema, &m) }

// UnmarshalJSON reads m; m is unchanged on error.
func (m *MentionContext) UnmarshalJSON(data []byte) error { return unmarshal(data, mentionSchema, m) }

// MarshalJSON writes m canonically.
func (m MentionContext) MarshalJSON() ([]byte, error) { return marshal(mentionSchema, &m) }
