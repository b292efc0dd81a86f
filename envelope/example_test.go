package envelope_test

import (
	"fmt"

	"github.com/interopkit/interop/envelope"
)

// A service that seals every message reuses one buffer: once it is large
// enough, AppendSeal allocates nothing.
func ExampleKey_AppendSeal() {
	k, err := envelope.NewKey("my-salt")
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 0, envelope.SealedLen(64))
	for _, secret := range []string{"sk-first", "sk-second"} {
		buf, err = k.AppendSeal(buf[:0], []byte(secret))
		if err != nil {
			panic(err)
		}
		// buf holds v2:<iv>:<ciphertext>:<tag>; store or send it here.
		fmt.Println(envelope.IsV2(string(buf)), len(buf) == envelope.SealedLen(len(secret)))
	}
	// Output:
	// true true
	// true true
}

// AppendOpen decrypts into the caller's buffer; after a failure that
// buffer holds no part of the plaintext.
func ExampleKey_AppendOpen() {
	k, _ := envelope.NewKey("my-salt")
	sealed, _ := k.AppendSeal(nil, []byte("sk-123"))

	buf := make([]byte, 0, 256)
	buf, err := k.AppendOpen(buf[:0], sealed)
	fmt.Printf("%s %v\n", buf, err)

	other, _ := envelope.NewKey("another-salt")
	buf, err = other.AppendOpen(buf[:0], sealed)
	fmt.Printf("%q %v\n", buf, err)
	// Output:
	// sk-123 <nil>
	// "" envelope: authentication failed
}
