package proc

import (
	"slices"
	"strings"
	"testing"
)

func TestChildEnvDenyByDefault(t *testing.T) {
	t.Setenv("PATH", "/bin")
	t.Setenv("OPENAI_API_KEY", "k")
	t.Setenv("SECRET_SALT", "s")
	t.Setenv("PLAIN_SETTING", "p")
	t.Setenv("GITHUB_TOKEN", "t")
	names := func(env []string) []string {
		var out []string
		for _, kv := range env {
			n, _, _ := strings.Cut(kv, "=")
			out = append(out, n)
		}
		return out
	}
	base := ChildEnv(false, nil)
	for _, n := range names(base) {
		if !slices.Contains(baseEnv[:], n) {
			t.Errorf("deny by default passed %s", n)
		}
	}
	if !slices.Contains(base, "PATH=/bin") {
		t.Errorf("PATH is missing: %q", base)
	}
	inherit := names(ChildEnv(true, nil))
	for _, n := range []string{"OPENAI_API_KEY", "SECRET_SALT", "GITHUB_TOKEN"} {
		if slices.Contains(inherit, n) {
			t.Errorf("inheriting passed %s", n)
		}
	}
	if !slices.Contains(inherit, "PLAIN_SETTING") {
		t.Errorf("inheriting withheld PLAIN_SETTING")
	}
	// Naming a variable passes it, even a denied one; NAME=value sets it
	// and a later entry replaces an earlier one in place.
	got := ChildEnv(false, []string{"OPENAI_API_KEY", "X=1", "UNSET_VARIABLE_Q", "X=2", "PATH=/usr/bin"})
	if !slices.Contains(got, "OPENAI_API_KEY=k") || !slices.Contains(got, "X=2") || slices.Contains(got, "X=1") ||
		!slices.Contains(got, "PATH=/usr/bin") || slices.Contains(got, "PATH=/bin") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "UNSET_VARIABLE_Q") }) {
		t.Errorf("extra entries: %q", got)
	}
}

func TestDeniedEnv(t *testing.T) {
	for name, want := range map[string]bool{
		"OPENAI_API_KEY": true, "github_token": true, "AWS_SECRET": true, "DB_PASSWORD": true, "SECRET_SALT": true,
		"DATABASE_URL": true, "MY_CREDENTIALS": true, "PATH": false, "NODE_ENV": false, "KEYBOARD": false,
		"STRIPE_APIKEY": true, "FTP_PASSWD": true, "GPG_PASSPHRASE": true, "NPM_CONFIG__AUTH": true, "SENTRY_DSN": true,
		"SECRET_KEY_BASE": true, "REDIS_URL": true, "MONGODB_URI": true, "SSH_AUTH_SOCK": true, "OAUTH_CALLBACK": false,
	} {
		if got := DeniedEnv(name); got != want {
			t.Errorf("DeniedEnv(%q) = %v, want %v", name, got, want)
		}
	}
}
