package envelope_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/ids"
	"github.com/interopkit/interop/internal/jsontext"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestSaltPolicy(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
		err  error
	}{
		{"unset", nil, envelope.DefaultSalt, nil},
		{"empty is unset", map[string]string{"SECRET_SALT": ""}, envelope.DefaultSalt, nil},
		{"not trimmed", map[string]string{"SECRET_SALT": " s "}, " s ", nil},
		{"production default", map[string]string{"NODE_ENV": "production"}, "", envelope.ErrDefaultSaltInProduction},
		{"production upper", map[string]string{"NODE_ENV": "PRODUCTION", "SECRET_SALT": "secretsalt"}, "", envelope.ErrDefaultSaltInProduction},
		{"production empty salt", map[string]string{"NODE_ENV": "production", "SECRET_SALT": ""}, "", envelope.ErrDefaultSaltInProduction},
		{"production padded is not production", map[string]string{"NODE_ENV": " production"}, envelope.DefaultSalt, nil},
		{"dotted capital I is not production", map[string]string{"NODE_ENV": "PRODUCTİON"}, envelope.DefaultSalt, nil},
		{"override", map[string]string{"NODE_ENV": "production", "ELIZA_ALLOW_DEFAULT_SECRET_SALT": "TRUE"}, envelope.DefaultSalt, nil},
		{"override 1 is not true", map[string]string{"NODE_ENV": "production", "ELIZA_ALLOW_DEFAULT_SECRET_SALT": "1"}, "", envelope.ErrDefaultSaltInProduction},
		{"override padded", map[string]string{"NODE_ENV": "production", "ELIZA_ALLOW_DEFAULT_SECRET_SALT": " true"}, "", envelope.ErrDefaultSaltInProduction},
		{"production real salt", map[string]string{"NODE_ENV": "production", "SECRET_SALT": "real"}, "real", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := envelope.SaltFromEnv(lookup(tt.env), slog.New(slog.DiscardHandler))
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Fatalf("SaltFromEnv = %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// warnings returns the JSON log records in buf.
func warnings(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["level"] != "WARN" || rec["src"] != "core:settings" || rec["event"] != "core.settings.default_secret_salt" {
			t.Fatalf("warning record %v lacks level/src/event", rec)
		}
		recs = append(recs, rec)
	}
	if strings.Contains(buf.String(), envelope.DefaultSalt) {
		t.Fatal("the warning prints the salt")
	}
	return recs
}

func TestSaltPolicyWarnsOnce(t *testing.T) {
	var buf bytes.Buffer
	p := &envelope.SaltPolicy{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	for range 3 {
		if _, err := p.Salt(lookup(nil)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Salt(lookup(map[string]string{"SECRET_SALT": "x"})); err != nil {
		t.Fatal(err)
	}
	if n := len(warnings(t, &buf)); n != 1 {
		t.Fatalf("a SaltPolicy logged %d warnings, want exactly 1", n)
	}
	// The memory is the value's: another policy warns again, and no
	// process-wide state was used up.
	var buf2 bytes.Buffer
	p2 := &envelope.SaltPolicy{Logger: slog.New(slog.NewJSONHandler(&buf2, nil))}
	if _, err := p2.Salt(lookup(nil)); err != nil {
		t.Fatal(err)
	}
	if n := len(warnings(t, &buf2)); n != 1 {
		t.Fatalf("a second SaltPolicy logged %d warnings, want 1", n)
	}
}

func TestSaltFromEnvWarnsEachCall(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	for range 2 {
		if _, err := envelope.SaltFromEnv(lookup(nil), logger); err != nil {
			t.Fatal(err)
		}
	}
	// Neither a real salt nor a refusal warns.
	if _, err := envelope.SaltFromEnv(lookup(map[string]string{"SECRET_SALT": "x"}), logger); err != nil {
		t.Fatal(err)
	}
	if _, err := envelope.SaltFromEnv(lookup(map[string]string{"NODE_ENV": "production"}), logger); err == nil {
		t.Fatal("default salt in production accepted")
	}
	if n := len(warnings(t, &buf)); n != 2 {
		t.Fatalf("SaltFromEnv logged %d warnings over two default-salt calls, want 2", n)
	}
}

func TestProductionErrorHidesSalt(t *testing.T) {
	_, err := envelope.SaltFromEnv(lookup(map[string]string{"NODE_ENV": "production"}), slog.New(slog.DiscardHandler))
	if err == nil || strings.Contains(err.Error(), envelope.DefaultSalt) || !strings.Contains(err.Error(), "ELIZA_ALLOW_DEFAULT_SECRET_SALT") {
		t.Fatalf("error %v must say how to fix it without printing the salt", err)
	}
}

// Invalid UTF-8 is one kind across the project: the envelope's error is
// the JSON layer's invalid_utf8 to errors.Is and KindOf, and still not the
// ids package's, so a caller can tell which input was bad.
func TestInvalidUTF8IsOneKind(t *testing.T) {
	_, err := envelope.NewKey("bad\xffsalt")
	if !errors.Is(err, envelope.ErrInvalidUTF8) || !errors.Is(err, jsontext.ErrInvalidUTF8) || errors.Is(err, ids.ErrInvalidUTF8) {
		t.Fatalf("NewKey error %v: Is envelope %v, jsontext %v, ids %v", err, errors.Is(err, envelope.ErrInvalidUTF8),
			errors.Is(err, jsontext.ErrInvalidUTF8), errors.Is(err, ids.ErrInvalidUTF8))
	}
	if k, ok := jsontext.KindOf(err); !ok || k.Name() != "invalid_utf8" {
		t.Fatalf("KindOf = %v, %v", k, ok)
	}
	if errors.Is(err, ids.ErrOutOfRange) || errors.Is(err, envelope.ErrAuthFailed) {
		t.Fatal("an invalid-UTF-8 error matches another kind")
	}
	if !strings.HasPrefix(err.Error(), "envelope: ") {
		t.Fatalf("the message lost its package: %q", err)
	}
}
