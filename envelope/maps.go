package envelope

import (
	"fmt"
	"maps"
	"slices"
)

// SealMap returns a copy of m in which every non-empty string value is
// sealed. Other values, empty strings included, are copied as they are;
// nested maps are not descended into, as upstream's encryptObjectValues
// does not. m itself is never modified.
func (k *Key) SealMap(m map[string]any) (map[string]any, error) {
	return k.mapStrings(m, k.Seal)
}

// OpenMap returns a copy of m in which every non-empty string value that is
// an envelope is opened; other values are copied as they are. It fails
// closed on the first envelope, in key order, that does not open, with an error that names
// the key but not the value. m itself is never modified.
func (k *Key) OpenMap(m map[string]any) (map[string]any, error) {
	return k.mapStrings(m, func(s string) (string, error) {
		if !IsV1(s) && !IsV2(s) {
			return s, nil
		}
		return k.Open(s)
	})
}

func (k *Key) mapStrings(m map[string]any, f func(string) (string, error)) (map[string]any, error) {
	if !k.ok() {
		return nil, ErrNoKey
	}
	if m == nil {
		return nil, nil
	}
	out := make(map[string]any, len(m))
	// Sorted, so that the key an error names does not vary between runs.
	for _, key := range slices.Sorted(maps.Keys(m)) {
		v := m[key]
		s, ok := v.(string)
		if !ok || s == "" {
			out[key] = v
			continue
		}
		r, err := f(s)
		if err != nil {
			return nil, fmt.Errorf("envelope: key %q: %w", key, err)
		}
		out[key] = r
	}
	return out, nil
}
