package parity

import (
	"encoding/json"

	"github.com/interopkit/interop/internal/envcheck"
	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/vector"
)

// Behaviours the gate recognises in a failing answer. A known-failure rule
// names one to cover every case of a suite where a peer shows it
// (KnownRule), instead of listing hundreds of case ids.
const (
	// BehaviourReturnsInput: the operation returned its input unchanged
	// where the spec says it fails (upstream's fail-open decrypt and
	// migrate).
	BehaviourReturnsInput = "returns-input"
	// BehaviourRaised: the implementation raised an error that has no
	// error kind of the spec.
	BehaviourRaised = "raised"
)

// judge decides a case from the peer's answers: the gate interprets what
// the peer returned (envcheck), then compares it with the case. Only the
// spec's outcome passes; an acceptable case also tolerates the answers its
// upstream observations list; anything else fails. The known-failure lists
// are applied later (applyKnown), from Judged.
func judge(res *Result, suite string, c *vector.Case, answers []*peerproto.Message) {
	for _, m := range answers {
		if m.Skip != "" {
			res.Status, res.Judged, res.Message = Skip, Skip, m.Skip
			return
		}
	}
	raw := outcomes(answers)
	got, finding := envcheck.Interpret(suite, c, raw)
	res.Got, res.Finding = &got, finding
	if !sameOutcome(got, raw[0]) || len(raw) > 1 {
		res.Returned = raw
	}
	for _, m := range answers {
		if m.Message != "" {
			res.Message = joinMsg(res.Message, m.Message)
		}
	}
	if got.Fault != "" {
		res.Message = joinMsg("the peer failed on its own (fault): "+got.Fault, res.Message)
	} else {
		res.Observed = got.Fingerprint()
	}
	switch {
	case c.Matches(got):
		res.Judged = Pass
	case c.Allows(got):
		res.Judged = Tolerated
		res.Message = joinMsg("an answer this acceptable case allows (an observed upstream deviation)", res.Message)
	default:
		res.Judged = Fail
		res.Behaviour = behaviour(suite, c, raw[0], got)
	}
	res.Status = res.Judged
}

// behaviour names a recognised way of failing, or "".
func behaviour(suite string, c *vector.Case, raw, got vector.Outcome) string {
	if got.Raised != "" {
		return BehaviourRaised
	}
	if c.Error == "" || got.Output == nil {
		return ""
	}
	if suite == "envelope.migrate" {
		var st struct{ Status string }
		if json.Unmarshal(got.Output, &st) == nil && st.Status == envcheck.StatusUnchanged {
			return BehaviourReturnsInput
		}
		return ""
	}
	var in struct {
		Value *string `json:"value"`
	}
	var out string
	if json.Unmarshal(c.Input, &in) == nil && in.Value != nil && json.Unmarshal(raw.Output, &out) == nil && out == *in.Value {
		return BehaviourReturnsInput
	}
	return ""
}

func sameOutcome(a, b vector.Outcome) bool {
	return a.Error == b.Error && a.Raised == b.Raised && a.Fault == b.Fault && string(a.Output) == string(b.Output)
}

func joinMsg(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ": " + b
}
