package parity

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/interopkit/interop/internal/envcheck"
)

// MaxShards bounds the shards of a run and of a merge.
const MaxShards = 10000

// peerNames lists the peers of the matrix in report order: every peer but
// those not installed (named in the header instead).
func (rep *Report) peerNames() []string {
	var out []string
	for _, p := range rep.Peers {
		if !p.NotInstalled {
			out = append(out, p.Name)
		}
	}
	return out
}

// notInstalled counts the peers that were not run at all.
func (rep *Report) notInstalled() int {
	n := 0
	for _, p := range rep.Peers {
		if p.NotInstalled {
			n++
		}
	}
	return n
}

// suiteNames lists the suites with results, pairwise last.
func (rep *Report) suiteNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range rep.Suites {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, r := range rep.Results {
		if !seen[r.Suite] {
			seen[r.Suite] = true
			out = append(out, r.Suite)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == PairwiseSuite) != (out[j] == PairwiseSuite) {
			return out[j] == PairwiseSuite
		}
		return out[i] < out[j]
	})
	return out
}

// cell summarises one peer on one suite; ok is false when the peer did
// not declare the suite.
type cell struct {
	counts map[Status]int
	ok     bool
}

func (rep *Report) matrix() map[[2]string]*cell {
	m := map[[2]string]*cell{}
	for _, p := range rep.Peers {
		for _, s := range p.Suites {
			m[[2]string{p.Name, s}] = &cell{counts: map[Status]int{}, ok: true}
		}
		if len(p.Ops) > 0 {
			m[[2]string{p.Name, PairwiseSuite}] = &cell{counts: map[Status]int{}, ok: true}
		}
	}
	for _, r := range rep.Results {
		k := [2]string{r.Peer, r.Suite}
		c := m[k]
		if c == nil {
			c = &cell{counts: map[Status]int{}, ok: true}
			m[k] = c
		}
		c.counts[r.Status]++
	}
	return m
}

// failing reports whether any result in the cell fails the gate.
func (c *cell) failing() bool {
	for st, n := range c.counts {
		if st.Failing() && n > 0 {
			return true
		}
	}
	return false
}

// legend explains the cell notation of every report.
const legend = "passed (the spec's answer exactly), ✗ failed, c known failure that changed, ! stale known failure, k known failure, ~ tolerated (an upstream answer the acceptable case lists), s skipped, ? not run, — unsupported"

// failures returns the failing results, at most max of them, and whether
// there were more.
func (rep *Report) failures(max int) ([]Result, bool) {
	var out []Result
	for _, r := range rep.Results {
		if !r.Status.Failing() {
			continue
		}
		if len(out) == max {
			return out, true
		}
		out = append(out, r)
	}
	return out, false
}

// text renders a cell: passes, then ✗ fails, c changed, ! stale, k known,
// ~ tolerated, s skipped, ? not run; "—" when unsupported.
func (c *cell) text() string {
	if c == nil || !c.ok {
		return "—"
	}
	parts := []string{fmt.Sprint(c.counts[Pass])}
	for _, x := range []struct {
		s Status
		p string
	}{{Fail, "✗"}, {Changed, "c"}, {Stale, "!"}, {Known, "k"}, {Tolerated, "~"}, {Skip, "s"}, {NotRun, "?"}} {
		if n := c.counts[x.s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s%d", x.p, n))
		}
	}
	return strings.Join(parts, " ")
}

// Summary is the closing line: "N passed, N failed, N skipped". Passed
// counts only answers that are exactly the spec's; failed counts every
// failing status (changed and stale known failures and cases not run
// among them). Known failures and tolerated answers are in neither: the
// line before it (Tally) counts them.
func (rep *Report) Summary() string {
	c := rep.Counts()
	failed := 0
	for st, n := range c {
		if st.Failing() {
			failed += n
		}
	}
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c[Pass], failed, c[Skip])
}

// Tally is the line before the summary: what did not fail the gate without
// passing, the peers not run, and the secrets found left in clear.
func (rep *Report) Tally() string {
	c := rep.Counts()
	line := fmt.Sprintf("%d known failures, %d tolerated, %d peers not run, %d results in %v",
		c[Known], c[Tolerated], rep.notInstalled(), len(rep.Results), rep.Elapsed.Round(time.Millisecond))
	if n := len(rep.leftInClear()); n > 0 {
		line = fmt.Sprintf("%d SECRETS LEFT IN CLEAR, %s", n, line)
	}
	return line
}

// leftInClear lists the results that found a secret left in clear,
// whatever their status: a known one is still the worst finding there is.
func (rep *Report) leftInClear() []Result {
	var out []Result
	for _, r := range rep.Results {
		if r.Finding == envcheck.LeftInClear {
			out = append(out, r)
		}
	}
	return out
}

// note says why a result has its status, beyond the peer's message.
func (r *Result) note() string {
	switch r.Status {
	case Stale:
		return joinMsg("listed as a known failure but now passes: update the list", r.Reason)
	case Changed:
		return fmt.Sprintf("listed as a known failure observed as %q, now observed as %q: a different wrong answer", r.Listed, r.Observed)
	case Known:
		return "known failure: " + r.Reason
	}
	return ""
}

// WriteText writes the terminal report: peers, the suites × peers matrix,
// the failures (at most maxFailures, with expected and actual), problems,
// and the summary line last.
func (rep *Report) WriteText(w io.Writer, maxFailures int) error {
	bw := bufio.NewWriter(w)
	peers := rep.peerNames()
	nameWidth := 8
	for _, p := range rep.Peers {
		nameWidth = max(nameWidth, runeLen(p.Name))
	}
	for _, p := range rep.Peers {
		status := fmt.Sprintf("%s %s (%s)", p.Language, p.Implementation, p.Version)
		switch {
		case p.NotInstalled:
			status = "NOT INSTALLED: " + p.Error
		case p.Error != "" && p.Language != "":
			status += "; " + p.Error
		case p.Error != "":
			status = "NOT AVAILABLE: " + p.Error
		}
		fmt.Fprintf(bw, "peer %s %s\n", pad(p.Name, nameWidth), status)
	}
	fmt.Fprintln(bw)
	m := rep.matrix()
	suites := rep.suiteNames()
	width := len("suite")
	for _, s := range suites {
		width = max(width, len(s))
	}
	colw := make([]int, len(peers))
	for i, p := range peers {
		colw[i] = runeLen(p)
		for _, s := range suites {
			colw[i] = max(colw[i], runeLen(m[[2]string{p, s}].text()))
		}
	}
	row := func(first string, cells func(i int, p string) string) {
		line := fmt.Sprintf("%-*s", width, first)
		for i, p := range peers {
			line += "  " + pad(cells(i, p), colw[i])
		}
		fmt.Fprintln(bw, strings.TrimRight(line, " "))
	}
	row("suite", func(_ int, p string) string { return p })
	for _, s := range suites {
		row(s, func(_ int, p string) string { return m[[2]string{p, s}].text() })
	}
	fmt.Fprintln(bw, "\ncells: "+legend)

	if clear := rep.leftInClear(); len(clear) > 0 {
		fmt.Fprintln(bw, "\nSECRETS LEFT IN CLEAR (a value the spec says must be sealed came back as it was):")
		for _, r := range clear {
			fmt.Fprintf(bw, "  %s %s #%s (%s): %s\n", r.Peer, r.Suite, r.Case, r.Status, r.Description)
		}
	}
	fails, more := rep.failures(maxFailures)
	if len(fails) > 0 || more {
		fmt.Fprintln(bw, "\nFailures:")
	}
	for _, r := range fails {
		fmt.Fprintf(bw, "  %s %s %s #%s: %s\n", strings.ToUpper(string(r.Status)), r.Peer, r.Suite, r.Case, r.Description)
		if r.Expected != nil {
			fmt.Fprintf(bw, "      want %s\n", r.Expected)
		}
		if r.Got != nil {
			fmt.Fprintf(bw, "      got  %s\n", r.Got)
		}
		for _, m := range []string{r.note(), r.Message} {
			if m != "" {
				fmt.Fprintf(bw, "      %s\n", oneLine(m))
			}
		}
	}
	if more {
		fmt.Fprintln(bw, "  … and more (see the JSON or HTML report)")
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(bw, "\nProblems:")
		for _, p := range rep.Problems {
			fmt.Fprintf(bw, "  %s\n", p)
		}
	}
	for _, p := range rep.Peers {
		if p.Stderr != "" {
			fmt.Fprintf(bw, "\nstderr of peer %s (last lines):\n%s\n", p.Name, lastLines(p.Stderr, 15))
		}
	}
	fmt.Fprintln(bw, "\n"+rep.Tally())
	fmt.Fprintln(bw, rep.Summary())
	return bw.Flush()
}

func runeLen(s string) int { return len([]rune(s)) }

func pad(s string, n int) string {
	if d := n - runeLen(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ⏎ ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// record is one line of the JSON report.
type record struct {
	Record string `json:"record"` // peer, case, problem, summary
	*PeerReport
	*Result
	Problem string         `json:"problem,omitempty"`
	Summary *summaryRecord `json:"summary,omitempty"`
}

type summaryRecord struct {
	Suites  []string       `json:"suites"`
	Shard   int            `json:"shard,omitempty"`
	Shards  int            `json:"shards,omitempty"`
	Infra   bool           `json:"infra"`
	Elapsed int64          `json:"elapsedNanos"`
	Counts  map[Status]int `json:"counts"` // results by status: pass counts exact agreements only
	Tally   string         `json:"tally"`
	Line    string         `json:"line"`
	Exit    int            `json:"exit"`
}

// WriteJSON writes the JSON report: JSON Lines, one object per case
// ("record":"case"), plus one per peer, per problem and a closing summary.
// interop parity merge reads these back.
func (rep *Report) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range rep.Peers {
		if err := enc.Encode(record{Record: "peer", PeerReport: &rep.Peers[i]}); err != nil {
			return err
		}
	}
	for i := range rep.Results {
		if err := enc.Encode(record{Record: "case", Result: &rep.Results[i]}); err != nil {
			return err
		}
	}
	for _, p := range rep.Problems {
		if err := enc.Encode(record{Record: "problem", Problem: p}); err != nil {
			return err
		}
	}
	if err := enc.Encode(record{Record: "summary", Summary: &summaryRecord{Suites: rep.Suites, Shard: rep.Shard, Shards: rep.Shards, Infra: rep.Infra, Elapsed: int64(rep.Elapsed), Counts: rep.Counts(), Tally: rep.Tally(), Line: rep.Summary(), Exit: rep.Exit()}}); err != nil {
		return err
	}
	return bw.Flush()
}

// ErrReport reports a JSON report that cannot be read back.
var ErrReport = errors.New("parity: bad json report")

// ReadJSON reads a report written by WriteJSON.
func ReadJSON(r io.Reader) (*Report, error) {
	rep := &Report{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	sawSummary := false
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var raw struct {
			Record string `json:"record"`
		}
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrReport, line, err)
		}
		switch raw.Record {
		case "peer":
			var p PeerReport
			if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrReport, line, err)
			}
			rep.Peers = append(rep.Peers, p)
		case "case":
			var res Result
			if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrReport, line, err)
			}
			if !slices.Contains(statuses, res.Status) || res.Judged != "" && !slices.Contains(statuses, res.Judged) {
				return nil, fmt.Errorf("%w: line %d: a case record with an unknown status", ErrReport, line)
			}
			rep.Results = append(rep.Results, res)
		case "problem":
			var p struct{ Problem string }
			if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrReport, line, err)
			}
			rep.Problems = append(rep.Problems, p.Problem)
		case "summary":
			var s struct{ Summary summaryRecord }
			if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrReport, line, err)
			}
			rep.Suites, rep.Infra, rep.Elapsed = s.Summary.Suites, s.Summary.Infra, time.Duration(s.Summary.Elapsed)
			rep.Shard, rep.Shards = s.Summary.Shard, s.Summary.Shards
			if rep.Shards < 0 || rep.Shards > MaxShards || rep.Shard < 0 || rep.Shard > rep.Shards || (rep.Shards > 1) != (rep.Shard > 0) {
				return nil, fmt.Errorf("%w: line %d: shard %d of %d is out of range (at most %d shards)", ErrReport, line, rep.Shard, rep.Shards, MaxShards)
			}
			sawSummary = true
		default:
			return nil, fmt.Errorf("%w: line %d: unknown record %q", ErrReport, line, raw.Record)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrReport, err)
	}
	if !sawSummary {
		return nil, fmt.Errorf("%w: no summary record (truncated report?)", ErrReport)
	}
	return rep, nil
}

// Merge combines shard reports into one: peers by name, results and
// problems concatenated (duplicates dropped), the declared-suite check
// redone over the whole.
func Merge(reports ...*Report) *Report {
	out := &Report{}
	peers := map[string]int{}
	seenProblem := map[string]bool{}
	seenResult := map[string]bool{}
	suites := map[string]bool{}
	for _, r := range reports {
		for _, p := range r.Peers {
			if i, ok := peers[p.Name]; ok {
				q := &out.Peers[i]
				q.Restarts += p.Restarts
				if q.Error == "" {
					q.Error = p.Error
				}
				if q.Stderr == "" {
					q.Stderr = p.Stderr
				}
				if len(q.Suites) == 0 {
					q.Suites, q.Ops = p.Suites, p.Ops
				}
				continue
			}
			peers[p.Name] = len(out.Peers)
			out.Peers = append(out.Peers, p)
		}
		for _, res := range r.Results {
			k := res.Peer + "\x00" + res.Producer + "\x00" + res.Suite + "\x00" + res.Case
			if !seenResult[k] {
				seenResult[k] = true
				out.Results = append(out.Results, res)
			}
		}
		for _, p := range r.Problems {
			if !strings.HasPrefix(p, declaredPrefix) && !seenProblem[p] {
				seenProblem[p] = true
				out.Problems = append(out.Problems, p)
			}
		}
		for _, s := range r.Suites {
			suites[s] = true
		}
		out.Infra = out.Infra || r.Infra
		out.Elapsed = max(out.Elapsed, r.Elapsed)
	}
	for s := range suites {
		out.Suites = append(out.Suites, s)
	}
	sort.Strings(out.Suites)
	out.checkShards(reports)
	out.checkDeclared()
	out.checkSomethingCompared()
	return out
}

// checkShards makes a merge of shard reports an infrastructure failure
// unless every shard 1..N is there exactly once.
func (out *Report) checkShards(reports []*Report) {
	n := 0
	seen := map[int]int{}
	for _, r := range reports {
		if r.Shards > 1 {
			if n != 0 && r.Shards != n {
				out.Problems = append(out.Problems, fmt.Sprintf("shard reports disagree on the number of shards (%d and %d)", n, r.Shards))
				out.Infra = true
				return
			}
			n = r.Shards
			seen[r.Shard]++
		}
	}
	if n > MaxShards {
		out.Problems = append(out.Problems, fmt.Sprintf("shard reports declare %d shards, more than %d", n, MaxShards))
		out.Infra = true
		return
	}
	missing := 0
	for i := 1; i <= n; i++ {
		if seen[i] == 1 {
			continue
		}
		out.Infra = true
		if missing++; missing <= 10 {
			out.Problems = append(out.Problems, fmt.Sprintf("shard %d/%d is in %d of the merged reports, want exactly 1", i, n, seen[i]))
		}
	}
	if missing > 10 {
		out.Problems = append(out.Problems, fmt.Sprintf("… and %d more shards are missing or repeated", missing-10))
	}
}

// declaredPrefix starts the problems checkDeclared writes, so that Merge
// can redo the check over all shards.
const declaredPrefix = "declared but unanswered: "

// checkDeclared fails the gate for a peer that declared a suite in play
// and then answered none of its cases: a peer that silently runs nothing
// must not pass.
func (rep *Report) checkDeclared() {
	inPlay := map[string]bool{}
	for _, s := range rep.Suites {
		inPlay[s] = true
	}
	answered := map[[2]string]bool{}
	for _, res := range rep.Results {
		if res.Status != Skip && res.Status != NotRun {
			answered[[2]string{res.Peer, res.Suite}] = true
		}
	}
	for _, p := range rep.Peers {
		if p.Error != "" && len(p.Suites) == 0 {
			continue // never started: reported as infrastructure
		}
		for _, s := range p.Suites {
			if inPlay[s] && !answered[[2]string{p.Name, s}] {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%speer %s declared suite %s but answered none of its cases", declaredPrefix, p.Name, s))
			}
		}
	}
}

// JUnit XML

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Class   string        `xml:"classname,attr"`
	Name    string        `xml:"name,attr"`
	Time    string        `xml:"time,attr"`
	Failure *junitFailure `xml:"failure,omitempty"`
	Skipped *junitSkipped `xml:"skipped,omitempty"`
	Out     string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes JUnit XML: one testsuite per peer and suite, one
// testcase per case. Only exact agreements pass; known failures and
// tolerated answers are skipped testcases with the reason; failures,
// changed and stale known failures and cases not run fail.
func (rep *Report) WriteJUnit(w io.Writer) error {
	all := junitSuites{Name: "interop parity", Time: seconds(rep.Elapsed)}
	idx := map[string]int{}
	for _, r := range rep.Results {
		name := r.Peer + "/" + r.Suite
		i, ok := idx[name]
		if !ok {
			i = len(all.Suites)
			idx[name] = i
			all.Suites = append(all.Suites, junitSuite{Name: name})
		}
		s := &all.Suites[i]
		tc := junitCase{Class: r.Peer + "." + r.Suite, Name: r.Case, Time: seconds(time.Duration(r.Micros) * time.Microsecond)}
		switch {
		case r.Status.Failing():
			body := ""
			if r.Expected != nil {
				body += "want " + r.Expected.String() + "\n"
			}
			if r.Got != nil {
				body += "got  " + r.Got.String() + "\n"
			}
			tc.Failure = &junitFailure{Message: oneLine(firstNonEmpty(r.note(), r.Message, r.Description)), Type: string(r.Status), Body: body + joinMsg(r.note(), r.Message)}
			s.Failures++
			all.Failures++
		case r.Status == Skip || r.Status == Known || r.Status == Tolerated:
			msg := "skipped: " + r.Message
			switch r.Status {
			case Known:
				msg = r.note()
			case Tolerated:
				msg = "tolerated: an upstream answer this acceptable case lists"
			}
			tc.Skipped = &junitSkipped{Message: oneLine(msg)}
			if r.Got != nil {
				tc.Out = "got " + r.Got.String()
			}
			s.Skipped++
			all.Skipped++
		}
		if r.Finding != "" {
			tc.Out = joinMsg(strings.ToUpper(r.Finding), tc.Out)
		}
		s.Cases = append(s.Cases, tc)
		s.Tests++
		all.Tests++
	}
	// What could not be checked fails too, in a suite of its own, so that a
	// CI server never shows a green run that checked nothing.
	var infra junitSuite
	infra.Name = "interop/infrastructure"
	for _, p := range rep.Peers {
		if p.Error != "" {
			infra.Cases = append(infra.Cases, junitCase{Class: "interop.peers", Name: p.Name, Time: seconds(0),
				Failure: &junitFailure{Message: oneLine(p.Error), Type: "peer", Body: p.Error + "\n" + p.Stderr}})
		}
	}
	for i, pr := range rep.Problems {
		infra.Cases = append(infra.Cases, junitCase{Class: "interop.problems", Name: fmt.Sprintf("problem-%d", i+1), Time: seconds(0),
			Failure: &junitFailure{Message: oneLine(pr), Type: "problem", Body: pr}})
	}
	if n := len(infra.Cases); n > 0 {
		infra.Tests, infra.Failures = n, n
		all.Tests += n
		all.Failures += n
		all.Suites = append(all.Suites, infra)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// WriteMarkdown writes a report that fits a CI job summary: the matrix,
// the verdict and the failures.
func (rep *Report) WriteMarkdown(w io.Writer, maxFailures int) error {
	bw := bufio.NewWriter(w)
	verdict := map[int]string{ExitAgree: "agree", ExitDisagree: "**disagreement**", ExitInfra: "**infrastructure failure: not everything was checked**"}[rep.Exit()]
	fmt.Fprintf(bw, "## interop parity: %s — %s\n\n%s\n\n", rep.Summary(), verdict, rep.Tally())
	if clear := rep.leftInClear(); len(clear) > 0 {
		fmt.Fprint(bw, "### Secrets left in clear\n\n")
		for _, r := range clear {
			fmt.Fprintf(bw, "- `%s` `%s` `#%s` (%s): %s\n", r.Peer, r.Suite, r.Case, r.Status, mdEscape(r.Description))
		}
		fmt.Fprintln(bw)
	}
	peers := rep.peerNames()
	m := rep.matrix()
	fmt.Fprintf(bw, "| suite | %s |\n|---|%s\n", strings.Join(peers, " | "), strings.Repeat("---|", len(peers)))
	for _, s := range rep.suiteNames() {
		fmt.Fprintf(bw, "| `%s` |", s)
		for _, p := range peers {
			fmt.Fprintf(bw, " %s |", m[[2]string{p, s}].text())
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, "\nCells: "+legend+".")
	fmt.Fprintln(bw, "\n| peer | implementation | version |\n|---|---|---|")
	for _, p := range rep.Peers {
		impl := p.Implementation
		switch {
		case p.NotInstalled:
			impl = "**not installed**: " + mdEscape(p.Error)
		case p.Error != "":
			impl = "**not available**: " + mdEscape(p.Error)
		}
		fmt.Fprintf(bw, "| %s | %s | %s |\n", p.Name, impl, p.Version)
	}
	fails, more := rep.failures(maxFailures)
	if len(fails) > 0 {
		fmt.Fprint(bw, "\n### Failures\n\n")
	}
	for _, r := range fails {
		fmt.Fprintf(bw, "- **%s** `%s` `%s` `#%s`: %s", r.Status, r.Peer, r.Suite, r.Case, mdEscape(r.Description))
		if r.Expected != nil && r.Got != nil {
			fmt.Fprintf(bw, " — want `%s`, got `%s`", mdCode(r.Expected.String()), mdCode(r.Got.String()))
		}
		if m := joinMsg(r.note(), r.Message); m != "" {
			fmt.Fprintf(bw, " — %s", mdEscape(oneLine(m)))
		}
		fmt.Fprintln(bw)
	}
	if more {
		fmt.Fprintln(bw, "- … and more: see the HTML report")
	}
	if len(rep.Problems) > 0 {
		fmt.Fprint(bw, "\n### Problems\n\n")
		for _, p := range rep.Problems {
			fmt.Fprintf(bw, "- %s\n", mdEscape(p))
		}
	}
	return bw.Flush()
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}

func mdCode(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "\n", " ") }
