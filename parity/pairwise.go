package parity

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/vector"
)

// PairwiseSuite names the seal/open matrix in reports.
const PairwiseSuite = "pairwise.envelope"

// pairwiseSalt and pairwisePlaintexts are the fixed material of the
// matrix: plain ASCII, the empty string, separators that matter to the
// envelope format, multi-byte text at block boundaries, and a long value.
const pairwiseSalt = "parity-pairwise-salt"

var pairwisePlaintexts = []struct{ name, text string }{
	{"ascii", "sk-live-0123456789abcdef"},
	{"empty", ""},
	{"colons", "postgres://user:pa:ss@host:5432/db"},
	{"unicode", "Café 日本語 👩‍💻 données"},
	{"block-straddle", strings.Repeat("a", 15) + "é"},
	{"long", strings.Repeat("0123456789abcdef", 256)},
}

// pairwise has every peer that offers envelope.seal seal each plaintext,
// and every other peer that offers envelope.open open it.
func pairwise(ctx context.Context, runners []*runner, cfg *Config) []Result {
	if !matchAny(cfg.Suites, PairwiseSuite) || cfg.Shards > 1 && cfg.Shard != 1 {
		return nil
	}
	var out []Result
	for _, a := range runners {
		if a.p == nil || a.down || !a.p.Offers(peerproto.OpSeal) {
			continue
		}
		for _, pt := range pairwisePlaintexts {
			if !matchAny(cfg.Cases, a.spec.Name+":"+pt.name) {
				continue
			}
			sealRes, sealed := a.seal(ctx, pt.name, pt.text)
			if sealRes != nil {
				out = append(out, *sealRes)
				continue
			}
			for _, b := range runners {
				if b == a || b.p == nil || b.down || !b.p.Offers(peerproto.OpOpen) {
					continue
				}
				out = append(out, b.open(ctx, a.spec.Name, pt.name, pt.text, sealed))
			}
		}
	}
	return out
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // strings and maps of strings always marshal
	}
	return b
}

// seal returns the envelope, or a failed Result attributed to the sealer.
func (r *runner) seal(ctx context.Context, name, text string) (*Result, string) {
	in := mustJSON(map[string]string{"salt": pairwiseSalt, "plaintext": text})
	res := Result{Peer: r.spec.Name, Producer: r.spec.Name, Suite: PairwiseSuite, Case: r.spec.Name + ":" + name + ":seal",
		Description: "seal for the pairwise matrix", Input: in}
	t0 := time.Now()
	m, err := r.p.Run(ctx, &peerproto.Message{Op: peerproto.OpSeal, Input: in}, r.cfg.CaseTimeout)
	res.Micros = time.Since(t0).Microseconds()
	var sealed string
	switch {
	case err != nil:
		res.Status, res.Message = Fail, err.Error()
		r.failed = true
		r.restart(ctx)
	case m.Skip != "":
		res.Status, res.Message = Skip, m.Skip
	case m.Error != "":
		res.Status, res.Message = Fail, "seal failed: "+m.Error
		res.Got = &vector.Outcome{Error: m.Error}
	case json.Unmarshal(m.Output, &sealed) != nil:
		res.Status, res.Message = Fail, "seal output is not a string"
		res.Got = &vector.Outcome{Output: m.Output}
	default:
		return nil, sealed
	}
	return &res, ""
}

// open opens another peer's envelope.
func (r *runner) open(ctx context.Context, producer, name, text, sealed string) Result {
	in := mustJSON(map[string]string{"salt": pairwiseSalt, "value": sealed})
	want := vector.Outcome{Output: mustJSON(text)}
	res := Result{Peer: r.spec.Name, Producer: producer, Suite: PairwiseSuite, Case: producer + ":" + name,
		Description: fmt.Sprintf("%s seals %s, %s opens it", producer, name, r.spec.Name), Input: in, Expected: &want}
	t0 := time.Now()
	m, err := r.p.Run(ctx, &peerproto.Message{Op: peerproto.OpOpen, Input: in}, r.cfg.CaseTimeout)
	res.Micros = time.Since(t0).Microseconds()
	if err != nil {
		res.Status, res.Message = Fail, err.Error()
		r.failed = true
		r.restart(ctx)
		return res
	}
	c := vector.Case{ID: res.Case, Output: want.Output, Result: vector.Valid}
	// The case expects an output, so any error, "unspecified" included,
	// fails: an envelope that should open did not.
	judge(&res, &c, m)
	return res
}
