package redact

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// valMaxNodes bounds the members the redactor visits in one attribute value
// (or one JSON value). It is the guard against values whose size explodes
// when walked: a structure that shares pointers at every level is small in
// memory but exponential as a tree. A value that exceeds it becomes
// Truncated as a whole, so the result never depends on visiting order.
const valMaxNodes = 1 << 16

// JSON returns v, a value decoded by encoding/json (maps with string keys,
// slices, strings, numbers, booleans and nil), with the value of every
// secret key replaced by Censor, exactly as a Handler of c redacts a record
// whose attributes are the members of v: at any depth, and leaving the
// top-level "src" and "event" members alone. Any other Go value is walked
// as Handler walks attribute values (see Handler).
//
// v itself is never modified: where something changes, the result holds
// new maps and slices, and shares everything else with v. When nothing
// changes, or c is not enabled, the result is v.
func (c Config) JSON(v any) any {
	if c.off {
		return v
	}
	w := valWalker{keys: c.set(), budget: valMaxNodes}
	out, changed := w.walk(v, 0)
	if w.budget < 0 {
		return Truncated
	}
	if !changed {
		return v
	}
	return out
}

// valWalker walks one value. It is used by one goroutine for one attribute
// or JSON value.
type valWalker struct {
	keys   *keySet
	budget int // members still allowed; below zero, the walk has given up
}

// member returns the redacted value of the member key of an object of
// depth d (its value has depth d+1).
func (w *valWalker) member(key string, v any, d int) (any, bool) {
	if w.censors(key, d) {
		return Censor, true
	}
	return w.walk(v, d+1)
}

// censors reports whether the value of key, a member of an object of depth
// d, is replaced. The top-level src and event attributes are never
// replaced: they are the stable, machine-readable fields of a log event.
func (w *valWalker) censors(key string, d int) bool {
	if d == 0 && (key == KeySrc || key == KeyEvent) {
		return false
	}
	return w.keys.match(key)
}

// spend counts one member; it reports false once the budget is exhausted.
func (w *valWalker) spend() bool {
	w.budget--
	return w.budget >= 0
}

// walk returns the redacted form of v, a value of depth d, and whether it
// differs from v. When it does not, the first result is meaningless.
func (w *valWalker) walk(v any, d int) (any, bool) {
	switch v := v.(type) {
	case nil, string, bool, float64, json.Number, int, int64, uint64, float32,
		int8, int16, int32, uint, uint8, uint16, uint32, uintptr,
		time.Time, time.Duration, []byte, error:
		return nil, false
	case map[string]any:
		return w.jsonObject(v, d)
	case []any:
		return w.jsonArray(v, d)
	}
	return w.value(reflect.ValueOf(v), d)
}

// jsonObject and jsonArray are walk for the types encoding/json decodes
// into, without reflection.
func (w *valWalker) jsonObject(m map[string]any, d int) (any, bool) {
	if m == nil {
		return nil, false
	}
	if d >= MaxDepth {
		return Truncated, true
	}
	var out map[string]any
	for k, v := range m {
		if !w.spend() {
			return nil, false
		}
		nv, changed := w.member(k, v, d)
		if !changed {
			continue
		}
		if out == nil {
			// Copy every member once, then overwrite the changed ones
			// (this one and any later): members before this one are
			// unchanged.
			out = make(map[string]any, len(m))
			for k2, v2 := range m {
				out[k2] = v2
			}
		}
		out[k] = nv
	}
	return out, out != nil
}

func (w *valWalker) jsonArray(a []any, d int) (any, bool) {
	if a == nil {
		return nil, false
	}
	if d >= MaxDepth {
		return Truncated, true
	}
	var out []any
	for i, v := range a {
		if !w.spend() {
			return nil, false
		}
		nv, changed := w.walk(v, d+1)
		if !changed {
			continue
		}
		if out == nil {
			out = slices.Clone(a)
		}
		out[i] = nv
	}
	return out, out != nil
}

var (
	valErrorType         = reflect.TypeFor[error]()
	valJSONMarshalerType = reflect.TypeFor[json.Marshaler]()
	valTextMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	valTimeType          = reflect.TypeFor[time.Time]()
)

// value walks any other Go value through reflection; see Handler for the
// rules. A value it rewrites becomes a map[string]any (objects) or []any
// (arrays), the shapes encoding/json gives them, so that every handler
// renders the copy the way the JSON handler renders the original.
func (w *valWalker) value(v reflect.Value, d int) (any, bool) {
	for hops := 0; ; hops++ {
		if hops > MaxDepth {
			return Truncated, true // a pointer or interface that leads back to itself
		}
		if !v.IsValid() {
			return nil, false
		}
		k := v.Kind()
		if (k == reflect.Pointer || k == reflect.Interface || k == reflect.Map || k == reflect.Slice) && v.IsNil() {
			return nil, false
		}
		if k == reflect.Interface {
			v = v.Elem()
			continue
		}
		t := v.Type()
		if t == valTimeType {
			return nil, false
		}
		// Methods are the handlers' view of a value; a value read through
		// an unexported field (only ever walked to find secrets that a
		// text handler would print) has none: fmt prints it raw.
		if v.CanInterface() {
			switch {
			case t.Implements(valErrorType):
				return nil, false
			case t.Implements(valJSONMarshalerType):
				return w.marshaler(v, v, d)
			case k != reflect.Pointer && v.CanAddr() && reflect.PointerTo(t).Implements(valJSONMarshalerType):
				return w.marshaler(v.Addr(), v, d)
			case t.Implements(valTextMarshalerType) ||
				k != reflect.Pointer && v.CanAddr() && reflect.PointerTo(t).Implements(valTextMarshalerType):
				return nil, false // rendered as text by every handler
			}
		}
		switch k {
		case reflect.Pointer:
			v = v.Elem()
			continue
		case reflect.Map:
			return w.mapValue(v, d)
		case reflect.Slice:
			if t.Elem().Kind() == reflect.Uint8 {
				return nil, false // bytes: base64 or quoted text
			}
			return w.list(v, d)
		case reflect.Array:
			return w.list(v, d)
		case reflect.Struct:
			return w.structValue(v, d)
		}
		return nil, false
	}
}

// marshaler walks a value whose JSON form is its own: m's MarshalJSON
// output, decoded. The redacted JSON form replaces the value when it holds
// a secret key, and also when the Go value (orig) is a struct with a
// secret in its fields, which a text handler would print.
func (w *valWalker) marshaler(m, orig reflect.Value, d int) (any, bool) {
	raw, ok := valMarshalJSON(m)
	if !ok {
		return nil, false // the handler will report the failure itself
	}
	var decoded any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&decoded) != nil {
		return nil, false
	}
	if out, changed := w.walk(decoded, d); changed {
		return out, true
	}
	for hops := 0; orig.Kind() == reflect.Pointer && !orig.IsNil() && hops <= MaxDepth; hops++ {
		orig = orig.Elem()
	}
	if orig.Kind() == reflect.Struct {
		if _, changed := w.structValue(orig, d); changed {
			return decoded, true
		}
	}
	return nil, false
}

// valMarshalJSON calls MarshalJSON, turning a panic into a failure.
func valMarshalJSON(m reflect.Value) (raw []byte, ok bool) {
	defer func() {
		if recover() != nil {
			raw, ok = nil, false
		}
	}()
	if !m.CanInterface() {
		return nil, false
	}
	jm, isM := m.Interface().(json.Marshaler)
	if !isM {
		return nil, false
	}
	raw, err := jm.MarshalJSON()
	return raw, err == nil
}

func (w *valWalker) list(v reflect.Value, d int) (any, bool) {
	if d >= MaxDepth {
		return Truncated, true
	}
	n := v.Len()
	var out []any
	for i := range n {
		if !w.spend() {
			return nil, false
		}
		nv, changed := w.value(v.Index(i), d+1)
		if out == nil && !changed {
			continue
		}
		if out == nil {
			out = make([]any, n)
			for j := range i {
				out[j] = valInterface(v.Index(j))
			}
		}
		if changed {
			out[i] = nv
		} else {
			out[i] = valInterface(v.Index(i))
		}
	}
	return out, out != nil
}

// mapValue walks a map. Keys are matched as the JSON handler writes them:
// string kinds as they are, encoding.TextMarshaler keys as their text,
// integers in decimal.
func (w *valWalker) mapValue(v reflect.Value, d int) (any, bool) {
	if d >= MaxDepth {
		return Truncated, true
	}
	var out map[string]any
	it := v.MapRange()
	for it.Next() {
		if !w.spend() {
			return nil, false
		}
		key, ok := valMapKey(it.Key())
		var nv any
		var changed bool
		if ok && w.censors(key, d) {
			nv, changed = Censor, true
		} else {
			nv, changed = w.value(it.Value(), d+1)
		}
		if !changed {
			continue
		}
		if out == nil {
			out = make(map[string]any, v.Len())
			all := v.MapRange()
			for all.Next() {
				if k, ok := valMapKey(all.Key()); ok {
					out[k] = valInterface(all.Value())
				}
			}
		}
		if ok {
			out[key] = nv
		}
	}
	return out, out != nil
}

// valMapKey renders a map key as encoding/json does; ok is false for keys
// it cannot render (encoding/json fails on such maps).
func valMapKey(k reflect.Value) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	if k.Kind() == reflect.String {
		return k.String(), true
	}
	if tm, isTM := k.Interface().(encoding.TextMarshaler); isTM {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", true
		}
		b, err := tm.MarshalText()
		return string(b), err == nil
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10), true
	}
	return "", false
}

// valInterface returns v as an interface value for a copy; v is always
// reachable through exported fields, map entries or elements, so this never
// panics, but a value that cannot be handed on becomes nil rather than a
// panic.
func valInterface(v reflect.Value) any {
	if !v.IsValid() || !v.CanInterface() {
		return nil
	}
	return v.Interface()
}

// structValue walks a struct's JSON form: its fields as encoding/json
// names them. A field's value is replaced when either its JSON name or its
// Go name names a secret; a struct with a field hidden from JSON (unexported
// or tagged "-") that is named like a secret is rewritten too, so that the
// field, which a text handler would print, is dropped.
func (w *valWalker) structValue(v reflect.Value, d int) (any, bool) {
	if d >= MaxDepth {
		return Truncated, true
	}
	info := valStructInfoOf(v.Type())
	rewrite := w.hiddenMatch(v, info, d)
	var outs []any // per field: the new value, when changed
	for i := range info.fields {
		f := &info.fields[i]
		fv, present := valField(v, f)
		if !present {
			continue
		}
		if !w.spend() {
			return nil, false
		}
		var nv any
		var changed bool
		if w.censors(f.name, d) || (f.goName != f.name && w.censors(f.goName, d)) {
			nv, changed = Censor, true
		} else {
			nv, changed = w.value(fv, d+1)
		}
		if changed {
			if outs == nil {
				outs = make([]any, len(info.fields))
			}
			outs[i] = valChanged{nv}
			rewrite = true
		}
	}
	if !rewrite {
		return nil, false
	}
	out := make(map[string]any, len(info.fields))
	for i := range info.fields {
		f := &info.fields[i]
		fv, present := valField(v, f)
		if !present {
			continue
		}
		if outs != nil {
			if c, ok := outs[i].(valChanged); ok {
				out[f.name] = c.v
				continue
			}
		}
		out[f.name] = valInterface(fv)
	}
	return out, true
}

// valChanged marks a replaced field value, which may itself be nil.
type valChanged struct{ v any }

// hiddenMatch reports whether a field that JSON does not show, but a text
// handler prints, is named like a secret or holds one: such a struct is
// rewritten without it.
func (w *valWalker) hiddenMatch(v reflect.Value, info *valStructInfo, d int) bool {
	for i := range info.hidden {
		f := &info.hidden[i]
		if w.censors(f.goName, d) {
			return true
		}
		if fv, present := valField(v, f); present {
			if !w.spend() {
				return false
			}
			if _, changed := w.value(fv, d+1); changed {
				return true
			}
		}
	}
	return false
}

// valField returns the value of field f of struct v, and whether JSON shows
// it: false when an embedded pointer on its path is nil or an omitempty or
// omitzero option drops it.
func valField(v reflect.Value, f *valStructField) (reflect.Value, bool) {
	for _, i := range f.index[:len(f.index)-1] {
		v = v.Field(i)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
	}
	v = v.Field(f.index[len(f.index)-1])
	if f.omitEmpty && valIsEmpty(v) || f.omitZero && valIsZero(v) {
		return reflect.Value{}, false
	}
	return v, true
}

// valIsEmpty is encoding/json's notion of an empty value for omitempty.
func valIsEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// valIsZero is encoding/json's notion of a zero value for omitzero: the
// value's IsZero method when it has one, the zero value otherwise.
func valIsZero(v reflect.Value) (zero bool) {
	defer func() {
		if recover() != nil {
			zero = false
		}
	}()
	if z, ok := valInterface(v).(interface{ IsZero() bool }); ok {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return z.IsZero()
	}
	return v.IsZero()
}

// valStructInfo is the JSON layout of a struct type.
type valStructInfo struct {
	fields []valStructField // the fields JSON shows, in JSON order
	hidden []valStructField // the fields it does not show, which fmt prints
}

type valStructField struct {
	name      string // JSON name
	goName    string
	index     []int
	tagged    bool
	omitEmpty bool
	omitZero  bool
}

// valStructCache memoises valBuildStructInfo, a pure function of the type,
// as encoding/json caches its own field lists: an entry is immutable once
// stored, so the cache changes how fast a struct is laid out, never how.
var valStructCache sync.Map // reflect.Type -> *valStructInfo

func valStructInfoOf(t reflect.Type) *valStructInfo {
	if info, ok := valStructCache.Load(t); ok {
		return info.(*valStructInfo)
	}
	info, _ := valStructCache.LoadOrStore(t, valBuildStructInfo(t))
	return info.(*valStructInfo)
}

// valBuildStructInfo lays out t's fields with encoding/json's rules (held
// to encoding/json itself by TestStructLayoutTable and FuzzStructLayout): tag
// names, "-", embedded structs whose fields are promoted (breadth first),
// and among fields of the same name the shallowest wins, a tagged one
// winning a tie, and an unresolved tie hiding them all.
func valBuildStructInfo(t reflect.Type) *valStructInfo {
	info := &valStructInfo{}
	type level struct {
		t     reflect.Type
		index []int
	}
	var all []valStructField
	current := []level{{t: t}}
	count := map[reflect.Type]int{t: 1}
	visited := map[reflect.Type]bool{}
	for len(current) > 0 {
		var next []level
		nextCount := map[reflect.Type]int{}
		for _, lv := range current {
			if visited[lv.t] {
				continue
			}
			visited[lv.t] = true
			for i := range lv.t.NumField() {
				sf := lv.t.Field(i)
				index := append(slices.Clone(lv.index), i)
				ft := sf.Type
				if sf.Anonymous && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				hidden := valStructField{name: sf.Name, goName: sf.Name, index: index}
				if sf.Anonymous {
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						info.hidden = append(info.hidden, hidden)
						continue
					}
				} else if !sf.IsExported() {
					info.hidden = append(info.hidden, hidden)
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					info.hidden = append(info.hidden, hidden)
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !valValidTagName(name) {
					name = ""
				}
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					// Promote its fields at the next level; a type embedded
					// twice at one level promotes conflicting fields.
					nextCount[ft]++
					if nextCount[ft] == 1 {
						next = append(next, level{t: ft, index: index})
					}
					continue
				}
				f := valStructField{name: name, goName: sf.Name, index: index, tagged: name != ""}
				if name == "" {
					f.name = sf.Name
				}
				for o := range strings.SplitSeq(opts, ",") {
					switch o {
					case "omitempty":
						f.omitEmpty = true
					case "omitzero":
						f.omitZero = true
					}
				}
				all = append(all, f)
				if count[lv.t] > 1 {
					all = append(all, f) // a duplicate, so that the name conflicts
				}
			}
		}
		current, count = next, nextCount
	}
	// Resolve duplicate names.
	byName := map[string][]int{}
	for i, f := range all {
		byName[f.name] = append(byName[f.name], i)
	}
	keep := make([]bool, len(all))
	for _, idx := range byName {
		best, tie := -1, false
		for _, i := range idx {
			switch {
			case best < 0:
				best = i
			case len(all[i].index) < len(all[best].index),
				len(all[i].index) == len(all[best].index) && all[i].tagged && !all[best].tagged:
				best, tie = i, false
			case len(all[i].index) == len(all[best].index) && all[i].tagged == all[best].tagged:
				tie = true
			}
		}
		if !tie {
			keep[best] = true
		}
	}
	for i, f := range all {
		if keep[i] {
			info.fields = append(info.fields, f)
		} else if !slices.ContainsFunc(info.hidden, func(h valStructField) bool { return slices.Equal(h.index, f.index) }) {
			f.name, f.omitEmpty, f.omitZero = f.goName, false, false
			info.hidden = append(info.hidden, f)
		}
	}
	slices.SortStableFunc(info.fields, func(a, b valStructField) int { return slices.Compare(a.index, b.index) })
	return info
}

// valValidTagName is encoding/json's rule for a usable tag name.
func valValidTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
