package parity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/interopkit/interop/internal/safefile"
)

// KnownFailures is a peer's list of expected failures, each with the
// reason and, where one exists, the upstream bug it reflects
// (parity/known-failures/<peer>.json). An entry pins one case to the
// answer observed (its fingerprint); a rule covers every case of a suite
// where the peer shows a named behaviour (upstream's fail-open decrypt, for
// one). The list is strict: a listed case that passes, or that fails with
// another answer, fails the gate until the list is updated.
type KnownFailures struct {
	Peer        string       `json:"peer"`
	Description string       `json:"description,omitempty"`
	Rules       []KnownRule  `json:"rules,omitempty"`
	Failures    []KnownEntry `json:"failures"`
}

// KnownEntry is one expected failure.
type KnownEntry struct {
	Case  string `json:"case"`
	Suite string `json:"suite"`
	// Observed is the fingerprint of the answer the failure was recorded
	// with (vector.Outcome.Fingerprint): another wrong answer is a change.
	Observed string `json:"observed"`
	Reason   string `json:"reason"`
	Upstream string `json:"upstream,omitempty"`
}

// KnownRule covers the failures of one suite that show one behaviour
// (BehaviourReturnsInput, BehaviourRaised). A crash, a timeout or a fault
// of the peer's own code is never covered.
type KnownRule struct {
	Suite     string `json:"suite"`
	Behaviour string `json:"behaviour"`
	Reason    string `json:"reason"`
	Upstream  string `json:"upstream,omitempty"`
}

// ErrKnownFailures reports an unreadable or malformed known-failure file.
var ErrKnownFailures = errors.New("parity: bad known-failure file")

// maxKnownFile bounds a known-failure file.
const maxKnownFile = 16 << 20

// LoadKnown reads dir/<peer>.json for each peer; a missing file is an
// empty list.
func LoadKnown(dir string, peers []string) (map[string]*KnownFailures, error) {
	out := map[string]*KnownFailures{}
	for _, p := range peers {
		path := filepath.Join(dir, p+".json")
		data, err := safefile.ReadFile(path, maxKnownFile)
		if errors.Is(err, os.ErrNotExist) {
			out[p] = &KnownFailures{Peer: p}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrKnownFailures, err)
		}
		var kf KnownFailures
		d := json.NewDecoder(bytes.NewReader(data))
		d.DisallowUnknownFields()
		if err := d.Decode(&kf); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrKnownFailures, path, err)
		}
		if kf.Peer != p {
			return nil, fmt.Errorf("%w: %s names another peer", ErrKnownFailures, path)
		}
		seen := map[string]bool{}
		for i, e := range kf.Failures {
			if e.Case == "" || e.Suite == "" || e.Reason == "" || e.Observed == "" {
				return nil, fmt.Errorf("%w: %s: entry %d needs a case, a suite, the observed fingerprint and a reason", ErrKnownFailures, path, i)
			}
			if seen[e.Suite+"/"+e.Case] {
				return nil, fmt.Errorf("%w: %s: case %s listed twice", ErrKnownFailures, path, e.Case)
			}
			seen[e.Suite+"/"+e.Case] = true
		}
		rules := map[string]bool{}
		for i, r := range kf.Rules {
			if r.Suite == "" || r.Reason == "" || (r.Behaviour != BehaviourReturnsInput && r.Behaviour != BehaviourRaised) {
				return nil, fmt.Errorf("%w: %s: rule %d needs a suite, a reason and a behaviour (%s or %s)", ErrKnownFailures, path, i, BehaviourReturnsInput, BehaviourRaised)
			}
			if rules[r.Suite+"/"+r.Behaviour] {
				return nil, fmt.Errorf("%w: %s: rule %d repeats suite and behaviour", ErrKnownFailures, path, i)
			}
			rules[r.Suite+"/"+r.Behaviour] = true
		}
		out[p] = &kf
	}
	return out, nil
}

func (kf *KnownFailures) entry(suite, c string) *KnownEntry {
	if kf == nil {
		return nil
	}
	for i := range kf.Failures {
		if e := &kf.Failures[i]; e.Case == c && e.Suite == suite {
			return e
		}
	}
	return nil
}

func (kf *KnownFailures) rule(suite, behaviour string) *KnownRule {
	if kf == nil || behaviour == "" {
		return nil
	}
	for i := range kf.Rules {
		if r := &kf.Rules[i]; r.Suite == suite && r.Behaviour == behaviour {
			return r
		}
	}
	return nil
}

// applyKnown decides each result's Status from its Judged verdict and the
// lists: a listed failure observed as recorded is Known, observed
// differently Changed, passing Stale; an unlisted failure showing a
// behaviour a rule names is Known.
func applyKnown(rep *Report, known map[string]*KnownFailures) {
	for i := range rep.Results {
		r := &rep.Results[i]
		applyKnownOne(r, known[r.Peer])
	}
}

// applyKnownOne decides one result's Status from its Judged verdict and
// its peer's list. The gate (applyKnown) and the fuzzer (Fuzz) both call
// it: one judgement of what is known.
func applyKnownOne(r *Result, kf *KnownFailures) {
	if r.Judged == "" {
		r.Judged = r.Status
	}
	r.Status, r.Reason, r.Listed = r.Judged, "", ""
	e := kf.entry(r.Suite, r.Case)
	switch {
	case e != nil && (r.Judged == Pass || r.Judged == Tolerated):
		r.Status, r.Reason = Stale, e.Reason
	case r.Judged != Fail:
	case r.Observed == "":
		// A crash, a timeout or the peer's own fault: never known.
	case e != nil && e.Observed == r.Observed:
		r.Status, r.Reason = Known, e.Reason
	case e != nil:
		r.Status, r.Reason, r.Listed = Changed, e.Reason, e.Observed
	case kf.rule(r.Suite, r.Behaviour) != nil:
		r.Status, r.Reason = Known, kf.rule(r.Suite, r.Behaviour).Reason
	}
}

// checkKnownEntries reports entries that can never match: a case that no
// vector file has, or a suite in play that the peer no longer declares (a
// peer that quietly stops running a suite must not pass with its known
// failures forgotten).
func (rep *Report) checkKnownEntries(known map[string]*KnownFailures, cases map[string]bool) {
	inPlay := map[string]bool{}
	for _, s := range rep.Suites {
		inPlay[s] = true
	}
	declared := map[string]map[string]bool{}
	for _, p := range rep.Peers {
		declared[p.Name] = map[string]bool{}
		for _, s := range p.Suites {
			declared[p.Name][s] = true
		}
		if len(p.Ops) > 0 {
			declared[p.Name][PairwiseSuite] = true
		}
	}
	for _, p := range rep.Peers {
		kf := known[p.Name]
		if kf == nil || p.Error != "" && len(p.Suites) == 0 {
			continue
		}
		for _, e := range kf.Failures {
			switch {
			case e.Suite != PairwiseSuite && !cases[e.Suite+"\x00"+e.Case]:
				rep.Problems = append(rep.Problems, fmt.Sprintf("known-failure list of %s names case %s #%s, which no vector file has", p.Name, e.Suite, e.Case))
			case inPlay[e.Suite] && !declared[p.Name][e.Suite]:
				rep.Problems = append(rep.Problems, fmt.Sprintf("known-failure list of %s names suite %s, which the peer no longer declares", p.Name, e.Suite))
			}
		}
	}
}

// checkRules reports rules that covered nothing in a complete run of
// their suite: like a stale entry, a rule must still describe the peer.
func (rep *Report) checkRules(known map[string]*KnownFailures) {
	used := map[string]bool{}
	ran := map[string]bool{}
	for _, r := range rep.Results {
		ran[r.Peer+"\x00"+r.Suite] = true
		if r.Status == Known && r.Behaviour != "" && known[r.Peer].entry(r.Suite, r.Case) == nil {
			used[r.Peer+"\x00"+r.Suite+"\x00"+r.Behaviour] = true
		}
	}
	for _, p := range rep.Peers {
		kf := known[p.Name]
		if kf == nil {
			continue
		}
		for _, rule := range kf.Rules {
			if ran[p.Name+"\x00"+rule.Suite] && !used[p.Name+"\x00"+rule.Suite+"\x00"+rule.Behaviour] {
				rep.Problems = append(rep.Problems, fmt.Sprintf("known-failure rule of %s for suite %s (%s) covered no result: remove it", p.Name, rule.Suite, rule.Behaviour))
			}
		}
	}
}

// ErrUpdateIncomplete refuses to rewrite known-failure lists from a run
// that could not check everything.
var ErrUpdateIncomplete = errors.New("parity: not updating known failures from a run with infrastructure failures")

// UpdateKnown returns, per peer, the known-failure list that matches the
// report: every failing result with an observed answer (Fail, Known,
// Changed) that no rule covers becomes an entry with its fingerprint,
// keeping the reasons of entries that stay, and a reason describing the
// observation for new ones (to be edited by whoever reviews the change).
// Rules are kept as written. Entries of cases not in the report stay, so a
// filtered or sharded run never drops entries it did not check.
func UpdateKnown(rep *Report, old map[string]*KnownFailures) (map[string]*KnownFailures, error) {
	if rep.Exit() == ExitInfra {
		return nil, ErrUpdateIncomplete
	}
	checked := map[string]bool{}
	for _, r := range rep.Results {
		checked[r.Peer+"\x00"+r.Suite+"\x00"+r.Case] = true
	}
	out := map[string]*KnownFailures{}
	for _, p := range rep.Peers {
		prev := old[p.Name]
		if prev == nil {
			prev = &KnownFailures{Peer: p.Name}
		}
		kf := &KnownFailures{Peer: p.Name, Description: prev.Description, Rules: prev.Rules, Failures: []KnownEntry{}}
		for _, e := range prev.Failures {
			if !checked[p.Name+"\x00"+e.Suite+"\x00"+e.Case] {
				kf.Failures = append(kf.Failures, e)
			}
		}
		for _, r := range rep.Results {
			// A crash, a timeout or a fault is not an observed answer: never list it.
			if r.Peer != p.Name || r.Judged != Fail || r.Observed == "" {
				continue
			}
			prevEntry := prev.entry(r.Suite, r.Case)
			if prevEntry == nil && prev.rule(r.Suite, r.Behaviour) != nil {
				continue // the rule covers it
			}
			e := KnownEntry{Case: r.Case, Suite: r.Suite, Observed: r.Observed, Reason: observed(r)}
			if r.Deviation != "" {
				e.Reason = r.Deviation + " (" + e.Reason + ")"
			}
			if prevEntry != nil {
				e.Reason, e.Upstream = prevEntry.Reason, prevEntry.Upstream
			}
			kf.Failures = append(kf.Failures, e)
		}
		sort.Slice(kf.Failures, func(i, j int) bool {
			a, b := kf.Failures[i], kf.Failures[j]
			if a.Suite != b.Suite {
				return a.Suite < b.Suite
			}
			return a.Case < b.Case
		})
		out[p.Name] = kf
	}
	return out, nil
}

func observed(r Result) string {
	got := "no result"
	if r.Got != nil {
		got = r.Got.String()
	} else if r.Message != "" {
		got = r.Message
	}
	want := ""
	if r.Expected != nil {
		want = r.Expected.String()
	}
	return fmt.Sprintf("observed %s; the spec expects %s", got, want)
}

// WriteKnown writes each list to dir/<peer>.json. An empty list (no
// failures, no rules) is written only over an existing file: a missing
// file already means an empty list (LoadKnown), and a peer that agrees on
// everything needs none.
func WriteKnown(dir string, lists map[string]*KnownFailures) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(lists))
	for n := range lists {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		path := filepath.Join(dir, n+".json")
		if kf := lists[n]; len(kf.Failures) == 0 && len(kf.Rules) == 0 {
			if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
				continue
			}
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // reasons quote envelopes and <tags>: keep them readable
		enc.SetIndent("", "  ")
		if err := enc.Encode(lists[n]); err != nil {
			return err
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Rejudge applies new known-failure lists to a report whose statuses were
// decided with other lists (after --update-known-failures).
func Rejudge(rep *Report, known map[string]*KnownFailures) *Report {
	out := *rep
	out.Results = append([]Result(nil), rep.Results...)
	applyKnown(&out, known)
	return &out
}
