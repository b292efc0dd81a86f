package suite

import (
	"encoding/json"
	"errors"

	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/manifest"
)

func init() {
	register("manifest.validate", manifestValidate)
}

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

// manifestErrorKinds maps the document-layer errors onto the suite's kinds,
// which are those of serialize.roundtrip plus too_large.
var manifestErrorKinds = []struct {
	err  error
	kind string
}{
	{manifest.ErrTooLarge, "too_large"},
	{manifest.ErrInvalidUTF8, "invalid_utf8"},
	{manifest.ErrSyntax, "syntax"},
	{manifest.ErrTooDeep, "too_deep"},
	{manifest.ErrDuplicateKey, "duplicate_key"},
	{manifest.ErrRange, "out_of_range"},
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
		for _, k := range manifestErrorKinds {
			if errors.Is(err, k.err) {
				out := vector.Outcome{Error: k.kind}
				if de.HasPointer {
					at := de.Pointer
					out.ErrorAt = &at
				}
				return out, nil
			}
		}
		return vector.Outcome{}, err
	}
	out := manifestOutput{Valid: len(problems) == 0}
	for _, p := range problems {
		out.Errors = append(out.Errors, manifestEntry{Pointer: p.Pointer, Rule: p.Rule, Property: p.Property})
	}
	return output(out)
}
