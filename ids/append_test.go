package ids

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/vectors"
)

// TestVectorsBothForms runs every ids.string_to_uuid case with a text
// input (kinds string, bytes and utf16) through StringToUUID and through
// AppendUUID, the latter after a prefix and into spare capacity, and
// requires the vector's outcome of both, with the same error. Cases of
// other kinds (numbers, booleans, null) have no text and no append form.
func TestVectorsBothForms(t *testing.T) {
	files, problems, err := vector.Read(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("invalid vector file: %s", p)
	}
	n := 0
	for _, f := range files {
		if f.Suite != "ids.string_to_uuid" {
			continue
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			s, ok := textInput(t, c.Input)
			if !ok {
				continue
			}
			n++
			t.Run(c.ID, func(t *testing.T) {
				id, err := StringToUUID(s)
				if got := idOutcome(id, err); !c.Matches(got) {
					t.Fatalf("StringToUUID: %s (%s)\nwant %s\ngot  %s", c.Name(f), c.Description, c.Expected(), got)
				}
				checkAppend(t, s, id, err)
			})
		}
	}
	if n < 100 {
		t.Fatalf("only %d text cases", n)
	}
	t.Logf("%d cases through both forms", n)
}

// TestVectorsUniqueBothForms runs every ids.create_unique_uuid case
// through CreateUniqueUUID and AppendUniqueUUID.
func TestVectorsUniqueBothForms(t *testing.T) {
	files, _, err := vector.Read(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if f.Suite != "ids.create_unique_uuid" {
			continue
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			n++
			t.Run(c.ID, func(t *testing.T) {
				var in struct {
					AgentID string `json:"agentId"`
					Base    string `json:"base"`
				}
				if err := json.Unmarshal(c.Input, &in); err != nil {
					t.Fatal(err)
				}
				id, err := CreateUniqueUUID(in.AgentID, in.Base)
				got := idOutcome(id, err)
				if errors.Is(err, ErrInvalidAgentID) {
					got = vector.Outcome{Error: "invalid_agent_id"}
				}
				if !c.Matches(got) {
					t.Fatalf("CreateUniqueUUID: %s (%s)\nwant %s\ngot  %s", c.Name(f), c.Description, c.Expected(), got)
				}
				checkAppendUnique(t, in.AgentID, in.Base, id, err)
			})
		}
	}
	if n == 0 {
		t.Fatal("no ids.create_unique_uuid cases")
	}
}

func checkAppendUnique(t *testing.T, agentID, base, id string, err error) {
	t.Helper()
	dst := make([]byte, 3, 64)
	copy(dst, "pre")
	b, aerr := AppendUniqueUUID(dst, agentID, base)
	if (aerr == nil) != (err == nil) || err != nil && aerr.Error() != err.Error() {
		t.Fatalf("AppendUniqueUUID error %v, CreateUniqueUUID error %v", aerr, err)
	}
	if err != nil {
		if string(b) != "pre" || string(b[:cap(b)][3:]) != strings.Repeat("\x00", 61) {
			t.Fatalf("failed AppendUniqueUUID returned %q or wrote past it", b)
		}
		return
	}
	if string(b) != "pre"+id {
		t.Fatalf("AppendUniqueUUID = %q, CreateUniqueUUID = %q", b, id)
	}
}

// checkAppend requires AppendUUID(s) to agree with StringToUUID's id and
// error, with and without spare capacity, writing nothing past dst when it
// fails.
func checkAppend(t *testing.T, s, id string, err error) {
	t.Helper()
	for _, extra := range []int{0, 64} {
		dst := make([]byte, 3, 3+extra)
		copy(dst, "pre")
		spare := dst[3:cap(dst)]
		for i := range spare {
			spare[i] = 0xa5
		}
		b, aerr := AppendUUID(dst, s)
		if (aerr == nil) != (err == nil) || err != nil && (aerr.Error() != err.Error() || !errors.Is(aerr, ErrInvalidUTF8)) {
			t.Fatalf("AppendUUID error %v, StringToUUID error %v", aerr, err)
		}
		if err != nil {
			if string(b) != "pre" {
				t.Fatalf("failed AppendUUID returned %q", b)
			}
			for i, c := range spare {
				if c != 0xa5 {
					t.Fatalf("failed AppendUUID wrote %#x at spare byte %d", c, i)
				}
			}
			continue
		}
		if string(b) != "pre"+id {
			t.Fatalf("AppendUUID = %q, StringToUUID = %q", b, id)
		}
	}
}

func idOutcome(id string, err error) vector.Outcome {
	if err != nil {
		if errors.Is(err, ErrInvalidUTF8) {
			return vector.Outcome{Error: "invalid_utf8"}
		}
		return vector.Outcome{Raised: err.Error()}
	}
	b, _ := json.Marshal(id)
	return vector.Outcome{Output: b}
}

// textInput decodes the text of a case input: a string, raw bytes in hex,
// or UTF-16 code units in hex (a lone surrogate kept as its three-byte,
// ill-formed UTF-8 encoding, as the conformance harness does).
func textInput(t *testing.T, raw json.RawMessage) (string, bool) {
	t.Helper()
	var in struct {
		Kind  string          `json:"kind"`
		Value json.RawMessage `json:"value"`
		Hex   string          `json:"hex"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatal(err)
	}
	switch in.Kind {
	case "string":
		var s string
		if err := json.Unmarshal(in.Value, &s); err != nil {
			t.Fatal(err)
		}
		return s, true
	case "bytes":
		b, err := hex.DecodeString(in.Hex)
		if err != nil {
			t.Fatal(err)
		}
		return string(b), true
	case "utf16":
		var b []byte
		for i := 0; i+4 <= len(in.Hex); i += 4 {
			u, err := strconv.ParseUint(in.Hex[i:i+4], 16, 16)
			if err != nil {
				t.Fatal(err)
			}
			r := rune(u)
			if 0xd800 <= r && r < 0xdc00 && i+8 <= len(in.Hex) {
				if lo, err := strconv.ParseUint(in.Hex[i+4:i+8], 16, 16); err == nil && 0xdc00 <= lo && lo < 0xe000 {
					b = utf8.AppendRune(b, 0x10000+(r-0xd800)<<10+rune(lo)-0xdc00)
					i += 4
					continue
				}
			}
			if 0xd800 <= r && r < 0xe000 {
				b = append(b, byte(0xe0|r>>12), byte(0x80|(r>>6)&0x3f), byte(0x80|r&0x3f))
				continue
			}
			b = utf8.AppendRune(b, r)
		}
		return string(b), true
	}
	return "", false
}

func TestAppendUUIDZeroAllocs(t *testing.T) {
	inputs := []string{"", "hello world", "user-123:b8265c19-4c0c-00e1-90b5-c580a1ac9d45", "Café 日本語 👩‍💻 données", "550E8400-E29B-41D4-A716-446655440000"}
	if !raceEnabled {
		// Longer inputs escape into a pooled buffer, which the race
		// detector's sync.Pool drops at random.
		inputs = append(inputs, strings.Repeat("abcdefgh", 128), strings.Repeat("日本", 200))
	}
	buf := make([]byte, 0, 36)
	for _, s := range inputs {
		var err error
		AppendUUID(buf[:0], s) // fills the pool
		if a := testing.AllocsPerRun(50, func() { buf, err = AppendUUID(buf[:0], s) }); a != 0 || err != nil {
			t.Errorf("AppendUUID(%.20q): %v allocations, %v", s, a, err)
		}
	}
	const agent = "b8265c19-4c0c-00e1-90b5-c580a1ac9d45"
	for _, base := range []string{"user-123", agent, "Café 日本語"} {
		var err error
		if a := testing.AllocsPerRun(50, func() { buf, err = AppendUniqueUUID(buf[:0], agent, base) }); a != 0 || err != nil {
			t.Errorf("AppendUniqueUUID(%q): %v allocations, %v", base, a, err)
		}
	}
}

// FuzzAppendUniqueUUID compares AppendUniqueUUID with CreateUniqueUUID,
// and both with StringToUUID of the concatenation they stand for.
func FuzzAppendUniqueUUID(f *testing.F) {
	const agent = "b8265c19-4c0c-00e1-90b5-c580a1ac9d45"
	for _, s := range [][2]string{{agent, "user-123"}, {agent, agent}, {agent, "\xff"}, {"x", "y"}, {strings.ToUpper(agent), "Café"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, agentID, base string) {
		id, err := CreateUniqueUUID(agentID, base)
		checkAppendUnique(t, agentID, base, id, err)
		if err == nil && base != agentID {
			if want, _ := StringToUUID(base + ":" + agentID); want != id {
				t.Fatalf("CreateUniqueUUID(%q, %q) = %q, want %q", agentID, base, id, want)
			}
		}
		if errors.Is(err, ErrInvalidUTF8) {
			_, serr := StringToUUID(base + ":" + agentID)
			if serr == nil || serr.Error() != err.Error() {
				t.Fatalf("error %v, StringToUUID of the concatenation: %v", err, serr)
			}
		}
	})
}

// FuzzAppendUUID compares AppendUUID with StringToUUID on any input.
func FuzzAppendUUID(f *testing.F) {
	for _, s := range []string{"", "test", "550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-44665544000G", "Café", "\xff", "\xed\xa0\x80", "👩‍💻", strings.Repeat("a", 70) + "\xc0\xaf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := StringToUUID(s)
		checkAppend(t, s, id, err)
	})
}
