// Package exampleplugin is the Go implementation of the example plugin of
// spec/example-plugin.md, in process. The IPC bridge serves it as a child
// (interop plugin serve-example) and the contract suite runs every bridge
// against it.
package exampleplugin

import (
	"context"

	"math"
	"strings"
	"sync"
	"time"

	"github.com/interopkit/interop/ids"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// Name is the example plugin's name.
const Name = "interop-example"

// Manifest returns the example plugin's manifest for an implementation in
// language.
func Manifest(language string) *types.PluginManifest {
	version := "1.0.0"
	return &types.PluginManifest{
		Name:        Name,
		Description: "The interop example plugin: echo, uuid, fail, sleep, a provider and an evaluator.",
		Version:     &version,
		Language:    &language,
		Actions: []types.ActionDefinition{
			{Name: "ECHO", Description: "Replies with the message text."},
			{Name: "UUID", Description: "Derives a UUID from the message text with stringToUuid."},
			{Name: "FAIL", Description: "Always fails."},
			{Name: "SLEEP", Description: "Waits options.ms milliseconds, then replies."},
		},
		Providers:  []types.ProviderDefinition{{Name: "EXAMPLE", Description: str("A deterministic provider.")}},
		Evaluators: []types.EvaluatorDefinition{{Name: "EXAMPLE_EVALUATOR", Description: "Evaluates messages that ask for it."}},
	}
}

// Plugin is the example plugin.
type Plugin struct {
	mu       sync.Mutex
	greeting string
	closed   bool
	sleep    func(ctx context.Context, d time.Duration) error
}

// New returns the example plugin.
func New() *Plugin { return &Plugin{} }

var _ plugin.Plugin = (*Plugin)(nil)

// Manifest implements plugin.Plugin.
func (p *Plugin) Manifest() *types.PluginManifest { return Manifest("go") }

func (p *Plugin) check() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return plugin.ErrClosed
	}
	return nil
}

// Init implements plugin.Plugin: it remembers config["GREETING"].
func (p *Plugin) Init(ctx context.Context, config map[string]string) error {
	if err := p.check(); err != nil {
		return err
	}
	p.mu.Lock()
	p.greeting = config["GREETING"]
	p.mu.Unlock()
	return nil
}

func text(msg plugin.Message) string {
	if msg.Memory == nil || msg.Memory.Content.Text == nil {
		return ""
	}
	return *msg.Memory.Content.Text
}

func str(s string) *string { return &s }

// ValidateAction implements plugin.Plugin.
func (p *Plugin) ValidateAction(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	if err := p.check(); err != nil {
		return false, err
	}
	switch name {
	case "ECHO":
		return text(msg) != "", nil
	case "UUID", "FAIL", "SLEEP":
		return true, nil
	}
	return false, nil
}

// InvokeAction implements plugin.Plugin.
func (p *Plugin) InvokeAction(ctx context.Context, name string, msg plugin.Message, options map[string]any) (*types.ActionResult, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	t := text(msg)
	switch name {
	case "ECHO":
		return &types.ActionResult{Success: true, Text: str(t), Data: map[string]any{"echo": t}}, nil
	case "UUID":
		u, err := ids.StringToUUID(t)
		if err != nil {
			return nil, &plugin.Error{Op: "action.invoke", Name: name, Message: err.Error()}
		}
		return &types.ActionResult{Success: true, Text: str(u), Data: map[string]any{"uuid": u}}, nil
	case "FAIL":
		return nil, &plugin.Error{Op: "action.invoke", Name: name, Message: "example failure"}
	case "SLEEP":
		ms, ok := sleepMillis(options)
		if !ok {
			return nil, &plugin.Error{Op: "action.invoke", Name: name, Message: "bad sleep"}
		}
		if err := p.wait(ctx, time.Duration(ms)*time.Millisecond); err != nil {
			return nil, err
		}
		return &types.ActionResult{Success: true, Text: str("slept")}, nil
	}
	return &types.ActionResult{Success: false, Error: str("Action not found: " + name)}, nil
}

// SetSleep replaces how SLEEP waits: a WebAssembly guest waits through
// its host, which can end the wait when the call is cancelled.
func (p *Plugin) SetSleep(sleep func(ctx context.Context, d time.Duration) error) {
	p.mu.Lock()
	p.sleep = sleep
	p.mu.Unlock()
}

func (p *Plugin) wait(ctx context.Context, d time.Duration) error {
	p.mu.Lock()
	sleep := p.sleep
	p.mu.Unlock()
	if sleep != nil {
		return sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sleepMillis reads options.ms: an integer from 0 to 10000, as a JSON
// number decodes (float64, json.Number or an integer type).
func sleepMillis(options map[string]any) (int64, bool) {
	var f float64
	switch v := options["ms"].(type) {
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case interface{ Float64() (float64, error) }:
		x, err := v.Float64()
		if err != nil {
			return 0, false
		}
		f = x
	default:
		return 0, false
	}
	if f != math.Trunc(f) || f < 0 || f > 10000 {
		return 0, false
	}
	return int64(f), true
}

// GetProvider implements plugin.Plugin.
func (p *Plugin) GetProvider(ctx context.Context, name string, msg plugin.Message) (*types.ProviderResult, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if name != "EXAMPLE" {
		return &types.ProviderResult{}, nil
	}
	p.mu.Lock()
	greeting := p.greeting
	p.mu.Unlock()
	room := ""
	if msg.Memory != nil {
		room = msg.Memory.RoomID
	}
	return &types.ProviderResult{Text: str("example provider"),
		Values: map[string]any{"plugin": Name, "greeting": greeting},
		Data:   map[string]any{"roomId": room}}, nil
}

// ValidateEvaluator implements plugin.Plugin.
func (p *Plugin) ValidateEvaluator(ctx context.Context, name string, msg plugin.Message) (bool, error) {
	if err := p.check(); err != nil {
		return false, err
	}
	return name == "EXAMPLE_EVALUATOR" && strings.Contains(text(msg), "evaluate"), nil
}

// InvokeEvaluator implements plugin.Plugin.
func (p *Plugin) InvokeEvaluator(ctx context.Context, name string, msg plugin.Message) (*types.ActionResult, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if name != "EXAMPLE_EVALUATOR" {
		return nil, nil
	}
	return &types.ActionResult{Success: true, Text: str("evaluated"), Values: map[string]any{"evaluated": true}}, nil
}

// Close implements plugin.Plugin.
func (p *Plugin) Close(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}
