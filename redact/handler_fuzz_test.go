package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// fzSecret is written only under secret keys (at some depth); it must never
// reach the output.
const fzSecret = "S3NT1N3L"

var fzKeys = []struct {
	key    string
	secret bool
}{
	{"password", true}, {"PASSWORD", true}, {"Token", true}, {"to\u212Aen", true}, {"api_key", true},
	{"apiKey", true}, {"Authorization", true}, {"pin", true}, {"session", true},
	{"name", false}, {"src", false}, {"event", false}, {"passwords", false}, {"\u017Fecret", false},
	{"x", false}, {"", false}, {"tokenizer", false}, {"api-key", false},
}

type (
	fzCreds struct {
		User     string
		Password string `json:"p"`
		Extra    any    `json:"extra,omitempty"`
		Hidden   any    `json:"-"`
		token    string
		note     any
	}
	fzValuer struct{ V any }
)

func (v fzValuer) LogValue() slog.Value { return slog.AnyValue(v.V) }

// fzGen builds a value from fuzz bytes; the same bytes always build the
// same value, so a value can be compared with a twin after logging.
type fzGen struct {
	data []byte
	pos  int
}

func (g *fzGen) next() int {
	if g.pos >= len(g.data) {
		return 0
	}
	b := g.data[g.pos]
	g.pos++
	return int(b)
}

func (g *fzGen) key() (string, bool) {
	k := fzKeys[g.next()%len(fzKeys)]
	return k.key, k.secret
}

// value builds a value at nesting level d; secret: it is stored under a
// secret key, so every string in it is fzSecret. jsonOnly: only what
// encoding/json can marshal (no cycles).
func (g *fzGen) value(d int, secret, jsonOnly bool) any {
	str := "v"
	if secret {
		str = fzSecret
	}
	if d > 80 || g.pos >= len(g.data) {
		return str
	}
	switch g.next() % 11 {
	case 0:
		return str
	case 1:
		return g.next() - 100
	case 2:
		n := g.next() % 4
		m := make(map[string]any, n)
		for range n {
			k, s := g.key()
			m[k] = g.value(d+1, secret || s, jsonOnly)
		}
		return m
	case 3:
		n := g.next() % 4
		l := make([]any, n)
		for i := range l {
			l[i] = g.value(d+1, secret, jsonOnly)
		}
		return l
	case 4:
		if jsonOnly {
			return []string{str}
		}
		c := &fzCreds{User: str, Password: fzSecret, token: fzSecret}
		c.Extra = g.value(d+1, secret, false)
		c.Hidden = g.value(d+1, secret, false)
		c.note = g.value(d+1, secret, false)
		if g.next()%2 == 0 {
			return *c
		}
		return c
	case 5:
		if !jsonOnly && g.next()%8 == 0 {
			p := new(any)
			*p = p // leads back to itself
			return p
		}
		v := g.value(d+1, secret, jsonOnly)
		return &v
	case 6:
		b, err := json.Marshal(g.value(d+1, secret, true))
		if err != nil {
			panic(err)
		}
		return json.RawMessage(b)
	case 7:
		if jsonOnly {
			return nil
		}
		return fzValuer{g.value(d+1, secret, false)}
	case 8:
		if jsonOnly {
			return true
		}
		m := map[string]any{}
		k, s := g.key()
		m[k] = g.value(d+1, secret || s, false)
		m["self"] = m
		return m
	case 9:
		if secret {
			return errors.New(fzSecret)
		}
		return errors.New("e")
	default:
		k, s := g.key()
		return map[string][]string{k: {map[bool]string{true: fzSecret, false: "v"}[secret || s]}}
	}
}

// attrs builds the attributes of a record.
func (g *fzGen) attrs(d int, secret bool) []slog.Attr {
	n := g.next() % 5
	out := make([]slog.Attr, 0, n)
	for range n {
		k, s := g.key()
		if g.next()%4 == 0 && d < 70 {
			out = append(out, slog.Attr{Key: k, Value: slog.GroupValue(g.attrs(d+1, secret || s)...)})
		} else {
			out = append(out, slog.Any(k, g.value(d+1, secret || s, false)))
		}
	}
	return out
}

// fzLog logs one record built from data through a redacting handler into
// next, using WithGroup and WithAttrs as the data says.
func fzLog(data []byte, next slog.Handler) {
	g := &fzGen{data: data}
	l := slog.New(NewHandler(next, Config{}.WithKeys("pin")))
	secret := false
	for range g.next() % 3 {
		k, s := g.key()
		secret = secret || s
		l = l.WithGroup(k)
	}
	if g.next()%2 == 0 {
		l = l.With(slog.Any("with", g.attrs(1, secret)))
	}
	attrs := g.attrs(1, secret)
	args := make([]any, len(attrs))
	for i, a := range attrs {
		args[i] = a
	}
	l.Info("message", args...)
}

func FuzzHandler(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{2, 3, 0, 2, 2, 0, 0, 9, 1})
	f.Add([]byte("\x01\x04\x02\x03\x00\x04\x05\x06\x07\x08\x09\x0a\x02\x03\x02\x02\x01\x00"))
	f.Add(bytes.Repeat([]byte{2, 1, 0}, 90))
	f.Add(bytes.Repeat([]byte{4, 7, 8, 5, 6, 2, 3, 1}, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		var jsonOut, textOut bytes.Buffer
		fzLog(data, slog.NewJSONHandler(&jsonOut, nil))
		fzLog(data, slog.NewTextHandler(&textOut, nil))
		for name, out := range map[string]string{"json": jsonOut.String(), "text": textOut.String()} {
			if strings.Contains(out, fzSecret) {
				t.Fatalf("%s handler leaked a value stored under a secret key:\n%s", name, out)
			}
		}
		if line := bytes.TrimSuffix(jsonOut.Bytes(), []byte("\n")); !json.Valid(line) {
			t.Fatalf("the JSON handler wrote invalid JSON: %s", line)
		}
		// Nothing the caller passed changed: a twin built from the same
		// bytes is still equal to the logged value.
		g1, g2 := &fzGen{data: data}, &fzGen{data: data}
		v1, v2 := g1.value(0, false, false), g2.value(0, false, false)
		slog.New(NewHandler(slog.NewJSONHandler(&bytes.Buffer{}, nil), Config{})).Info("m", "v", v1)
		if !reflect.DeepEqual(v1, v2) {
			t.Fatal("the caller's value changed")
		}
	})
}
