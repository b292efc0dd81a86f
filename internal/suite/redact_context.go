package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/redact"
)

// redactContextSuite logs the case's context object through the real
// redacting handler, configured from the case's environment, into a slog
// JSON handler, and reads the attributes back from the line it wrote: the
// vector checks the handler, not a side function. redact.Config.JSON, which
// the CLI uses, must give the same result, or the case fails.
func redactContextSuite(raw json.RawMessage) (vector.Outcome, error) {
	var in struct {
		Context json.RawMessage   `json:"context"`
		Env     map[string]string `json:"env"`
	}
	if err := decodeInput(raw, &in, "context"); err != nil {
		return vector.Outcome{}, err
	}
	ctxObj, err := decodeJSONNumbers(in.Context)
	if err != nil {
		return vector.Outcome{}, fmt.Errorf("%w: context: %v", ErrInput, err)
	}
	members, ok := ctxObj.(map[string]any)
	if !ok {
		return vector.Outcome{}, fmt.Errorf("%w: context is not an object", ErrInput)
	}
	lookup := func(k string) (string, bool) { v, ok := in.Env[k]; return v, ok }
	cfg := redact.ConfigFromLookup(lookup)

	logged, err := logContext(cfg, members)
	if err != nil {
		return vector.Outcome{}, err
	}
	viaJSON, err := json.Marshal(cfg.JSON(members))
	if err != nil {
		return vector.Outcome{}, err
	}
	if !vector.JSONEqual(logged, viaJSON) {
		return failed("handler_and_json_disagree")
	}
	// The caller's object must come back as it was.
	again, _ := decodeJSONNumbers(in.Context)
	if before, _ := json.Marshal(again); !bytes.Equal(mustMarshal(members), before) {
		return failed("caller_value_modified")
	}
	return vector.Outcome{Output: logged}, nil
}

// logContext logs members as the attributes of one record (in key order:
// order does not matter to JSON equality) and returns them as the JSON
// handler wrote them. The JSON handler nests them in a group of its own
// (opened below the redacting handler, so invisible to it) so that members
// named like the handler's time, level and msg keys do not collide.
func logContext(cfg redact.Config, members map[string]any) (json.RawMessage, error) {
	var buf bytes.Buffer
	jsonH := slog.NewJSONHandler(&buf, nil).WithGroup("context")
	h := redact.NewHandler(jsonH, cfg)
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	attrs := make([]slog.Attr, 0, len(keys))
	for _, k := range keys {
		v := members[k]
		if v == nil {
			// slog drops an attribute whose key and value are both zero
			// ({"": null}); JSON's null, as raw JSON, is not zero and is
			// written as null.
			v = json.RawMessage("null")
		}
		attrs = append(attrs, slog.Any(k, v))
	}
	r := slog.NewRecord(time.Time{}, slog.LevelInfo, "redact.context", 0)
	r.AddAttrs(attrs...)
	if err := h.Handle(context.Background(), r); err != nil {
		return nil, fmt.Errorf("redact.context: handler: %w", err)
	}
	var line struct {
		Context json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		return nil, fmt.Errorf("redact.context: reading the logged line: %w", err)
	}
	if line.Context == nil {
		return json.RawMessage("{}"), nil // slog leaves out an empty group
	}
	return line.Context, nil
}

// decodeJSONNumbers decodes one JSON value, keeping numbers as
// json.Number so that they are logged exactly as written.
func decodeJSONNumbers(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func mustMarshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
