package ipc

import (
	"encoding/json"

	"github.com/interopkit/interop/types"
)

// Message types of spec/ipc.md.
const (
	typeReady             = "ready"
	typeInit              = "plugin.init"
	typeInitResult        = "plugin.init.result"
	typeValidate          = "action.validate"
	typeValidateResult    = "validate.result"
	typeInvoke            = "action.invoke"
	typeActionResult      = "action.result"
	typeProvider          = "provider.get"
	typeProviderResult    = "provider.result"
	typeEvaluatorInvoke   = "evaluator.invoke"
	typeEvaluatorValidate = "evaluator.validate"
	typeCancel            = "cancel"
	typeError             = "error"
)

// Features a child can announce in its ready line.
const (
	FeatureEvaluatorValidate = "evaluator.validate"
	FeatureCancel            = "cancel"
)

// answers maps a request type to the response type that answers it.
var answers = map[string]string{
	typeInit:              typeInitResult,
	typeValidate:          typeValidateResult,
	typeInvoke:            typeActionResult,
	typeProvider:          typeProviderResult,
	typeEvaluatorInvoke:   typeActionResult,
	typeEvaluatorValidate: typeValidateResult,
}

// request is every request of spec/ipc.md, as a host writes it (the
// members a type does not use are left out) and as a server reads it.
type request struct {
	Type      string            `json:"type"`
	ID        string            `json:"id"`
	Config    map[string]string `json:"config,omitempty"`
	Action    string            `json:"action,omitempty"`
	Provider  string            `json:"provider,omitempty"`
	Evaluator string            `json:"evaluator,omitempty"`
	Memory    *types.Memory     `json:"memory,omitempty"`
	// State and Options are sent as null when absent, as upstream's hosts
	// send them.
	State   *types.State   `json:"state"`
	Options map[string]any `json:"options"`
}

// message is every child-to-host line: the ready line and the responses.
// Upstream children send null for absent members, which reads as absent.
type message struct {
	Type     string          `json:"type"`
	ID       *string         `json:"id"`
	Manifest json.RawMessage `json:"manifest"`
	Interop  *Interop        `json:"interop"`
	Success  *bool           `json:"success"`
	Valid    *bool           `json:"valid"`
	Result   json.RawMessage `json:"result"`
	Error    *string         `json:"error"`
}

// Interop is the extension member of a ready line (spec/ipc.md): what the
// child announces beyond upstream's protocol.
type Interop struct {
	Protocol     int      `json:"protocol"`
	MaxLineBytes int      `json:"maxLineBytes,omitempty"`
	Features     []string `json:"features,omitempty"`
	Ordered      bool     `json:"ordered"`
}

// cancelMessage asks a child to abandon a request (feature "cancel").
type cancelMessage struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// isNull reports whether a raw member is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}
