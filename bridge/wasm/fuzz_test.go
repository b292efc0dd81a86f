package wasm

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/interopkit/interop/plugin"
)

// fuzzGuest returns whatever the host passes it: invoke_action copies its
// options input to offset 8192 and returns the first eight bytes there as
// its result word, so the fuzzer controls the word and the bytes it may
// point at.
const fuzzGuest = `(func (export "invoke_action") ` + invokeSig + `
	(memory.copy (i32.const 8192) (local.get 6) (local.get 7))
	(i64.load (i32.const 8192)))`

// FuzzGuestResult feeds the host every result word and result bytes a
// guest could return: it must answer with a result or one of its typed
// errors, never panic, and stay usable.
func FuzzGuestResult(f *testing.F) {
	word := func(ptr, n uint32, data string) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(ptr)<<32|uint64(n))
		return append(b, data...)
	}
	f.Add(word(8200, 16, `{"success":true}`))
	f.Add(word(8200, 4, "\xff\xfe\x00x"))
	f.Add(word(0xffff0000, 16, ""))
	f.Add(word(8200, 0xffffffff, ""))
	f.Add(word(0, 0, ""))
	f.Add(word(8200, 2, "[]"))
	f.Add([]byte("short"))
	p, err := LoadBytes(context.Background(), wat(f, guestWAT(fuzzGuest)), Config{MaxMessageBytes: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { p.Close(context.Background()) })
	f.Fuzz(func(t *testing.T, options []byte) {
		if len(options) > 1<<15 {
			return
		}
		raw, _, err := p.call(context.Background(), exInvokeAction, []byte("X"), []byte("{}"), []byte("null"), options)
		if err == nil {
			_, err = p.actionResult(raw, exInvokeAction)
		}
		if err != nil && !errors.Is(err, ErrBadResult) && !errors.Is(err, plugin.ErrTooLarge) && !errors.Is(err, ErrTrap) {
			t.Fatalf("untyped error: %v", err)
		}
		if ok, err := p.ValidateAction(context.Background(), "X", msg); err != nil || !ok {
			t.Fatalf("the plugin stopped serving: %v, %v", ok, err)
		}
	})
}
