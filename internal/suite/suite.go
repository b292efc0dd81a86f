// Package suite runs the Go reference implementation over vector cases: one
// function per suite of spec/vectors.md, turning a case's input into the
// outcome the spec describes. It is the Go peer of the parity gate.
package suite

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/ids"
	"github.com/interopkit/interop/internal/envcheck"
	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/internal/jsontext"
	"github.com/interopkit/interop/internal/pluginsuite"
	"github.com/interopkit/interop/internal/vector"
)

// Func runs one case. A returned error means the input could not be
// interpreted (a harness failure), never that the operation failed: an
// operation failure is an Outcome with an error kind.
type Func func(input json.RawMessage) (vector.Outcome, error)

// suites is the one table of the Go peer: every suite it runs and the
// function that runs it, sorted by name. It is built on each call, so
// nothing outside it can add, remove or replace a suite.
func suites() []struct {
	name string
	run  Func
} {
	return []struct {
		name string
		run  Func
	}{
		{"envelope.detect", detect},
		{"envelope.malformed", open},
		{"envelope.migrate", migrate},
		{"envelope.open_v1", open},
		{"envelope.open_v2", open},
		{"envelope.roundtrip", roundtrip},
		{"ids.create_unique_uuid", createUniqueUUID},
		{"ids.string_to_uuid", stringToUUID},
		{"manifest.validate", manifestValidate},
		{pluginsuite.Suite, examplePlugin},
		{"redact.context", redactContextSuite},
		{"redact.secrets", redactSecretsSuite},
		{"redact.text", redactTextSuite},
		{"salt.policy", saltPolicy},
		{"secrets.scan", secretsScan},
		{"serialize.roundtrip", serializeRoundtrip},
	}
}

// examplePlugin runs a plugin.example case on the Go reference of the
// example plugin, in process; each case gets a fresh plugin.
func examplePlugin(raw json.RawMessage) (vector.Outcome, error) {
	out, err := pluginsuite.Run(context.Background(), exampleplugin.New(), raw)
	if errors.Is(err, pluginsuite.ErrInput) {
		return vector.Outcome{}, fmt.Errorf("%w: %v", ErrInput, err)
	}
	return out, err
}

// Lookup returns the function of a suite.
func Lookup(name string) (Func, bool) {
	for _, s := range suites() {
		if s.name == name {
			return s.run, true
		}
	}
	return nil, false
}

// Names lists the supported suites in sorted order.
func Names() []string {
	all := suites()
	out := make([]string, 0, len(all))
	for _, s := range all {
		out = append(out, s.name)
	}
	sort.Strings(out)
	return out
}

// ErrInput reports a case input the suite cannot interpret.
var ErrInput = errors.New("suite: invalid case input")

// decodeInput decodes a case input strictly: unknown members and missing
// required ones are harness errors.
func decodeInput(raw json.RawMessage, v any, required ...string) error {
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrInput, err)
	}
	if len(required) == 0 {
		return nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return fmt.Errorf("%w: %v", ErrInput, err)
	}
	for _, name := range required {
		if _, ok := members[name]; !ok {
			return fmt.Errorf("%w: missing %q", ErrInput, name)
		}
	}
	return nil
}

// textOrHex is the input member pair of suites that read a document: its
// text, or, for bytes that are not valid UTF-8, its bytes in hex.
type textOrHex struct {
	Text *string `json:"text"`
	Hex  *string `json:"hex"`
}

// bytes returns the document, requiring exactly one of the two members.
func (in textOrHex) bytes() ([]byte, error) {
	switch {
	case in.Text != nil && in.Hex == nil:
		return []byte(*in.Text), nil
	case in.Hex != nil && in.Text == nil:
		b, err := hex.DecodeString(*in.Hex)
		if err != nil {
			return nil, fmt.Errorf("%w: hex: %v", ErrInput, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: want exactly one of \"text\" and \"hex\"", ErrInput)
}

func output(v any) (vector.Outcome, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return vector.Outcome{}, err
	}
	return vector.Outcome{Output: b}, nil
}

func failed(kind string) (vector.Outcome, error) { return vector.Outcome{Error: kind}, nil }

// kindOf maps the errors of packages ids and envelope onto spec error
// kinds. The kinds they share with the JSON layer (invalid UTF-8, a type or
// a number out of range) are its sentinels, named by its one table.
func kindOf(err error) (string, bool) {
	if k, ok := jsontext.KindOf(err); ok {
		return k.Name(), true
	}
	switch {
	case errors.Is(err, ids.ErrInvalidAgentID):
		return "invalid_agent_id", true
	case errors.Is(err, envelope.ErrNotEnvelope):
		return "not_envelope", true
	case errors.Is(err, envelope.ErrMalformed):
		return "malformed", true
	case errors.Is(err, envelope.ErrAuthFailed):
		return "auth_failed", true
	case errors.Is(err, envelope.ErrDefaultSaltInProduction):
		return "default_salt_in_production", true
	}
	return "", false
}

// result turns a Go result into an outcome.
func result(v any, err error) (vector.Outcome, error) {
	if err == nil {
		return output(v)
	}
	if k, ok := kindOf(err); ok {
		return failed(k)
	}
	return vector.Outcome{}, err
}

type idInput struct {
	Kind  string          `json:"kind"`
	Value json.RawMessage `json:"value"`
	Hex   string          `json:"hex"`
}

func stringToUUID(raw json.RawMessage) (vector.Outcome, error) {
	var in idInput
	if err := decodeInput(raw, &in, "kind"); err != nil {
		return vector.Outcome{}, err
	}
	var s string
	switch in.Kind {
	case "string", "integer", "float":
		if err := json.Unmarshal(in.Value, &s); err != nil {
			return vector.Outcome{}, fmt.Errorf("%w: %s value: %v", ErrInput, in.Kind, err)
		}
	}
	switch in.Kind {
	case "string":
		return result(ids.StringToUUID(s))
	case "bytes":
		b, err := hex.DecodeString(in.Hex)
		if err != nil {
			return vector.Outcome{}, fmt.Errorf("%w: bytes hex: %v", ErrInput, err)
		}
		return result(ids.StringToUUID(string(b)))
	case "utf16":
		u, err := wtf8FromUTF16Hex(in.Hex)
		if err != nil {
			return vector.Outcome{}, err
		}
		return result(ids.StringToUUID(u))
	case "integer":
		return result(ids.ValueToUUID(json.Number(s)))
	case "float":
		f, err := parseJSFloat(s)
		if err != nil {
			return vector.Outcome{}, err
		}
		return result(ids.ValueToUUID(f))
	case "boolean":
		var b bool
		if err := json.Unmarshal(in.Value, &b); err != nil {
			return vector.Outcome{}, fmt.Errorf("%w: boolean value: %v", ErrInput, err)
		}
		return result(ids.ValueToUUID(b))
	case "null":
		return result(ids.ValueToUUID(nil))
	}
	return vector.Outcome{}, fmt.Errorf("%w: unknown kind %q", ErrInput, in.Kind)
}

// wtf8FromUTF16Hex turns UTF-16 code units into bytes, encoding a lone
// surrogate as its three-byte (invalid UTF-8) form so that the
// implementation, not this harness, decides what to do with it.
func wtf8FromUTF16Hex(h string) (string, error) {
	if len(h)%4 != 0 {
		return "", fmt.Errorf("%w: utf16 hex length %d is not a multiple of 4", ErrInput, len(h))
	}
	units := make([]uint16, len(h)/4)
	for i := range units {
		v, err := strconv.ParseUint(h[4*i:4*i+4], 16, 16)
		if err != nil {
			return "", fmt.Errorf("%w: utf16 hex: %v", ErrInput, err)
		}
		units[i] = uint16(v)
	}
	var b []byte
	for i := 0; i < len(units); i++ {
		u := rune(units[i])
		if 0xd800 <= u && u < 0xdc00 && i+1 < len(units) && 0xdc00 <= units[i+1] && units[i+1] < 0xe000 {
			r := 0x10000 + (u-0xd800)<<10 + (rune(units[i+1]) - 0xdc00)
			b = utf8.AppendRune(b, r)
			i++
			continue
		}
		if 0xd800 <= u && u < 0xe000 {
			b = append(b, byte(0xe0|u>>12), byte(0x80|(u>>6)&0x3f), byte(0x80|u&0x3f))
			continue
		}
		b = utf8.AppendRune(b, u)
	}
	return string(b), nil
}

func parseJSFloat(s string) (float64, error) {
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: float value %q: %v", ErrInput, s, err)
	}
	return f, nil
}

func createUniqueUUID(raw json.RawMessage) (vector.Outcome, error) {
	var in struct {
		AgentID string `json:"agentId"`
		Base    string `json:"base"`
	}
	if err := decodeInput(raw, &in, "agentId", "base"); err != nil {
		return vector.Outcome{}, err
	}
	return result(ids.CreateUniqueUUID(in.AgentID, in.Base))
}

type saltValue struct {
	Salt  string `json:"salt"`
	Value string `json:"value"`
}

func key(salt string) (*envelope.Key, error) {
	k, err := envelope.NewKey(salt)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInput, err)
	}
	return k, nil
}

func open(raw json.RawMessage) (vector.Outcome, error) {
	var in saltValue
	if err := decodeInput(raw, &in, "salt", "value"); err != nil {
		return vector.Outcome{}, err
	}
	k, err := key(in.Salt)
	if err != nil {
		return vector.Outcome{}, err
	}
	return result(k.Open(in.Value))
}

func detect(raw json.RawMessage) (vector.Outcome, error) {
	var in struct {
		Value string `json:"value"`
	}
	if err := decodeInput(raw, &in, "value"); err != nil {
		return vector.Outcome{}, err
	}
	switch {
	case envelope.IsV2(in.Value):
		return output("v2")
	case envelope.IsV1(in.Value):
		return output("v1")
	}
	return output("none")
}

// migrate returns what Migrate returned: the gate judges it
// (internal/envcheck), as it does every peer's.
func migrate(raw json.RawMessage) (vector.Outcome, error) {
	var in saltValue
	if err := decodeInput(raw, &in, "salt", "value"); err != nil {
		return vector.Outcome{}, err
	}
	k, err := key(in.Salt)
	if err != nil {
		return vector.Outcome{}, err
	}
	return result(k.Migrate(in.Value))
}

// sealInput reads {"salt", "plaintext"}, the input of envelope.roundtrip
// and of the envelope.seal op.
func sealInput(raw json.RawMessage) (*envelope.Key, string, error) {
	var in struct {
		Salt      string `json:"salt"`
		Plaintext string `json:"plaintext"`
	}
	if err := decodeInput(raw, &in, "salt", "plaintext"); err != nil {
		return nil, "", err
	}
	k, err := key(in.Salt)
	return k, in.Plaintext, err
}

// roundtrip returns what Seal returned: the gate checks the envelope.
func roundtrip(raw json.RawMessage) (vector.Outcome, error) {
	k, plaintext, err := sealInput(raw)
	if err != nil {
		return vector.Outcome{}, err
	}
	return result(k.Seal(plaintext))
}

func saltPolicy(raw json.RawMessage) (vector.Outcome, error) {
	var in struct {
		Env map[string]string `json:"env"`
	}
	if err := decodeInput(raw, &in, "env"); err != nil {
		return vector.Outcome{}, err
	}
	lookup := func(k string) (string, bool) { v, ok := in.Env[k]; return v, ok }
	salt, err := envelope.SaltFromEnv(lookup, discard)
	if err != nil {
		return result(nil, err)
	}
	return output(struct {
		Salt    string `json:"salt"`
		Default bool   `json:"default"`
	}{salt, salt == envelope.DefaultSalt})
}

// discard drops the default-salt warning: a case's environment is
// evaluated, not put in force, so there is nothing to warn an operator of.
var discard = slog.New(slog.DiscardHandler)

// Check runs a case through the Go reference as the gate runs it on any
// peer — as many times as envcheck.Runs says — and returns the outcome the
// gate compares with the case (envcheck.Interpret) and any finding.
func Check(suiteName string, c *vector.Case) (vector.Outcome, string, error) {
	run, ok := Lookup(suiteName)
	if !ok {
		return vector.Outcome{}, "", fmt.Errorf("%w: suite %q has no Go implementation", ErrInput, suiteName)
	}
	var outs []vector.Outcome
	for range envcheck.Runs(suiteName) {
		o, err := run(c.Input)
		if err != nil {
			return vector.Outcome{}, "", err
		}
		outs = append(outs, o)
	}
	got, finding := envcheck.Interpret(suiteName, c, outs)
	return got, finding, nil
}
