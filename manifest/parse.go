package manifest

import (
	"errors"
	"fmt"

	"github.com/interopkit/interop/types"
)

// ErrDecode reports a document that satisfies the schema but that
// types.PluginManifest cannot hold: the types package is stricter about
// numbers (a magnitude above 2^53-1 anywhere, including config values, is
// an error there) and reads interop.cwd as a string, which the schema does
// not constrain.
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
