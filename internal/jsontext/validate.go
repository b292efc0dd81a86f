package jsontext

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// Precedence returns the error the phase rules select for data, given that
// a typed decoder of data failed with err: an invalid UTF-8 sequence
// anywhere, else the first syntax, lone-surrogate or depth error, else the
// first duplicate member or out-of-range number, else err itself.
func Precedence(data []byte, err error) error {
	if e := Validate(data); e != nil {
		return e
	}
	return err
}

// Validate checks that data is exactly one JSON value that every peer reads
// alike, with no regard to what the value should look like. It returns nil
// or an *Error chosen by the phase rules of the package documentation.
func Validate(data []byte) error { return ValidateOptions(data, Options{}) }

// ValidateOptions is Validate under opts.
func ValidateOptions(data []byte, opts Options) error {
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return newError(KindUTF8, i, "invalid utf-8")
	}
	v := validator{}
	v.d.ResetOptions(data, opts)
	err := v.value()
	if err == nil {
		err = v.d.End()
	}
	if err != nil {
		return v.locate(err)
	}
	if v.soft != nil {
		return v.soft
	}
	return nil
}

// ReadValue reads data, which must be exactly one JSON value, into the
// shapes of Decoder.Value (nil, bool, float64, string, []any and
// map[string]any) under opts. Its error is the one ValidateOptions reports:
// the phase rules choose it, so a caller gets the same error as a peer that
// checks the whole document first. A valid document is read in one pass;
// only a failing one is read twice.
func ReadValue(data []byte, opts Options) (any, error) {
	var d Decoder
	d.ResetOptions(data, opts)
	v, err := d.Value()
	if err == nil {
		err = d.End()
	}
	if err == nil {
		return v, nil
	}
	if verr := ValidateOptions(data, opts); verr != nil {
		return nil, verr
	}
	return nil, err // unreachable while Value and Validate agree (FuzzValidate)
}

// validator walks a document without building it. Phase-1 errors stop the
// walk; the first phase-2 error is kept in soft and the walk goes on, so
// that a later syntax error still wins.
type validator struct {
	d    Decoder
	path []string
	soft *Error
}

func (v *validator) locate(err error) error {
	var e *Error
	if errors.As(err, &e) && len(e.rev) == 0 {
		for i := len(v.path) - 1; i >= 0; i-- {
			e.rev = append(e.rev, v.path[i])
		}
	}
	return err
}

// keep records a phase-2 error and reports whether the walk may go on.
func (v *validator) keep(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Kind.phase() != 2 {
		return false
	}
	if v.soft == nil {
		v.locate(e)
		v.soft = e
	}
	return true
}

func (v *validator) value() error {
	d := &v.d
	switch c := d.Peek(); {
	case c == '{':
		if err := d.BeginObject(); err != nil {
			return err
		}
		seen := map[string]struct{}{}
		for i := 0; ; i++ {
			name, ok, err := d.NextMember(i)
			if err != nil || !ok {
				return err
			}
			k := string(name)
			v.path = append(v.path, k)
			if _, dup := seen[k]; dup {
				e := d.DuplicateError(k)
				e.(*Error).rev = nil // located from the path, which already ends in k
				v.keep(e)
			}
			seen[k] = struct{}{}
			if err := v.value(); err != nil {
				return err
			}
			v.path = v.path[:len(v.path)-1]
		}
	case c == '[':
		if err := d.BeginArray(); err != nil {
			return err
		}
		for i := 0; ; i++ {
			more, err := d.NextElement(i)
			if err != nil || !more {
				return err
			}
			v.path = append(v.path, strconv.Itoa(i))
			if err := v.value(); err != nil {
				return err
			}
			v.path = v.path[:len(v.path)-1]
		}
	case c == '-' || isDigit(c):
		if _, err := d.Number(); err != nil && !v.keep(err) {
			return err
		}
		return nil
	}
	_, err := d.Value() // strings and literals
	return err
}
