package parity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// KnownFailures is a peer's list of cases that are expected to fail, each
// with the reason and, where one exists, the upstream bug it reflects
// (parity/known-failures/<peer>.json). The list is strict: a listed case
// that passes fails the gate until the list is updated.
type KnownFailures struct {
	Peer        string       `json:"peer"`
	Description string       `json:"description,omitempty"`
	Failures    []KnownEntry `json:"failures"`
}

// KnownEntry is one expected failure.
type KnownEntry struct {
	Case     string `json:"case"`
	Suite    string `json:"suite"`
	Reason   string `json:"reason"`
	Upstream string `json:"upstream,omitempty"`
}

// ErrKnownFailures reports an unreadable or malformed known-failure file.
var ErrKnownFailures = errors.New("parity: bad known-failure file")

// LoadKnown reads dir/<peer>.json for each peer; a missing file is an
// empty list.
func LoadKnown(dir string, peers []string) (map[string]*KnownFailures, error) {
	out := map[string]*KnownFailures{}
	for _, p := range peers {
		path := filepath.Join(dir, p+".json")
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			out[p] = &KnownFailures{Peer: p}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKnownFailures, err)
		}
		var kf KnownFailures
		d := json.NewDecoder(bytes.NewReader(data))
		d.DisallowUnknownFields()
		if err := d.Decode(&kf); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrKnownFailures, path, err)
		}
		if kf.Peer != p {
			return nil, fmt.Errorf("%w: %s names peer %q", ErrKnownFailures, path, kf.Peer)
		}
		seen := map[string]bool{}
		for i, e := range kf.Failures {
			if e.Case == "" || e.Reason == "" {
				return nil, fmt.Errorf("%w: %s: entry %d needs a case and a reason", ErrKnownFailures, path, i)
			}
			if seen[e.Suite+"/"+e.Case] {
				return nil, fmt.Errorf("%w: %s: case %s listed twice", ErrKnownFailures, path, e.Case)
			}
			seen[e.Suite+"/"+e.Case] = true
		}
		out[p] = &kf
	}
	return out, nil
}

const staleMsg = "listed as a known failure but now passes: update the list"

// applyKnown turns listed failures into Known and listed passes into Stale.
func applyKnown(rep *Report, known map[string]*KnownFailures) {
	for i := range rep.Results {
		r := &rep.Results[i]
		kf := known[r.Peer]
		if kf == nil {
			continue
		}
		for _, e := range kf.Failures {
			if e.Case != r.Case || e.Suite != r.Suite {
				continue
			}
			r.Reason = e.Reason
			switch r.Status {
			case Fail:
				r.Status = Known
			case Pass, Unchecked, Tolerated:
				r.Status = Stale
				r.Message = joinMsg(staleMsg, r.Message)
			}
		}
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

// ErrUpdateIncomplete refuses to rewrite known-failure lists from a run
// that could not check everything.
var ErrUpdateIncomplete = errors.New("parity: not updating known failures from a run with infrastructure failures")

// UpdateKnown returns, per peer, the known-failure list that matches the
// report: every Fail or Known result, keeping the reasons of entries that
// stay, and a reason describing the observation for new ones (to be edited
// by whoever reviews the change). Results of cases not in the report keep
// their entries, so a filtered or sharded run never drops entries it did
// not check.
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
		kf := &KnownFailures{Peer: p.Name, Description: prev.Description, Failures: []KnownEntry{}}
		reasons := map[string]KnownEntry{}
		for _, e := range prev.Failures {
			reasons[e.Suite+"\x00"+e.Case] = e
			if !checked[p.Name+"\x00"+e.Suite+"\x00"+e.Case] {
				kf.Failures = append(kf.Failures, e)
			}
		}
		for _, r := range rep.Results {
			// A crash or a timeout is not an observed answer: never list it.
			if r.Peer != p.Name || r.Producer != "" || (r.Status != Fail && r.Status != Known) || r.Got == nil {
				continue
			}
			e, ok := reasons[r.Suite+"\x00"+r.Case]
			if !ok {
				e = KnownEntry{Case: r.Case, Suite: r.Suite, Reason: observed(r)}
				if r.Deviation != "" {
					e.Reason = r.Deviation + " (" + e.Reason + ")"
				}
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

// WriteKnown writes each list to dir/<peer>.json.
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
		b, err := json.MarshalIndent(lists[n], "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, n+".json"), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Rejudge applies new known-failure lists to a report whose statuses were
// judged against other lists (after --update-known-failures).
func Rejudge(rep *Report, known map[string]*KnownFailures) *Report {
	out := *rep
	out.Results = append([]Result(nil), rep.Results...)
	for i := range out.Results {
		r := &out.Results[i]
		switch r.Status {
		case Known:
			r.Status, r.Reason = Fail, ""
		case Stale:
			r.Status, r.Reason = Pass, ""
			r.Message = strings.TrimPrefix(strings.TrimPrefix(r.Message, staleMsg), ": ")
		}
	}
	applyKnown(&out, known)
	return &out
}
