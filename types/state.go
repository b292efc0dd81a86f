package types

// State is the composed context handed to actions and evaluators:
// TypeScript's State. Its dynamic keys sit at the top level and are kept in
// Extra.
type State struct {
	Values StateValues // "values", required
	Data   StateData   // "data", required
	Text   string      // "text", required
	// Extra holds the dynamic keys: every member State does not declare.
	Extra map[string]any
}

// StateValues holds the values providers contributed, flat, as in
// TypeScript (the proto schema nests the dynamic keys under "extra"; this
// type does not).
type StateValues struct {
	AgentName   *string // "agentName"
	ActionNames *string // "actionNames"
	Providers   *string // "providers"
	// Extra holds the dynamic keys.
	Extra map[string]any
}

// StateData holds the structured data of a State.
type StateData struct {
	Room          map[string]any                // "room", a JSON object
	World         map[string]any                // "world", a JSON object
	Entity        map[string]any                // "entity", a JSON object
	Providers     map[string]ProviderResult     // "providers": provider name to cached result
	ActionPlan    *ActionPlan                   // "actionPlan"
	ActionResults []ActionResult                // "actionResults"
	WorkingMemory map[string]WorkingMemoryEntry // "workingMemory"
	// Extra holds the dynamic keys.
	Extra map[string]any
}

// WorkingMemoryEntry is one entry of StateData.WorkingMemory.
type WorkingMemoryEntry struct {
	ActionName string       // "actionName", required
	Result     ActionResult // "result", required
	// Timestamp is "timestamp", required, milliseconds since the Unix epoch.
	Timestamp int64
	// Extra holds the members WorkingMemoryEntry does not declare.
	Extra map[string]any
}

// ActionPlan is a multi-step plan: TypeScript's ActionPlan.
type ActionPlan struct {
	Thought     string           // "thought", required
	TotalSteps  int64            // "totalSteps", required, an integer
	CurrentStep int64            // "currentStep", required, an integer
	Steps       []ActionPlanStep // "steps", required
	Metadata    map[string]any   // "metadata", a JSON object
	// Extra holds the members ActionPlan does not declare.
	Extra map[string]any
}

// ActionPlanStep is one step of an ActionPlan.
type ActionPlanStep struct {
	Action string        // "action", required
	Status string        // "status", required: pending, completed or failed
	Error  *string       // "error"
	Result *ActionResult // "result"
	// Extra holds the members ActionPlanStep does not declare.
	Extra map[string]any
}

var (
	stateSchema       = new(schema[State])
	stateValuesSchema = new(schema[StateValues])
	stateDataSchema   = new(schema[StateData])
	workingSchema     = new(schema[WorkingMemoryEntry])
	planSchema        = new(schema[ActionPlan])
	stepSchema        = new(schema[ActionPlanStep])
)

func init() {
	stateSchema.define(func(s *State) *map[string]any { return &s.Extra },
		reqStruct("values", stateValuesSchema, func(s *State) *StateValues { return &s.Values }),
		reqStruct("data", stateDataSchema, func(s *State) *StateData { return &s.Data }),
		reqString("text", func(s *State) *string { return &s.Text }),
	)
	stateValuesSchema.define(func(s *StateValues) *map[string]any { return &s.Extra },
		optString("agentName", func(s *StateValues) **string { return &s.AgentName }),
		optString("actionNames", func(s *StateValues) **string { return &s.ActionNames }),
		optString("providers", func(s *StateValues) **string { return &s.Providers }),
	)
	type D = StateData
	stateDataSchema.define(func(s *D) *map[string]any { return &s.Extra },
		object("room", func(s *D) *map[string]any { return &s.Room }),
		object("world", func(s *D) *map[string]any { return &s.World }),
		object("entity", func(s *D) *map[string]any { return &s.Entity }),
		structMap("providers", providerResultSchema, func(s *D) *map[string]ProviderResult { return &s.Providers }),
		optStruct("actionPlan", planSchema, func(s *D) **ActionPlan { return &s.ActionPlan }),
		structs("actionResults", actionResultSchema, func(s *D) *[]ActionResult { return &s.ActionResults }),
		structMap("workingMemory", workingSchema, func(s *D) *map[string]WorkingMemoryEntry { return &s.WorkingMemory }),
	)
	workingSchema.define(func(w *WorkingMemoryEntry) *map[string]any { return &w.Extra },
		reqString("actionName", func(w *WorkingMemoryEntry) *string { return &w.ActionName }),
		reqStruct("result", actionResultSchema, func(w *WorkingMemoryEntry) *ActionResult { return &w.Result }),
		reqInt("timestamp", timestamp, func(w *WorkingMemoryEntry) *int64 { return &w.Timestamp }),
	)
	planSchema.define(func(p *ActionPlan) *map[string]any { return &p.Extra },
		reqString("thought", func(p *ActionPlan) *string { return &p.Thought }),
		reqInt("totalSteps", integer, func(p *ActionPlan) *int64 { return &p.TotalSteps }),
		reqInt("currentStep", integer, func(p *ActionPlan) *int64 { return &p.CurrentStep }),
		reqStructs("steps", stepSchema, func(p *ActionPlan) *[]ActionPlanStep { return &p.Steps }),
		object("metadata", func(p *ActionPlan) *map[string]any { return &p.Metadata }),
	)
	stepSchema.define(func(s *ActionPlanStep) *map[string]any { return &s.Extra },
		reqString("action", func(s *ActionPlanStep) *string { return &s.Action }),
		reqString("status", func(s *ActionPlanStep) *string { return &s.Status }),
		optString("error", func(s *ActionPlanStep) **string { return &s.Error }),
		optStruct("result", actionResultSchema, func(s *ActionPlanStep) **ActionResult { return &s.Result }),
	)
}

// UnmarshalJSON reads s; s is unchanged on error.
func (s *State) UnmarshalJSON(data []byte) error { return unmarshal(data, stateSchema, s) }

// MarshalJSON writes s canonically.
func (s State) MarshalJSON() ([]byte, error) { return marshal(stateSchema, &s) }

// UnmarshalJSON reads s; s is unchanged on error.
func (s *StateValues) UnmarshalJSON(data []byte) error { return unmarshal(data, stateValuesSchema, s) }

// MarshalJSON writes s canonically.
func (s StateValues) MarshalJSON() ([]byte, error) { return marshal(stateValuesSchema, &s) }

// UnmarshalJSON reads s; s is unchanged on error.
func (s *StateData) UnmarshalJSON(data []byte) error { return unmarshal(data, stateDataSchema, s) }

// MarshalJSON writes s canonically.
func (s StateData) MarshalJSON() ([]byte, error) { return marshal(stateDataSchema, &s) }

// UnmarshalJSON reads w; w is unchanged on error.
func (w *WorkingMemoryEntry) UnmarshalJSON(data []byte) error {
	return unmarshal(data, workingSchema, w)
}

// MarshalJSON writes w canonically.
func (w WorkingMemoryEntry) MarshalJSON() ([]byte, error) { return marshal(workingSchema, &w) }

// UnmarshalJSON reads p; p is unchanged on error.
func (p *ActionPlan) UnmarshalJSON(data []byte) error { return unmarshal(data, planSchema, p) }

// MarshalJSON writes p canonically.
func (p ActionPlan) MarshalJSON() ([]byte, error) { return marshal(planSchema, &p) }

// UnmarshalJSON reads s; s is unchanged on error.
func (s *ActionPlanStep) UnmarshalJSON(data []byte) error { return unmarshal(data, stepSchema, s) }

// MarshalJSON writes s canonically.
func (s ActionPlanStep) MarshalJSON() ([]byte, error) { return marshal(stepSchema, &s) }
