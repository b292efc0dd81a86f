package envelope_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/vectors"
)

// fill is the byte the spare capacity of test buffers holds before a
// call: afterwards every spare byte must still be fill or be zero.
const fill = 0xa5

// spareBuf returns a buffer of length len(prefix), holding prefix, with
// extra bytes of spare capacity set to fill.
func spareBuf(prefix string, extra int) []byte {
	b := make([]byte, len(prefix)+extra)
	copy(b, prefix)
	for i := len(prefix); i < len(b); i++ {
		b[i] = fill
	}
	return b[:len(prefix)]
}

// checkSpare fails unless every byte of b's spare capacity is fill or 0:
// nothing a call wrote beyond the returned slice survives it.
func checkSpare(t *testing.T, what string, b []byte) {
	t.Helper()
	for i, c := range b[len(b):cap(b)] {
		if c != fill && c != 0 {
			t.Fatalf("%s left %#x at spare byte %d", what, c, i)
			return
		}
	}
}

// kind maps an error onto the error kinds of spec/vectors.md.
func kind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, envelope.ErrNotEnvelope):
		return "not_envelope"
	case errors.Is(err, envelope.ErrMalformed):
		return "malformed"
	case errors.Is(err, envelope.ErrAuthFailed):
		return "auth_failed"
	case errors.Is(err, envelope.ErrInvalidUTF8):
		return "invalid_utf8"
	}
	return "unexpected " + err.Error()
}

func readVectors(t *testing.T, suites ...string) map[string][]*vector.File {
	t.Helper()
	files, problems, err := vector.Read(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("invalid vector file: %s", p)
	}
	out := map[string][]*vector.File{}
	for _, f := range files {
		out[f.Suite] = append(out[f.Suite], f)
	}
	for _, s := range suites {
		if len(out[s]) == 0 {
			t.Fatalf("no vectors of %s", s)
		}
	}
	return out
}

// TestVectorsOpenBothForms runs every case of the open suites through Open
// and through AppendOpen, the latter into a buffer that already holds a
// prefix and has spare capacity, and requires the vector's outcome of both
// with the same error.
func TestVectorsOpenBothForms(t *testing.T) {
	suites := []string{"envelope.open_v2", "envelope.open_v1", "envelope.malformed"}
	byName := readVectors(t, suites...)
	n := 0
	for _, s := range suites {
		for _, f := range byName[s] {
			for i := range f.Cases {
				c := &f.Cases[i]
				n++
				t.Run(s+"/"+c.ID, func(t *testing.T) {
					var in struct{ Salt, Value string }
					if err := json.Unmarshal(c.Input, &in); err != nil {
						t.Fatal(err)
					}
					k := mustKey(t, in.Salt)
					p, err := k.Open(in.Value)
					got := outcome(t, p, err)
					if !c.Matches(got) {
						t.Fatalf("Open: %s (%s)\nwant %s\ngot  %s", c.Name(f), c.Description, c.Expected(), got)
					}
					for _, extra := range []int{0, len(in.Value)/2 + 64} {
						dst := spareBuf("pre", extra)
						b, aerr := k.AppendOpen(dst, []byte(in.Value))
						if kind(aerr) != kind(err) || (err != nil && aerr.Error() != err.Error()) {
							t.Fatalf("AppendOpen error %v, Open error %v", aerr, err)
						}
						if err != nil {
							if len(b) != len(dst) || string(b) != "pre" {
								t.Fatalf("failed AppendOpen returned %q, want dst unchanged", b)
							}
							if extra > 0 {
								checkSpare(t, "failed AppendOpen", b)
							}
							continue
						}
						if string(b) != "pre"+p {
							t.Fatalf("AppendOpen = %.40q, want the prefix and %.40q", b, p)
						}
					}
				})
			}
		}
	}
	t.Logf("%d cases through both forms", n)
}

func outcome(t *testing.T, p string, err error) vector.Outcome {
	t.Helper()
	if err != nil {
		return vector.Outcome{Error: kind(err)}
	}
	b, _ := json.Marshal(p)
	return vector.Outcome{Output: b}
}

// fixedIV is a random source that returns the same bytes every time, so
// that Seal and AppendSeal can be compared byte for byte.
type fixedIV struct{}

func (fixedIV) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i*29 + 3)
	}
	return len(p), nil
}

// TestVectorsSealBothForms runs every envelope.roundtrip case through Seal
// and AppendSeal: under one fixed IV source both write the same bytes, the
// status is the vector's (sealed, or unchanged for an envelope-shaped
// plaintext), and what was sealed opens through both forms.
func TestVectorsSealBothForms(t *testing.T) {
	byName := readVectors(t, "envelope.roundtrip")
	for _, f := range byName["envelope.roundtrip"] {
		for i := range f.Cases {
			c := &f.Cases[i]
			t.Run(c.ID, func(t *testing.T) {
				var in struct{ Salt, Plaintext string }
				var want struct{ Status string }
				if err := json.Unmarshal(c.Input, &in); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(c.Output, &want); err != nil {
					t.Fatal(err)
				}
				k := envelope.NewKeyWithRand(in.Salt, fixedIV{})
				s, err := k.Seal(in.Plaintext)
				if err != nil {
					t.Fatal(err)
				}
				dst := spareBuf("pre", 0)
				b, err := k.AppendSeal(dst, []byte(in.Plaintext))
				if err != nil || string(b) != "pre"+s {
					t.Fatalf("AppendSeal = %.60q, %v; Seal = %.60q", b, err, s)
				}
				status := "sealed"
				if s == in.Plaintext {
					status = "unchanged"
				}
				if status != want.Status && c.Result == vector.Valid {
					t.Fatalf("%s: status %s, want %s", c.Name(f), status, want.Status)
				}
				if status == "sealed" {
					if len(s) != envelope.SealedLen(len(in.Plaintext)) {
						t.Fatalf("len %d, SealedLen %d", len(s), envelope.SealedLen(len(in.Plaintext)))
					}
					p, err := k.AppendOpen(nil, b[3:])
					if err != nil || string(p) != in.Plaintext {
						t.Fatalf("AppendOpen(AppendSeal(x)) = %.40q, %v", p, err)
					}
				}
			})
		}
	}
}

func TestAppendErrorsMatchStringForms(t *testing.T) {
	k := mustKey(t, "s")
	for _, p := range []string{"bad \xff utf-8", "\xed\xa0\x80"} {
		_, err := k.Seal(p)
		dst := spareBuf("pre", 256)
		b, aerr := k.AppendSeal(dst, []byte(p))
		if !errors.Is(aerr, envelope.ErrInvalidUTF8) || aerr.Error() != err.Error() || string(b) != "pre" || strings.Contains(aerr.Error(), p) {
			t.Fatalf("AppendSeal(%q) = %q, %v; Seal error %v", p, b, aerr, err)
		}
		checkSpare(t, "failed AppendSeal", b)
	}
	for _, k := range []*envelope.Key{nil, new(envelope.Key)} {
		if _, err := k.AppendSeal(nil, []byte("x")); !errors.Is(err, envelope.ErrNoKey) {
			t.Errorf("AppendSeal on a zero key: %v", err)
		}
		if _, err := k.AppendOpen(nil, []byte("x")); !errors.Is(err, envelope.ErrNoKey) {
			t.Errorf("AppendOpen on a zero key: %v", err)
		}
	}
	// A failing random source: nothing is appended and the IV bytes read
	// part-way are zeroed.
	k = envelope.NewKeyWithRand("s", io.MultiReader(strings.NewReader("\x01\x02\x03\x04"), iotestErr{}))
	dst := spareBuf("pre", 512)
	b, err := k.AppendSeal(dst, []byte("secret"))
	if err == nil || string(b) != "pre" {
		t.Fatalf("AppendSeal with a failing random source = %q, %v", b, err)
	}
	checkSpare(t, "AppendSeal with a failing random source", b)
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

// TestFailedOpenLeavesNoPlaintext opens envelopes whose decryption
// produces plaintext that must not be returned — a v2 plaintext that is
// not UTF-8, a v1 plaintext with bad padding or not UTF-8 — and a wrong
// tag, into buffers with spare capacity, and checks that spare capacity.
func TestFailedOpenLeavesNoPlaintext(t *testing.T) {
	k := mustKey(t, "legacy")
	iv := []byte("0123456789abcdef")
	secret := bytes.Repeat([]byte("SECRET-"), 40)
	notUTF8 := append(append([]byte{}, secret...), 0xff)
	good, _ := k.Seal(string(secret))
	cases := map[string]string{
		"v2 not utf-8":   v2Seal("legacy", notUTF8),
		"v2 flipped tag": good[:len(good)-1] + flip(good[len(good)-1]),
		"v2 wrong salt":  v2Seal("other", secret),
		"v1 not utf-8":   v1Seal("legacy", iv, notUTF8),
		"v1 wrong salt":  v1Seal("other", iv, secret),
		"v2 odd hex":     good[:30] + "0" + good[30:],
		"v2 non-hex":     good[:40] + "zz" + good[42:],
	}
	for name, v := range cases {
		dst := spareBuf("pre", 4096)
		b, err := k.AppendOpen(dst, []byte(v))
		if err == nil || string(b) != "pre" {
			t.Fatalf("%s: AppendOpen = %.30q, %v; want a failure", name, b, err)
		}
		checkSpare(t, name, b)
		if bytes.Contains(b[:cap(b)], []byte("SECRET")) {
			t.Fatalf("%s: the plaintext is in the spare capacity", name)
		}
	}
}

// v2Seal writes a v2 envelope of any bytes, UTF-8 or not, with crypto/cipher.
func v2Seal(salt string, p []byte) string {
	iv := bytes.Repeat([]byte{7}, 12)
	sealed := rawGCMFor(salt).Seal(nil, iv, p, []byte("elizaos:settings:v2"))
	n := len(sealed) - 16
	return "v2:" + hexs(iv) + ":" + hexs(sealed[:n]) + ":" + hexs(sealed[n:])
}

func TestAppendOverlapPanics(t *testing.T) {
	k := mustKey(t, "s")
	sealed, _ := k.Seal("hello")
	for name, f := range map[string]func(){
		"AppendSeal": func() {
			buf := make([]byte, 0, 4096)
			p := append(buf[10:10], "plaintext"...)
			k.AppendSeal(buf, p)
		},
		"AppendOpen": func() {
			buf := make([]byte, 0, 4096)
			v := append(buf[10:10], sealed...)
			k.AppendOpen(buf, v)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with overlapping buffers did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestAppendZeroAllocs(t *testing.T) {
	k := mustKey(t, "allocs")
	for _, n := range []int{0, 1, 100, 64 << 10} {
		p := bytes.Repeat([]byte("é"), n/2)
		buf := make([]byte, 0, envelope.SealedLen(len(p)))
		var err error
		if a := testing.AllocsPerRun(20, func() { buf, err = k.AppendSeal(buf[:0], p) }); a != 0 || err != nil {
			t.Errorf("AppendSeal of %d bytes: %v allocations, %v", len(p), a, err)
		}
		sealed := append([]byte(nil), buf...)
		out := make([]byte, 0, len(sealed)/2)
		if a := testing.AllocsPerRun(20, func() { out, err = k.AppendOpen(out[:0], sealed) }); a != 0 || err != nil || !bytes.Equal(out, p) {
			t.Errorf("AppendOpen of %d bytes: %v allocations, %v", len(p), a, err)
		}
		bad := append([]byte(nil), sealed...)
		bad[len(bad)-1] = flip(bad[len(bad)-1])[0]
		if a := testing.AllocsPerRun(20, func() { out, err = k.AppendOpen(out[:0], bad) }); a != 0 || !errors.Is(err, envelope.ErrAuthFailed) {
			t.Errorf("failing AppendOpen of %d bytes: %v allocations, %v", len(p), a, err)
		}
	}
}
