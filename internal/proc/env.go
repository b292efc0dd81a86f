package proc

import (
	"os"
	"strings"
)

// baseEnv is what a child gets of this process's environment unless the
// caller names more: enough to find programs, a home, a locale and a
// temporary directory, and nothing that carries a credential by
// convention.
var baseEnv = [...]string{"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ"}

// DeniedEnv reports whether an inherited variable is withheld from a child
// that inherits the environment: names that carry secrets by convention.
func DeniedEnv(name string) bool {
	n := strings.ToUpper(name)
	for _, suffix := range []string{"_KEY", "_APIKEY", "_TOKEN", "_SECRET", "_SECRETS", "_CREDENTIALS", "_PASS", "_PASSWD",
		"_PASSPHRASE", "_AUTH", "_DSN", "_KEY_BASE"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	switch n {
	case "SECRET_SALT", "DATABASE_URL", "POSTGRES_URL", "REDIS_URL", "MONGODB_URI", "MONGO_URL", "SSH_AUTH_SOCK":
		return true
	}
	return strings.Contains(n, "PASSWORD")
}

// ChildEnv builds a child's environment, deny by default: the base
// variables (PATH, HOME, LANG, LC_ALL, TMPDIR, TZ) of this process or, when
// inherit is set, every variable of this process that DeniedEnv does not
// withhold; then extra, in order, where "NAME=value" sets a variable and a
// bare "NAME" copies it from this process when set (a named variable is
// passed even if DeniedEnv would withhold it: naming it is the consent).
// A later entry for a name replaces an earlier one in place.
func ChildEnv(inherit bool, extra []string) []string {
	env := []string{}
	have := map[string]int{}
	add := func(kv string) {
		name, _, _ := strings.Cut(kv, "=")
		if i, ok := have[name]; ok {
			env[i] = kv
			return
		}
		have[name] = len(env)
		env = append(env, kv)
	}
	if inherit {
		for _, kv := range os.Environ() {
			if name, _, _ := strings.Cut(kv, "="); !DeniedEnv(name) {
				add(kv)
			}
		}
	} else {
		for _, name := range baseEnv {
			if v, ok := os.LookupEnv(name); ok {
				add(name + "=" + v)
			}
		}
	}
	for _, e := range extra {
		if strings.IndexByte(e, '=') >= 0 {
			add(e)
		} else if v, ok := os.LookupEnv(e); ok {
			add(e + "=" + v)
		}
	}
	return env
}
