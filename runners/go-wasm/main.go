//go:build wasip1

// Command go-wasm is the Go example plugin (spec/example-plugin.md) as a
// WebAssembly guest of spec/wasm.md: the in-process implementation of
// internal/exampleplugin behind the ABI's exports. It is a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o go-example.wasm ./runners/go-wasm
package main

import (
	"context"
	"encoding/json"
	"errors"
	"time"
	"unsafe"

	"github.com/interopkit/interop/internal/exampleplugin"
	"github.com/interopkit/interop/plugin"
)

func main() {}

//go:wasmimport interop fail
func hostFail(ptr unsafe.Pointer, n uint32)

//go:wasmimport interop sleep
func hostSleep(ms int32) int32

// live keeps the buffers lent to the host reachable for the collector
// until the host hands them back with dealloc.
var live = map[uint32][]byte{}

var example = func() *exampleplugin.Plugin {
	p := exampleplugin.New()
	p.SetSleep(func(ctx context.Context, d time.Duration) error {
		if hostSleep(int32(d/time.Millisecond)) != 0 {
			return context.Canceled
		}
		return nil
	})
	return p
}()

func lend(n uint32) ([]byte, uint32) {
	b := make([]byte, max(n, 1))
	ptr := uint32(uintptr(unsafe.Pointer(&b[0])))
	live[ptr] = b
	return b[:n], ptr
}

//go:wasmexport alloc
func alloc(size uint32) uint32 {
	_, ptr := lend(size)
	return ptr
}

//go:wasmexport dealloc
func dealloc(ptr, size uint32) {
	delete(live, ptr)
}

// in is an input the host wrote; it is read before the call returns.
func in(ptr, n uint32) []byte {
	if n == 0 {
		return nil
	}
	// An address in linear memory, not a Go pointer: unsafe.Add from nil
	// says so without a uintptr-to-pointer conversion.
	return unsafe.Slice((*byte)(unsafe.Add(nil, uintptr(ptr))), n)
}

// result lends the JSON of v to the host as a result word.
func result(v any) uint64 {
	b, err := json.Marshal(v)
	if err != nil {
		return failed(err)
	}
	buf, ptr := lend(uint32(len(b)))
	copy(buf, b)
	return uint64(ptr)<<32 | uint64(len(b))
}

func failed(err error) uint64 {
	var pe *plugin.Error
	msg := err.Error()
	if errors.As(err, &pe) {
		msg = pe.Message
	}
	if errors.Is(err, context.Canceled) {
		return 0 // the host reports the cancellation
	}
	b := []byte(msg)
	hostFail(unsafe.Pointer(unsafe.SliceData(b)), uint32(len(b)))
	return 0
}

func message(mp, ml, sp, sl uint32) (plugin.Message, error) {
	var msg plugin.Message
	if err := json.Unmarshal(in(mp, ml), &msg.Memory); err != nil {
		return msg, err
	}
	if err := json.Unmarshal(in(sp, sl), &msg.State); err != nil {
		return msg, err
	}
	return msg, nil
}

//go:wasmexport get_manifest
func getManifest() uint64 { return result(exampleplugin.Manifest("go")) }

//go:wasmexport init
func initPlugin(p, n uint32) {
	var config map[string]string
	if err := json.Unmarshal(in(p, n), &config); err != nil {
		failed(err)
		return
	}
	if err := example.Init(context.Background(), config); err != nil {
		failed(err)
	}
}

func validate(f func(context.Context, string, plugin.Message) (bool, error), np, nl, mp, ml, sp, sl uint32) uint32 {
	msg, err := message(mp, ml, sp, sl)
	if err != nil {
		failed(err)
		return 0
	}
	ok, err := f(context.Background(), string(in(np, nl)), msg)
	if err != nil {
		failed(err)
		return 0
	}
	if ok {
		return 1
	}
	return 0
}

//go:wasmexport validate_action
func validateAction(np, nl, mp, ml, sp, sl uint32) uint32 {
	return validate(example.ValidateAction, np, nl, mp, ml, sp, sl)
}

//go:wasmexport validate_evaluator
func validateEvaluator(np, nl, mp, ml, sp, sl uint32) uint32 {
	return validate(example.ValidateEvaluator, np, nl, mp, ml, sp, sl)
}

//go:wasmexport invoke_action
func invokeAction(np, nl, mp, ml, sp, sl, op, ol uint32) uint64 {
	msg, err := message(mp, ml, sp, sl)
	if err != nil {
		return failed(err)
	}
	var options map[string]any
	if err := json.Unmarshal(in(op, ol), &options); err != nil {
		return failed(err)
	}
	r, err := example.InvokeAction(context.Background(), string(in(np, nl)), msg, options)
	if err != nil {
		return failed(err)
	}
	return result(r)
}

//go:wasmexport get_provider
func getProvider(np, nl, mp, ml, sp, sl uint32) uint64 {
	msg, err := message(mp, ml, sp, sl)
	if err != nil {
		return failed(err)
	}
	r, err := example.GetProvider(context.Background(), string(in(np, nl)), msg)
	if err != nil {
		return failed(err)
	}
	return result(r)
}

//go:wasmexport invoke_evaluator
func invokeEvaluator(np, nl, mp, ml, sp, sl uint32) uint64 {
	msg, err := message(mp, ml, sp, sl)
	if err != nil {
		return failed(err)
	}
	r, err := example.InvokeEvaluator(context.Background(), string(in(np, nl)), msg)
	if err != nil {
		return failed(err)
	}
	if r == nil {
		return 0
	}
	return result(r)
}
