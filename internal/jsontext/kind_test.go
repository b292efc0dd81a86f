package jsontext

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestKindTable(t *testing.T) {
	names := map[string]bool{}
	for k := KindUTF8; k <= KindMissing; k++ {
		s, ok := k.Err().(*Sentinel)
		if !ok || s.Kind() != k {
			t.Errorf("kind %d: sentinel %v has kind %d", k, k.Err(), s.Kind())
		}
		if n := k.Name(); n == "" || names[n] {
			t.Errorf("kind %d: name %q empty or repeated", k, n)
		}
		names[k.Name()] = true
		got, ok := KindOf(fmt.Errorf("wrapped: %w", k.Err()))
		if !ok || got != k {
			t.Errorf("KindOf(wrapped %v) = %d, %v", k.Err(), got, ok)
		}
		if want := k == KindDuplicate || k == KindRange || k == KindType || k == KindMissing; k.Located() != want {
			t.Errorf("kind %s: Located() = %v", k.Name(), !want)
		}
	}
	if _, ok := KindOf(errors.New("other")); ok {
		t.Error("KindOf found a kind in an unrelated error")
	}
}

func TestPointer(t *testing.T) {
	for _, tc := range []struct {
		tokens []string
		ptr    string
	}{
		{nil, ""},
		{[]string{""}, "/"},
		{[]string{"a", "0"}, "/a/0"},
		{[]string{"a/b~", "~1", ""}, "/a~1b~0/~01/"},
	} {
		if got := Pointer(tc.tokens...); got != tc.ptr {
			t.Errorf("Pointer(%q) = %q, want %q", tc.tokens, got, tc.ptr)
		}
		if got := Tokens(tc.ptr); !slices.Equal(got, tc.tokens) {
			t.Errorf("Tokens(%q) = %q, want %q", tc.ptr, got, tc.tokens)
		}
	}
	e := MissingError(0, "a/b", "missing")
	AtIndex(e, 3)
	At(e, "x~")
	if got, want := e.(*Error).Pointer(), "/x~0/3/a~1b"; got != want {
		t.Errorf("Error.Pointer() = %q, want %q", got, want)
	}
}
