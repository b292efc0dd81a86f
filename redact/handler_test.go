package redact

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/slogtest"
	"time"
)

// logLines parses the JSON lines a handler wrote.
func logLines(t testing.TB, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range bytes.Lines(b) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// logOne logs through a redacting handler of c into a JSON handler and
// returns the record's attributes (without time, level and msg).
func logOne(t testing.TB, c Config, log func(*slog.Logger)) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	log(slog.New(NewHandler(slog.NewJSONHandler(&buf, nil), c)))
	lines := logLines(t, buf.Bytes())
	if len(lines) != 1 {
		t.Fatalf("%d lines logged, want 1: %s", len(lines), buf.Bytes())
	}
	m := lines[0]
	delete(m, slog.TimeKey)
	delete(m, slog.LevelKey)
	delete(m, slog.MessageKey)
	return m
}

func jsonOf(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad want %q: %v", s, err)
	}
	return m
}

func TestHandlerSlogtest(t *testing.T) {
	for name, c := range map[string]Config{
		"default": {},
		"custom":  Config{}.WithKeys("x-custom", "a"), // slogtest uses "a" for a plain value
		"off":     Config{}.WithEnabled(false),
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			h := NewHandler(slog.NewJSONHandler(&buf, nil), c)
			err := slogtest.TestHandler(h, func() []map[string]any { return logLines(t, buf.Bytes()) })
			if name == "custom" {
				// With "a" a secret key, the conformance test must see the
				// handler replace it: proof that it runs the handler.
				if err == nil || !strings.Contains(err.Error(), Censor) {
					t.Fatalf("slogtest with a secret key a: want failures showing %s, got %v", Censor, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

type (
	tCreds struct {
		User     string
		Password string `json:"p"`
		Note     string `json:"note,omitempty"`
	}
	tHidden struct {
		Name   string
		secret string
		Drop   string `json:"-"`
	}
	tHiddenDeep struct {
		Name string
		meta map[string]any
	}
	tOuter struct {
		tCreds
		ID int `json:"id"`
	}
	tStringer        struct{ Token, Name string }
	tMarshaler       struct{ secretValue string }
	tMarshalerFields struct {
		Name   string
		APIKey string // hidden by MarshalJSON, printed by a text handler
	}
	tValuer  struct{ v slog.Value }
	tTextKey struct{ s string }
	tPanic   struct{}
)

func (s tStringer) String() string { return "stringer" }
func (m tMarshaler) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"kind": "m", "apiKey": m.secretValue})
}
func (m tMarshalerFields) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"name": m.Name})
}
func (v tValuer) LogValue() slog.Value          { return v.v }
func (k tTextKey) MarshalText() ([]byte, error) { return []byte(k.s), nil }
func (tPanic) MarshalJSON() ([]byte, error)     { panic("boom") }
func (tPanic) LogValue() slog.Value             { panic("boom") }

func TestHandlerRedacts(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		log  func(*slog.Logger)
		want string
	}{
		{"top level", Config{}, func(l *slog.Logger) { l.Info("m", "password", "pw", "user", "u", "n", 1) },
			`{"password":"[REDACTED]","user":"u","n":1}`},
		{"any case", Config{}, func(l *slog.Logger) {
			l.Info("m", "PassWord", "pw", "API_KEY", 2, "to\u212Aen", true, "\u017Fecret", "s")
		},
			`{"PassWord":"[REDACTED]","API_KEY":"[REDACTED]","to\u212Aen":"[REDACTED]","\u017Fecret":"s"}`},
		{"non-string values replaced whole", Config{}, func(l *slog.Logger) {
			l.Info("m", "token", map[string]any{"a": 1}, "cookie", []string{"x"}, "session", nil, "jwt", 3.5, "auth", time.Second)
		}, `{"token":"[REDACTED]","cookie":"[REDACTED]","session":"[REDACTED]","jwt":"[REDACTED]","auth":"[REDACTED]"}`},
		{"groups", Config{}, func(l *slog.Logger) {
			l.Info("m", slog.Group("req", "path", "/", slog.Group("headers", "Authorization", "Bearer x", "Accept", "*/*")), slog.Group("credentials", "u", "v"))
		}, `{"req":{"path":"/","headers":{"Authorization":"[REDACTED]","Accept":"*/*"}},"credentials":"[REDACTED]"}`},
		{"WithGroup and WithAttrs", Config{}, func(l *slog.Logger) {
			l.With("secret", "s", "k", "v").WithGroup("g").With("token", "t").Info("m", "password", "p", "ok", 1)
		}, `{"secret":"[REDACTED]","k":"v","g":{"token":"[REDACTED]","password":"[REDACTED]","ok":1}}`},
		{"WithGroup named like a secret", Config{}, func(l *slog.Logger) {
			l.WithGroup("auth").With("user", "u").Info("m", "n", 1, slog.Group("g", "x", 2), Event("a:b", "a.b"))
		}, `{"auth":{"user":"[REDACTED]","n":"[REDACTED]","g":"[REDACTED]","src":"[REDACTED]","event":"[REDACTED]"}}`},
		{"inline groups", Config{}, func(l *slog.Logger) {
			l.Info("m", slog.Group("", "password", "p", "x", 1), Event("core:test", "core.test.done"))
		}, `{"password":"[REDACTED]","x":1,"src":"core:test","event":"core.test.done"}`},
		{"src and event exempt at the top level only", Config{}.WithKeys("src", "EVENT"), func(l *slog.Logger) {
			l.Info("m", "src", "a:b", "event", "a.b", slog.Group("g", "src", "x", "event", "y"), "SRC", "z")
		}, `{"src":"a:b","event":"a.b","g":{"src":"[REDACTED]","event":"[REDACTED]"},"SRC":"[REDACTED]"}`},
		{"src and event inside WithGroup are not exempt", Config{}.WithKeys("src"), func(l *slog.Logger) {
			l.WithGroup("g").Info("m", "src", "x")
		}, `{"g":{"src":"[REDACTED]"}}`},
		{"src values are still walked", Config{}, func(l *slog.Logger) {
			l.Info("m", "src", map[string]any{"token": "t", "m": "x"})
		}, `{"src":{"token":"[REDACTED]","m":"x"}}`},
		{"maps of any type", Config{}, func(l *slog.Logger) {
			l.Info("m", "a", map[string]string{"Token": "t", "x": "y"}, "b", map[int]string{1: "x"},
				"c", map[tTextKey]int{{"secret"}: 1, {"ok"}: 2}, "d", map[string][]map[string]int{"l": {{"jwt": 1, "n": 2}}})
		}, `{"a":{"Token":"[REDACTED]","x":"y"},"b":{"1":"x"},"c":{"secret":"[REDACTED]","ok":2},"d":{"l":[{"jwt":"[REDACTED]","n":2}]}}`},
		{"slices, arrays and pointers", Config{}, func(l *slog.Logger) {
			one := map[string]any{"password": "p"}
			l.Info("m", "s", []any{1, &one, nil}, "a", [2]map[string]int{{"auth": 1}, {"x": 2}}, "p", &[]*tCreds{{User: "u", Password: "p"}, nil})
		}, `{"s":[1,{"password":"[REDACTED]"},null],"a":[{"auth":"[REDACTED]"},{"x":2}],"p":[{"User":"u","p":"[REDACTED]"},null]}`},
		{"structs by JSON and Go name", Config{}.WithKeys("user"), func(l *slog.Logger) {
			l.Info("m", "c", tCreds{User: "u", Password: "p"}, "o", tOuter{tCreds: tCreds{Password: "p", Note: "n"}, ID: 3})
		}, `{"c":{"User":"[REDACTED]","p":"[REDACTED]"},"o":{"User":"[REDACTED]","p":"[REDACTED]","note":"n","id":3}}`},
		{"hidden secret fields are dropped", Config{}, func(l *slog.Logger) {
			l.Info("m", "h", tHidden{Name: "n", secret: "s"}, "d", tHiddenDeep{Name: "n", meta: map[string]any{"token": "t"}},
				"clean", tHiddenDeep{Name: "n", meta: map[string]any{"x": 1}})
		}, `{"h":{"Name":"n"},"d":{"Name":"n"},"clean":{"Name":"n"}}`},
		{"json.Marshaler and RawMessage", Config{}, func(l *slog.Logger) {
			l.Info("m", "raw", json.RawMessage(`{"body":{"password":"p"},"list":[{"Token":1}]}`), "m", tMarshaler{"k"}, "plain", json.RawMessage(`"x"`),
				"f", tMarshalerFields{Name: "n", APIKey: "k"})
		}, `{"raw":{"body":{"password":"[REDACTED]"},"list":[{"Token":"[REDACTED]"}]},"m":{"kind":"m","apiKey":"[REDACTED]"},"plain":"x","f":{"name":"n"}}`},
		{"Stringer is walked, errors and text are not", Config{}, func(l *slog.Logger) {
			l.Info("m", "s", tStringer{Token: "t", Name: "n"}, "err", errors.New("password=x"), "b", []byte("token"), "t", tTextKey{"token: x"})
		}, `{"s":{"Token":"[REDACTED]","Name":"n"},"err":"password=x","b":"dG9rZW4=","t":"token: x"}`},
		{"LogValuer resolved", Config{}, func(l *slog.Logger) {
			l.Info("m", "v", tValuer{slog.GroupValue(slog.String("token", "t"), slog.Int("n", 1))}, "w", tValuer{slog.AnyValue(map[string]any{"jwt": "j"})})
		}, `{"v":{"token":"[REDACTED]","n":1},"w":{"jwt":"[REDACTED]"}}`},
		{"panics become values", Config{}, func(l *slog.Logger) {
			l.Info("m", "p", tPanic{}, "q", []any{tPanic{}})
		}, `{"p":"LogValue panicked\n","q":"!ERROR:json: error calling MarshalJSON for type redact.tPanic: boom"}`},
		{"off", Config{}.WithEnabled(false), func(l *slog.Logger) {
			l.With("token", "t").Info("m", "password", "p", slog.Group("g", "secret", "s"))
		}, `{"token":"t","password":"p","g":{"secret":"s"}}`},
		{"empty keys never match", Config{}.WithKeys("", "x"), func(l *slog.Logger) {
			l.Info("m", "", "v", "x", 1)
		}, `{"":"v","x":"[REDACTED]"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := logOne(t, tt.cfg, tt.log)
			want := jsonOf(t, tt.want)
			if tt.name == "panics become values" {
				// The exact panic texts are slog's and encoding/json's; what
				// matters is that they are reported, not raised.
				if p, _ := got["p"].(string); !strings.Contains(p, "LogValue panicked") {
					t.Fatalf("got %v", got)
				}
				if q, _ := got["q"].(string); !strings.Contains(q, "boom") {
					t.Fatalf("got %v", got)
				}
				return
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				t.Fatalf("got  %s\nwant %s", g, tt.want)
			}
		})
	}
}

func TestHandlerAttributeOrder(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}), Config{}.WithKeys("src")))
	l.Info("the message: password=x", Event("core:settings", "core.settings.x"), "token", "t", "a", 1, "z", 2)
	want := `{"level":"INFO","msg":"the message: password=x","src":"core:settings","event":"core.settings.x","token":"[REDACTED]","a":1,"z":2}` + "\n"
	if buf.String() != want {
		t.Fatalf("got  %s\nwant %s", buf.String(), want)
	}
}

// captureHandler keeps the records it handles.
type captureHandler struct {
	mu      sync.Mutex
	records []slog.Record
}

func (c *captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (c *captureHandler) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records = append(c.records, r)
	return nil
}
func (c *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *captureHandler) WithGroup(string) slog.Handler      { return c }

func TestHandlerPassesCleanValuesUntouched(t *testing.T) {
	capture := &captureHandler{}
	m := map[string]any{"a": map[string]any{"b": []any{1, "x"}}}
	s := &tHiddenDeep{Name: "n"}
	slog.New(NewHandler(capture, Config{})).Info("m", "m", m, "s", s)
	var got []any
	capture.records[0].Attrs(func(a slog.Attr) bool { got = append(got, a.Value.Any()); return true })
	if reflect.ValueOf(got[0]).UnsafePointer() != reflect.ValueOf(m).UnsafePointer() || got[1] != any(s) {
		t.Fatalf("clean values were copied: %#v", got)
	}

	// One secret: a new map at that level and above, the rest shared.
	m["a"].(map[string]any)["token"] = "t"
	capture.records = nil
	slog.New(NewHandler(capture, Config{})).Info("m", "m", m)
	capture.records[0].Attrs(func(a slog.Attr) bool {
		c := a.Value.Any().(map[string]any)
		inner := c["a"].(map[string]any)
		if inner["token"] != Censor || m["a"].(map[string]any)["token"] != "t" {
			t.Fatalf("copy %v, original %v", c, m)
		}
		if reflect.ValueOf(inner["b"]).UnsafePointer() != reflect.ValueOf(m["a"].(map[string]any)["b"]).UnsafePointer() {
			t.Fatal("the unchanged slice was copied")
		}
		return true
	})
}

// tDeep builds the same deeply nested value on every call, so that a value
// can be compared with a fresh one after logging.
func tDeep() any {
	const x = "S3CR3T" // only ever under a secret key
	shared := &tCreds{User: "u", Password: x}
	cyc := map[string]any{"token": x}
	cyc["self"] = cyc
	return map[string]any{
		"password": x,
		"list":     []any{map[string]any{"token": x, "keep": []any{1, 2}}, shared, shared},
		"arr":      [2]map[string]string{{"Cookie": x}, {"ok": "y"}},
		"struct":   tOuter{tCreds: tCreds{User: "u", Password: x}, ID: 1},
		"ptr":      &map[string]any{"auth": map[string]any{"deep": x}},
		"raw":      json.RawMessage(`{"jwt":"S3CR3T"}`),
		"cycle":    cyc,
		"hidden":   tHiddenDeep{Name: "n", meta: map[string]any{"secret": x}},
		"typed":    map[string][]*tCreds{"a": {shared}},
		"group":    tValuer{slog.GroupValue(slog.Any("m", map[string]any{"apiKey": x}))},
		"marshal":  tMarshaler{x},
	}
}

func TestHandlerDoesNotModifyCallerValues(t *testing.T) {
	v := tDeep()
	var wg sync.WaitGroup
	var out [4]bytes.Buffer
	handlers := []slog.Handler{
		slog.NewJSONHandler(&out[0], nil), slog.NewTextHandler(&out[1], nil),
		slog.NewJSONHandler(&out[2], nil), slog.NewTextHandler(&out[3], nil),
	}
	for _, next := range handlers {
		wg.Go(func() {
			l := slog.New(NewHandler(next, Config{}))
			for range 20 {
				l.Info("m", "v", v, slog.Group("g", "v", v))
				l.With("w", v).WithGroup("x").Info("m", "v", v)
			}
		})
	}
	wg.Wait()
	if !reflect.DeepEqual(v, tDeep()) {
		t.Fatalf("the caller's value changed:\n%#v", v)
	}
	for i := range out {
		if out[i].Len() == 0 || strings.Contains(out[i].String(), "S3CR3T") {
			t.Fatalf("handler %d leaked a secret or wrote nothing:\n%.3000s", i, out[i].String())
		}
	}
}

func TestHandlerConcurrentDerivedHandlers(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil), Config{}.WithKeys("pin")))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			l := base.With("worker", i, "pin", i).WithGroup("req")
			for j := range 50 {
				l.Info("m", "n", j, "token", "t", slog.Group("h", "Authorization", "x"))
			}
		})
	}
	wg.Wait()
	lines := logLines(t, buf.Bytes())
	if len(lines) != 400 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, m := range lines {
		req := m["req"].(map[string]any)
		if m["pin"] != Censor || req["token"] != Censor || req["h"].(map[string]any)["Authorization"] != Censor {
			t.Fatalf("not redacted: %v", m)
		}
	}
}

type tCountValuer struct{ n *atomic.Int32 }

func (c tCountValuer) LogValue() slog.Value {
	c.n.Add(1)
	return slog.StringValue("v")
}

func TestHandlerResolvesLogValuerOnce(t *testing.T) {
	var n atomic.Int32
	got := logOne(t, Config{}, func(l *slog.Logger) { l.Info("m", "a", tCountValuer{&n}, slog.Group("g", "b", tCountValuer{&n})) })
	if n.Load() != 2 || got["a"] != "v" {
		t.Fatalf("LogValue called %d times for 2 values; got %v", n.Load(), got)
	}
}

type tSelfValuer struct{}

func (tSelfValuer) LogValue() slog.Value { return slog.AnyValue(tSelfValuer{}) }

func TestHandlerDepthLimit(t *testing.T) {
	// A slog.Group chain: the group at depth MaxDepth becomes Truncated.
	deep := slog.String("token", "t")
	for i := MaxDepth; i >= 1; i-- {
		deep = slog.Group(fmt.Sprintf("g%d", i), deep)
	}
	got := logOne(t, Config{}, func(l *slog.Logger) { l.Info("m", deep) })
	v := any(got)
	for i := 1; i < MaxDepth; i++ {
		v = v.(map[string]any)[fmt.Sprintf("g%d", i)]
	}
	if last := v.(map[string]any)[fmt.Sprintf("g%d", MaxDepth)]; last != Truncated {
		t.Fatalf("depth %d: got %v", MaxDepth, last)
	}

	// WithGroup chains: every value inside a group at depth MaxDepth.
	var buf bytes.Buffer
	l := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil), Config{}))
	for i := 1; i <= MaxDepth; i++ {
		l = l.WithGroup("w")
	}
	l.Info("m", "x", 1, "token", "t")
	if s := buf.String(); !strings.Contains(s, `{"x":"[TRUNCATED]","token":"[REDACTED]"}`) {
		t.Fatalf("got %s", s)
	}

	// Cycles end, and the self-returning LogValuer is cut by slog.
	cyc := map[string]any{}
	cyc["a"], cyc["b"] = cyc, cyc // exponential as a tree: the budget ends it
	type node struct {
		Next *node
		Name string
	}
	n := &node{Name: "n"}
	n.Next = n
	self := new(any)
	*self = self // a pointer to an interface holding the pointer
	got = logOne(t, Config{}, func(l *slog.Logger) { l.Info("m", "c", cyc, "n", n, "s", tSelfValuer{}, "p", self) })
	if got["p"] != Truncated {
		t.Fatalf("self pointer: got %v", got["p"])
	}
	if got["c"] != Truncated {
		t.Fatalf("exponential cycle: got %v", got["c"])
	}
	v = got["n"]
	for range MaxDepth - 1 {
		v = v.(map[string]any)["Next"]
	}
	if v != Truncated {
		t.Fatalf("pointer cycle: got %v at depth %d", v, MaxDepth)
	}
}

func TestHandlerEnabledDelegates(t *testing.T) {
	next := slog.NewJSONHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelWarn})
	h := NewHandler(next, Config{})
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelError) {
		t.Fatal("Enabled does not follow the next handler")
	}
	if h.WithGroup("") != h || h.WithAttrs(nil) != h {
		t.Fatal("WithGroup(\"\") and WithAttrs(nil) must return the handler itself")
	}
}

func TestNewHandlerNilPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	NewHandler(nil, Config{})
}

func TestHandlerTextHandler(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewHandler(slog.NewTextHandler(&buf, nil), Config{}))
	l.Info("m", "c", tCreds{User: "u", Password: "hunter2"}, "h", tHiddenDeep{meta: map[string]any{"token": "hunter3"}}, slog.Group("g", "jwt", "hunter4"),
		"f", tMarshalerFields{Name: "n", APIKey: "hunter5"})
	for _, s := range []string{"hunter2", "hunter3", "hunter4", "hunter5"} {
		if strings.Contains(buf.String(), s) {
			t.Fatalf("leaked %s: %s", s, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "g.jwt=[REDACTED]") {
		t.Fatalf("got %s", buf.String())
	}
}
