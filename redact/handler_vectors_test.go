package redact

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"log/slog"
	"strings"
	"testing"

	"github.com/interopkit/interop/vectors"
)

// TestContextVectors runs the redact.context vectors (spec/redact-log.md)
// through Config.JSON, and through a Handler into a text handler, which
// must not show any value the JSON result hides.
func TestContextVectors(t *testing.T) {
	paths, err := fs.Glob(vectors.FS, "redact.context/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no redact.context vectors: %v", err)
	}
	n := 0
	for _, p := range paths {
		b, err := fs.ReadFile(vectors.FS, p)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Cases []struct {
				ID    string
				Input struct {
					Context json.RawMessage
					Env     map[string]string
				}
				Output json.RawMessage
			}
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, c := range f.Cases {
			n++
			cfg := ConfigFromLookup(func(k string) (string, bool) { v, ok := c.Input.Env[k]; return v, ok })
			in := decodeNumbers(t, string(c.Input.Context))
			got, err := json.Marshal(cfg.JSON(in))
			if err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			if !bytes.Equal(mustCompact(t, string(got)), mustCompact(t, string(c.Output))) {
				t.Errorf("%s:\n got  %.300s\n want %.300s", c.ID, got, c.Output)
			}
			if again, _ := json.Marshal(in); !bytes.Equal(again, mustCompact(t, string(c.Input.Context))) {
				t.Errorf("%s: the input changed", c.ID)
			}

			// Every string the spec replaces must be absent from the text
			// handler's line too.
			var buf bytes.Buffer
			l := slog.New(NewHandler(slog.NewTextHandler(&buf, nil), cfg))
			var args []any
			for k, v := range in.(map[string]any) {
				args = append(args, slog.Any(k, v))
			}
			l.Info("m", args...)
			for _, s := range hiddenStrings(in, decodeNumbers(t, string(c.Output))) {
				if strings.Contains(buf.String(), s) {
					t.Errorf("%s: text handler shows %q: %.300s", c.ID, s, buf.String())
				}
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d redact.context cases", n)
	}
}

// hiddenStrings lists the distinctive strings of in that out replaced
// (strings of 3 or more bytes that appear nowhere in out).
func hiddenStrings(in, out any) []string {
	seen := map[string]bool{}
	var collect func(v any, into map[string]bool)
	collect = func(v any, into map[string]bool) {
		switch v := v.(type) {
		case string:
			into[v] = true
		case map[string]any:
			for k, x := range v {
				into[k] = true
				collect(x, into)
			}
		case []any:
			for _, x := range v {
				collect(x, into)
			}
		}
	}
	collect(out, seen)
	all := map[string]bool{}
	collect(in, all)
	var hidden []string
	for s := range all {
		if !seen[s] && len(s) >= 3 && !strings.Contains(Censor+Truncated, s) {
			hidden = append(hidden, s)
		}
	}
	return hidden
}
