package parity

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/interopkit/interop/internal/envcheck"
	"github.com/interopkit/interop/internal/leaktest"
	"github.com/interopkit/interop/internal/peerproto"
)

// fakeAnswer rewrites the Go reference's answer for the fake peers of
// these tests; it reports whether the answer is final (no other fault
// applies).
//
//	banana       answers "banana" to every case
//	raised       raises an unmapped TypeError on every case
//	unspecified  answers the removed "unspecified" error kind to everything
//	failopen     returns the input value of envelope.malformed cases
//	statusliar   answers {"status":"sealed"} to roundtrip cases without sealing
//	sealclear    seals by returning the plaintext
//	sealupper    seals, then upper-cases the hex
//	zeroiv       seals every value with the same all-zero IV
//	uuidiv       seals with IVs whose bits are fixed as in a UUIDv4
//	sealcrash    crashes on its first seal (and never says hello again)
func fakeAnswer(kind string, m *peerproto.Message, res *peerproto.Message) bool {
	clear := func() { res.Output, res.Error, res.Raised, res.Fault, res.Skip = nil, "", "", "", "" }
	switch kind {
	case "banana":
		clear()
		res.Output = json.RawMessage(`"banana"`)
	case "raised":
		clear()
		res.Raised = "TypeError"
	case "unspecified":
		clear()
		res.Error = "unspecified"
	case "failopen":
		if m.Suite != "envelope.malformed" {
			return false
		}
		var in struct{ Value string }
		json.Unmarshal(m.Input, &in)
		clear()
		res.Output = mustJSON(in.Value)
	case "statusliar":
		if m.Suite != "envelope.roundtrip" {
			return false
		}
		clear()
		res.Output = json.RawMessage(`{"status":"sealed"}`)
	case "clear3", "crash3", "wshex", "wsv2", "wsempty":
		return fuzzFakeAnswer(kind, m, res)
	case "sealclear", "sealupper", "zeroiv", "uuidiv", "sealcrash":
		if m.Op != peerproto.OpSeal && m.Suite != "envelope.roundtrip" {
			return false
		}
		if kind == "sealcrash" {
			os.Exit(3)
		}
		var in envcheck.SealInput
		json.Unmarshal(m.Input, &in)
		var s string
		json.Unmarshal(res.Output, &s)
		switch kind {
		case "sealclear":
			s = in.Plaintext
		case "sealupper":
			s = "v2:" + strings.ToUpper(strings.TrimPrefix(s, "v2:"))
		case "zeroiv":
			s = fixedSeal(in, make([]byte, 12))
		case "uuidiv":
			iv, _ := hex.DecodeString(strings.TrimPrefix(s, "v2:")[:24]) // the real, random IV
			iv[6] = iv[6]&0x0f | 0x40
			iv[8] = iv[8]&0x3f | 0x80
			s = fixedSeal(in, iv)
		}
		clear()
		res.Output = mustJSON(s)
	default:
		return false
	}
	return true
}

// fixedSeal seals as spec/envelope.md says, with the IV given.
func fixedSeal(in envcheck.SealInput, iv []byte) string {
	key := sha256.Sum256([]byte(in.Salt))
	block, _ := aes.NewCipher(key[:])
	gcm, _ := cipher.NewGCM(block)
	ct := gcm.Seal(nil, iv, []byte(in.Plaintext), []byte("elizaos:settings:v2"))
	n := len(in.Plaintext)
	return "v2:" + hex.EncodeToString(iv) + ":" + hex.EncodeToString(ct[:n]) + ":" + hex.EncodeToString(ct[n:])
}

const roundtripFile = `{
  "schema": "vectors/envelope.roundtrip.schema.json", "suite": "envelope.roundtrip", "specVersion": "v1",
  "description": "test vectors", "generator": {"name": "test", "upstream": "none"}, "notes": {},
  "cases": [
    {"id": "r-1", "description": "ascii", "input": {"salt": "s", "plaintext": "hello"}, "output": {"status": "sealed"}, "result": "valid", "flags": []},
    {"id": "r-2", "description": "empty", "input": {"salt": "s", "plaintext": ""}, "output": {"status": "sealed"}, "result": "valid", "flags": []}
  ]
}`

const malformedFile = `{
  "schema": "vectors/envelope.malformed.schema.json", "suite": "envelope.malformed", "specVersion": "v1",
  "description": "test vectors", "generator": {"name": "test", "upstream": "none"}, "notes": {},
  "cases": [
    {"id": "m-1", "description": "short tag", "input": {"salt": "s", "value": "v2:000102030405060708090a0b::0001"}, "error": "not_envelope", "result": "invalid", "flags": []},
    {"id": "m-2", "description": "bad tag", "input": {"salt": "s", "value": "v2:000102030405060708090a0b::000102030405060708090a0b0c0d0e0f"}, "error": "auth_failed", "result": "invalid", "flags": []}
  ]
}`

func withFiles(files map[string]string) fstest.MapFS {
	v := testVectors()
	for name, body := range files {
		v[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return v
}

func fakeWith(t *testing.T, name, mode string, env ...string) PeerSpec {
	p := fake(t, name, mode)
	p.Env = append(p.Env, env...)
	return p
}

// A peer that answers nonsense, raises, or says "unspecified" to
// everything gets failures only: no tolerated answer, no pass.
func TestNonsenseIsNeverToleratedOrPassed(t *testing.T) {
	for _, mode := range []string{"banana", "raised", "unspecified"} {
		t.Run(mode, func(t *testing.T) {
			rep := run(t, Config{Peers: []PeerSpec{fakeWith(t, "n", mode, "INTEROP_FAKE_SUITES=envelope.malformed")},
				Vectors: withFiles(map[string]string{"envelope.malformed/t.json": malformedFile})})
			c := rep.Counts()
			if c[Fail] != 7 || c[Pass]+c[Tolerated]+c[Known] != 0 || rep.Exit() != ExitDisagree {
				t.Fatalf("counts %v exit %d", c, rep.Exit())
			}
			if last := rep.Summary(); last != "0 passed, 7 failed, 0 skipped" {
				t.Fatalf("summary %q", last)
			}
		})
	}
}

// An acceptable case tolerates exactly the answers it lists.
func TestToleratedMeansListed(t *testing.T) {
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "w", "wrong:d-4")}})
	// wrong answers "v2" to d-4, whose upstream observation is "v1".
	if r := byCase(rep, "w")["d-4"]; r.Status != Fail {
		t.Fatalf("an unlisted answer to an acceptable case: %+v", r)
	}
	vecs := withFiles(map[string]string{"envelope.detect/t.json": strings.Replace(detectFile, `"result": "acceptable", "flags": []}`,
		`"result": "acceptable", "flags": ["x"], "upstream": {"ts": {"output": "v2"}}}`, 1)})
	rep = run(t, Config{Peers: []PeerSpec{fake(t, "w", "wrong:d-4")}, Vectors: vecs})
	if r := byCase(rep, "w")["d-4"]; r.Status != Tolerated {
		t.Fatalf("a listed upstream answer: %+v", r)
	}
	if !strings.HasPrefix(rep.Tally(), "0 known failures, 1 tolerated") || rep.Summary() != "4 passed, 0 failed, 0 skipped" {
		t.Fatalf("tally %q summary %q", rep.Tally(), rep.Summary())
	}
}

// Upstream's fail-open decrypt is a named behaviour that a rule covers.
func TestFailOpenRule(t *testing.T) {
	cfg := Config{Peers: []PeerSpec{fakeWith(t, "f", "failopen", "INTEROP_FAKE_SUITES=envelope.malformed")},
		Vectors: withFiles(map[string]string{"envelope.malformed/t.json": malformedFile})}
	rep := run(t, cfg)
	for _, id := range []string{"m-1", "m-2"} {
		if r := byCase(rep, "f")[id]; r.Status != Fail || r.Behaviour != BehaviourReturnsInput {
			t.Fatalf("%s without a rule: %+v", id, r)
		}
	}
	cfg.Known = map[string]*KnownFailures{"f": {Peer: "f", Rules: []KnownRule{{Suite: "envelope.malformed", Behaviour: BehaviourReturnsInput, Reason: "fails open"}}}}
	rep = run(t, cfg)
	if c := rep.Counts(); c[Known] != 2 || rep.Exit() != ExitAgree || len(rep.Problems) > 0 {
		t.Fatalf("with the rule: counts %v exit %d problems %v", c, rep.Exit(), rep.Problems)
	}
	// The same rule on a peer that does not fail open is stale.
	cfg.Peers = []PeerSpec{fakeWith(t, "f", "good", "INTEROP_FAKE_SUITES=envelope.malformed")}
	rep = run(t, cfg)
	if rep.Exit() != ExitDisagree || !strings.Contains(strings.Join(rep.Problems, " "), "covered no result") {
		t.Fatalf("a rule covering nothing: exit %d problems %v", rep.Exit(), rep.Problems)
	}
	// A rule never covers a raised error of another behaviour.
	cfg.Peers = []PeerSpec{fakeWith(t, "f", "raised", "INTEROP_FAKE_SUITES=envelope.malformed")}
	rep = run(t, cfg)
	if r := byCase(rep, "f")["m-1"]; r.Status != Fail || r.Observed != "raised TypeError" {
		t.Fatalf("raised under a returns-input rule: %+v", r)
	}
}

// The gate checks what peers seal; a peer never grades itself.
func TestSealsAreCheckedByTheGate(t *testing.T) {
	vecs := withFiles(map[string]string{"envelope.roundtrip/t.json": roundtripFile})
	for _, tt := range []struct {
		mode, wantStatus string
		clear            bool
	}{
		{"statusliar", envcheck.StatusNotString, false},
		{"sealclear", envcheck.StatusUnchanged, true},
		{"sealupper", envcheck.StatusNotCanonical, false},
		{"zeroiv", envcheck.StatusIVRepeated, false},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			rep := run(t, Config{Peers: []PeerSpec{fakeWith(t, "s", tt.mode, "INTEROP_FAKE_SUITES=envelope.roundtrip")}, Vectors: vecs, Pairwise: true})
			for _, id := range []string{"r-1", "r-2"} {
				r := byCase(rep, "s")[id]
				if r.Status != Fail || r.Got == nil || !strings.Contains(string(r.Got.Output), `"`+tt.wantStatus+`"`) || (r.Finding == envcheck.LeftInClear) != tt.clear {
					t.Fatalf("%s: %+v", id, r)
				}
			}
			if rep.Exit() != ExitDisagree {
				t.Fatalf("exit %d", rep.Exit())
			}
			var text strings.Builder
			rep.WriteText(&text, 50)
			if tt.clear != strings.Contains(text.String(), "SECRETS LEFT IN CLEAR") {
				t.Fatalf("left in clear %v, report:\n%s", tt.clear, text.String())
			}
		})
	}
}

// Every sealing peer's IVs are checked: distinct, and no bit fixed.
func TestIVChecks(t *testing.T) {
	for _, tt := range []struct {
		mode           string
		distinct, bits Status
	}{
		{"good", Pass, Pass},
		{"zeroiv", Fail, Fail}, // one IV: every bit is constant too
		{"uuidiv", Pass, Fail},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			rep := run(t, Config{Peers: []PeerSpec{fake(t, "s", tt.mode)}, Pairwise: true, Cases: []string{"s:iv"}})
			var got []Status
			var bits Result
			for _, r := range rep.Results {
				got = append(got, r.Status)
				if r.Case == "s:iv-random-bits" {
					bits = r
				}
			}
			if len(got) != 2 || got[0] != tt.distinct || got[1] != tt.bits {
				t.Fatalf("statuses %v, want [%s %s]: %+v", got, tt.distinct, tt.bits, rep.Results)
			}
			if tt.mode == "uuidiv" && (bits.Got == nil || string(bits.Got.Output) != `{"constantBits":[48,49,50,51,64,65]}`) {
				t.Fatalf("constant bits: %+v", bits.Got)
			}
		})
	}
}

// A peer that offers envelope.seal, crashes on its first request and never
// says hello again must not crash the gate (it did: a nil peer was used).
func TestSealerThatDiesForGood(t *testing.T) {
	defer checkLeaks(t)()
	marker := filepath.Join(t.TempDir(), "started")
	rep := run(t, Config{Peers: []PeerSpec{fakeWith(t, "d", "sealcrash", "INTEROP_FAKE_MARKER="+marker), fake(t, "g", "good")},
		Pairwise: true, Suites: []string{PairwiseSuite}, StartTimeout: 500 * time.Millisecond})
	if rep.Exit() != ExitInfra {
		t.Fatalf("exit %d", rep.Exit())
	}
	var d PeerReport
	for _, p := range rep.Peers {
		if p.Name == "d" {
			d = p
		}
	}
	if !strings.Contains(d.Error, "restart failed") {
		t.Fatalf("peer d: %+v", d)
	}
}

// A stopped run (a signal, the deadline) reports what it did not check.
func TestStoppedRunReports(t *testing.T) {
	defer checkLeaks(t)()
	ctx, cancel := context.WithCancelCause(context.Background())
	cfg := Config{Peers: []PeerSpec{fake(t, "h", "hang:d-3")}, Vectors: testVectors(), Pairwise: true, CaseTimeout: 10 * time.Second, StartTimeout: 5 * time.Second}
	time.AfterFunc(500*time.Millisecond, func() { cancel(errInterruptedForTest) })
	rep, err := Run(ctx, cfg)
	if err != nil || rep.Exit() != ExitInfra || !strings.Contains(strings.Join(rep.Problems, " "), "interrupted for the test") {
		t.Fatalf("err %v exit %d problems %v", err, rep.Exit(), rep.Problems)
	}
	c := rep.Counts()
	if c[Pass] != 2 || c[NotRun] == 0 {
		t.Fatalf("counts %v", c)
	}
	cfg.Deadline = 300 * time.Millisecond
	rep, err = Run(context.Background(), cfg)
	if err != nil || rep.Exit() != ExitInfra || !strings.Contains(strings.Join(rep.Problems, " "), ErrDeadline.Error()) {
		t.Fatalf("deadline: err %v exit %d problems %v", err, rep.Exit(), rep.Problems)
	}
}

var errInterruptedForTest = errorString("interrupted for the test")

type errorString string

func (e errorString) Error() string { return string(e) }

// Helpers in the peer's process group die with it, even after the peer
// itself has exited and been reaped.
func TestKillsThePeersGroup(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "helper.pid")
	rep := run(t, Config{Peers: []PeerSpec{fakeWith(t, "h", "helper:d-2", "INTEROP_FAKE_PIDFILE="+pidfile)}})
	if r := byCase(rep, "h")["d-2"]; r.Status != Fail {
		t.Fatalf("d-2: %+v", r)
	}
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(string(b))
	deadline := time.Now().Add(3 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("helper %d of the crashed peer is still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func alive(pid int) bool { _, live := leaktest.Parent(pid); return live }

// A peer that answers one case and hangs on the next is given up on after
// maxFaults in the run, not restarted forever.
func TestFaultsAreCountedPerRun(t *testing.T) {
	defer checkLeaks(t)()
	vecs := testVectors()
	for i := range 6 {
		body := strings.NewReplacer(`"d-`, `"e`+strconv.Itoa(i)+`-`).Replace(detectFile)
		vecs["envelope.detect/u"+strconv.Itoa(i)+".json"] = &fstest.MapFile{Data: []byte(body)}
	}
	marker := filepath.Join(t.TempDir(), "m")
	rep := run(t, Config{Peers: []PeerSpec{fakeWith(t, "f", "flaky", "INTEROP_FAKE_MARKER="+marker)}, Vectors: vecs, CaseTimeout: 100 * time.Millisecond})
	p := rep.Peers[0]
	if p.Faults != maxFaults || p.Restarts != maxFaults-1 || !strings.Contains(p.Error, "given up") || rep.Exit() != ExitInfra {
		t.Fatalf("peer %+v exit %d", p, rep.Exit())
	}
	if !strings.Contains(strings.Join(rep.Problems, " "), "given up") {
		t.Fatalf("problems %v", rep.Problems)
	}
}

// A stray line on stdout is a protocol error that shows its length and a
// short prefix, never the whole line.
func TestStrayLineIsShown(t *testing.T) {
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "s", "stray")}})
	r := byCase(rep, "s")["d-1"]
	if r.Status != Fail || !strings.Contains(r.Message, "a line of 50 bytes") || !strings.Contains(r.Message, `"debug: about to answer w"…`) || strings.Contains(r.Message, "chatter") {
		t.Fatalf("%+v", r)
	}
	if !strings.Contains(rep.Peers[0].Error, "given up") {
		t.Fatalf("peer %+v", rep.Peers[0])
	}
}

// A run that compares nothing never passes.
func TestNothingCheckedIsInfra(t *testing.T) {
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "a", "good")}, Pairwise: true, Cases: []string{"nomatch"}})
	if rep.Exit() != ExitInfra || !strings.Contains(strings.Join(rep.Problems, " "), "nothing was checked") {
		t.Fatalf("exit %d problems %v", rep.Exit(), rep.Problems)
	}
	rep = run(t, Config{Peers: []PeerSpec{fake(t, "a", "good")}, Pairwise: true, Shard: 5, Shards: 1000})
	if rep.Exit() != ExitInfra {
		t.Fatalf("an empty shard: exit %d", rep.Exit())
	}
	if m := Merge(&Report{}); m.Exit() != ExitInfra {
		t.Fatalf("a merge of a summary-only report: exit %d", m.Exit())
	}
}

func TestReadJSONRefusesBadReports(t *testing.T) {
	for name, body := range map[string]string{
		"huge shards":    `{"record":"summary","summary":{"shard":1,"shards":100000000}}`,
		"unknown status": `{"record":"case","peer":"a","suite":"s","case":"c","status":"banana"}` + "\n" + `{"record":"summary","summary":{}}`,
		"shard past n":   `{"record":"summary","summary":{"shard":3,"shards":2}}`,
	} {
		if _, err := ReadJSON(strings.NewReader(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
