// Command gen writes vectors/plugin.example/example.json: the cases of the
// plugin.example suite, with the outcomes the Go reference of the example
// plugin (internal/exampleplugin, spec/example-plugin.md) gives. The
// example plugin is this project's own contract, so its reference is the
// source of expected values; every other language and bridge is checked
// against them by the gate.
//
//	go run ./internal/pluginsuite/gen vectors
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/internal/pluginsuite"
)

type tcase struct {
	ID          string         `json:"id"`
	Description string         `json:"description"`
	Input       map[string]any `json:"input"`
	Output      any            `json:"output,omitempty"`
	Error       string         `json:"error,omitempty"`
	Result      string         `json:"result"`
	Flags       []string       `json:"flags"`
}

var notes = map[string]string{
	"ascii":       "plain ASCII text",
	"unicode":     "text beyond ASCII (Latin accents, CJK)",
	"emoji":       "characters outside the Basic Multilingual Plane, and joiner sequences",
	"empty":       "the empty text",
	"control":     "text with newlines, tabs, quotes or NUL",
	"long":        "a message over 64 KiB, the line limit of upstream's Python server",
	"uuid-shaped": "text that is itself a UUID, which stringToUuid returns as is",
	"config":      "plugin.init configuration reaching a later call",
	"error":       "the plugin raises; the bridge reports it as an error, not a result",
	"not-found":   "a name the plugin does not have: the protocol's not-found answers",
	"timeout":     "the call is cancelled by its deadline before the plugin answers",
	"memory":      "a full Memory rather than text",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen VECTORS_DIR")
		os.Exit(2)
	}
	texts := []struct {
		label, text string
		flags       []string
	}{
		{"ascii", "hello", []string{"ascii"}},
		{"empty", "", []string{"empty"}},
		{"latin", "héllo wörld", []string{"unicode"}},
		{"cjk", "日本語のテキスト", []string{"unicode"}},
		{"emoji", "👩‍💻 shipped 🚀", []string{"emoji"}},
		{"newline", "line one\nline two\r\n", []string{"control"}},
		{"quotes", "tab\tand \"quotes\" and \\ backslash", []string{"control"}},
		{"nul", "before\u0000after", []string{"control"}},
		{"html", "<script>&amp;</script>", []string{"ascii"}},
		{"evaluate", "please evaluate this", []string{"ascii"}},
		{"uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", []string{"uuid-shaped"}},
		{"long", strings.Repeat("0123456789abcdef", 5000), []string{"long"}},
	}
	var cases []tcase
	add := func(id, desc string, in map[string]any, flags ...string) {
		if flags == nil {
			flags = []string{}
		}
		sort.Strings(flags)
		cases = append(cases, tcase{ID: "plg-" + id, Description: desc, Input: in, Result: "valid", Flags: flags})
	}
	for _, t := range texts {
		add("validate-echo-"+t.label, "validate ECHO on "+t.label+" text", map[string]any{"call": "action.validate", "name": "ECHO", "text": t.text}, t.flags...)
		add("echo-"+t.label, "ECHO replies with "+t.label+" text", map[string]any{"call": "action.invoke", "name": "ECHO", "text": t.text}, t.flags...)
		add("uuid-"+t.label, "UUID of "+t.label+" text with the language's own stringToUuid", map[string]any{"call": "action.invoke", "name": "UUID", "text": t.text}, t.flags...)
		add("validate-evaluator-"+t.label, "validate EXAMPLE_EVALUATOR on "+t.label+" text", map[string]any{"call": "evaluator.validate", "name": "EXAMPLE_EVALUATOR", "text": t.text}, t.flags...)
	}
	for _, g := range []struct{ label, greeting string }{{"none", ""}, {"ascii", "hi"}, {"unicode", "grüß dich 👋"}} {
		in := map[string]any{"call": "provider.get", "name": "EXAMPLE", "text": "x"}
		if g.greeting != "" {
			in["config"] = map[string]string{"GREETING": g.greeting}
		}
		add("provider-greeting-"+g.label, "EXAMPLE after plugin.init with greeting "+g.label, in, "config")
	}
	add("provider-memory", "EXAMPLE reads the room of a full Memory", map[string]any{"call": "provider.get", "name": "EXAMPLE",
		"memory": map[string]any{"id": "33333333-3333-4333-8333-333333333333", "entityId": pluginsuite.Entity, "roomId": "44444444-4444-4444-8444-444444444444",
			"content": map[string]any{"text": "hi", "source": "test"}, "createdAt": 1704067200000}}, "memory")
	add("provider-not-found", "an unknown provider is an empty result", map[string]any{"call": "provider.get", "name": "NOPE", "text": "x"}, "not-found")
	add("echo-not-found", "an unknown action is success false", map[string]any{"call": "action.invoke", "name": "NOPE", "text": "x"}, "not-found")
	add("validate-not-found", "an unknown action is not valid", map[string]any{"call": "action.validate", "name": "NOPE", "text": "x"}, "not-found")
	add("evaluator-not-found", "an unknown evaluator answers null", map[string]any{"call": "evaluator.invoke", "name": "NOPE", "text": "evaluate"}, "not-found")
	add("evaluator-validate-not-found", "an unknown evaluator is not valid", map[string]any{"call": "evaluator.validate", "name": "NOPE", "text": "evaluate"}, "not-found")
	add("evaluator-invoke", "EXAMPLE_EVALUATOR runs", map[string]any{"call": "evaluator.invoke", "name": "EXAMPLE_EVALUATOR", "text": "evaluate"})
	add("validate-fail", "FAIL validates", map[string]any{"call": "action.validate", "name": "FAIL", "text": ""})
	add("fail", "FAIL raises", map[string]any{"call": "action.invoke", "name": "FAIL", "text": "x"}, "error")
	add("sleep", "SLEEP 1 ms", map[string]any{"call": "action.invoke", "name": "SLEEP", "options": map[string]any{"ms": 1}})
	add("sleep-zero", "SLEEP 0 ms", map[string]any{"call": "action.invoke", "name": "SLEEP", "options": map[string]any{"ms": 0}})
	for _, b := range []struct {
		label string
		opts  map[string]any
	}{{"negative", map[string]any{"ms": -1}}, {"fraction", map[string]any{"ms": 1.5}}, {"missing", map[string]any{}},
		{"string", map[string]any{"ms": "5"}}, {"over", map[string]any{"ms": 10001}}, {"bool", map[string]any{"ms": true}}} {
		add("sleep-bad-"+b.label, "SLEEP with options.ms "+b.label+" raises", map[string]any{"call": "action.invoke", "name": "SLEEP", "options": b.opts}, "error")
	}
	add("sleep-timeout", "SLEEP 5 s is cut off by a 200 ms deadline", map[string]any{"call": "action.invoke", "name": "SLEEP", "options": map[string]any{"ms": 5000}, "timeoutMs": 200}, "timeout")

	p := exampleplugin.New()
	for i := range cases {
		c := &cases[i]
		raw, err := json.Marshal(c.Input)
		if err != nil {
			fail(err)
		}
		out, err := pluginsuite.Run(context.Background(), p, raw)
		if err != nil {
			fail(fmt.Errorf("%s: %w", c.ID, err))
		}
		if out.Error != "" {
			c.Error, c.Result = out.Error, "invalid"
		} else {
			c.Output = json.RawMessage(out.Output)
		}
	}
	used := map[string]bool{}
	for _, c := range cases {
		for _, f := range c.Flags {
			used[f] = true
		}
	}
	fileNotes := map[string]string{}
	for f := range used {
		fileNotes[f] = notes[f]
	}
	file := map[string]any{
		"schema":      "vectors/plugin.example.schema.json",
		"suite":       pluginsuite.Suite,
		"specVersion": "v1",
		"description": "Calls of the example plugin (spec/example-plugin.md); every language's example, through every bridge, must answer as the Go reference does.",
		"generator":   map[string]string{"name": "internal/pluginsuite/gen", "upstream": "spec/example-plugin.md (the Go reference, internal/exampleplugin)"},
		"notes":       fileNotes,
		"cases":       cases,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(file); err != nil {
		fail(err)
	}
	dir := filepath.Join(os.Args[1], pluginsuite.Suite)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "example.json"), b.Bytes(), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
