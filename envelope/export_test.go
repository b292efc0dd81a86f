package envelope

import "io"

// NewKeyWithRand lets tests fix the IV source.
func NewKeyWithRand(salt string, r io.Reader) *Key { return newKey(salt, r) }
