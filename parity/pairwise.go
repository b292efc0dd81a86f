package parity

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/interopkit/interop/internal/envcheck"
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

// ivSeals is how many times each sealing peer seals one plaintext for the
// IV checks: enough that a bit constant across all of them is structure
// (probability 2^-(ivSeals-1) per bit by chance).
const ivSeals = 64

// pairwise has every peer that offers envelope.seal seal each plaintext —
// the gate checks each envelope with the Go reference — and every other
// peer that offers envelope.open open it. Each sealer's IVs are then
// checked for repeats and for bits that never change.
func pairwise(ctx context.Context, runners []*runner, cfg *Config) []Result {
	if !matchAny(cfg.Suites, PairwiseSuite) || cfg.Shards > 1 && cfg.Shard != 1 {
		return nil
	}
	var out []Result
	for _, a := range runners {
		if !a.offers(peerproto.OpSeal) {
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
				if b != a && b.offers(peerproto.OpOpen) {
					out = append(out, b.open(ctx, a.spec.Name, pt.name, pt.text, sealed))
				}
			}
		}
		if matchAny(cfg.Cases, a.spec.Name+":iv") {
			out = append(out, a.ivChecks(ctx)...)
		}
	}
	return out
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // strings, maps of strings and ints always marshal
	}
	return b
}

// sealOnce asks the peer to seal text and checks the envelope with the Go
// reference: it returns the envelope, or the failing result.
func (r *runner) sealOnce(ctx context.Context, res *Result, text string) (string, bool) {
	in := envcheck.SealInput{Salt: pairwiseSalt, Plaintext: text}
	m, err := r.call(ctx, &peerproto.Message{Op: peerproto.OpSeal, Input: mustJSON(in)})
	if err != nil {
		res.setError(err)
		return "", false
	}
	if m.Skip != "" {
		res.Status, res.Judged, res.Message = Skip, Skip, m.Skip
		return "", false
	}
	raw := m.Outcome()
	got, finding := envcheck.Seals(in, []vector.Outcome{raw}, envcheck.StatusSealed)
	c := vector.Case{ID: res.Case, Output: mustJSON(map[string]string{"status": envcheck.StatusSealed}), Result: vector.Valid}
	if c.Matches(got) {
		var s string
		_ = json.Unmarshal(raw.Output, &s) // Seals checked it is a string
		return s, true
	}
	res.Got, res.Returned, res.Finding = &got, []vector.Outcome{raw}, finding
	res.Status, res.Judged = Fail, Fail
	if got.Fault == "" {
		res.Observed = got.Fingerprint()
	}
	res.Message = joinMsg("the envelope this peer sealed does not pass the Go reference's check", m.Message)
	return "", false
}

// seal returns the envelope, or a failed Result attributed to the sealer.
func (r *runner) seal(ctx context.Context, name, text string) (*Result, string) {
	want := vector.Outcome{Output: mustJSON(map[string]string{"status": envcheck.StatusSealed})}
	res := Result{Peer: r.spec.Name, Producer: r.spec.Name, Suite: PairwiseSuite, Case: r.spec.Name + ":" + name + ":seal",
		Description: "seal for the pairwise matrix", Input: mustJSON(envcheck.SealInput{Salt: pairwiseSalt, Plaintext: text}), Expected: &want}
	t0 := time.Now()
	sealed, ok := r.sealOnce(ctx, &res, text)
	res.Micros = time.Since(t0).Microseconds()
	if ok {
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
	m, err := r.call(ctx, &peerproto.Message{Op: peerproto.OpOpen, Input: in})
	res.Micros = time.Since(t0).Microseconds()
	if err != nil {
		res.setError(err)
		return res
	}
	c := vector.Case{ID: res.Case, Input: in, Output: want.Output, Result: vector.Valid}
	judge(&res, PairwiseSuite, &c, []*peerproto.Message{m})
	return res
}

// ivPlaintext is sealed ivSeals times for the IV checks.
const ivPlaintext = "iv-check"

// ivChecks seals one plaintext ivSeals times and reports two results: every
// IV distinct, and no IV bit the same in every seal (an IV taken from a
// UUIDv4, for example, fixes six of its bits).
func (r *runner) ivChecks(ctx context.Context) []Result {
	in := mustJSON(envcheck.SealInput{Salt: pairwiseSalt, Plaintext: ivPlaintext})
	distinct := Result{Peer: r.spec.Name, Producer: r.spec.Name, Suite: PairwiseSuite, Case: r.spec.Name + ":iv-distinct",
		Description: fmt.Sprintf("%d seals of one plaintext have %d different IVs", ivSeals, ivSeals), Input: in,
		Expected: &vector.Outcome{Output: mustJSON(map[string]int{"distinct": ivSeals})}}
	bits := Result{Peer: r.spec.Name, Producer: r.spec.Name, Suite: PairwiseSuite, Case: r.spec.Name + ":iv-random-bits",
		Description: fmt.Sprintf("no IV bit is the same in all %d seals (96 random bits)", ivSeals), Input: in,
		Expected: &vector.Outcome{Output: mustJSON(map[string][]int{"constantBits": {}})}}
	t0 := time.Now()
	var envs []string
	for range ivSeals {
		s, ok := r.sealOnce(ctx, &distinct, ivPlaintext)
		if !ok {
			// The failed seal is the finding; the IVs cannot be judged.
			distinct.Micros = time.Since(t0).Microseconds()
			return []Result{distinct}
		}
		envs = append(envs, s)
	}
	micros := time.Since(t0).Microseconds()
	rnd, err := envcheck.IVs(envs)
	if err != nil { // sealOnce checked every envelope, so this is the gate's own bug
		distinct.Status, distinct.Judged, distinct.Message = Fail, Fail, err.Error()
		return []Result{distinct}
	}
	for _, x := range []struct {
		res *Result
		out json.RawMessage
	}{
		{&distinct, mustJSON(map[string]int{"distinct": rnd.Distinct})},
		{&bits, mustJSON(map[string][]int{"constantBits": append([]int{}, rnd.Constant...)})},
	} {
		c := vector.Case{ID: x.res.Case, Input: in, Output: x.res.Expected.Output, Result: vector.Valid}
		x.res.Micros = micros
		judge(x.res, PairwiseSuite, &c, []*peerproto.Message{{Output: x.out}})
	}
	if len(rnd.Constant) > 0 {
		bits.Message = joinMsg(fmt.Sprintf("%d of 96 IV bits never change: %d random bits at most", len(rnd.Constant), 96-len(rnd.Constant)), bits.Message)
	}
	return []Result{distinct, bits}
}
