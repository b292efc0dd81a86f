package suite

import (
	"encoding/json"

	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/redact"
)

// redactTextSuite runs redact.Text. The input is {"text": string} or, for
// bytes that are not valid UTF-8, {"hex": string}.
func redactTextSuite(raw json.RawMessage) (vector.Outcome, error) {
	var in textOrHex
	if err := decodeInput(raw, &in); err != nil {
		return vector.Outcome{}, err
	}
	doc, err := in.bytes()
	if err != nil {
		return vector.Outcome{}, err
	}
	return output(redact.Text(string(doc)))
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
