package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/interopkit/interop/bridge/ipc"
	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/peerproto"
	"github.com/interopkit/interop/internal/suite"
	"github.com/interopkit/interop/internal/vector"
)

// The test binary doubles as the peers: with INTEROP_FAKE_PEER set it
// becomes a peer with the named misbehaviour (go-plugin's helper-process
// pattern), so the runner is tested against real processes.
func TestMain(m *testing.M) {
	if mode := os.Getenv("INTEROP_FAKE_PEER"); mode != "" {
		os.Exit(fakePeer(mode))
	}
	os.Exit(m.Run())
}

// fakePeer serves the Go implementation of envelope.detect, except that:
//
//	good          behaves
//	crash:ID      exits with status 3 on case ID
//	hang:ID       never answers case ID
//	wrongid:ID    answers case ID with another id
//	garbage:ID    prints a line that is not JSON on case ID
//	wrong:ID      answers case ID with a wrong output
//	none          answers "none" to every detection
//	liar          declares envelope.detect and skips every case
//	silent        never says hello
//	nohello       says something else first
func fakePeer(mode string) int {
	kind, target, _ := strings.Cut(mode, ":")
	switch kind {
	case "silent":
		time.Sleep(time.Hour)
	case "dieearly":
		fmt.Fprintln(os.Stderr, "oops: missing module foo")
		return 1
	}
	out := peerproto.NewWriter(os.Stdout)
	if kind == "nohello" {
		out.Write(&peerproto.Message{Type: peerproto.TypeBye})
		return 0
	}
	if kind == "sealcrash" || kind == "flaky" {
		// Only the first incarnation behaves: later ones never say hello
		// (sealcrash) or answer once and hang (flaky).
		if marker := os.Getenv("INTEROP_FAKE_MARKER"); marker != "" {
			if _, err := os.Stat(marker); err == nil && kind == "sealcrash" {
				time.Sleep(time.Hour)
			}
			os.WriteFile(marker, nil, 0o644)
		}
	}
	if kind == "helper" {
		// A helper in the peer's own process group outlives the peer unless
		// the whole group is killed.
		h := exec.Command("sleep", "300")
		if err := h.Start(); err == nil {
			os.WriteFile(os.Getenv("INTEROP_FAKE_PIDFILE"), []byte(strconv.Itoa(h.Process.Pid)), 0o644)
		}
	}
	hello := suite.Hello()
	hello.Peer.Name = os.Getenv("INTEROP_FAKE_NAME")
	hello.Suites = []string{"envelope.detect"}
	if extra := os.Getenv("INTEROP_FAKE_SUITES"); extra != "" {
		hello.Suites = append(hello.Suites, strings.Split(extra, ",")...)
	}
	out.Write(hello)
	in := peerproto.NewReader(ipc.PollableStdin()) // as interop peer reads
	answered := 0
	for {
		m, err := in.Read()
		if err != nil || m.Type == peerproto.TypeBye {
			return 0
		}
		res := suite.Handle(m)
		if fakeAnswer(kind, m, res) {
			out.Write(res)
			continue
		}
		answered++
		if kind == "flaky" && answered > 1 {
			time.Sleep(time.Hour)
		}
		if kind == "stray" {
			fmt.Println("debug: about to answer with a long line of chatter")
		}
		hit := m.Case == target
		switch {
		case (kind == "crash" || kind == "helper") && hit:
			fmt.Fprintln(os.Stderr, "fake peer: crashing on purpose")
			return 3
		case kind == "hang" && (hit || target == "*"):
			time.Sleep(time.Hour)
		case kind == "wrongid" && hit:
			id := *res.ID + 100
			res.ID = &id
		case kind == "garbage" && hit:
			fmt.Println("this is not json")
			continue
		case kind == "wrong" && hit:
			res.Output = json.RawMessage(`"v2"`)
		case kind == "none" && res.Output != nil:
			res.Output = json.RawMessage(`"none"`)
		case kind == "liar":
			res = &peerproto.Message{Type: peerproto.TypeResult, ID: m.ID, Skip: "not really"}
		}
		out.Write(res)
	}
}

const detectFile = `{
  "schema": "vectors/envelope.detect.schema.json", "suite": "envelope.detect", "specVersion": "v1",
  "description": "test vectors", "generator": {"name": "test", "upstream": "none"}, "notes": {"x": "a flag"},
  "cases": [
    {"id": "d-1", "description": "plain", "input": {"value": "plain"}, "output": "none", "result": "valid", "flags": ["x"]},
    {"id": "d-2", "description": "v1", "input": {"value": "00112233445566778899aabbccddeeff:"}, "output": "v1", "result": "valid", "flags": []},
    {"id": "d-3", "description": "v2", "input": {"value": "v2:000102030405060708090a0b::000102030405060708090a0b0c0d0e0f"}, "output": "v2", "result": "valid", "flags": []},
    {"id": "d-4", "description": "lenient", "input": {"value": " 00112233445566778899aabbccddeeff:"}, "output": "none", "result": "acceptable", "flags": []},
    {"id": "d-5", "description": "empty", "input": {"value": ""}, "output": "none", "result": "valid", "flags": []}
  ]
}`

func testVectors() fstest.MapFS {
	return fstest.MapFS{"envelope.detect/t.json": &fstest.MapFile{Data: []byte(detectFile)}}
}

func fake(t *testing.T, name, mode string) PeerSpec {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return PeerSpec{Name: name, Command: []string{exe}, Env: append(os.Environ(), "INTEROP_FAKE_PEER="+mode, "INTEROP_FAKE_NAME="+name)}
}

func run(t *testing.T, cfg Config) *Report {
	t.Helper()
	if cfg.Vectors == nil {
		cfg.Vectors = testVectors()
	}
	if cfg.CaseTimeout == 0 {
		cfg.CaseTimeout = 2 * time.Second
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 5 * time.Second
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func byCase(rep *Report, peer string) map[string]Result {
	m := map[string]Result{}
	for _, r := range rep.Results {
		if r.Peer == peer && r.Producer == "" {
			m[r.Case] = r
		}
	}
	return m
}

func TestGoodPeersAgree(t *testing.T) {
	defer checkLeaks(t)()
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "a", "good"), fake(t, "b", "good")}, Pairwise: true})
	if rep.Exit() != ExitAgree || len(rep.Problems) > 0 {
		t.Fatalf("exit %d problems %v", rep.Exit(), rep.Problems)
	}
	c := rep.Counts()
	// 5 cases per peer, each peer opens the other's 6 envelopes, and two
	// IV checks per sealing peer.
	if c[Pass] != 2*5+2*6+2*2 {
		t.Fatalf("counts %v", c)
	}
}

func TestFaultsArePinnedToTheirCase(t *testing.T) {
	for _, tt := range []struct {
		mode, want string
	}{
		{"crash:d-2", "exited"},
		{"hang:d-2", "deadline"},
		{"wrongid:d-2", "result for id"},
		{"garbage:d-2", "not a json object"},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			defer checkLeaks(t)()
			rep := run(t, Config{Peers: []PeerSpec{fake(t, "p", tt.mode)}, CaseTimeout: time.Second})
			res := byCase(rep, "p")
			if r := res["d-2"]; r.Status != Fail || !strings.Contains(r.Message, tt.want) {
				t.Fatalf("d-2: %+v", r)
			}
			for _, id := range []string{"d-1", "d-3", "d-5"} {
				if res[id].Status != Pass {
					t.Errorf("%s after the fault: %+v (the peer must be restarted)", id, res[id])
				}
			}
			if rep.Exit() != ExitDisagree || rep.Peers[0].Restarts != 1 {
				t.Fatalf("exit %d restarts %d", rep.Exit(), rep.Peers[0].Restarts)
			}
			if tt.mode == "crash:d-2" && !strings.Contains(rep.Peers[0].Stderr, "crashing on purpose") {
				t.Errorf("stderr of the crashed peer is lost: %q", rep.Peers[0].Stderr)
			}
		})
	}
}

func TestPeersThatNeverStart(t *testing.T) {
	defer checkLeaks(t)()
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "ok", "good"), fake(t, "mute", "silent"), fake(t, "rude", "nohello"),
		{Name: "ghost", Command: []string{"/nonexistent/peer"}}}, StartTimeout: 3 * time.Second})
	if rep.Exit() != ExitInfra {
		t.Fatalf("exit %d, want %d", rep.Exit(), ExitInfra)
	}
	errs := map[string]string{}
	for _, p := range rep.Peers {
		errs[p.Name] = p.Error
	}
	if errs["ok"] != "" || !strings.Contains(errs["mute"], "no hello") || !strings.Contains(errs["rude"], "not hello") || !strings.Contains(errs["ghost"], "did not start") {
		t.Fatalf("peer errors %q", errs)
	}
	if len(byCase(rep, "ok")) != 5 {
		t.Fatal("the working peer must still run")
	}
	var junit, md bytes.Buffer
	rep.WriteJUnit(&junit)
	rep.WriteMarkdown(&md, 5)
	var doc junitSuites
	if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil || doc.Failures != 3 {
		t.Fatalf("junit must fail for the peers that did not start: %v failures=%d", err, doc.Failures)
	}
	if !strings.Contains(md.String(), "infrastructure failure") {
		t.Fatalf("markdown headline hides the infrastructure failure:\n%s", md.String())
	}
}

func TestLiarFailsTheGate(t *testing.T) {
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "liar", "liar")}})
	// It fails twice over: it answered none of what it declared, and the
	// run compared nothing at all.
	if rep.Exit() != ExitInfra || len(rep.Problems) != 2 || !strings.Contains(rep.Problems[0], "declared suite envelope.detect but answered none") ||
		!strings.Contains(rep.Problems[1], "nothing was checked") {
		t.Fatalf("exit %d problems %v", rep.Exit(), rep.Problems)
	}
}

func TestKnownFailuresAreStrict(t *testing.T) {
	peers := []PeerSpec{fake(t, "w", "wrong:d-1")}
	rep := run(t, Config{Peers: peers})
	if rep.Exit() != ExitDisagree || byCase(rep, "w")["d-1"].Status != Fail {
		t.Fatal("an unlisted wrong answer must fail")
	}
	observed := byCase(rep, "w")["d-1"].Observed
	if observed != `output `+fingerprintOf(t, `"v2"`) {
		t.Fatalf("observed %q", observed)
	}
	// Listed with another answer than the one observed: a changed failure.
	known := map[string]*KnownFailures{"w": {Peer: "w", Failures: []KnownEntry{{Case: "d-1", Suite: "envelope.detect", Observed: "error malformed", Reason: "test"}}}}
	rep = run(t, Config{Peers: peers, Known: known})
	if rep.Exit() != ExitDisagree || byCase(rep, "w")["d-1"].Status != Changed {
		t.Fatalf("a listed failure observed differently is changed: exit %d", rep.Exit())
	}
	known["w"].Failures[0].Observed = observed
	rep = run(t, Config{Peers: peers, Known: known})
	if rep.Exit() != ExitAgree || byCase(rep, "w")["d-1"].Status != Known {
		t.Fatalf("a listed failure is known: exit %d", rep.Exit())
	}
	known["w"].Failures = append(known["w"].Failures, KnownEntry{Case: "d-2", Suite: "envelope.detect", Observed: observed, Reason: "fixed upstream"})
	rep = run(t, Config{Peers: peers, Known: known})
	if rep.Exit() != ExitDisagree || byCase(rep, "w")["d-2"].Status != Stale {
		t.Fatalf("a listed case that passes is stale: exit %d", rep.Exit())
	}
	// Updating keeps the reason of d-1, drops d-2, and makes the run agree.
	dir := t.TempDir()
	lists, err := UpdateKnown(rep, known)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteKnown(dir, lists); err != nil {
		t.Fatal(err)
	}
	reread, err := LoadKnown(dir, []string{"w"})
	if err != nil {
		t.Fatal(err)
	}
	if f := reread["w"].Failures; len(f) != 1 || f[0].Case != "d-1" || f[0].Reason != "test" {
		t.Fatalf("updated list %+v", f)
	}
	if Rejudge(rep, reread).Exit() != ExitAgree {
		t.Fatal("after the update the run agrees")
	}
	if _, err := LoadKnown(writeFile(t, "w.json", `{"peer":"other","failures":[]}`), []string{"w"}); err == nil {
		t.Fatal("a list naming another peer is an error")
	}
	if _, err := LoadKnown(writeFile(t, "w.json", `{"peer":"w","failures":[{"case":"x","suite":"s","observed":"error x"}]}`), []string{"w"}); err == nil {
		t.Fatal("an entry without a reason is an error")
	}
	if _, err := LoadKnown(writeFile(t, "w.json", `{"peer":"w","failures":[{"case":"x","suite":"s","reason":"r"}]}`), []string{"w"}); err == nil {
		t.Fatal("an entry without the observed fingerprint is an error")
	}
	if _, err := LoadKnown(writeFile(t, "w.json", `{"peer":"w","rules":[{"suite":"s","behaviour":"anything","reason":"r"}],"failures":[]}`), []string{"w"}); err == nil {
		t.Fatal("a rule with an unknown behaviour is an error")
	}
}

func fingerprintOf(t *testing.T, output string) string {
	t.Helper()
	fp := vector.Outcome{Output: json.RawMessage(output)}.Fingerprint()
	return strings.TrimPrefix(fp, "output ")
}

func writeFile(t *testing.T, name, body string) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFiltersAndShards(t *testing.T) {
	peers := []PeerSpec{fake(t, "a", "good")}
	if rep := run(t, Config{Peers: peers, Cases: []string{"d-[12]"}}); len(rep.Results) != 2 {
		t.Fatalf("case filter: %d results", len(rep.Results))
	}
	if _, err := Run(context.Background(), Config{Peers: peers, Vectors: testVectors(), Suites: []string{"ids.*"}}); !errors.Is(err, ErrNoCases) {
		t.Fatalf("a filter that selects nothing: %v", err)
	}
	var shards []*Report
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		rep := run(t, Config{Peers: peers, Shard: i, Shards: 3})
		for _, r := range rep.Results {
			seen[r.Case]++
		}
		var buf bytes.Buffer
		if err := rep.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ReadJSON(&buf)
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, back)
	}
	if len(seen) != 5 {
		t.Fatalf("shards cover %v", seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("case %s ran in %d shards", id, n)
		}
	}
	merged := Merge(shards...)
	if len(merged.Results) != 5 || merged.Exit() != ExitAgree {
		t.Fatalf("merged: %d results, exit %d, problems %v", len(merged.Results), merged.Exit(), merged.Problems)
	}
	if partial := Merge(shards[0], shards[2]); partial.Exit() != ExitInfra || !strings.Contains(strings.Join(partial.Problems, " "), "shard 2/3") {
		t.Fatalf("a merge missing a shard: exit %d, problems %v", partial.Exit(), partial.Problems)
	}
}

func TestReports(t *testing.T) {
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "good", "good"), fake(t, "bad", "wrong:d-2")}, Pairwise: true})
	var text, junit, md, js, page bytes.Buffer
	for _, err := range []error{rep.WriteText(&text, 10), rep.WriteJUnit(&junit), rep.WriteMarkdown(&md, 10), rep.WriteJSON(&js), rep.WriteHTML(&page)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	// good: 5 cases, opens bad's 6 envelopes, 2 IV checks; bad: 4 of 5,
	// opens good's 6, 2 IV checks.
	if last := lines[len(lines)-1]; last != "25 passed, 1 failed, 0 skipped" {
		t.Fatalf("last line %q\n%s", last, text.String())
	}
	if !strings.Contains(text.String(), "4 ✗1") {
		t.Errorf("matrix row missing:\n%s", text.String())
	}
	var doc junitSuites
	if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil || doc.Tests != 26 || doc.Failures != 1 {
		t.Fatalf("junit: %v %+v", err, doc)
	}
	if !strings.Contains(md.String(), "| `envelope.detect` | 5 | 4 ✗1 |") {
		t.Errorf("markdown:\n%s", md.String())
	}
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(js.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["record"] == "case" {
			n++
		}
	}
	if n != 26 {
		t.Fatalf("json report has %d case records", n)
	}
	if !strings.Contains(page.String(), "<del>2</del>") && !strings.Contains(page.String(), "<del>") {
		t.Errorf("html has no diff")
	}
}

func checkLeaks(t *testing.T) func() { return leaktest.Check(t) }

func TestStartFailureKeepsStderr(t *testing.T) {
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "early", "dieearly")}})
	p := rep.Peers[0]
	if rep.Exit() != ExitInfra || !strings.Contains(p.Stderr, "missing module foo") || !strings.Contains(p.Error, "exit status 1") {
		t.Fatalf("peer report %+v", p)
	}
}

func TestGivesUpOnAHangingPeer(t *testing.T) {
	defer checkLeaks(t)()
	body := strings.NewReplacer(`"d-`, `"e-`).Replace(detectFile)
	vecs := testVectors()
	vecs["envelope.detect/u.json"] = &fstest.MapFile{Data: []byte(body)}
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "stuck", "hang:*")}, Vectors: vecs, CaseTimeout: 200 * time.Millisecond})
	c := rep.Counts()
	if c[Fail] != maxConsecutiveFaults || c[NotRun] != 10-maxConsecutiveFaults || rep.Exit() != ExitInfra {
		t.Fatalf("counts %v exit %d", c, rep.Exit())
	}
	if _, err := UpdateKnown(rep, nil); !errors.Is(err, ErrUpdateIncomplete) {
		t.Fatalf("update after an incomplete run: %v", err)
	}
}

func TestFaultsAreNeverListedAsKnown(t *testing.T) {
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "c", "crash:d-1")}})
	lists, err := UpdateKnown(rep, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(lists["c"].Failures); n != 0 {
		t.Fatalf("a crash was listed as a known failure: %+v", lists["c"].Failures)
	}
}

func TestUnmatchableKnownEntries(t *testing.T) {
	known := map[string]*KnownFailures{"a": {Peer: "a", Failures: []KnownEntry{
		{Case: "no-such-case", Suite: "envelope.detect", Observed: "error x", Reason: "r"},
	}}}
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "a", "good")}, Known: known})
	if rep.Exit() != ExitDisagree || !strings.Contains(strings.Join(rep.Problems, " "), "no-such-case") {
		t.Fatalf("exit %d problems %v", rep.Exit(), rep.Problems)
	}
}

// An empty list makes no new file (a missing file is an empty list), but
// an existing file is emptied rather than left stale.
func TestWriteKnownEmptyLists(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "old.json")
	if err := os.WriteFile(stale, []byte(`{"peer":"old","failures":[{"case":"x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteKnown(dir, map[string]*KnownFailures{"new": {Peer: "new"}, "old": {Peer: "old"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an empty list for a peer without a file wrote one: %v", err)
	}
	got, err := LoadKnown(dir, []string{"old", "new"})
	if err != nil || len(got["old"].Failures) != 0 || len(got["new"].Failures) != 0 {
		t.Fatalf("after writing empty lists: %+v, %v", got, err)
	}
}
