package fuzzgen

import (
	"encoding/json"
	"sort"
	"strings"
)

// Size measures an input for minimization: the code points of all its
// strings (hex given as input counts a digit each).
func Size(in Input) int {
	n := 0
	walk(in, nil, func(_ []string, v any) {
		if s, ok := v.(string); ok {
			n += len([]rune(s))
		}
	})
	return n
}

// Shrinks proposes variants of in that are strictly smaller (Size, or as
// large with fewer members: an empty variable dropped), the smallest
// first. It understands the input: members of a nested object (the salt
// environment) are dropped whole; hex given as bytes moves in pairs and
// UTF-16 in units of four digits; an envelope-like string loses a whole
// field, a separator, or hex in pairs (its first or last pair, or half of
// a field, keeping the length even); a real envelope is encrypted again
// under a shorter salt or with less plaintext (ResealShrinks); any other
// string loses halves and then single code points. The "kind" of an id is
// never changed. The caller keeps a proposal only when every peer keeps
// its outcome, and only when it is still a valid input of the suite (its
// schema).
func Shrinks(suite string, in Input) []Input {
	size, members := Size(in), leaves(in)
	seen := map[string]bool{}
	var out []Input
	add := func(c Input) {
		if n := Size(c); n > size || n == size && leaves(c) >= members {
			return
		}
		b, _ := json.Marshal(c)
		if seen[string(b)] {
			return
		}
		seen[string(b)] = true
		out = append(out, c)
	}
	salt, ok1 := in["salt"].(string)
	value, ok2 := in["value"].(string)
	if ok1 && ok2 {
		for _, c := range ResealShrinks(salt, value) {
			add(c)
		}
	}
	walk(in, nil, func(path []string, v any) {
		if len(path) >= 2 { // a member of a nested object: drop it
			add(without(in, path))
		}
		s, ok := v.(string)
		if !ok || path[len(path)-1] == "kind" {
			return
		}
		kind, _ := in["kind"].(string)
		var cands []string
		switch {
		case path[len(path)-1] == "hex" && kind == "utf16":
			cands = unitShrinks(s, 4)
		case path[len(path)-1] == "hex":
			cands = unitShrinks(s, 2)
		case kind == "integer":
			cands = integerShrinks(s)
		case path[len(path)-1] == "text" && (suite == "serialize.roundtrip" || suite == "manifest.validate"):
			cands = append(JSONShrinks(s), runeShrinks(s)...)
		case strings.Contains(s, ":"):
			cands = append([]string{""}, EnvelopeShrinks(s)...)
		default:
			cands = append(hexRunShrinks(s), runeShrinks(s)...)
		}
		for _, c := range cands {
			add(with(in, path, c))
		}
	})
	sort.SliceStable(out, func(i, j int) bool {
		a, b := Size(out[i]), Size(out[j])
		return a < b || a == b && leaves(out[i]) < leaves(out[j])
	})
	return out
}

// EnvelopeShrinks shrinks an envelope-like string structurally: a field
// dropped with its separator, a field emptied, two fields joined (a
// separator dropped), a hex field halved or cut by its first or last pair
// (an odd one by a digit), any other field by code points.
func EnvelopeShrinks(s string) []string {
	fields := strings.Split(s, ":")
	var out []string
	join := func(fs []string) string { return strings.Join(fs, ":") }
	for i := range fields {
		rest := append(append([]string{}, fields[:i]...), fields[i+1:]...)
		out = append(out, join(rest))
		if fields[i] != "" {
			e := append([]string{}, fields...)
			e[i] = ""
			out = append(out, join(e))
		}
		if i+1 < len(fields) {
			j := append(append([]string{}, fields[:i]...), fields[i]+fields[i+1])
			j = append(j, fields[i+2:]...)
			out = append(out, join(j))
		}
		f := fields[i]
		shrinks := runeShrinks(f) // a field that is not hex loses code points
		if isHex(f) {
			shrinks = hexFieldShrinks(f) // hex moves in pairs
		}
		for _, g := range shrinks {
			e := append([]string{}, fields...)
			e[i] = g
			out = append(out, join(e))
		}
	}
	return out
}

// hexFieldShrinks halves a hex field (to an even length) and drops its
// first or last pair; an odd field loses one digit.
func hexFieldShrinks(f string) []string {
	var out []string
	if len(f)%2 == 1 {
		return []string{f[1:], f[:len(f)-1]}
	}
	if h := len(f) / 2 &^ 1; h > 0 && h < len(f) {
		out = append(out, f[:h], f[len(f)-h:])
	}
	return append(out, f[2:], f[:len(f)-2])
}

// hexRunShrinks shrinks hex-only strings in pairs.
func hexRunShrinks(s string) []string {
	if !isHex(s) || len(s) < 2 {
		return nil
	}
	return hexFieldShrinks(s)
}

// unitShrinks shrinks hex digits in units of n (2 for bytes, 4 for UTF-16
// code units): the first or second half, then each unit alone removed.
func unitShrinks(s string, n int) []string {
	units := len(s) / n
	var out []string
	if units >= 2 {
		h := units / 2 * n
		out = append(out, s[:h], s[h:])
	}
	for i := 0; i < units && i < 64; i++ {
		out = append(out, s[:i*n]+s[(i+1)*n:])
	}
	return out
}

// integerShrinks drops digits of a base-10 integer, keeping its form.
func integerShrinks(s string) []string {
	neg := strings.HasPrefix(s, "-")
	d := strings.TrimPrefix(s, "-")
	var out []string
	for i := range d {
		c := d[:i] + d[i+1:]
		if c == "" || (len(c) > 1 && c[0] == '0') {
			continue
		}
		if neg {
			c = "-" + c
		}
		out = append(out, c)
	}
	if neg {
		out = append(out, d)
	}
	return out
}

// runeShrinks removes code points: everything, halves, then each one.
func runeShrinks(s string) []string {
	r := []rune(s)
	out := []string{""}
	if len(r) >= 4 {
		out = append(out, string(r[:len(r)/2]), string(r[len(r)/2:]))
	}
	for i := 0; i < len(r) && i < 64; i++ {
		out = append(out, string(r[:i])+string(r[i+1:]))
	}
	return out
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// walk visits every leaf of an input, depth first, keys sorted.
func walk(v any, path []string, f func([]string, any)) {
	m, ok := v.(map[string]any)
	if !ok {
		f(path, v)
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		walk(m[k], append(append([]string{}, path...), k), f)
	}
}

// with returns a deep copy of in with the leaf at path set to v.
func with(in Input, path []string, v any) Input {
	out := clone(in)
	m := out
	for _, k := range path[:len(path)-1] {
		m = m[k].(map[string]any)
	}
	m[path[len(path)-1]] = v
	return out
}

// without returns a deep copy of in without the member at path.
func without(in Input, path []string) Input {
	out := clone(in)
	m := out
	for _, k := range path[:len(path)-1] {
		m = m[k].(map[string]any)
	}
	delete(m, path[len(path)-1])
	return out
}

func clone(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if m, ok := v.(map[string]any); ok {
			v = clone(m)
		}
		out[k] = v
	}
	return out
}

// leaves counts the strings and other leaves of an input.
func leaves(in Input) int {
	n := 0
	walk(in, nil, func([]string, any) { n++ })
	return n
}

// JSONShrinks shrinks a JSON text structurally: each member of an object
// or element of an array, at any depth, removed with its separator, so
// that the text stays JSON where it was (and as broken where it was not:
// a text that does not scan is left to code-point shrinking).
func JSONShrinks(s string) []string {
	type container struct{ starts, ends []int }
	var stack []*container
	var done []*container
	inString, escaped, expect := false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if expect && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ']' && c != '}' {
			top := stack[len(stack)-1]
			top.starts = append(top.starts, i)
			expect = false
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			stack = append(stack, &container{})
			expect = true
		case ',':
			if len(stack) == 0 {
				return nil
			}
			top := stack[len(stack)-1]
			top.ends = append(top.ends, i)
			expect = true
		case '}', ']':
			if len(stack) == 0 {
				return nil
			}
			top := stack[len(stack)-1]
			if len(top.starts) > len(top.ends) {
				top.ends = append(top.ends, i)
			}
			stack = stack[:len(stack)-1]
			done = append(done, top)
			expect = false
		}
	}
	if len(stack) > 0 {
		return nil
	}
	var out []string
	for _, ct := range done {
		n := len(ct.starts)
		if len(ct.ends) != n {
			continue
		}
		for i := 0; i < n && len(out) < 64; i++ {
			var from, to int
			switch {
			case i+1 < n:
				from, to = ct.starts[i], ct.starts[i+1]
			case i > 0:
				from, to = ct.ends[i-1], ct.ends[i]
			default:
				from, to = ct.starts[i], ct.ends[i]
			}
			out = append(out, s[:from]+s[to:])
		}
	}
	return out
}
