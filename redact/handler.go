package redact

import (
	"context"
	"log/slog"
	"slices"
)

// The stable attributes of a machine-readable log event, shared with the
// upstream TypeScript logger:
//
//   - src is the module that logs, as a colon-separated tag such as
//     "core:settings" or "plugin-discord:gateway";
//   - event is a dotted machine id of what happened, such as
//     "core.settings.default_secret_salt".
//
// A Handler never redacts the src and event attributes at the top level of
// a record (even if they are configured as secret keys) and, like every
// attribute, never reorders them. Their values are still walked.
const (
	KeySrc   = "src"
	KeyEvent = "event"
)

// Event returns the src and event attributes of a machine-readable event,
// as one attribute that every slog handler inlines (a group with an empty
// key):
//
//	logger.Warn("SECRET_SALT is not set", redact.Event("core:settings", "core.settings.default_secret_salt"))
func Event(src, event string) slog.Attr {
	return slog.Group("", slog.String(KeySrc, src), slog.String(KeyEvent, event))
}

// Handler is a slog.Handler that redacts secrets by key and passes every
// record on to another handler. Make one with NewHandler; it is safe for
// concurrent use.
//
// An attribute whose key names a secret (Config.Matches) has its value
// replaced by the string Censor, whatever the value is: a string, a number,
// a group, a map, a slice. Keys are found at any depth:
//
//   - attributes of the record and of WithAttrs, and members of groups
//     (slog.Group); a group opened with WithGroup whose name is a secret key
//     has the value of every attribute in it replaced;
//   - slog.LogValuer values, resolved first (slog.Value.Resolve, which
//     bounds chains of LogValuers and turns a panic into an error value);
//     the resolved value is what is passed on, so LogValue runs once;
//   - the keys of maps whose keys are strings (or, as encoding/json writes
//     them, encoding.TextMarshalers and integers), elements of slices and
//     arrays, through pointers and interfaces;
//   - struct fields by their JSON name and by their Go name; a struct with
//     a secret-named field that JSON does not show (unexported, or tagged
//     "-") is rewritten too, without that field;
//   - the JSON form of a json.Marshaler (its MarshalJSON output, decoded):
//     this is how a json.RawMessage, or a value with its own JSON shape, is
//     inspected; the redacted JSON form replaces the value when it holds a
//     secret key, or when the value is a struct whose fields do (which a
//     text handler would print).
//
// Errors, time.Time, []byte and encoding.TextMarshalers are text to every
// handler and are left as they are: key redaction does not read text (Text
// does). A fmt.Stringer is walked like any value, since the JSON handler
// ignores String. LogValuers nested inside maps, slices or structs are not
// resolved, as slog handlers do not resolve them.
//
// Nothing the caller passed is modified. A value in which something is
// replaced is passed on as a copy: maps and structs become map[string]any
// (keyed by JSON names), slices and arrays []any, and unchanged parts are
// shared with the original. A value in which nothing is replaced is passed
// on as it is, and a record in which nothing is replaced is passed on
// untouched. The message is never changed, and attributes keep their order.
//
// Depth is bounded: an object or array at depth MaxDepth or more (the
// record is depth 0, each group, map, struct, slice or array one more)
// becomes Truncated, which also ends the walk of a cyclic value; and an
// attribute value with more than 65,536 members in all becomes
// Truncated as a whole.
type Handler struct {
	next  slog.Handler
	keys  *keySet
	off   bool
	depth int   // groups opened with WithGroup
	mode  hMode // what happens to attributes inside the innermost group
}

// hMode says how a Handler treats the attributes it is given.
type hMode uint8

const (
	hWalk     hMode = iota // redact by key
	hCensor                // inside a group whose name is a secret key: censor every value
	hTruncate              // inside a group nested MaxDepth deep: truncate every value
)

// NewHandler returns a Handler that redacts records as c says and passes
// them to next. It panics if next is nil, as slog.New does.
func NewHandler(next slog.Handler, c Config) *Handler {
	if next == nil {
		panic("redact: NewHandler: nil next handler")
	}
	return &Handler{next: next, keys: c.set(), off: c.off}
}

// Enabled reports whether the next handler handles records of level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle redacts r and passes it to the next handler. When nothing in r is
// replaced, r itself is passed on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if h.off || r.NumAttrs() == 0 {
		return h.next.Handle(ctx, r)
	}
	// out holds the attributes once one has changed; the array keeps them
	// off the heap in the common case (AddAttrs copies them).
	var stack [16]slog.Attr
	var out []slog.Attr
	i := 0
	r.Attrs(func(a slog.Attr) bool {
		if out == nil && h.plain(a) {
			i++
			return true
		}
		na, changed := h.attr(a)
		if changed && out == nil {
			// The first change: copy the attributes before this one, all
			// unchanged.
			out = stack[:0]
			r.Attrs(func(b slog.Attr) bool {
				if len(out) == i {
					return false
				}
				out = append(out, b)
				return true
			})
		}
		if out != nil {
			out = append(out, na)
		}
		i++
		return true
	})
	if out == nil {
		return h.next.Handle(ctx, r)
	}
	nr := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	nr.AddAttrs(out...)
	return h.next.Handle(ctx, nr)
}

// WithAttrs redacts attrs and returns a Handler whose next handler has
// them.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	out, copied := attrs, false
	if !h.off {
		for i, a := range attrs {
			if na, changed := h.attr(a); changed {
				if !copied {
					out, copied = slices.Clone(attrs), true
				}
				out[i] = na
			}
		}
	}
	h2 := *h
	h2.next = h.next.WithAttrs(out)
	return &h2
}

// WithGroup returns a Handler whose next handler has the group open.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.next = h.next.WithGroup(name)
	h2.depth++
	if !h.off {
		w := valWalker{keys: h.keys}
		switch {
		case h.mode == hCensor || w.censors(name, h.depth):
			h2.mode = hCensor
		case h2.depth >= MaxDepth:
			h2.mode = hTruncate
		}
	}
	return &h2
}

// plain reports whether a is a scalar attribute that stays as it is: the
// common case, decided without walking.
func (h *Handler) plain(a slog.Attr) bool {
	switch a.Value.Kind() {
	case slog.KindAny, slog.KindGroup, slog.KindLogValuer:
		return false
	}
	if h.mode != hWalk {
		return false
	}
	return h.depth == 0 && (a.Key == KeySrc || a.Key == KeyEvent) || !h.keys.match(a.Key)
}

// attr redacts one attribute of the record or of WithAttrs.
func (h *Handler) attr(a slog.Attr) (slog.Attr, bool) {
	w := valWalker{keys: h.keys, budget: valMaxNodes}
	na, changed := w.attr(a, h.depth, h.mode)
	if w.budget < 0 {
		return slog.String(a.Key, Truncated), true
	}
	return na, changed
}

// attr redacts a, a member of an object of depth d (d = 0: the record's
// top level), in mode m.
func (w *valWalker) attr(a slog.Attr, d int, m hMode) (slog.Attr, bool) {
	v := a.Value
	switch v.Kind() {
	case slog.KindAny, slog.KindGroup, slog.KindLogValuer:
	default: // the common case, a scalar: only its key matters
		if m == hWalk && !w.censors(a.Key, d) {
			return a, false
		}
	}
	resolved := v.Kind() == slog.KindLogValuer
	if resolved {
		v = v.Resolve()
	}
	if v.Kind() == slog.KindGroup {
		members := v.Group()
		if len(members) == 0 {
			return slog.Attr{Key: a.Key, Value: v}, resolved // every handler ignores it
		}
		if a.Key == "" { // inlined: its members are members of this object
			return w.group(a.Key, v, d, m, resolved)
		}
	} else if a.Key == "" && v.Kind() == slog.KindAny && v.Any() == nil {
		return slog.Attr{Key: a.Key, Value: v}, resolved // the empty attribute, ignored
	}
	switch {
	case w.censors(a.Key, d) && a.Key != "":
		return slog.String(a.Key, Censor), true
	case m == hCensor:
		return slog.String(a.Key, Censor), true
	case m == hTruncate:
		return slog.String(a.Key, Truncated), true
	}
	switch v.Kind() {
	case slog.KindGroup:
		if d+1 >= MaxDepth {
			return slog.String(a.Key, Truncated), true
		}
		return w.group(a.Key, v, d+1, hWalk, resolved)
	case slog.KindAny:
		if nv, changed := w.walk(v.Any(), d+1); changed {
			return slog.Any(a.Key, nv), true
		}
	}
	return slog.Attr{Key: a.Key, Value: v}, resolved
}

// group redacts the members of group value v, members of an object of
// depth d.
func (w *valWalker) group(key string, v slog.Value, d int, m hMode, changed bool) (slog.Attr, bool) {
	members := v.Group()
	var out []slog.Attr
	for i, a := range members {
		if !w.spend() {
			return slog.Attr{}, false
		}
		na, c := w.attr(a, d, m)
		if !c {
			continue
		}
		if out == nil {
			out = slices.Clone(members)
		}
		out[i] = na
	}
	if out == nil {
		return slog.Attr{Key: key, Value: v}, changed
	}
	return slog.Attr{Key: key, Value: slog.GroupValue(out...)}, true
}
