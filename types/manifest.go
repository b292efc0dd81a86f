package types

import "github.com/interopkit/interop/internal/jsontext"

// PluginManifest describes a plugin hosted across a language boundary: the
// manifest of packages/interop (types.ts and plugin.schema.json).
//
// Reading checks JSON types only. It requires name and description, the
// members every upstream loader needs and every upstream child sends;
// version and language are optional here because the live Python, Node and
// Rust children default or omit them. Whether a manifest satisfies
// plugin.schema.json (patterns, enumerations, version and language
// required) is the job of manifest validation, which reports each rule
// with its pointer.
type PluginManifest struct {
	Name        string   // "name", required
	Description string   // "description", required
	Version     *string  // "version"
	Language    *string  // "language": typescript, rust or python
	Interop     *Interop // "interop"
	// Config is "config": each value is a string, a float64, a bool or nil
	// (null is kept: the TypeScript type allows it).
	Config       map[string]any
	Dependencies []string              // "dependencies"
	Actions      []ActionDefinition    // "actions"
	Providers    []ProviderDefinition  // "providers"
	Evaluators   []EvaluatorDefinition // "evaluators"
	Services     []ServiceDefinition   // "services"
	Routes       []RouteDefinition     // "routes"
	Events       map[string][]string   // "events": event type to handler names
	// Extra holds the members PluginManifest does not declare.
	Extra map[string]any
}

// Interop says how the host reaches the plugin.
type Interop struct {
	Protocol      *string // "protocol": wasm, ffi, ipc or native
	WasmPath      *string // "wasmPath"
	SharedLibPath *string // "sharedLibPath"
	IPCCommand    *string // "ipcCommand"
	IPCPort       *int64  // "ipcPort", an integer
	Cwd           *string // "cwd" (types.ts; not in plugin.schema.json)
	// Extra holds the members Interop does not declare.
	Extra map[string]any
}

// ActionDefinition declares an action.
type ActionDefinition struct {
	Name        string   // "name", required
	Description string   // "description", required
	Similes     []string // "similes"
	// Examples is "examples": conversations, each a list of messages.
	Examples [][]ActionExample
	// Extra holds the members ActionDefinition does not declare.
	Extra map[string]any
}

// ActionExample is one message of an example conversation.
type ActionExample struct {
	Name    string  // "name", required
	Content Content // "content", required
	// Extra holds the members ActionExample does not declare.
	Extra map[string]any
}

// ProviderDefinition declares a provider.
type ProviderDefinition struct {
	Name        string  // "name", required
	Description *string // "description"
	Dynamic     *bool   // "dynamic"
	Position    *int64  // "position", an integer
	Private     *bool   // "private"
	// Extra holds the members ProviderDefinition does not declare.
	Extra map[string]any
}

// EvaluatorDefinition declares an evaluator.
type EvaluatorDefinition struct {
	Name        string   // "name", required
	Description string   // "description", required
	AlwaysRun   *bool    // "alwaysRun"
	Similes     []string // "similes"
	// Extra holds the members EvaluatorDefinition does not declare.
	Extra map[string]any
}

// ServiceDefinition declares a service.
type ServiceDefinition struct {
	Type        string  // "type", required
	Description *string // "description"
	// Extra holds the members ServiceDefinition does not declare.
	Extra map[string]any
}

// RouteDefinition declares an HTTP route. Method is optional here because
// the upstream Python child sends the method as "type" (kept in Extra);
// manifest validation reports it.
type RouteDefinition struct {
	Path        string  // "path", required
	Method      *string // "method": GET, POST, PUT, PATCH, DELETE or STATIC
	Name        *string // "name"
	Public      *bool   // "public"
	IsMultipart *bool   // "isMultipart"
	// Extra holds the members RouteDefinition does not declare.
	Extra map[string]any
}

var (
	manifestSchema  = new(schema[PluginManifest])
	interopSchema   = new(schema[Interop])
	actionDefSchema = new(schema[ActionDefinition])
	exampleSchema   = new(schema[ActionExample])
	providerSchema  = new(schema[ProviderDefinition])
	evaluatorSchema = new(schema[EvaluatorDefinition])
	serviceSchema   = new(schema[ServiceDefinition])
	routeSchema     = new(schema[RouteDefinition])
)

func init() {
	type M = PluginManifest
	manifestSchema.define(func(m *M) *map[string]any { return &m.Extra },
		reqString("name", func(m *M) *string { return &m.Name }),
		reqString("description", func(m *M) *string { return &m.Description }),
		optString("version", func(m *M) **string { return &m.Version }),
		optString("language", func(m *M) **string { return &m.Language }),
		optStruct("interop", interopSchema, func(m *M) **Interop { return &m.Interop }),
		config,
		strs("dependencies", func(m *M) *[]string { return &m.Dependencies }),
		structs("actions", actionDefSchema, func(m *M) *[]ActionDefinition { return &m.Actions }),
		structs("providers", providerSchema, func(m *M) *[]ProviderDefinition { return &m.Providers }),
		structs("evaluators", evaluatorSchema, func(m *M) *[]EvaluatorDefinition { return &m.Evaluators }),
		structs("services", serviceSchema, func(m *M) *[]ServiceDefinition { return &m.Services }),
		structs("routes", routeSchema, func(m *M) *[]RouteDefinition { return &m.Routes }),
		events,
	)
	type I = Interop
	interopSchema.define(func(i *I) *map[string]any { return &i.Extra },
		optString("protocol", func(i *I) **string { return &i.Protocol }),
		optString("wasmPath", func(i *I) **string { return &i.WasmPath }),
		optString("sharedLibPath", func(i *I) **string { return &i.SharedLibPath }),
		optString("ipcCommand", func(i *I) **string { return &i.IPCCommand }),
		optInt("ipcPort", integer, func(i *I) **int64 { return &i.IPCPort }),
		optString("cwd", func(i *I) **string { return &i.Cwd }),
	)
	type A = ActionDefinition
	actionDefSchema.define(func(a *A) *map[string]any { return &a.Extra },
		reqString("name", func(a *A) *string { return &a.Name }),
		reqString("description", func(a *A) *string { return &a.Description }),
		strs("similes", func(a *A) *[]string { return &a.Similes }),
		examples,
	)
	type E = ActionExample
	exampleSchema.define(func(e *E) *map[string]any { return &e.Extra },
		reqString("name", func(e *E) *string { return &e.Name }),
		reqStruct("content", contentSchema, func(e *E) *Content { return &e.Content }),
	)
	type P = ProviderDefinition
	providerSchema.define(func(p *P) *map[string]any { return &p.Extra },
		reqString("name", func(p *P) *string { return &p.Name }),
		optString("description", func(p *P) **string { return &p.Description }),
		optBool("dynamic", func(p *P) **bool { return &p.Dynamic }),
		optInt("position", integer, func(p *P) **int64 { return &p.Position }),
		optBool("private", func(p *P) **bool { return &p.Private }),
	)
	type V = EvaluatorDefinition
	evaluatorSchema.define(func(v *V) *map[string]any { return &v.Extra },
		reqString("name", func(v *V) *string { return &v.Name }),
		reqString("description", func(v *V) *string { return &v.Description }),
		optBool("alwaysRun", func(v *V) **bool { return &v.AlwaysRun }),
		strs("similes", func(v *V) *[]string { return &v.Similes }),
	)
	type S = ServiceDefinition
	serviceSchema.define(func(s *S) *map[string]any { return &s.Extra },
		reqString("type", func(s *S) *string { return &s.Type }),
		optString("description", func(s *S) **string { return &s.Description }),
	)
	type R = RouteDefinition
	routeSchema.define(func(r *R) *map[string]any { return &r.Extra },
		reqString("path", func(r *R) *string { return &r.Path }),
		optString("method", func(r *R) **string { return &r.Method }),
		optString("name", func(r *R) **string { return &r.Name }),
		optBool("public", func(r *R) **bool { return &r.Public }),
		optBool("isMultipart", func(r *R) **bool { return &r.IsMultipart }),
	)
}

// config is PluginManifest.Config: an object of strings, numbers, booleans
// and nulls.
var config = field[PluginManifest]{
	name: "config",
	dec: func(d *jsontext.Decoder, m *PluginManifest) error {
		c, err := decodeMap(d, func(v *any) error {
			switch c := d.Peek(); c {
			case '{', '[':
				return d.TypeError("string, number, boolean or null")
			}
			var err error
			*v, err = d.Value()
			return err
		})
		m.Config = c
		return err
	},
	set: func(m *PluginManifest) bool { return m.Config != nil },
	enc: func(b []byte, m *PluginManifest, depth int) ([]byte, error) {
		return encodeMap(b, m.Config, depth, func(b []byte, v *any) ([]byte, error) {
			switch (*v).(type) {
			case []any, map[string]any:
				return b, jsontext.EncodeError(jsontext.KindType, "config value is not a string, number, boolean or null")
			}
			return jsontext.AppendValueAt(b, *v, depth+1)
		})
	},
}

// events is PluginManifest.Events: an object of string arrays.
var events = field[PluginManifest]{
	name: "events",
	dec: func(d *jsontext.Decoder, m *PluginManifest) error {
		e, err := decodeMap(d, func(v *[]string) (err error) { *v, err = decodeStrings(d); return err })
		m.Events = e
		return err
	},
	set: func(m *PluginManifest) bool { return m.Events != nil },
	enc: func(b []byte, m *PluginManifest, depth int) ([]byte, error) {
		return encodeMap(b, m.Events, depth, func(b []byte, v *[]string) ([]byte, error) {
			return encodeStrings(b, *v, depth+1)
		})
	},
}

// examples is ActionDefinition.Examples: an array of arrays of
// ActionExample.
var examples = field[ActionDefinition]{
	name: "examples",
	dec: func(d *jsontext.Decoder, a *ActionDefinition) error {
		all := [][]ActionExample{}
		err := decodeArray(d, func(int) error {
			conv, err := decodeStructs(d, exampleSchema)
			all = append(all, conv)
			return err
		})
		a.Examples = all
		return err
	},
	set: func(a *ActionDefinition) bool { return a.Examples != nil },
	enc: func(b []byte, a *ActionDefinition, depth int) ([]byte, error) {
		return encodeArray(b, len(a.Examples), depth, func(b []byte, i int) ([]byte, error) {
			return encodeStructs(b, exampleSchema, a.Examples[i], depth+1)
		})
	},
}

// UnmarshalJSON reads m; m is unchanged on error.
func (m *PluginManifest) UnmarshalJSON(data []byte) error { return unmarshal(data, manifestSchema, m) }

// MarshalJSON writes m canonically.
func (m PluginManifest) MarshalJSON() ([]byte, error) { return marshal(manifestSchema, &m) }

// UnmarshalJSON reads i; i is unchanged on error.
func (i *Interop) UnmarshalJSON(data []byte) error { return unmarshal(data, interopSchema, i) }

// MarshalJSON writes i canonically.
func (i Interop) MarshalJSON() ([]byte, error) { return marshal(interopSchema, &i) }

// UnmarshalJSON reads a; a is unchanged on error.
func (a *ActionDefinition) UnmarshalJSON(data []byte) error {
	return unmarshal(data, actionDefSchema, a)
}

// MarshalJSON writes a canonically.
func (a ActionDefinition) MarshalJSON() ([]byte, error) { return marshal(actionDefSchema, &a) }

// UnmarshalJSON reads e; e is unchanged on error.
func (e *ActionExample) UnmarshalJSON(data []byte) error { return unmarshal(data, exampleSchema, e) }

// MarshalJSON writes e canonically.
func (e ActionExample) MarshalJSON() ([]byte, error) { return marshal(exampleSchema, &e) }

// UnmarshalJSON reads p; p is unchanged on error.
func (p *ProviderDefinition) UnmarshalJSON(data []byte) error {
	return unmarshal(data, providerSchema, p)
}

// MarshalJSON writes p canonically.
func (p ProviderDefinition) MarshalJSON() ([]byte, error) { return marshal(providerSchema, &p) }

// UnmarshalJSON reads v; v is unchanged on error.
func (v *EvaluatorDefinition) UnmarshalJSON(data []byte) error {
	return unmarshal(data, evaluatorSchema, v)
}

// MarshalJSON writes v canonically.
func (v EvaluatorDefinition) MarshalJSON() ([]byte, error) { return marshal(evaluatorSchema, &v) }

// UnmarshalJSON reads s; s is unchanged on error.
func (s *ServiceDefinition) UnmarshalJSON(data []byte) error {
	return unmarshal(data, serviceSchema, s)
}

// MarshalJSON writes s canonically.
func (s ServiceDefinition) MarshalJSON() ([]byte, error) { return marshal(serviceSchema, &s) }

// UnmarshalJSON reads r; r is unchanged on error.
func (r *RouteDefinition) UnmarshalJSON(data []byte) error { return unmarshal(data, routeSchema, r) }

// MarshalJSON writes r canonically.
func (r RouteDefinition) MarshalJSON() ([]byte, error) { return marshal(routeSchema, &r) }
