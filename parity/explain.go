package parity

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/interopkit/interop/internal/fuzzgen"
	"github.com/interopkit/interop/internal/secretscan"
	"github.com/interopkit/interop/internal/vector"
)

// An explanation is a model, written in Go, of one sort of upstream
// deviation described in vectors/ and the known-failure lists ("reads hex
// fields leniently", "prints the finding's line in clear"). The fuzzer's
// first test of "known" is the input's shape (PeerSignature): a deviation
// is known for the shapes vectors/ show it on, and each new shape of it
// was a new cause. An explanation makes a sort known whatever the shape,
// under these rules:
//
//   - It is in force for a peer only on evidence: a known failure or
//     tolerated answer of that peer, in this run, whose entry, rule or
//     case flags name the sort for that peer (named), and that the model
//     reproduces, not merely through the signature that already made the
//     answer known (learnAll). Set the naming entries aside and the model
//     is out of force: the sort is found again.
//   - It explains an answer only by reproducing it exactly (the same
//     fingerprint), never by its kind.
//   - A rewrite never decides alone: it names the input the peer is
//     believed to read, the peer itself is asked about that input, and the
//     disagreement is explained only when the peer answers it exactly as
//     it answered the original and that answer passes, is tolerated, is
//     listed, or is known by its exact shape.
//
// What a model cannot rule out: an answer that carries little (detect's
// "v1") can be the same for another reason than the model's. That is why
// a model is given only to a peer whose lists name its sort, and why the
// summary names each model in force with its evidence and count.
type explanation struct {
	name string
	// sort is the deviation's flag without its peer ("lenient-hex" of
	// ts-lenient-hex), and phrases words of a known-failure reason that
	// name it: evidence must name the sort for that peer (named).
	sort    string
	phrases []string
	suites  []string
	// rewrite returns the input as the deviating peer reads it; false
	// when it reads this input as given.
	rewrite func(in fuzzgen.Input) (fuzzgen.Input, bool)
	// answer returns the peer's exact answer, computed from the input and
	// the Go reference's outcome; false when the model has none.
	answer func(in fuzzgen.Input, ref vector.Outcome) (vector.Outcome, bool)
}

func (x *explanation) covers(s string) bool { return contains(x.suites, s) }

// named reports whether a peer's known or tolerated answer to case c,
// known for reason (the entry's or rule's; "" when tolerated), is said to
// be of x's sort: the case carries the flag "<peer>-<sort>", or the reason
// names that flag or one of x's phrases. Only such an answer can put x in
// force, so that a peer gets a model only for a sort its own list or
// vectors/ name.
func (x *explanation) named(peer string, c *vector.Case, reason string) bool {
	if x.sort != "" && (contains(c.Flags, peer+"-"+x.sort) || strings.Contains(reason, peer+"-"+x.sort)) {
		return true
	}
	for _, p := range x.phrases {
		if strings.Contains(reason, p) {
			return true
		}
	}
	return false
}

var envelopeSuites = []string{"envelope.detect", "envelope.malformed", "envelope.migrate", "envelope.open_v1", "envelope.open_v2", "envelope.roundtrip"}

// explanations is the catalogue. Each entry names the deviation as the
// lists and vectors/ describe it. The narrower of two models that can
// explain one answer comes first, so that the count goes to it.
var explanations = []*explanation{
	{
		// Python's bytes.fromhex skips ASCII white space between pairs.
		name:    "hex fields read skipping white space between hex pairs",
		phrases: []string{"bytes.fromhex skips"},
		suites:  envelopeSuites,
		rewrite: func(in fuzzgen.Input) (fuzzgen.Input, bool) { return rewriteHexFields(in, fromhexSpaces) },
	},
	{
		// ts-lenient-hex: every non-hex character of a field is deleted and
		// a trailing odd nibble dropped before the hex is read.
		name:    "hex fields read leniently (non-hex characters deleted, an odd nibble dropped)",
		sort:    "lenient-hex",
		suites:  envelopeSuites,
		rewrite: func(in fuzzgen.Input) (fuzzgen.Input, bool) { return rewriteHexFields(in, lenientHex) },
	},
	{
		// check-secrets.js prints each finding with its line as it is.
		name:    "findings printed with the trimmed line in clear",
		phrases: []string{"prints each finding with the line as it is"},
		suites:  []string{"secrets.scan"},
		answer:  linesInClear,
	},
}

// explained returns the name of the explanation in force for the peer that
// accounts for its failing answer res to input in (judged against ref), or
// "". r is the peer's runner: a rewrite asks it about the rewritten input.
func (f *fuzzer) explained(ctx context.Context, s string, in fuzzgen.Input, ref vector.Outcome, r *runner, res *Result, known map[string]bool) string {
	if res.Observed == "" || res.Got == nil {
		return "" // a crash, a timeout or the peer's own fault: never explained
	}
	for _, x := range explanations {
		if f.evidence[r.spec.Name][x.name] == "" || !x.covers(s) {
			continue
		}
		if f.explains(ctx, x, s, in, ref, r, res, known, "") {
			return x.name
		}
	}
	return ""
}

// explains reports whether x accounts for res, the peer's failing answer
// to in. own, when set, is the signature (PeerSignature) that makes res
// known already: a rewrite that leads to an input known only by that same
// signature explains nothing, and does not count (learn).
func (f *fuzzer) explains(ctx context.Context, x *explanation, s string, in fuzzgen.Input, ref vector.Outcome, r *runner, res *Result, known map[string]bool, own string) bool {
	if x.answer != nil {
		want, ok := x.answer(in, ref)
		return ok && want.Fingerprint() == res.Observed
	}
	read, ok := x.rewrite(in)
	if !ok {
		return false
	}
	raw, err := json.Marshal(read)
	if err != nil {
		return false
	}
	c, file, _, ok := f.reference(s, raw)
	if !ok {
		return false
	}
	// A crash or hang here leaves the original answer new (Observed is
	// empty), and counts toward the peer's fault limits as any other.
	again := r.runOne(ctx, job{file: file, c: c})
	applyKnownOne(&again, f.cfg.Known[r.spec.Name])
	if again.Observed != res.Observed {
		return false // the peer does not read the input as the model says
	}
	if again.Status == Pass || again.Status == Stale {
		return true
	}
	sig := PeerSignature(s, fuzzgen.Shape(s, read), OutcomeKind(s, c.Expected(), "", ""), r.spec.Name, resultKind(s, &again))
	if sig == own {
		return false
	}
	switch again.Status {
	case Tolerated, Known:
		return true
	case Fail:
		// Known by its exact shape only: the any-shape rule (anyShape)
		// is about the error a peer names, not about how it reads input.
		return known[sig]
	}
	return false
}

// rewriteHexFields applies read to each field of the envelope-like value
// of an envelope suite's input ("value", or "plaintext" of
// envelope.roundtrip): the fields after "v2:" of a v2 value, every
// ":"-separated field otherwise. False when nothing changes or read
// refuses a field.
func rewriteHexFields(in fuzzgen.Input, read func(string) (string, bool)) (fuzzgen.Input, bool) {
	key := "value"
	if _, ok := in["plaintext"]; ok {
		key = "plaintext"
	}
	v, ok := in[key].(string)
	if !ok || !strings.Contains(v, ":") {
		return nil, false
	}
	prefix, rest := "", v
	if r, ok := strings.CutPrefix(v, "v2:"); ok {
		prefix, rest = "v2:", r
	}
	fields := strings.Split(rest, ":")
	for i, fl := range fields {
		nf, ok := read(fl)
		if !ok {
			return nil, false
		}
		fields[i] = nf
	}
	nv := prefix + strings.Join(fields, ":")
	if nv == v {
		return nil, false
	}
	out := fuzzgen.Input{}
	for k, x := range in {
		out[k] = x
	}
	out[key] = nv
	return out, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// lenientHex keeps the hex digits of f and drops a trailing odd one.
func lenientHex(f string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if isHex(f[i]) {
			b.WriteByte(f[i])
		}
	}
	out := b.String()
	return out[:len(out)&^1], true
}

// fromhexSpaces reads f as Python's bytes.fromhex does with respect to
// white space: ASCII white space (space, \t, \n, \v, \f, \r) is skipped
// between pairs of digits; inside a pair it is an error, and then the
// field is not rewritten (false).
func fromhexSpaces(f string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(f); {
		if isPySpace(f[i]) {
			i++
			continue
		}
		if i+1 < len(f) && isPySpace(f[i+1]) {
			return "", false
		}
		end := min(i+2, len(f))
		b.WriteString(f[i:end])
		i = end
	}
	return b.String(), true
}

func isPySpace(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r'
}

// linesInClear is the reference's findings with each printed text the
// line itself, trimmed but not masked.
func linesInClear(in fuzzgen.Input, ref vector.Outcome) (vector.Outcome, bool) {
	text, ok := in["text"].(string)
	if !ok || ref.Output == nil {
		return vector.Outcome{}, false
	}
	var findings []secretscan.Finding
	if json.Unmarshal(ref.Output, &findings) != nil || len(findings) == 0 {
		return vector.Outcome{}, false
	}
	for i := range findings {
		line, ok := secretscan.PrintedLine(text, findings[i].Line)
		if !ok {
			return vector.Outcome{}, false
		}
		findings[i].Text = line
	}
	b, err := json.Marshal(findings)
	if err != nil {
		return vector.Outcome{}, false
	}
	return vector.Outcome{Output: b}, true
}
