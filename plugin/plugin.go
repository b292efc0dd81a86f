// Package plugin is the one interface every bridge implements: an elizaOS
// plugin as a Go host sees it, whether it runs in this process, in a child
// process (bridge/ipc), in a WebAssembly sandbox or in a shared library.
// Values are those of the types package; every call takes a context, and
// errors are typed so that a host can tell the plugin's own failure from
// the bridge's.
package plugin

import (
	"context"
	"errors"

	"github.com/interopkit/interop/redact"
	"github.com/interopkit/interop/types"
)

// Plugin is an elizaOS plugin behind a bridge. Implementations are safe for
// concurrent use.
type Plugin interface {
	// Manifest returns the plugin's manifest, known once the bridge has
	// started.
	Manifest() *types.PluginManifest
	// Init passes the plugin its configuration.
	Init(ctx context.Context, config map[string]string) error
	// ValidateAction reports whether the named action applies to the
	// message. An unknown action is not valid.
	ValidateAction(ctx context.Context, name string, msg Message) (bool, error)
	// InvokeAction runs the named action. An unknown action is a result
	// with success false (the plugin's answer), not an error.
	InvokeAction(ctx context.Context, name string, msg Message, options map[string]any) (*types.ActionResult, error)
	// GetProvider runs the named provider. An unknown provider is an empty
	// result.
	GetProvider(ctx context.Context, name string, msg Message) (*types.ProviderResult, error)
	// ValidateEvaluator reports whether the named evaluator applies.
	// ErrUnsupported when the plugin's side of the bridge cannot say.
	ValidateEvaluator(ctx context.Context, name string, msg Message) (bool, error)
	// InvokeEvaluator runs the named evaluator; a nil result is the
	// evaluator's (or an unknown evaluator's) answer.
	InvokeEvaluator(ctx context.Context, name string, msg Message) (*types.ActionResult, error)
	// Close releases the plugin (stops its process, frees its module). It
	// is idempotent; calls after Close fail with ErrClosed.
	Close(ctx context.Context) error
}

// Message is what a handler is given: the message (Memory) and the
// composed state, which may be nil.
type Message struct {
	Memory *types.Memory
	State  *types.State
}

// Errors every bridge reports the same way.
var (
	// ErrClosed: the plugin was closed, or its bridge stopped.
	ErrClosed = errors.New("plugin: closed")
	// ErrUnsupported: the plugin, or its side of the bridge, does not
	// implement the call.
	ErrUnsupported = errors.New("plugin: not supported by this plugin")
	// ErrOverloaded: the bridge refused the call because too many are in
	// flight.
	ErrOverloaded = errors.New("plugin: too many calls in flight")
	// ErrTooLarge: a request or a reply is over the bridge's size limit.
	ErrTooLarge = errors.New("plugin: message over the size limit")
)

// Error is the plugin's own failure: its handler raised, threw or
// returned an error. Message is the plugin's text, as it gave it.
type Error struct {
	Op      string // "action.invoke", "provider.get", …
	Name    string // the action, provider or evaluator
	Message string
}

// Error returns the failure with the plugin's text passed through
// redact.Text: error strings end up in logs, and a plugin's text may quote
// what it was given (an API key in a message, say). Message keeps the
// text as the plugin gave it.
func (e *Error) Error() string {
	if e.Name != "" {
		return "plugin: " + e.Op + " " + e.Name + ": " + redact.Text(e.Message)
	}
	return "plugin: " + e.Op + ": " + redact.Text(e.Message)
}
