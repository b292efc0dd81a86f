package jsontext

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestValidateErrors(t *testing.T) {
	for _, tc := range []struct {
		in     string
		kind   Kind
		ptr    string
		offset int
	}{
		{``, KindSyntax, "", 0},
		{`{"a":1,}`, KindSyntax, "", 7},
		{`{"a":[1,]}`, KindSyntax, "/a", 8},
		{`[01]`, KindSyntax, "", 2},
		{`{"a":"\x"}`, KindSyntax, "/a", 6},
		{"\"\x01\"", KindSyntax, "", 1},
		{`"\ud800\u0041"`, KindUTF8, "", 1},
		{"[\"\xed\xa0\x80\"]", KindUTF8, "", 2},
		{`{"a":1,"b":{"a":2,"a":3}}`, KindDuplicate, "/b/a", 18},
		{`{"a":1,"\u0061":2}`, KindDuplicate, "/a", 7},
		{`[1,2,9007199254740992]`, KindRange, "/2", 5},
		{`{"x":-1e400}`, KindRange, "/x", 5},
		{`{"a":1,"a":2,"b":1e400}`, KindDuplicate, "/a", 7},
		{`{"b":1e400,"a":1,"a":2}`, KindRange, "/b", 5},
		{`{"a":1,"a":2} x`, KindSyntax, "", 14},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), KindDepth, "", MaxDepth},
		{"[\"\xff\"", KindUTF8, "", 2},
	} {
		err := Validate([]byte(tc.in))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%.40q: got %v, want kind %d", tc.in, err, tc.kind)
			continue
		}
		if e.Kind != tc.kind || e.Offset != tc.offset || (tc.kind.phase() == 2 && e.Pointer() != tc.ptr) {
			t.Errorf("%.40q: got kind %d at %q offset %d, want %d at %q offset %d", tc.in, e.Kind, e.Pointer(), e.Offset, tc.kind, tc.ptr, tc.offset)
		}
	}
	for _, ok := range []string{`0`, `-0.5e-3`, `"a\u00e9\ud83d\ude00"`, ` {"a":[true,false,null,{}]} `, strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), `9007199254740991`, `1e-400`} {
		if err := Validate([]byte(ok)); err != nil {
			t.Errorf("%.40q: %v", ok, err)
		}
	}
}

// TestOptionsMaxDepth checks the depth parameter: the limit moves, the
// default stays MaxDepth, and nothing else changes.
func TestOptionsMaxDepth(t *testing.T) {
	nest := func(n int) []byte { return []byte(strings.Repeat("[", n) + strings.Repeat("]", n)) }
	for _, tc := range []struct {
		opts Options
		ok   int // deepest nesting accepted
	}{{Options{}, MaxDepth}, {Options{MaxDepth: -1}, MaxDepth}, {Options{MaxDepth: 128}, 128}, {Options{MaxDepth: 1}, 1}, {Options{MaxDepth: 2000}, 2000}} {
		if err := ValidateOptions(nest(tc.ok), tc.opts); err != nil {
			t.Errorf("%+v: depth %d: %v", tc.opts, tc.ok, err)
		}
		if _, err := ReadValue(nest(tc.ok), tc.opts); err != nil {
			t.Errorf("%+v: ReadValue at depth %d: %v", tc.opts, tc.ok, err)
		}
		err := ValidateOptions(nest(tc.ok+1), tc.opts)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindDepth || e.Offset != tc.ok || e.Detail != "nesting deeper than "+strconv.Itoa(tc.ok) {
			t.Errorf("%+v: depth %d: got %v", tc.opts, tc.ok+1, err)
		}
		var d Decoder
		d.ResetOptions(nest(tc.ok+1), tc.opts)
		if _, err := d.Value(); !errors.As(err, &e) || e.Kind != KindDepth {
			t.Errorf("%+v: Decoder at depth %d: got %v", tc.opts, tc.ok+1, err)
		}
	}
	// Reset after ResetOptions is back to the default.
	var d Decoder
	d.ResetOptions([]byte("[[1]]"), Options{MaxDepth: 1})
	d.Reset(nest(MaxDepth))
	if _, err := d.Value(); err != nil {
		t.Errorf("Reset keeps an earlier limit: %v", err)
	}
}

// TestReadValue checks that ReadValue reads what Value reads and fails with
// the error Validate chooses, not the first one the decoder meets.
func TestReadValue(t *testing.T) {
	v, err := ReadValue([]byte(` {"a":[1,"x",null,true,{}],"b":-0.5} `), Options{})
	want := map[string]any{"a": []any{1.0, "x", nil, true, map[string]any{}}, "b": -0.5}
	if err != nil || !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v, %v", v, err)
	}
	for _, tc := range []struct {
		in    string
		depth int
		kind  Kind
		ptr   string
	}{
		{`{"a":1,"a":2,`, 0, KindSyntax, ""},                    // the decoder stops at the duplicate
		{`[1e400,"\ud800"]`, 0, KindUTF8, ""},                   // the decoder stops at the number
		{"[1,2] \xff", 0, KindUTF8, ""},                         // the decoder stops at the trailing data
		{`{"a":1e400,"a":1}`, 0, KindRange, "/a"},               // the first phase-2 problem
		{`{"a":[1,{"b":2,"b":3}]}`, 0, KindDuplicate, "/a/1/b"}, // located below
		{`[[[1,1,1]]]`, 2, KindDepth, ""},
	} {
		_, err := ReadValue([]byte(tc.in), Options{MaxDepth: tc.depth})
		var e *Error
		if !errors.As(err, &e) || e.Kind != tc.kind || (tc.ptr != "" && e.Pointer() != tc.ptr) {
			t.Errorf("%s: got %v, want kind %d at %q", tc.in, err, tc.kind, tc.ptr)
		}
	}
}

func TestTimestamp(t *testing.T) {
	for in, want := range map[string]int64{`1704067200000`: 1704067200000, `"1704067200000"`: 1704067200000, `"-5"`: -5, `"0"`: 0, `"-0"`: 0, `1.7e12`: 1700000000000, `-0`: 0} {
		var d Decoder
		d.Reset([]byte(in))
		got, err := d.Timestamp()
		if err != nil || got != want {
			t.Errorf("%s: %d, %v; want %d", in, got, err, want)
		}
	}
	for in, kind := range map[string]Kind{`"01"`: KindType, `"+1"`: KindType, `"1.0"`: KindType, `""`: KindType, `"-"`: KindType, `1.5`: KindType, `true`: KindType,
		`"9007199254740992"`: KindRange, `"-99999999999999999999999"`: KindRange, `9007199254740992`: KindRange} {
		var d Decoder
		d.Reset([]byte(in))
		_, err := d.Timestamp()
		var e *Error
		if !errors.As(err, &e) || e.Kind != kind {
			t.Errorf("%s: %v, want kind %d", in, err, kind)
		}
	}
}

func TestAppendString(t *testing.T) {
	in := "q\" b\\ s/ \b\f\n\r\t \x00\x1f\x7f \u2028\u2029 <&> é 😀"
	want := `"q\" b\\ s/ \b\f\n\r\t \u0000\u001f` + "\x7f \u2028\u2029 <&> é 😀\""
	got, err := AppendString(nil, in)
	if err != nil || string(got) != want {
		t.Fatalf("got %s, %v\nwant %s", got, err, want)
	}
	for _, bad := range []string{"\xff", "a\xed\xa0\x80", "\xe2\x82"} {
		if _, err := AppendString(nil, bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestAppendFloat checks the ECMAScript formatting against encoding/json,
// which implements the same algorithm, on random doubles of every
// magnitude, and the cases where the two differ on purpose.
func TestAppendFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		f := math.Float64frombits(r.Uint64())
		if !Safe(f) {
			if _, err := AppendFloat(nil, f); err == nil {
				t.Fatalf("%v: no error", f)
			}
			continue
		}
		got, err := AppendFloat(nil, f)
		want, _ := json.Marshal(f)
		if err != nil || string(got) != string(want) {
			t.Fatalf("%v: got %s, %v; want %s", f, got, err, want)
		}
	}
	for f, want := range map[float64]string{math.Copysign(0, -1): "0", 1e-7: "1e-7", 1e-6: "0.000001", 5e-324: "5e-324", MaxSafeInteger: "9007199254740991", 0.30000000000000004: "0.30000000000000004", 123456789012345.6: "123456789012345.6"} {
		if got, err := AppendFloat(nil, f); err != nil || string(got) != want {
			t.Errorf("%v: got %s, %v; want %s", f, got, err, want)
		}
	}
}

// TestCompareKeys checks the order against UTF-16 code unit comparison.
func TestCompareKeys(t *testing.T) {
	alphabet := []rune{'a', 'b', 'Z', 0x7f, 0xe9, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xff61, 0xffff, 0x10000, 0x1f600, 0x10ffff}
	r := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		n := r.IntN(4)
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(rs)
	}
	for range 100000 {
		a, b := word(), word()
		want := slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
		got := CompareKeys(a, b)
		if (got < 0) != (want < 0) || (got == 0) != (want == 0) {
			t.Fatalf("CompareKeys(%q, %q) = %d, want sign of %d", a, b, got, want)
		}
	}
}

func TestAppendValue(t *testing.T) {
	v := map[string]any{"b": []any{1, int64(-2), 0.5, "s", nil, true, false}, "a": map[string]any{}, "\U0001F600": 1.0, "\uff61": 2.0}
	got, err := AppendValue(nil, v)
	want := `{"a":{},"b":[1,-2,0.5,"s",null,true,false],"😀":1,"｡":2}`
	if err != nil || string(got) != want {
		t.Fatalf("got %s, %v\nwant %s", got, err, want)
	}
	for _, bad := range []any{float32(1), []string{"a"}, map[string]any{"x": math.Inf(1)}, int64(1 << 53)} {
		if _, err := AppendValue(nil, bad); err == nil {
			t.Errorf("%#v: no error", bad)
		}
	}
}

// FuzzValidate reads arbitrary bytes. It never panics; Value succeeds
// exactly when Validate finds nothing; Validate's error is never of a later
// phase than Value's; what is accepted, encoding/json accepts too; and the
// canonical text of an accepted value reads back to the same value and
// writes back to the same bytes.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"\u00e9\ud83d\ude00"}`, `[1e400]`, `{"a":1,"a":2}`, `"\ud800"`, "\"\xff\"", `[01]`, `-0.0e-0`, `{"\u0000":"\/"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		verr := Validate(data)
		var d Decoder
		d.Reset(data)
		v, err := d.Value()
		if err == nil {
			err = d.End()
		}
		if (err == nil) != (verr == nil) {
			t.Fatalf("Value: %v, Validate: %v", err, verr)
		}
		// ReadValue fails exactly when Validate does, with its error, at
		// any depth limit.
		for _, opts := range []Options{{}, {MaxDepth: 3}} {
			rv, rerr := ReadValue(data, opts)
			want := ValidateOptions(data, opts)
			if (rerr == nil) != (want == nil) || (rerr != nil && rerr.Error() != want.Error()) {
				t.Fatalf("%+v: ReadValue: %v, ValidateOptions: %v", opts, rerr, want)
			}
			if opts.MaxDepth == 0 && rerr == nil && !reflect.DeepEqual(rv, v) {
				t.Fatalf("ReadValue read %#v, Value %#v", rv, v)
			}
		}
		if err != nil {
			var e1, e2 *Error
			if !errors.As(err, &e1) || !errors.As(verr, &e2) {
				t.Fatalf("errors %v, %v are not *Error", err, verr)
			}
			if e2.Kind.phase() > e1.Kind.phase() {
				t.Fatalf("Validate chose %v over %v", verr, err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted %q, which encoding/json rejects", data)
		}
		out, err := AppendValue(nil, v)
		if err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		d.Reset(out)
		w, err := d.Value()
		if err != nil || !reflect.DeepEqual(v, w) {
			t.Fatalf("canonical text %s reads back as %#v, %v", out, w, err)
		}
		if again, _ := AppendValue(nil, w); string(again) != string(out) {
			t.Fatalf("canonical text not stable: %s, %s", out, again)
		}
	})
}
