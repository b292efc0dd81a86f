package ndjson

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadLine(t *testing.T) {
	r := NewReader(iotest.OneByteReader(strings.NewReader("a\r\nbb\n\nccc")), 3)
	for _, want := range []string{"a", "bb", ""} {
		got, err := r.ReadLine()
		if err != nil || string(got) != want {
			t.Fatalf("got %q %v, want %q", got, err, want)
		}
	}
	if _, err := r.ReadLine(); !errors.Is(err, ErrPartialLine) {
		t.Fatalf("a last line without newline: %v", err)
	}
	r = NewReader(strings.NewReader("abc\nabcd\nok\n"), 3)
	if l, err := r.ReadLine(); err != nil || string(l) != "abc" {
		t.Fatalf("at the cap: %q %v", l, err)
	}
	if _, err := r.ReadLine(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("over the cap: %v", err)
	}
	if err := r.Skip(100); err != nil {
		t.Fatal(err)
	}
	if l, err := r.ReadLine(); err != nil || string(l) != "ok" {
		t.Fatalf("after skipping: %q %v", l, err)
	}
	if _, err := r.ReadLine(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

// The cap is checked while reading: an endless line without a newline is
// refused after about the cap, not read to the end.
func TestCapWhileReading(t *testing.T) {
	endless := io.MultiReader(strings.NewReader(strings.Repeat("x", 1<<20)), neverEnding{})
	r := NewReader(endless, 1000)
	if _, err := r.ReadLine(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("%v", err)
	}
}

type neverEnding struct{}

func (neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'y'
	}
	return len(p), nil
}

func FuzzReadLine(f *testing.F) {
	f.Add([]byte("a\nb\r\n\n"), 4)
	f.Add([]byte(strings.Repeat("z", 100)), 10)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		r := NewReader(bytes.NewReader(data), max)
		for {
			line, err := r.ReadLine()
			if err != nil {
				return
			}
			if len(line) > max {
				t.Fatalf("a line of %d bytes passed a cap of %d", len(line), max)
			}
			if bytes.IndexByte(line, '\n') >= 0 {
				t.Fatal("a line holds a newline")
			}
		}
	})
}
