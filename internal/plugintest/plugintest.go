// Package plugintest is the contract suite every bridge is run against, in
// the style of nettest.TestConn: given a way to open the example plugin of
// spec/example-plugin.md behind a bridge, it checks every behaviour the
// spec names, concurrency, cancellation and closing.
package plugintest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/interopkit/interop/ids"
	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/plugin"
	"github.com/interopkit/interop/types"
)

// Opener opens a fresh example plugin; the suite closes it.
type Opener func(t *testing.T) plugin.Plugin

const (
	entity = "11111111-1111-4111-8111-111111111111"
	room   = "22222222-2222-4222-8222-222222222222"
)

// Msg is a message whose content has text.
func Msg(text string) plugin.Message {
	return plugin.Message{Memory: &types.Memory{EntityID: entity, RoomID: room, Content: types.Content{Text: &text}}}
}

func jsonOf(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, w := jsonOf(t, got), jsonOf(t, want)
	if !vector.JSONEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// Run runs the suite; language is the manifest's language.
func Run(t *testing.T, language string, open Opener) {
	ctx := context.Background()
	t.Run("Manifest", func(t *testing.T) {
		p := open(t)
		defer p.Close(ctx)
		same(t, "manifest", p.Manifest(), exampleplugin.Manifest(language))
	})
	t.Run("Behaviour", func(t *testing.T) {
		p := open(t)
		defer p.Close(ctx)
		if err := p.Init(ctx, map[string]string{"GREETING": "hi"}); err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			action, text string
			want         bool
		}{{"ECHO", "x", true}, {"ECHO", "", false}, {"UUID", "", true}, {"FAIL", "", true}, {"SLEEP", "", true}, {"NOPE", "x", false}} {
			got, err := p.ValidateAction(ctx, v.action, Msg(v.text))
			if err != nil || got != v.want {
				t.Errorf("validate %s %q = %v, %v; want %v", v.action, v.text, got, err, v.want)
			}
		}
		r, err := p.InvokeAction(ctx, "ECHO", Msg("héllo 👋"), nil)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "ECHO", r, map[string]any{"success": true, "text": "héllo 👋", "data": map[string]any{"echo": "héllo 👋"}})
		u, _ := ids.StringToUUID("hello world")
		r, err = p.InvokeAction(ctx, "UUID", Msg("hello world"), nil)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "UUID", r, map[string]any{"success": true, "text": u, "data": map[string]any{"uuid": u}})
		r, err = p.InvokeAction(ctx, "SLEEP", Msg(""), map[string]any{"ms": 1})
		if err != nil {
			t.Fatal(err)
		}
		same(t, "SLEEP", r, map[string]any{"success": true, "text": "slept"})
		r, err = p.InvokeAction(ctx, "NOPE", Msg("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "unknown action", r, map[string]any{"success": false, "error": "Action not found: NOPE"})
		for _, bad := range []struct {
			action  string
			options map[string]any
			msg     string
		}{{"FAIL", nil, "example failure"}, {"SLEEP", map[string]any{"ms": -1}, "bad sleep"}, {"SLEEP", map[string]any{"ms": 1.5}, "bad sleep"}, {"SLEEP", nil, "bad sleep"}} {
			_, err := p.InvokeAction(ctx, bad.action, Msg(""), bad.options)
			var pe *plugin.Error
			if !errors.As(err, &pe) || pe.Message != bad.msg {
				t.Errorf("%s %v: %v, want a plugin.Error %q", bad.action, bad.options, err, bad.msg)
			}
		}
		pr, err := p.GetProvider(ctx, "EXAMPLE", Msg("x"))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "EXAMPLE", pr, map[string]any{"text": "example provider",
			"values": map[string]any{"plugin": "interop-example", "greeting": "hi"}, "data": map[string]any{"roomId": room}})
		pr, err = p.GetProvider(ctx, "NOPE", Msg("x"))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "unknown provider", pr, map[string]any{})
		for text, want := range map[string]bool{"please evaluate this": true, "nothing": false} {
			got, err := p.ValidateEvaluator(ctx, "EXAMPLE_EVALUATOR", Msg(text))
			if err != nil || got != want {
				t.Errorf("validate evaluator %q = %v, %v", text, got, err)
			}
		}
		r, err = p.InvokeEvaluator(ctx, "EXAMPLE_EVALUATOR", Msg("evaluate"))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "evaluator", r, map[string]any{"success": true, "text": "evaluated", "values": map[string]any{"evaluated": true}})
		r, err = p.InvokeEvaluator(ctx, "NOPE", Msg("evaluate"))
		if err != nil || r != nil {
			t.Errorf("unknown evaluator: %v, %v; want nil, nil", r, err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		p := open(t)
		defer p.Close(ctx)
		slow := make(chan error, 1)
		go func() {
			_, err := p.InvokeAction(ctx, "SLEEP", Msg(""), map[string]any{"ms": 2000})
			slow <- err
		}()
		time.Sleep(50 * time.Millisecond) // let SLEEP go first
		if _, err := p.InvokeAction(ctx, "ECHO", Msg("fast"), nil); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-slow:
			t.Fatalf("SLEEP finished before ECHO could be answered (%v): calls are not concurrent", err)
		default:
		}
		if err := <-slow; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		p := open(t)
		defer p.Close(ctx)
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := p.InvokeAction(cctx, "SLEEP", Msg(""), map[string]any{"ms": 10000})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("cancelled SLEEP: %v", err)
		}
		// The plugin keeps working after a cancelled call.
		if _, err := p.InvokeAction(ctx, "ECHO", Msg("after"), nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Close", func(t *testing.T) {
		p := open(t)
		if err := p.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(ctx); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if _, err := p.InvokeAction(ctx, "ECHO", Msg("x"), nil); !errors.Is(err, plugin.ErrClosed) {
			t.Fatalf("after Close: %v, want plugin.ErrClosed", err)
		}
	})
}
