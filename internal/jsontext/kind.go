package jsontext

import (
	"errors"
	"strings"
)

// The sentinel errors of the JSON layer, one per Kind: the one error
// vocabulary of the project's JSON documents. Package types and package
// manifest export them under their own names (types.ErrSyntax and
// manifest.ErrSyntax are ErrSyntax), so errors.Is agrees across the two.
// Their text is only the kind's words: the error types of those packages
// put their package name in front.
var (
	ErrInvalidUTF8  = &Sentinel{KindUTF8, "invalid unicode"}
	ErrSyntax       = &Sentinel{KindSyntax, "invalid json"}
	ErrTooDeep      = &Sentinel{KindDepth, "nesting too deep"}
	ErrDuplicateKey = &Sentinel{KindDuplicate, "duplicate member"}
	ErrRange        = &Sentinel{KindRange, "number out of range"}
	ErrType         = &Sentinel{KindType, "wrong type"}
	ErrMissing      = &Sentinel{KindMissing, "missing required member"}
)

// Sentinel is the sentinel error of one Kind.
type Sentinel struct {
	kind  Kind
	words string
}

// NewSentinel returns a sentinel of kind k with its own text, for a public
// package whose errors name the package (ids.ErrInvalidUTF8 is
// "ids: input is not valid utf-8"). It is also the kind's sentinel of this
// package to errors.Is (errors.Is(err, ErrInvalidUTF8) holds for an error
// of package ids), and KindOf finds its kind; two packages' sentinels stay
// apart (an ids error is not envelope.ErrInvalidUTF8), so a caller can
// still tell which input was bad.
func NewSentinel(k Kind, words string) *Sentinel { return &Sentinel{k, words} }

func (s *Sentinel) Error() string { return s.words }

// Is reports whether target is the JSON layer's own sentinel of s's kind.
func (s *Sentinel) Is(target error) bool { return target == kinds[s.kind].err }

// Kind returns the kind the sentinel stands for.
func (s *Sentinel) Kind() Kind { return s.kind }

// kinds is the one table of the error kinds: the sentinel and the name
// the vectors give each kind (spec/types.md, "Errors"; spec/vectors.md).
var kinds = [...]struct {
	err  *Sentinel
	name string
}{
	KindUTF8:      {ErrInvalidUTF8, "invalid_utf8"},
	KindSyntax:    {ErrSyntax, "syntax"},
	KindDepth:     {ErrTooDeep, "too_deep"},
	KindDuplicate: {ErrDuplicateKey, "duplicate_key"},
	KindRange:     {ErrRange, "out_of_range"},
	KindType:      {ErrType, "invalid_type"},
	KindMissing:   {ErrMissing, "missing_field"},
}

// Err returns the sentinel error of k.
func (k Kind) Err() error { return kinds[k].err }

// Name returns the vectors' name of k, e.g. "duplicate_key".
func (k Kind) Name() string { return kinds[k].name }

// Located reports whether an error of kind k carries a location in the
// vectors (errorAt): the kinds of the second and later phases, which are
// found where the document is already known to be well-formed.
func (k Kind) Located() bool { return k.phase() >= 2 }

// KindOf returns the kind of an error of the JSON layer: one of its
// sentinels or anything that wraps one.
func KindOf(err error) (Kind, bool) {
	var s *Sentinel
	if !errors.As(err, &s) {
		return 0, false
	}
	return s.kind, true
}

// Pointer returns the RFC 6901 JSON pointer of the unescaped reference
// tokens: "~" becomes "~0" and "/" becomes "~1". It is the project's one
// pointer formatter; no tokens give "", the whole document.
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		for i := 0; i < len(t); i++ {
			switch t[i] {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(t[i])
			}
		}
	}
	return b.String()
}

// Tokens splits a non-empty RFC 6901 pointer into its unescaped reference
// tokens; "" (the whole document) has none.
func Tokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}
