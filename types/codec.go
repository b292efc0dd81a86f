package types

import (
	"math/bits"
	"slices"

	"github.com/interopkit/interop/internal/jsontext"
)

// A schema describes how one Go type maps to a JSON object: its declared
// members, in canonical order, and where its extra members live. Every type
// of the package is read and written by the two generic functions below,
// driven by its schema, so that the rules (null means unset, duplicates,
// missing members, extra members, canonical order) are written once.
type schema[T any] struct {
	fields   []field[T] // sorted by jsontext.CompareKeys
	required uint64     // bit i set: fields[i] is required
	extra    func(*T) *map[string]any
}

// field is one declared member.
type field[T any] struct {
	name     string
	quoted   string // `"name":`, ready to append
	required bool
	// dec reads a value that is not null.
	dec func(d *jsontext.Decoder, x *T) error
	// set reports whether an optional member is present.
	set func(x *T) bool
	// enc appends the value; depth is the nesting level of the value.
	enc func(b []byte, x *T, depth int) ([]byte, error)
}

// define fills s. Names are ASCII, so their canonical order is byte order.
func (s *schema[T]) define(extra func(*T) *map[string]any, fields ...field[T]) {
	slices.SortFunc(fields, func(a, b field[T]) int { return jsontext.CompareKeys(a.name, b.name) })
	if len(fields) > 64 {
		panic("types: more than 64 members in a schema")
	}
	for i := range fields {
		if i > 0 && fields[i].name == fields[i-1].name {
			panic("types: member " + fields[i].name + " declared twice")
		}
		fields[i].quoted = `"` + fields[i].name + `":`
		if fields[i].required {
			s.required |= 1 << i
		}
	}
	s.fields, s.extra = fields, extra
}

func (s *schema[T]) index(name []byte) int {
	for i := range s.fields {
		if s.fields[i].name == string(name) {
			return i
		}
	}
	return -1
}

// decodeObject reads an object into x.
func decodeObject[T any](d *jsontext.Decoder, s *schema[T], x *T) error {
	if err := d.BeginObject(); err != nil {
		return err
	}
	var seen uint64
	for i := 0; ; i++ {
		name, ok, err := d.NextMember(i)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		j := s.index(name)
		if j < 0 {
			if err := decodeExtra(d, s.extra(x), name); err != nil {
				return err
			}
			continue
		}
		f := &s.fields[j]
		if seen&(1<<j) != 0 {
			return d.DuplicateError(f.name)
		}
		seen |= 1 << j
		if d.IsNull() {
			// null means unset; for a required member, missing.
			off := d.MemberOffset()
			if err := d.Null(); err != nil {
				return jsontext.At(err, f.name)
			}
			if f.required {
				return jsontext.MissingError(off, f.name, "required member is null")
			}
			continue
		}
		if err := f.dec(d, x); err != nil {
			return jsontext.At(err, f.name)
		}
	}
	if m := s.required &^ seen; m != 0 {
		// The first missing member in canonical order.
		return jsontext.MissingError(d.Offset()-1, s.fields[bits.TrailingZeros64(m)].name, "required member is absent")
	}
	return nil
}

func decodeExtra(d *jsontext.Decoder, m *map[string]any, name []byte) error {
	if *m == nil {
		*m = map[string]any{}
	}
	k := string(name)
	if _, dup := (*m)[k]; dup {
		return d.DuplicateError(k)
	}
	v, err := d.Value()
	if err != nil {
		return jsontext.At(err, k)
	}
	(*m)[k] = v
	return nil
}

// encodeObject appends x as an object whose nesting level is depth+1:
// declared members and extra members merged in canonical order.
func encodeObject[T any](b []byte, s *schema[T], x *T, depth int) ([]byte, error) {
	if depth >= jsontext.MaxDepth {
		return b, jsontext.EncodeError(jsontext.KindDepth, "nesting deeper than 1000")
	}
	extra := *s.extra(x)
	var keys []string
	if len(extra) > 0 {
		keys = jsontext.SortedKeys(extra)
		for _, k := range keys {
			if s.index([]byte(k)) >= 0 {
				// It would be read back as the declared member.
				return b, jsontext.At(jsontext.EncodeError(jsontext.KindDuplicate, "extra member has the name of a declared member"), k)
			}
		}
	}
	b = append(b, '{')
	n, ki := 0, 0
	var err error
	for j := range s.fields {
		f := &s.fields[j]
		if !f.required && !f.set(x) {
			continue
		}
		for ; ki < len(keys) && jsontext.CompareKeys(keys[ki], f.name) < 0; ki++ {
			if b, err = appendExtra(b, n, keys[ki], extra[keys[ki]], depth+1); err != nil {
				return b, err
			}
			n++
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, f.quoted...)
		if b, err = f.enc(b, x, depth+1); err != nil {
			return b, jsontext.At(err, f.name)
		}
	}
	for ; ki < len(keys); ki++ {
		if b, err = appendExtra(b, n, keys[ki], extra[keys[ki]], depth+1); err != nil {
			return b, err
		}
		n++
	}
	return append(b, '}'), nil
}

func appendExtra(b []byte, n int, k string, v any, depth int) ([]byte, error) {
	if n > 0 {
		b = append(b, ',')
	}
	var err error
	if b, err = jsontext.AppendString(b, k); err != nil {
		return b, jsontext.At(err, k)
	}
	b = append(b, ':')
	if b, err = jsontext.AppendValueAt(b, v, depth); err != nil {
		return b, jsontext.At(err, k)
	}
	return b, nil
}

// unmarshal is the body of every UnmarshalJSON: x is replaced only on
// success.
func unmarshal[T any](data []byte, s *schema[T], x *T) error {
	var d jsontext.Decoder
	d.Reset(data)
	var v T
	err := decodeObject(&d, s, &v)
	if err == nil {
		err = d.End()
	}
	if err != nil {
		return wrap(jsontext.Precedence(data, err))
	}
	*x = v
	return nil
}

// marshal is the body of every MarshalJSON.
func marshal[T any](s *schema[T], x *T) ([]byte, error) {
	b, err := encodeObject(make([]byte, 0, 512), s, x, 0)
	if err != nil {
		return nil, wrap(err)
	}
	return b, nil
}

// ---- field constructors, one per member shape

func reqString[T any](name string, p func(*T) *string) field[T] {
	return field[T]{
		name: name, required: true,
		dec: func(d *jsontext.Decoder, x *T) (err error) { *p(x), err = d.String(); return err },
		enc: func(b []byte, x *T, _ int) ([]byte, error) { return jsontext.AppendString(b, *p(x)) },
	}
}

func optString[T any](name string, p func(*T) **string) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			s, err := d.String()
			if err == nil {
				*p(x) = &s
			}
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, _ int) ([]byte, error) { return jsontext.AppendString(b, **p(x)) },
	}
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

func reqBool[T any](name string, p func(*T) *bool) field[T] {
	return field[T]{
		name: name, required: true,
		dec: func(d *jsontext.Decoder, x *T) (err error) { *p(x), err = d.Bool(); return err },
		enc: func(b []byte, x *T, _ int) ([]byte, error) { return appendBool(b, *p(x)), nil },
	}
}

func optBool[T any](name string, p func(*T) **bool) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			v, err := d.Bool()
			if err == nil {
				*p(x) = &v
			}
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, _ int) ([]byte, error) { return appendBool(b, **p(x)), nil },
	}
}

// integer members: read reads the value (Int or Timestamp).
func reqInt[T any](name string, read func(*jsontext.Decoder) (int64, error), p func(*T) *int64) field[T] {
	return field[T]{
		name: name, required: true,
		dec: func(d *jsontext.Decoder, x *T) (err error) { *p(x), err = read(d); return err },
		enc: func(b []byte, x *T, _ int) ([]byte, error) { return jsontext.AppendInt(b, *p(x)) },
	}
}

func optInt[T any](name string, read func(*jsontext.Decoder) (int64, error), p func(*T) **int64) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			v, err := read(d)
			if err == nil {
				*p(x) = &v
			}
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, _ int) ([]byte, error) { return jsontext.AppendInt(b, **p(x)) },
	}
}

var (
	integer   = (*jsontext.Decoder).Int
	timestamp = (*jsontext.Decoder).Timestamp
)

func optFloat[T any](name string, p func(*T) **float64) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			v, err := d.Number()
			if err == nil {
				*p(x) = &v
			}
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, _ int) ([]byte, error) { return jsontext.AppendFloat(b, **p(x)) },
	}
}

// decodeArray reads an array, calling elem for each element.
func decodeArray(d *jsontext.Decoder, elem func(i int) error) error {
	if err := d.BeginArray(); err != nil {
		return err
	}
	for i := 0; ; i++ {
		more, err := d.NextElement(i)
		if err != nil || !more {
			return err
		}
		if err := elem(i); err != nil {
			return jsontext.AtIndex(err, i)
		}
	}
}

// encodeArray appends n elements written by elem.
func encodeArray(b []byte, n, depth int, elem func(b []byte, i int) ([]byte, error)) ([]byte, error) {
	if depth >= jsontext.MaxDepth {
		return b, jsontext.EncodeError(jsontext.KindDepth, "nesting deeper than 1000")
	}
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = elem(b, i); err != nil {
			return b, jsontext.AtIndex(err, i)
		}
	}
	return append(b, ']'), nil
}

// Slices and maps: nil is absent, empty is written as [] or {}.

func strs[T any](name string, p func(*T) *[]string) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			a, err := decodeStrings(d)
			*p(x) = a
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, depth int) ([]byte, error) { return encodeStrings(b, *p(x), depth) },
	}
}

func decodeStrings(d *jsontext.Decoder) ([]string, error) {
	a := []string{}
	err := decodeArray(d, func(int) error {
		s, err := d.String()
		a = append(a, s)
		return err
	})
	return a, err
}

func encodeStrings(b []byte, a []string, depth int) ([]byte, error) {
	return encodeArray(b, len(a), depth, func(b []byte, i int) ([]byte, error) { return jsontext.AppendString(b, a[i]) })
}

func floats[T any](name string, p func(*T) *[]float64) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			a := []float64{}
			err := decodeArray(d, func(int) error {
				v, err := d.Number()
				a = append(a, v)
				return err
			})
			*p(x) = a
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, depth int) ([]byte, error) {
			a := *p(x)
			return encodeArray(b, len(a), depth, func(b []byte, i int) ([]byte, error) { return jsontext.AppendFloat(b, a[i]) })
		},
	}
}

// object is a member holding any JSON object.
func object[T any](name string, p func(*T) *map[string]any) field[T] {
	return field[T]{
		name: name,
		dec:  func(d *jsontext.Decoder, x *T) (err error) { *p(x), err = d.Object(); return err },
		set:  func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, depth int) ([]byte, error) {
			return jsontext.AppendValueAt(b, *p(x), depth)
		},
	}
}

func reqStruct[T, U any](name string, s *schema[U], p func(*T) *U) field[T] {
	return field[T]{
		name: name, required: true,
		dec: func(d *jsontext.Decoder, x *T) error { return decodeObject(d, s, p(x)) },
		enc: func(b []byte, x *T, depth int) ([]byte, error) { return encodeObject(b, s, p(x), depth) },
	}
}

func optStruct[T, U any](name string, s *schema[U], p func(*T) **U) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			u := new(U)
			err := decodeObject(d, s, u)
			*p(x) = u
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, depth int) ([]byte, error) { return encodeObject(b, s, *p(x), depth) },
	}
}

func structs[T, U any](name string, s *schema[U], p func(*T) *[]U) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			a, err := decodeStructs(d, s)
			*p(x) = a
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, depth int) ([]byte, error) { return encodeStructs(b, s, *p(x), depth) },
	}
}

func decodeStructs[U any](d *jsontext.Decoder, s *schema[U]) ([]U, error) {
	a := []U{}
	err := decodeArray(d, func(int) error {
		var u U
		err := decodeObject(d, s, &u)
		a = append(a, u)
		return err
	})
	return a, err
}

func encodeStructs[U any](b []byte, s *schema[U], a []U, depth int) ([]byte, error) {
	return encodeArray(b, len(a), depth, func(b []byte, i int) ([]byte, error) { return encodeObject(b, s, &a[i], depth+1) })
}

// decodeMap reads an object whose members all have the same shape.
func decodeMap[V any](d *jsontext.Decoder, elem func(*V) error) (map[string]V, error) {
	if err := d.BeginObject(); err != nil {
		return nil, err
	}
	m := map[string]V{}
	for i := 0; ; i++ {
		name, ok, err := d.NextMember(i)
		if err != nil || !ok {
			return m, err
		}
		k := string(name)
		if _, dup := m[k]; dup {
			return m, d.DuplicateError(k)
		}
		var v V
		if err := elem(&v); err != nil {
			return m, jsontext.At(err, k)
		}
		m[k] = v
	}
}

// encodeMap appends an object of m's entries in canonical order.
func encodeMap[V any](b []byte, m map[string]V, depth int, elem func(b []byte, v *V) ([]byte, error)) ([]byte, error) {
	if depth >= jsontext.MaxDepth {
		return b, jsontext.EncodeError(jsontext.KindDepth, "nesting deeper than 1000")
	}
	b = append(b, '{')
	for i, k := range jsontext.SortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = jsontext.AppendString(b, k); err != nil {
			return b, jsontext.At(err, k)
		}
		b = append(b, ':')
		v := m[k]
		if b, err = elem(b, &v); err != nil {
			return b, jsontext.At(err, k)
		}
	}
	return append(b, '}'), nil
}

func structMap[T, U any](name string, s *schema[U], p func(*T) *map[string]U) field[T] {
	return field[T]{
		name: name,
		dec: func(d *jsontext.Decoder, x *T) error {
			m, err := decodeMap(d, func(u *U) error { return decodeObject(d, s, u) })
			*p(x) = m
			return err
		},
		set: func(x *T) bool { return *p(x) != nil },
		enc: func(b []byte, x *T, depth int) ([]byte, error) {
			return encodeMap(b, *p(x), depth, func(b []byte, u *U) ([]byte, error) { return encodeObject(b, s, u, depth+1) })
		},
	}
}

// reqStructs is a required array of objects; nil is written as [].
func reqStructs[T, U any](name string, s *schema[U], p func(*T) *[]U) field[T] {
	f := structs(name, s, p)
	f.required, f.set = true, nil
	return f
}
