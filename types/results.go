package types

// ActionResult is what an action handler returns: TypeScript's
// ActionResult without the parts that never cross a boundary (cleanup).
type ActionResult struct {
	Success bool           // "success", required
	Text    *string        // "text"
	Values  map[string]any // "values", a JSON object
	Data    map[string]any // "data", a JSON object
	// Error is "error". TypeScript allows an Error object there, which
	// JSON.stringify writes as {}; on the wire it must be a string.
	Error         *string
	ContinueChain *bool // "continueChain"
	// Extra holds the members ActionResult does not declare.
	Extra map[string]any
}

// ProviderResult is what a provider returns: TypeScript's ProviderResult.
// It is also the shape of the entries of StateData.Providers.
type ProviderResult struct {
	Text   *string        // "text"
	Values map[string]any // "values", a JSON object
	Data   map[string]any // "data", a JSON object
	// Extra holds the members ProviderResult does not declare.
	Extra map[string]any
}

var (
	actionResultSchema   = new(schema[ActionResult])
	providerResultSchema = new(schema[ProviderResult])
)

func init() {
	type A = ActionResult
	actionResultSchema.define(func(r *A) *map[string]any { return &r.Extra },
		reqBool("success", func(r *A) *bool { return &r.Success }),
		optString("text", func(r *A) **string { return &r.Text }),
		object("values", func(r *A) *map[string]any { return &r.Values }),
		object("data", func(r *A) *map[string]any { return &r.Data }),
		optString("error", func(r *A) **string { return &r.Error }),
		optBool("continueChain", func(r *A) **bool { return &r.ContinueChain }),
	)
	type P = ProviderResult
	providerResultSchema.define(func(r *P) *map[string]any { return &r.Extra },
		optString("text", func(r *P) **string { return &r.Text }),
		object("values", func(r *P) *map[string]any { return &r.Values }),
		object("data", func(r *P) *map[string]any { return &r.Data }),
	)
}

// UnmarshalJSON reads r; r is unchanged on error.
func (r *ActionResult) UnmarshalJSON(data []byte) error {
	return unmarshal(data, actionResultSchema, r)
}

// MarshalJSON writes r canonically.
func (r ActionResult) MarshalJSON() ([]byte, error) { return marshal(actionResultSchema, &r) }

// UnmarshalJSON reads r; r is unchanged on error.
func (r *ProviderResult) UnmarshalJSON(data []byte) error {
	return unmarshal(data, providerResultSchema, r)
}

// MarshalJSON writes r canonically.
func (r ProviderResult) MarshalJSON() ([]byte, error) { return marshal(providerResultSchema, &r) }
