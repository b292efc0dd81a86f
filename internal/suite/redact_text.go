package suite

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/redact"
)

func init() {
	register("redact.text", redactTextSuite)
	register("redact.secrets", redactSecretsSuite)
}

// redactTextSuite runs redact.Text. The input is {"text": string} or, for
// bytes that are not valid UTF-8, {"hex": string}.
func redactTextSuite(raw json.RawMessage) (vector.Outcome, error) {
	var in struct {
		Text *string `json:"text"`
		Hex  *string `json:"hex"`
	}
	if err := decodeInput(raw, &in); err != nil {
		return vector.Outcome{}, err
	}
	switch {
	case in.Text != nil && in.Hex == nil:
		return output(redact.Text(*in.Text))
	case in.Hex != nil && in.Text == nil:
		b, err := hex.DecodeString(*in.Hex)
		if err != nil {
			return vector.Outcome{}, fmt.Errorf("%w: hex: %v", ErrInput, err)
		}
		return output(redact.Text(string(b)))
	}
	return vector.Outcome{}, fmt.Errorf("%w: want exactly one of \"text\" and \"hex\"", ErrInput)
}

// redactSecretsSuite runs redact.Secrets.
func redactSecretsSuite(raw json.RawMessage) (vector.Outcome, error) {
	var in struct {
		Text    string            `json:"text"`
		Secrets map[string]string `json:"secrets"`
	}
	if err := decodeInput(raw, &in, "text", "secrets"); err != nil {
		return vector.Outcome{}, err
	}
	return output(redact.Secrets(in.Text, in.Secrets))
}
