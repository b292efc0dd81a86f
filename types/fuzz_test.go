package types_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/interopkit/interop/internal/vector"
	"github.com/interopkit/interop/types"
	"github.com/interopkit/interop/vectors"
)

// codec is what every type of the package implements.
type codec interface {
	json.Marshaler
	json.Unmarshaler
}

// newValues lists a fresh value of each top-level type; the fuzz input
// picks one.
var newValues = []func() codec{
	func() codec { return new(types.Memory) },
	func() codec { return new(types.Content) },
	func() codec { return new(types.State) },
	func() codec { return new(types.ActionResult) },
	func() codec { return new(types.ProviderResult) },
	func() codec { return new(types.PluginManifest) },
}

var typeIndex = map[string]uint8{"Memory": 0, "Content": 1, "State": 2, "ActionResult": 3, "ProviderResult": 4, "PluginManifest": 5}

var sentinels = []error{types.ErrInvalidUTF8, types.ErrSyntax, types.ErrTooDeep, types.ErrDuplicateKey, types.ErrRange, types.ErrType, types.ErrMissing}

// seedFromVectors adds every serialize.roundtrip input as a seed.
func seedFromVectors(f *testing.F) {
	files, _, err := vector.Read(vectors.FS)
	if err != nil {
		f.Fatal(err)
	}
	n := 0
	for _, file := range files {
		if file.Suite != "serialize.roundtrip" {
			continue
		}
		for _, c := range file.Cases {
			var in struct {
				Type string  `json:"type"`
				Text *string `json:"text"`
				Hex  *string `json:"hex"`
			}
			if err := json.Unmarshal(c.Input, &in); err != nil {
				f.Fatal(err)
			}
			data := []byte(nil)
			if in.Text != nil {
				data = []byte(*in.Text)
			} else if data, err = hex.DecodeString(*in.Hex); err != nil {
				f.Fatal(err)
			}
			f.Add(typeIndex[in.Type], data)
			n++
		}
	}
	if n == 0 {
		f.Fatal("no serialize.roundtrip vectors to seed from")
	}
}

// FuzzUnmarshal reads arbitrary bytes as each type. It never panics; every
// failure is an *Error of one kind; every success writes canonical text
// that reads back to an equal value and writes back to the same bytes
// (parse(serialize(x)) == x); and nothing encoding/json rejects is accepted.
func FuzzUnmarshal(f *testing.F) {
	seedFromVectors(f)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		newValue := newValues[int(which)%len(newValues)]
		x := newValue()
		err := x.UnmarshalJSON(data)
		if err != nil {
			var e *types.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not a *types.Error", err)
			}
			k := 0
			for _, s := range sentinels {
				if errors.Is(err, s) {
					k++
				}
			}
			if k != 1 || e.Offset < 0 || e.Offset > len(data) {
				t.Fatalf("error %v: %d kinds, offset %d of %d", err, k, e.Offset, len(data))
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted %q, which encoding/json rejects", data)
		}
		out, err := x.MarshalJSON()
		if err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		y := newValue()
		if err := y.UnmarshalJSON(out); err != nil {
			t.Fatalf("cannot read the canonical text %s: %v", out, err)
		}
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("read back differs:\n%#v\n%#v", x, y)
		}
		again, err := y.MarshalJSON()
		if err != nil || string(again) != string(out) {
			t.Fatalf("canonical text not stable:\n%s\n%s", out, again)
		}
	})
}
