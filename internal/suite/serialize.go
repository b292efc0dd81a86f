package suite

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/interopkit/interop/internal/jsontext"
	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/types"
)

// codec is what every top-level type of package types implements.
type codec interface {
	json.Marshaler
	json.Unmarshaler
}

// newValue returns a fresh value of the type a case names.
func newValue(name string) (codec, bool) {
	switch name {
	case "Memory":
		return new(types.Memory), true
	case "Content":
		return new(types.Content), true
	case "State":
		return new(types.State), true
	case "ActionResult":
		return new(types.ActionResult), true
	case "ProviderResult":
		return new(types.ProviderResult), true
	case "PluginManifest":
		return new(types.PluginManifest), true
	}
	return nil, false
}

func serializeRoundtrip(raw json.RawMessage) (vector.Outcome, error) {
	var in struct {
		Type string `json:"type"`
		textOrHex
	}
	if err := decodeInput(raw, &in, "type"); err != nil {
		return vector.Outcome{}, err
	}
	v, ok := newValue(in.Type)
	if !ok {
		return vector.Outcome{}, fmt.Errorf("%w: unknown type %q", ErrInput, in.Type)
	}
	data, err := in.bytes()
	if err != nil {
		return vector.Outcome{}, err
	}
	if err := v.UnmarshalJSON(data); err != nil {
		var e *types.Error
		k, ok := jsontext.KindOf(err)
		if !errors.As(err, &e) || !ok {
			return vector.Outcome{}, err
		}
		o := vector.Outcome{Error: k.Name()}
		if k.Located() {
			o.ErrorAt = &e.Path
		}
		return o, nil
	}
	out, err := v.MarshalJSON()
	if err != nil {
		return failed("reserialize_failed")
	}
	// The canonical text must read back to itself.
	again, _ := newValue(in.Type)
	if err := again.UnmarshalJSON(out); err != nil {
		return failed("canonical_text_unreadable")
	}
	if out2, err := again.MarshalJSON(); err != nil || string(out2) != string(out) {
		return failed("canonical_text_not_stable")
	}
	return output(string(out))
}
