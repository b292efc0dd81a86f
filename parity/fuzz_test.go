package parity

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/interopkit/interop/internal/vector"
)

func TestFuzzFindsAndMinimizesDisagreements(t *testing.T) {
	defer checkLeaks(t)()
	cfg := FuzzConfig{Peers: []PeerSpec{fake(t, "ref", "good"), fake(t, "same", "good"), fake(t, "blind", "none")},
		Suite: "envelope.detect", N: 40, Seed: 5, CaseTimeout: 2 * time.Second, StartTimeout: 5 * time.Second}
	rep, err := Fuzz(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Tried != 40 || len(rep.Disagreements) == 0 {
		t.Fatalf("tried %d, %d disagreements", rep.Tried, len(rep.Disagreements))
	}
	for _, d := range rep.Disagreements {
		if strings.Join(d.Differs, ",") != "blind" {
			t.Errorf("differs %v; only the blind peer disagrees", d.Differs)
		}
		if ref := d.Outcomes["ref"]; string(ref.Output) == `"none"` {
			t.Errorf("the reference says none on %s: no disagreement there", d.Input)
		}
	}
	// The same seed gives the same inputs.
	again, err := Fuzz(context.Background(), cfg)
	if err != nil || len(again.Disagreements) != len(rep.Disagreements) || string(again.Disagreements[0].Input) != string(rep.Disagreements[0].Input) {
		t.Fatalf("not reproducible: %v", err)
	}
	// The candidate file is a valid vector file.
	body, err := rep.CandidateFile(5)
	if err != nil {
		t.Fatal(err)
	}
	files, problems, err := vector.Read(fstest.MapFS{"envelope.detect/fuzz-5.json": &fstest.MapFile{Data: body}})
	if err != nil || len(problems) != 0 || len(files) != 1 || len(files[0].Cases) != len(rep.Disagreements) {
		t.Fatalf("candidate file: %v %v", err, problems)
	}
}

func TestFuzzUsage(t *testing.T) {
	if _, err := Fuzz(context.Background(), FuzzConfig{Suite: "nope"}); !errors.Is(err, ErrFuzzSuite) {
		t.Fatalf("unknown suite: %v", err)
	}
	if _, err := Fuzz(context.Background(), FuzzConfig{Suite: "envelope.detect", Peers: []PeerSpec{fake(t, "only", "good")}}); err == nil {
		t.Fatal("one peer cannot disagree with itself")
	}
}
