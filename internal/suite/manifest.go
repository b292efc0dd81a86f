package suite

import (
	"encoding/json"
	"errors"

	"github.com/interopkit/interop/internal/jsontext"
	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/manifest"
)

// manifestEntry is one normalised problem of spec/manifest.md.
type manifestEntry struct {
	Pointer  string `json:"pointer"`
	Rule     string `json:"rule"`
	Property string `json:"property,omitempty"`
}

type manifestOutput struct {
	Valid  bool            `json:"valid"`
	Errors []manifestEntry `json:"errors,omitempty"`
}

func manifestValidate(raw json.RawMessage) (vector.Outcome, error) {
	var in textOrHex
	if err := decodeInput(raw, &in); err != nil {
		return vector.Outcome{}, err
	}
	doc, err := in.bytes()
	if err != nil {
		return vector.Outcome{}, err
	}
	problems, err := manifest.Validate(doc)
	if err != nil {
		var de *manifest.DocumentError
		if !errors.As(err, &de) {
			return vector.Outcome{}, err
		}
		// The suite's kinds are those of serialize.roundtrip plus too_large.
		out := vector.Outcome{Error: "too_large"}
		if k, ok := jsontext.KindOf(err); ok {
			out.Error = k.Name()
		} else if !errors.Is(err, manifest.ErrTooLarge) {
			return vector.Outcome{}, err
		}
		if de.HasPointer {
			at := de.Pointer
			out.ErrorAt = &at
		}
		return out, nil
	}
	out := manifestOutput{Valid: len(problems) == 0}
	for _, p := range problems {
		out.Errors = append(out.Errors, manifestEntry{Pointer: p.Pointer, Rule: p.Rule, Property: p.Property})
	}
	return output(out)
}
