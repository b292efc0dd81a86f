package suite

import (
	"encoding/json"

	"github.com/interopkit/interop/internal/secretscan"
	"github.com/interopkit/interop/internal/vector"
)

func secretsScan(raw json.RawMessage) (vector.Outcome, error) {
	var in struct {
		Text string `json:"text"`
	}
	if err := decodeInput(raw, &in, "text"); err != nil {
		return vector.Outcome{}, err
	}
	findings := secretscan.ScanText(in.Text)
	if findings == nil {
		findings = []secretscan.Finding{}
	}
	return output(findings)
}
