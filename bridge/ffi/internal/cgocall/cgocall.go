//go:build cgobench

// Package cgocall calls a plugin library's elizaos_invoke_action through
// cgo, the baseline of bridge/ffi's benchmark (go test -tags cgobench). The
// library itself never uses cgo; this package builds only with the tag.
package cgocall

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

typedef char *(*invoke_fn)(const char *, const char *, const char *, const char *);
typedef void (*free_fn)(char *);

static void *open_lib(const char *path) { return dlopen(path, RTLD_NOW | RTLD_LOCAL); }
static void *sym(void *h, const char *name) { return dlsym(h, name); }
static char *invoke(void *f, const char *a, const char *b, const char *c, const char *d) {
	return ((invoke_fn)f)(a, b, c, d);
}
static void release(void *f, char *p) { ((free_fn)f)(p); }
*/
import "C"

import (
	"errors"
	"unsafe"
)

// Lib is a loaded library.
type Lib struct{ invoke, free unsafe.Pointer }

// Open loads the library at path.
func Open(path string) (*Lib, error) {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	h := C.open_lib(cp)
	if h == nil {
		return nil, errors.New("cgocall: dlopen failed")
	}
	name := C.CString("elizaos_invoke_action")
	defer C.free(unsafe.Pointer(name))
	free := C.CString("elizaos_free_string")
	defer C.free(unsafe.Pointer(free))
	l := &Lib{invoke: C.sym(h, name), free: C.sym(h, free)}
	if l.invoke == nil || l.free == nil {
		return nil, errors.New("cgocall: symbol missing")
	}
	return l, nil
}

// Invoke is the string round trip: four Go strings in as C strings, the
// result copied into a Go string and freed by the library.
func (l *Lib) Invoke(name, memory, state, options string) string {
	a, b, c, d := C.CString(name), C.CString(memory), C.CString(state), C.CString(options)
	r := C.invoke(l.invoke, a, b, c, d)
	C.free(unsafe.Pointer(a))
	C.free(unsafe.Pointer(b))
	C.free(unsafe.Pointer(c))
	C.free(unsafe.Pointer(d))
	out := C.GoString(r)
	C.release(l.free, r)
	return out
}
