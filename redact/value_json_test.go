package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// The redactor lays out structs with its own copy of encoding/json's field
// rules (valBuildStructInfo, valField). The tests below hold that copy to
// encoding/json itself: for a struct value, the members the copy says JSON
// shows, in its order, must be the members json.Marshal writes.

// jsonMembers returns the member names json.Marshal writes for v, in order;
// ok is false when v does not marshal to an object.
func jsonMembers(t testing.TB, v any) (names []string, ok bool) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		names = append(names, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	return names, true
}

// copyMembers returns the member names the redactor's copy of the rules
// says JSON shows for the struct v, in order.
func copyMembers(v reflect.Value) []string {
	info := valStructInfoOf(v.Type())
	names := []string{}
	for i := range info.fields {
		if _, present := valField(v, &info.fields[i]); present {
			names = append(names, info.fields[i].name)
		}
	}
	return names
}

// checkLayout fails t when the copy and encoding/json disagree about v, a
// struct (or a pointer to one).
func checkLayout(t testing.TB, v any) {
	t.Helper()
	want, ok := jsonMembers(t, v)
	if !ok {
		t.Fatalf("%T does not marshal to an object", v)
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		rv = rv.Elem()
	}
	if got := copyMembers(rv); !slices.Equal(got, want) {
		t.Errorf("%T %+v: redact lays out %q, encoding/json writes %q", v, v, got, want)
	}
}

type (
	ljInner struct {
		A int    `json:"a"`
		B string `json:",omitempty"`
	}
	ljOther struct {
		A int
		C int `json:"c"`
	}
	ljTagged struct {
		X int `json:"A"` // wins over ljOther.A
	}
	ljDeep   struct{ ljInner }
	ljZeroer struct{ N int }
	ljLower  struct{ Exported int }
	ljText   int // embedded: an unexported non-struct, never shown
)

func (z ljZeroer) IsZero() bool { return z.N == 42 }

// TestStructLayoutTable holds the copy to encoding/json over the rules
// one at a time: names and tags, omitempty and omitzero, embedding.
func TestStructLayoutTable(t *testing.T) {
	n := 1
	for _, v := range []any{
		struct{}{},
		struct{ A, B int }{},
		struct{ a, B int }{},
		struct {
			A int `json:"-"`
			B int `json:"-,"`
			C int `json:",omitempty"`
			D int `json:"d,omitempty"`
			E int `json:"e,string"`
		}{},
		struct {
			A int `json:"!#$%&()*+-./:;<=>?@[]^_{|}~ "`
			B int `json:"\"q\""`
			C int `json:"ä1"`
			D int `json:"a\\b"`
			E int `json:"a,b"`
		}{},
		struct {
			S  string      `json:",omitempty"`
			P  *int        `json:",omitempty"`
			M  map[int]int `json:",omitempty"`
			L  []int       `json:",omitempty"`
			R  [0]int      `json:",omitempty"`
			F  float64     `json:",omitempty"`
			I  any         `json:",omitempty"`
			St ljInner     `json:",omitempty"` // never empty
			T  time.Time   `json:",omitempty"` // never empty
		}{},
		struct {
			S string      `json:",omitempty"`
			P *int        `json:",omitempty"`
			M map[int]int `json:",omitempty"`
			L []int       `json:",omitempty"`
			R [1]int      `json:",omitempty"`
			F float64     `json:",omitempty"`
			I any         `json:",omitempty"`
		}{"s", &n, map[int]int{1: 1}, []int{1}, [1]int{}, 0.5, 0},
		struct {
			Z  ljZeroer  `json:",omitzero"`
			PZ *ljZeroer `json:",omitzero"`
			T  time.Time `json:",omitzero"`
			A  [1]int    `json:",omitzero"`
			S  ljInner   `json:",omitzero"`
			E  []int     `json:",omitzero"`
		}{Z: ljZeroer{42}},
		struct {
			Z ljZeroer `json:",omitzero"`
			E []int    `json:",omitzero"`
			B bool     `json:",omitempty,omitzero"`
		}{Z: ljZeroer{1}, E: []int{}},
		// Embedding: promotion, depth, tags, conflicts.
		struct{ ljInner }{},
		struct{ *ljInner }{},
		struct{ *ljInner }{&ljInner{B: "b"}},
		struct {
			ljInner
			A int
		}{},
		struct {
			ljInner
			ljOther
		}{},
		// Two tagged "a" at one depth hide each other (built through
		// reflect, since vet rejects the repeated tag in source).
		reflect.New(reflect.StructOf([]reflect.StructField{
			{Name: "LjInner", Type: reflect.TypeFor[ljInner](), Anonymous: true},
			{Name: "Y", Type: reflect.TypeFor[int](), Tag: `json:"a"`},
			{Name: "Z", Type: reflect.TypeFor[int](), Tag: `json:"a"`},
		})).Elem().Interface(),
		struct {
			ljInner
			ljTagged
		}{},
		struct {
			ljTagged
			ljOther
		}{},
		struct {
			ljDeep
			ljOther
		}{},
		struct {
			ljInner `json:"inner"`
		}{},
		struct {
			ljInner `json:"-"`
			B       int
		}{},
		struct {
			ljInner `json:",omitempty"`
		}{},
		struct {
			ljZeroer `json:",omitzero"`
		}{ljZeroer{42}},
		struct {
			ljLower
			ljText
		}{},
		struct {
			*ljLower
			C int
		}{},
		struct {
			ljDeep
			*ljInner
		}{ljInner: &ljInner{}},
	} {
		checkLayout(t, v)
		checkLayout(t, &v)
	}
}

// ljFieldTypes are the field types the fuzz target builds structs from.
var ljFieldTypes = []reflect.Type{
	reflect.TypeFor[int](),
	reflect.TypeFor[string](),
	reflect.TypeFor[*int](),
	reflect.TypeFor[[]int](),
	reflect.TypeFor[bool](),
	reflect.TypeFor[ljZeroer](),
	reflect.TypeFor[*ljZeroer](),
	reflect.TypeFor[map[string]int](),
	reflect.TypeFor[any](),
	reflect.TypeFor[time.Time](),
}

var ljTags = []string{
	``, `json:"a"`, `json:"b"`, `json:"A"`, `json:"-"`, `json:"-,"`, `json:",omitempty"`,
	`json:",omitzero"`, `json:"a,omitempty"`, `json:"b,omitzero"`, `json:"a,string"`,
	`json:"!bad\\"`, `json:"é"`, `json:",omitempty,omitzero"`,
}

var ljNames = []string{"A", "B", "C", "Ab", "X"}

// ljReader hands out the fuzz input a byte at a time, then zeros.
type ljReader struct{ b []byte }

func (r *ljReader) next(n int) int {
	if len(r.b) == 0 {
		return 0
	}
	c := int(r.b[0])
	r.b = r.b[1:]
	return c % n
}

// ljStruct builds a struct type from r: named, tagged fields of the types
// above, and embedded structs built the same way (depth bounds nesting).
func ljStruct(r *ljReader, depth int) reflect.Type {
	var fields []reflect.StructField
	used := map[string]bool{}
	for range 1 + r.next(5) {
		tag := reflect.StructTag(ljTags[r.next(len(ljTags))])
		if depth < 2 && r.next(3) == 0 {
			// An embedded struct: its name is its type's, which StructOf
			// leaves empty, so it is embedded through a named wrapper
			// field instead when the name is taken.
			inner := ljStruct(r, depth+1)
			name := fmt.Sprintf("E%d", depth)
			if used[name] {
				continue
			}
			used[name] = true
			ft := inner
			if r.next(2) == 0 {
				ft = reflect.PointerTo(inner)
			}
			fields = append(fields, reflect.StructField{Name: name, Type: ft, Tag: tag, Anonymous: true})
			continue
		}
		name := ljNames[r.next(len(ljNames))]
		if used[name] {
			continue
		}
		used[name] = true
		fields = append(fields, reflect.StructField{Name: name, Type: ljFieldTypes[r.next(len(ljFieldTypes))], Tag: tag})
	}
	return reflect.StructOf(fields)
}

// ljFill sets some of v's fields from r, leaving the others zero.
func ljFill(r *ljReader, v reflect.Value, depth int) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch r.next(3) {
		case 0:
			continue // zero
		case 1:
			switch f.Kind() {
			case reflect.Pointer:
				f.Set(reflect.New(f.Type().Elem()))
			case reflect.Slice:
				f.Set(reflect.MakeSlice(f.Type(), 0, 0))
			case reflect.Map:
				f.Set(reflect.MakeMap(f.Type()))
			}
			continue // empty, but not nil
		}
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(int64(r.next(3)))
		case reflect.String:
			f.SetString("s")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]int{1}))
		case reflect.Map:
			f.Set(reflect.ValueOf(map[string]int{"k": 1}))
		case reflect.Interface:
			f.Set(reflect.ValueOf(0))
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
			if f.Elem().Kind() == reflect.Struct && depth < 3 {
				ljFill(r, f.Elem(), depth+1)
			}
		case reflect.Struct:
			if f.Type() == reflect.TypeFor[ljZeroer]() {
				f.Set(reflect.ValueOf(ljZeroer{42 * r.next(2)}))
			} else if f.Type() != reflect.TypeFor[time.Time]() && depth < 3 {
				ljFill(r, f, depth+1)
			}
		}
	}
}

// FuzzStructLayout builds struct types and values from the input and checks
// that the redactor's copy of encoding/json's field rules lays each out as
// json.Marshal does.
func FuzzStructLayout(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\x04\x00\x00\x01\x02\x03", "\x03\x00\x00\x00\x01\x00\x00\x05\x02\x02\x02\x02\x02", "\x04\x01\x00\x02\x00\x03\x00\x01\x00\x09\x00\x02\x00\x00\x00\x00\x00\x00\x03\x01\x02\x02\x02\x02\x02\x02"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &ljReader{b: data}
		typ := ljStruct(r, 0)
		v := reflect.New(typ).Elem()
		ljFill(r, v, 0)
		checkLayout(t, v.Interface())
	})
}
