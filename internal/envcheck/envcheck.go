// Package envcheck is how the gate judges envelopes that implementations
// produce. A peer reports the string its upstream's seal or migrate
// returned; envcheck checks that string against spec/envelope.md with the Go
// reference — canonical form, opens under the case's salt to the right
// plaintext, a fresh IV on every seal — and turns it into the outcome
// vocabulary of the envelope.roundtrip and envelope.migrate suites
// (spec/vectors.md), so that no implementation ever grades itself.
package envcheck

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/vector"
)

// Statuses of the interpreted outcome. The first three are the suites' own
// ({"status": …} of spec/vectors.md); the others name what was wrong with
// an envelope and never match a case.
const (
	StatusSealed    = "sealed"
	StatusUnchanged = "unchanged"
	StatusMigrated  = "migrated"

	StatusNotEnvelope    = "not-an-envelope"        // neither the input nor an envelope
	StatusNotCanonical   = "not-canonical"          // envelope-shaped, but not as spec/envelope.md writes v2
	StatusDoesNotOpen    = "does-not-open"          // the Go reference cannot open it under the salt
	StatusWrongPlaintext = "opens-to-another-text"  // it opens, to something else
	StatusIVRepeated     = "iv-repeated"            // two seals of one plaintext share an IV
	StatusInconsistent   = "inconsistent"           // one seal returned the plaintext, another sealed it
	StatusNotString      = "output-is-not-a-string" // the peer's output is not a JSON string
)

// LeftInClear names the worst finding the gate can make: a secret the
// spec says must be sealed came back as it was.
const LeftInClear = "secret-left-in-clear"

type status struct {
	Status    string  `json:"status"`
	Plaintext *string `json:"plaintext,omitempty"`
}

func outcome(s string, plaintext *string) vector.Outcome {
	b, _ := json.Marshal(status{Status: s, Plaintext: plaintext}) // a string and a string pointer always marshal
	return vector.Outcome{Output: b}
}

// Canonical reports whether v is a v2 envelope as a conforming writer
// emits it for a plaintext of n UTF-8 bytes: lower-case hex, a 12-byte IV,
// an n-byte ciphertext and a 16-byte tag.
func Canonical(v string, n int) bool {
	rest, ok := strings.CutPrefix(v, "v2:")
	if !ok {
		return false
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 || len(parts[0]) != 24 || len(parts[1]) != 2*n || len(parts[2]) != 32 {
		return false
	}
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if c := p[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// IV returns the 12 IV bytes of a canonical v2 envelope.
func IV(v string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(v, "v2:")
	if !ok || len(rest) < 24 {
		return nil, false
	}
	iv, err := hex.DecodeString(rest[:24])
	return iv, err == nil
}

// check judges one sealed value: "" when it is a canonical v2 envelope
// that opens under k to plaintext, otherwise the status naming the fault.
func check(k *envelope.Key, plaintext, sealed string) string {
	if !envelope.IsV2(sealed) && !envelope.IsV1(sealed) {
		return StatusNotEnvelope
	}
	if !Canonical(sealed, len(plaintext)) {
		return StatusNotCanonical
	}
	got, err := k.Open(sealed)
	switch {
	case err != nil:
		return StatusDoesNotOpen
	case got != plaintext:
		return StatusWrongPlaintext
	}
	return ""
}

// SealInput is the input of envelope.roundtrip and of the envelope.seal op.
type SealInput struct {
	Salt      string `json:"salt"`
	Plaintext string `json:"plaintext"`
}

// MigrateInput is the input of envelope.migrate.
type MigrateInput struct {
	Salt  string `json:"salt"`
	Value string `json:"value"`
}

// Seals interprets the outputs of seals of one plaintext (two or more, so
// that a repeated IV shows): {"status":"unchanged"} when every seal returned
// the plaintext itself, {"status":"sealed"} when every one is a canonical
// v2 envelope opening to it with IVs all different, otherwise an outcome
// naming the fault. An error, raised error or fault of any seal is the
// outcome. The second result is LeftInClear when the plaintext came back
// and want is "sealed".
func Seals(in SealInput, outs []vector.Outcome, want string) (vector.Outcome, string) {
	k, err := envelope.NewKey(in.Salt)
	if err != nil {
		return vector.Outcome{Fault: "the gate cannot derive a key from the case's salt"}, ""
	}
	var texts []string
	for _, o := range outs {
		if o.Output == nil {
			return o, ""
		}
		var s string
		if json.Unmarshal(o.Output, &s) != nil {
			return outcome(StatusNotString, nil), ""
		}
		texts = append(texts, s)
	}
	clear := 0
	for _, s := range texts {
		if s == in.Plaintext {
			clear++
		}
	}
	switch {
	case clear == len(texts):
		if want == StatusSealed {
			return outcome(StatusUnchanged, nil), LeftInClear
		}
		return outcome(StatusUnchanged, nil), ""
	case clear > 0:
		return outcome(StatusInconsistent, nil), LeftInClear
	}
	seen := map[string]bool{}
	for _, s := range texts {
		if bad := check(k, in.Plaintext, s); bad != "" {
			return outcome(bad, nil), ""
		}
		iv, _ := IV(s)
		if seen[string(iv)] {
			return outcome(StatusIVRepeated, nil), ""
		}
		seen[string(iv)] = true
	}
	return outcome(StatusSealed, nil), ""
}

// Migrate interprets what a migrate returned: {"status":"unchanged"} when it
// is the input itself, {"status":"migrated","plaintext":p} when it is a
// fresh canonical v2 envelope that opens under the salt to p, otherwise an
// outcome naming the fault. want is the case's expected plaintext, if it
// expects a migration: a result equal to it is LeftInClear.
func Migrate(in MigrateInput, out vector.Outcome, want *string) (vector.Outcome, string) {
	if out.Output == nil {
		return out, ""
	}
	var s string
	if json.Unmarshal(out.Output, &s) != nil {
		return outcome(StatusNotString, nil), ""
	}
	finding := ""
	if want != nil && s == *want && s != in.Value {
		finding = LeftInClear
	}
	if s == in.Value {
		return outcome(StatusUnchanged, nil), finding
	}
	k, err := envelope.NewKey(in.Salt)
	if err != nil {
		return vector.Outcome{Fault: "the gate cannot derive a key from the case's salt"}, ""
	}
	if !envelope.IsV2(s) && !envelope.IsV1(s) {
		return outcome(StatusNotEnvelope, nil), finding
	}
	p, err := k.Open(s)
	switch {
	case err != nil:
		return outcome(StatusDoesNotOpen, nil), finding
	case !Canonical(s, len(p)):
		return outcome(StatusNotCanonical, nil), finding
	}
	return outcome(StatusMigrated, &p), finding
}

// Randomness summarises the IVs of many seals by one implementation.
type Randomness struct {
	Seals    int   // envelopes looked at
	Distinct int   // distinct IVs among them
	Constant []int // IV bit positions (0 = the most significant bit of byte 0) equal in every seal
}

// IVs looks at the IVs of canonical v2 envelopes. With 64 seals, a bit
// that is the same in all of them by chance has probability 2^-63; the 96
// bits together 96·2^-63, so a constant bit is structure, not luck.
func IVs(envelopes []string) (Randomness, error) {
	r := Randomness{Seals: len(envelopes)}
	var first []byte
	var diff [12]byte
	seen := map[string]bool{}
	for i, e := range envelopes {
		iv, ok := IV(e)
		if !ok || len(iv) != 12 {
			return r, fmt.Errorf("envcheck: seal %d is not a v2 envelope with a 12-byte iv", i+1)
		}
		if first == nil {
			first = iv
		}
		for j := range diff {
			diff[j] |= iv[j] ^ first[j]
		}
		seen[string(iv)] = true
	}
	r.Distinct = len(seen)
	for bit := 0; bit < 96; bit++ {
		if diff[bit/8]&(0x80>>(bit%8)) == 0 {
			r.Constant = append(r.Constant, bit)
		}
	}
	return r, nil
}

// Runs returns how many times the gate runs a case of the suite: twice for
// envelope.roundtrip, so that a repeated IV shows; once otherwise.
func Runs(suite string) int {
	if suite == "envelope.roundtrip" {
		return 2
	}
	return 1
}

// Interpret turns what an implementation returned for a case (one outcome
// per run, Runs(suite) of them) into the outcome the case is compared with,
// and names a finding (LeftInClear) where there is one. Suites whose
// outputs the gate does not interpret return the first outcome unchanged.
func Interpret(suite string, c *vector.Case, outs []vector.Outcome) (vector.Outcome, string) {
	if len(outs) == 0 {
		return vector.Outcome{Fault: "no outcome"}, ""
	}
	var want status
	_ = json.Unmarshal(c.Output, &want) // an error case has no output: want stays empty
	switch suite {
	case "envelope.roundtrip":
		var in SealInput
		if json.Unmarshal(c.Input, &in) != nil {
			return vector.Outcome{Fault: "the case's input is not {salt, plaintext}"}, ""
		}
		return Seals(in, outs, want.Status)
	case "envelope.migrate":
		var in MigrateInput
		if json.Unmarshal(c.Input, &in) != nil {
			return vector.Outcome{Fault: "the case's input is not {salt, value}"}, ""
		}
		return Migrate(in, outs[0], want.Plaintext)
	}
	return outs[0], ""
}
