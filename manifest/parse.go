package manifest

import (
	"errors"
	"fmt"

	"github.com/interopkit/interop/types"
)

// ErrDecode reports a document that satisfies the schema but that
// types.PluginManifest cannot hold: types checks the JSON type of members
// the schema does not declare (interop.cwd is a string there; an action
// example's content is a types.Content, whose thought, attachments and
// other members have types). It is never about the JSON itself: both
// packages read JSON by the same rules, so a document Validate reads is
// one types reads.
var ErrDecode = errors.New("manifest: valid manifest cannot be decoded")

// Parse validates doc and, when it satisfies the schema, decodes it into a
// types.PluginManifest. A document that breaks the schema gives its
// problems (as Validate returns them) and no manifest; the error is a
// *DocumentError as from Validate, or ErrDecode wrapping the types error.
func Parse(doc []byte) (*types.PluginManifest, []Problem, error) {
	problems, err := Validate(doc)
	if err != nil {
		return nil, nil, err
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	m := new(types.PluginManifest)
	if err := m.UnmarshalJSON(doc); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrDecode, err)
	}
	return m, nil, nil
}
