package envelope

import "fmt"

// Wrapped forms of ErrMalformed that say which rule failed, without any
// part of the value.
var (
	errMalformedLength = fmt.Errorf("%w: v1 ciphertext is empty or not a multiple of 16 bytes", ErrMalformed)
	errMalformedUTF8   = fmt.Errorf("%w: decrypted plaintext is not valid utf-8", ErrMalformed)
)

// errPlaintextUTF8 is ErrInvalidUTF8 for a plaintext given to Seal or
// AppendSeal; a package value, so that failing allocates nothing.
var errPlaintextUTF8 = fmt.Errorf("%w: plaintext", ErrInvalidUTF8)
