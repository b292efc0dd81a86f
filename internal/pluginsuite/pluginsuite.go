// Package pluginsuite runs the cases of the plugin.example suite
// (spec/example-plugin.md, vectors/plugin.example) against any
// plugin.Plugin: the in-process Go example for the Go peer, or the example
// plugin of any language behind any bridge for a plugin peer of the gate
// (interop plugin peer). Each case opens a fresh view of the plugin's
// state: it passes its own config to Init first.
package pluginsuite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// Suite is the suite's name.
const Suite = "plugin.example"

// Input is a case's input.
type Input struct {
	// Config is passed to Init before the call (an empty config when
	// absent, so that no case sees another's).
	Config map[string]string `json:"config,omitempty"`
	// Call is action.validate, action.invoke, provider.get,
	// evaluator.validate or evaluator.invoke.
	Call string `json:"call"`
	Name string `json:"name"`
	// Memory is the message; Text, when Memory is absent, builds one.
	Memory  *types.Memory  `json:"memory,omitempty"`
	Text    *string        `json:"text,omitempty"`
	State   *types.State   `json:"state,omitempty"`
	Options map[string]any `json:"options,omitempty"`
	// TimeoutMs bounds the call; the case then expects the error kind
	// "timeout" where the call does not finish in time.
	TimeoutMs int `json:"timeoutMs,omitempty"`
}

// Error kinds of the suite.
const (
	KindPluginError = "plugin_error" // the plugin raised (plugin.Error)
	KindTimeout     = "timeout"      // the call did not finish within timeoutMs
	KindUnsupported = "unsupported"  // the plugin's side of the bridge cannot answer (plugin.ErrUnsupported)
	KindTooLarge    = "too_large"    // over a size limit of the bridge (plugin.ErrTooLarge)
)

// Entity and room of the messages Text builds.
const (
	Entity = "11111111-1111-4111-8111-111111111111"
	Room   = "22222222-2222-4222-8222-222222222222"
)

// ErrInput reports an input that is not a case of the suite.
var ErrInput = errors.New("pluginsuite: not a plugin.example input")

// Run runs one case. The error is for inputs that are not of the suite's
// shape and for failures of the bridge that the suite has no kind for.
func Run(ctx context.Context, p plugin.Plugin, raw json.RawMessage) (vector.Outcome, error) {
	var in Input
	if err := json.Unmarshal(raw, &in); err != nil {
		return vector.Outcome{}, fmt.Errorf("%w: %v", ErrInput, err)
	}
	msg := plugin.Message{Memory: in.Memory, State: in.State}
	if msg.Memory == nil {
		text := ""
		if in.Text != nil {
			text = *in.Text
		}
		msg.Memory = &types.Memory{EntityID: Entity, RoomID: Room, Content: types.Content{Text: &text}}
	}
	config := in.Config
	if config == nil {
		config = map[string]string{}
	}
	if err := p.Init(ctx, config); err != nil {
		return kindOf(err)
	}
	if in.TimeoutMs > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(in.TimeoutMs)*time.Millisecond)
		defer cancel()
	}
	var out any
	var err error
	switch in.Call {
	case "action.validate":
		var ok bool
		ok, err = p.ValidateAction(ctx, in.Name, msg)
		out = map[string]bool{"valid": ok}
	case "action.invoke":
		out, err = p.InvokeAction(ctx, in.Name, msg, in.Options)
	case "provider.get":
		out, err = p.GetProvider(ctx, in.Name, msg)
	case "evaluator.validate":
		var ok bool
		ok, err = p.ValidateEvaluator(ctx, in.Name, msg)
		out = map[string]bool{"valid": ok}
	case "evaluator.invoke":
		var r *types.ActionResult
		r, err = p.InvokeEvaluator(ctx, in.Name, msg)
		out = r
		if r == nil {
			out = nil
		}
	default:
		return vector.Outcome{}, fmt.Errorf("%w: unknown call %q", ErrInput, in.Call)
	}
	if err != nil {
		return kindOf(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return vector.Outcome{}, fmt.Errorf("pluginsuite: writing the result: %w", err)
	}
	return vector.Outcome{Output: b}, nil
}

func kindOf(err error) (vector.Outcome, error) {
	var pe *plugin.Error
	switch {
	case errors.As(err, &pe):
		return vector.Outcome{Error: KindPluginError}, nil
	case errors.Is(err, context.DeadlineExceeded):
		return vector.Outcome{Error: KindTimeout}, nil
	case errors.Is(err, plugin.ErrUnsupported):
		return vector.Outcome{Error: KindUnsupported}, nil
	case errors.Is(err, plugin.ErrTooLarge):
		return vector.Outcome{Error: KindTooLarge}, nil
	}
	return vector.Outcome{}, err
}
