package redact

import (
	"slices"
	"testing"
)

func TestConfigFromLookup(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		enabled bool
		match   []string
		nomatch []string
	}{
		{"empty environment", nil, true, []string{"password", "APIKEY"}, []string{"pin"}},
		{"off: false", map[string]string{"ELIZA_LOG_REDACT": "false"}, false, []string{"password"}, nil},
		{"off: 0", map[string]string{"ELIZA_LOG_REDACT": "0"}, false, nil, nil},
		{"off: no", map[string]string{"ELIZA_LOG_REDACT": "no"}, false, nil, nil},
		{"off: padded OFF", map[string]string{"ELIZA_LOG_REDACT": "\t OFF\n"}, false, nil, nil},
		{"off: separators", map[string]string{"ELIZA_LOG_REDACT": "\x1cFalse\x1f"}, false, nil, nil},
		{"on: true", map[string]string{"ELIZA_LOG_REDACT": "true"}, true, nil, nil},
		{"on: YES", map[string]string{"ELIZA_LOG_REDACT": "YES"}, true, nil, nil},
		{"on: unknown", map[string]string{"ELIZA_LOG_REDACT": "disabled"}, true, nil, nil},
		{"on: empty", map[string]string{"ELIZA_LOG_REDACT": ""}, true, nil, nil},
		{"on: inner space", map[string]string{"ELIZA_LOG_REDACT": "o ff"}, true, nil, nil},
		{"on: BOM is not white space", map[string]string{"ELIZA_LOG_REDACT": "\ufeffoff"}, true, nil, nil},
		{"keys", map[string]string{"ELIZA_LOG_REDACT_KEYS": "sessionId, X-Api-Key ,pin"}, true,
			[]string{"sessionid", "SESSIONID", "x-api-key", "PIN", "password"}, []string{"x_api_key", " pin"}},
		{"keys: empty items", map[string]string{"ELIZA_LOG_REDACT_KEYS": ",, ,\t,foo,"}, true, []string{"foo"}, []string{"", " ", "\t"}},
		{"keys: white space", map[string]string{"ELIZA_LOG_REDACT_KEYS": "\tfoo\n,\u00a0bar\u00a0, baz\x1f,\u3000qux, x y "}, true,
			[]string{"foo", "bar", "baz", "qux", "x y"}, []string{"xy"}},
		{"keys and off", map[string]string{"ELIZA_LOG_REDACT_KEYS": "pin", "ELIZA_LOG_REDACT": "off"}, false, []string{"pin"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ConfigFromLookup(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if c.Enabled() != tt.enabled {
				t.Errorf("Enabled() = %v", c.Enabled())
			}
			for _, k := range tt.match {
				if !c.Matches(k) {
					t.Errorf("Matches(%q) = false", k)
				}
			}
			for _, k := range tt.nomatch {
				if c.Matches(k) {
					t.Errorf("Matches(%q) = true", k)
				}
			}
		})
	}
}

func TestConfigFromLookupNil(t *testing.T) {
	c := ConfigFromLookup(nil)
	if !c.Enabled() || !c.Matches("token") || c.Matches("pin") {
		t.Fatal("a nil lookup must give the default configuration")
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("ELIZA_LOG_REDACT_KEYS", "from-env")
	t.Setenv("ELIZA_LOG_REDACT", "on")
	if c := ConfigFromEnv(); !c.Enabled() || !c.Matches("FROM-ENV") {
		t.Fatal("ConfigFromEnv does not read the process environment")
	}
}

func TestDefaultKeys(t *testing.T) {
	keys := DefaultKeys()
	want := []string{"password", "passwd", "secret", "token", "apiKey", "api_key", "apiSecret", "api_secret",
		"authorization", "auth", "credential", "credentials", "privateKey", "private_key", "accessToken",
		"access_token", "refreshToken", "refresh_token", "cookie", "session", "jwt", "bearer"}
	if !slices.Equal(keys, want) {
		t.Fatalf("DefaultKeys() = %q", keys)
	}
	keys[0] = "changed"
	if DefaultKeys()[0] != "password" {
		t.Fatal("DefaultKeys returns the package's own slice")
	}
	var zero Config
	for _, k := range want {
		if !zero.Matches(k) {
			t.Errorf("the zero Config does not match %q", k)
		}
	}
}

func TestConfigCopies(t *testing.T) {
	a := Config{}
	b := a.WithKeys("pin")
	c := b.WithKeys("code").WithEnabled(false)
	if a.Matches("pin") || !b.Matches("pin") || b.Matches("code") || !c.Matches("pin") || !c.Matches("code") {
		t.Fatal("WithKeys changed its receiver or lost keys")
	}
	if !a.Enabled() || !b.Enabled() || c.Enabled() || !c.WithEnabled(true).Enabled() {
		t.Fatal("WithEnabled changed its receiver")
	}
}
