package fuzzgen

import (
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/interopkit/interop/internal/secretscan"
	"github.com/interopkit/interop/redact"
)

// UUID is a random UUID in lower case.
func UUID(r *rand.Rand) string {
	h := Hex(r, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// mixCase upper-cases some letters of s.
func mixCase(r *rand.Rand, s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' && r.IntN(2) == 0 {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// agentID is an agent id: a UUID in any case, the nil and max UUIDs, or
// one of the almost-UUIDs upstream TS takes without checking (braces, a
// URN, no hyphens, whitespace, a non-hex digit, one digit short), a name,
// or nothing.
func agentID(r *rand.Rand) string {
	u := UUID(r)
	switch r.IntN(14) {
	case 0, 1, 2:
		return u
	case 3:
		return strings.ToUpper(u)
	case 4:
		return mixCase(r, u)
	case 5:
		return []string{"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"}[r.IntN(3)]
	case 6:
		return "{" + u + "}"
	case 7:
		return "urn:uuid:" + u
	case 8:
		return strings.ReplaceAll(u, "-", "")
	case 9:
		return []string{" ", "\n", "\t", "\u00a0", "\uFEFF"}[r.IntN(5)] + u
	case 10:
		return u + []string{" ", "\n", "\r\n", "\x00", "\u200B"}[r.IntN(5)]
	case 11:
		i := r.IntN(len(u))
		if u[i] == '-' {
			return u[:i] + u[i+1:]
		}
		return u[:i] + string("gGzZ-x"[r.IntN(6)]) + u[i+1:]
	case 12:
		return u[:len(u)-1-r.IntN(2)]
	}
	return []string{"", "agent-alpha", "not-a-uuid", "550e8400-e29b-41d4-a716-44665544000\u0660"}[r.IntN(4)] + Text(r)
}

// genCreateUniqueUUID makes an agent id and a base where the upstream
// deviations are: agent ids that are not UUIDs (upstream TS never checks),
// bases equal to the agent id in another case or with whitespace (the
// spec compares with the canonical lower-case form), and bases holding
// the ":" upstream joins with.
func genCreateUniqueUUID(r *rand.Rand) Input {
	agent := agentID(r)
	var base string
	switch r.IntN(11) {
	case 0, 1:
		base = agent
	case 2:
		base = strings.ToLower(agent)
	case 3:
		base = strings.ToUpper(agent)
	case 4:
		base = agent + []string{" ", "\n", ":"}[r.IntN(3)]
	case 5:
		base = UUID(r)
	case 6:
		base = []string{"discord:1234567890", "user-123", "1098765432109876543", ":" + agent, agent + ":" + agent}[r.IntN(5)]
	case 7:
		base = ""
	default:
		base = Text(r)
	}
	return Input{"agentId": agent, "base": base}
}

func cuuShape(in Input) string {
	agent, _ := in["agentId"].(string)
	base, _ := in["base"].(string)
	var a string
	switch {
	case !uuidLike(agent):
		a = "invalid/" + TextClass(agent)
		if strings.Contains(strings.ToLower(agent), "-") && len(agent) >= 32 {
			a = "invalid/uuid-ish"
		}
	case agent == strings.ToLower(agent):
		a = "uuid"
	default:
		a = "uuid-upper"
	}
	var b string
	switch {
	case base == agent:
		b = "same"
	case strings.EqualFold(base, agent):
		b = "same-fold"
	case strings.TrimSpace(base) == agent || strings.Contains(base, agent):
		b = "holds-agent"
	case uuidLike(base):
		b = "uuid"
	default:
		b = TextClass(base)
	}
	return "agent=" + a + " base=" + b
}

// utf16Len is the length of s in UTF-16 code units (the unit of the
// 8-unit minimum of redact.secrets).
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// secretNames are names of secrets where upstream TS differs: replacement
// patterns in the "[REDACTED:<name>]" marker, integer-like names (which a
// JavaScript object orders first), names the object prototype knows.
var secretNames = []string{"DB_PASS", "K", "API_KEY", "API$&", "N$`", "N$'", "N$$", "N$1", "$<x>", "9", "10", "0", "01", "", "clé-🔑",
	"__proto__", "constructor", "toString", "REDACTED"}

// secretValue is a secret: around the 8-unit minimum, in code units that
// are not bytes (astral characters count two), with regular-expression
// metacharacters, "$" sequences, whitespace or line breaks.
func secretValue(r *rand.Rand) string {
	switch r.IntN(8) {
	case 0:
		return strings.Repeat([]string{"🔑", "😀", "é", "日"}[r.IntN(4)], 3+r.IntN(3))
	case 1:
		return []string{".*+?^${}()|[]\\", "$&$&$&$&", "a$'b$`c$$d", "line1\nline2", "  spaced  ", "\u00a0nbsp\u00a0val"}[r.IntN(6)]
	case 2:
		return Text(r) + Text(r)
	}
	return from(r, alnum, 6+r.IntN(8))
}

// genRedactSecrets makes a text holding some of the secrets: ties in
// length (upstream orders them by property order), overlaps, secrets
// inside one another and inside the marker, names with "$".
func genRedactSecrets(r *rand.Rand) Input {
	secrets := map[string]any{}
	var values []string
	for range r.IntN(4) {
		name := secretNames[r.IntN(len(secretNames))]
		var v string
		switch {
		case len(values) > 0 && r.IntN(4) == 0:
			v = values[r.IntN(len(values))] // the same value under two names
		case len(values) > 0 && r.IntN(4) == 0:
			w := []rune(values[r.IntN(len(values))])
			v = string(w[r.IntN(len(w)/2+1):]) + secretValue(r) // overlapping
		default:
			v = secretValue(r)
		}
		secrets[name] = v
		values = append(values, v)
	}
	var b strings.Builder
	for range 1 + r.IntN(4) {
		if len(values) > 0 && r.IntN(3) > 0 {
			b.WriteString(values[r.IntN(len(values))])
		} else {
			b.WriteString(Text(r))
		}
		if r.IntN(2) == 0 {
			b.WriteString([]string{" ", "", "\n", "=", "[REDACTED:"}[r.IntN(5)])
		}
	}
	return Input{"text": b.String(), "secrets": secrets}
}

func redactSecretsShape(in Input) string {
	text, _ := in["text"].(string)
	secrets, _ := in["secrets"].(map[string]any)
	var feats []string
	add := func(f string) {
		for _, g := range feats {
			if g == f {
				return
			}
		}
		feats = append(feats, f)
	}
	lengths := map[int]int{}
	for name, v := range secrets {
		s, _ := v.(string)
		if utf16Len(s) < 8 || !strings.Contains(text, s) {
			continue // never replaced
		}
		lengths[utf16Len(s)]++
		if strings.Contains(name, "$") {
			add("dollar-name")
		}
		if _, err := strconv.ParseUint(name, 10, 32); err == nil {
			add("int-name")
		}
		if name == "__proto__" || name == "constructor" || name == "toString" {
			add("proto-name")
		}
		for _, c := range s {
			if c >= 0x10000 {
				add("astral")
			}
		}
	}
	for _, n := range lengths {
		if n > 1 {
			add("tie")
		}
	}
	if len(lengths) == 0 {
		return "secrets=none"
	}
	return "secrets=" + first(feats, "tie", "dollar-name", "int-name", "proto-name", "astral")
}

// first is the first of the features in order of priority that fs holds,
// or "plain": a shape names the one feature that decides most, so that
// the causes of few vector cases cover combinations of them.
func first(fs []string, order ...string) string {
	for _, o := range order {
		if containsString(fs, o) {
			return o
		}
	}
	return "plain"
}

// contextKeys are keys of a log context: secret keys as upstream spells
// them, the same in other cases (the spec lower-cases; upstream TS does
// not), keys that only look like secrets, the event attributes, a key the
// environment adds, and ordinary keys.
var contextKeys = []string{
	"password", "apiKey", "token", "secret", "authorization", "cookie", "jwt", "private_key",
	"Password", "APIKEY", "API_KEY", "Authorization", "TOKEN", "to\u212Aen", "\u017Fecret", "AUTHOR\u0130ZATION", "ＰＡＳＳＷＯＲＤ",
	"passwords", "tokenizer", "secret_key", "api-key", " token",
	"src", "event", "custom", "Custom", "ΟΔΟΣ", "οδος",
	"user", "id", "data", "nested", "items", "msg", "",
}

func contextValue(r *rand.Rand, depth int) any {
	if depth < 4 {
		switch r.IntN(8) {
		case 0, 1:
			return contextObject(r, depth+1)
		case 2:
			n := r.IntN(3)
			arr := make([]any, 0, n)
			for range n {
				arr = append(arr, contextValue(r, depth+1))
			}
			return arr
		}
	}
	switch r.IntN(6) {
	case 0:
		return json.Number([]string{"0", "42", "-1", "1.5", "1e21", "9007199254740993"}[r.IntN(6)])
	case 1:
		return r.IntN(2) == 0
	case 2:
		return nil
	}
	return []string{"hunter2", "s3cr3t", "core:settings", "core.settings.x", ""}[r.IntN(5)] + Text(r)
}

func contextObject(r *rand.Rand, depth int) map[string]any {
	m := map[string]any{}
	for range 1 + r.IntN(3) {
		m[contextKeys[r.IntN(len(contextKeys))]] = contextValue(r, depth)
	}
	return m
}

// deepContext is a chain of objects around the 64-level limit, with a
// secret key at its end.
func deepContext(r *rand.Rand) map[string]any {
	var inner any = map[string]any{"password": "deep-secret"}
	for range 61 + r.IntN(5) {
		inner = map[string]any{"a": inner}
	}
	return map[string]any{"deep": inner}
}

// genRedactContext makes log contexts with secret keys at every depth and
// in every case, under arrays, near the depth limit, and the two
// environment variables (redaction off, added keys, src and event listed).
func genRedactContext(r *rand.Rand) Input {
	var ctx map[string]any
	if r.IntN(12) == 0 {
		ctx = deepContext(r)
	} else {
		ctx = contextObject(r, 0)
	}
	in := Input{"context": ctx}
	if r.IntN(2) == 0 {
		env := map[string]any{}
		if r.IntN(2) == 0 {
			env["ELIZA_LOG_REDACT"] = []string{"off", "0", " OFF ", "no", "false", "on", "", "nope", "\u00a0off", "off\u200B"}[r.IntN(10)]
		}
		if r.IntN(2) == 0 {
			env["ELIZA_LOG_REDACT_KEYS"] = []string{"custom", " Custom ,x", "src,event", ",,", "ΟΔΟΣ", "user, id", "nested", "\u00a0custom\u00a0"}[r.IntN(8)]
		}
		in["env"] = env
	}
	return in
}

// redactContextShape: which secret keys the context holds and where, as
// upstream TS decides differently: at the top level, exactly one level
// down (TS's "*.key" paths), deeper, inside arrays, matching only after
// lower-casing or only through ELIZA_LOG_REDACT_KEYS, beyond the depth
// limit, the event attributes listed as keys, redaction switched off.
func redactContextShape(in Input) string {
	ctx, _ := in["context"].(map[string]any)
	env, _ := in["env"].(map[string]any)
	lookup := func(k string) (string, bool) { v, ok := env[k].(string); return v, ok }
	cfg := redact.ConfigFromLookup(lookup)
	def := redact.ConfigFromLookup(nil)
	exact := map[string]bool{}
	for _, k := range redact.DefaultKeys() {
		exact[k] = true
	}
	feats := map[string]bool{}
	var walk func(v any, d int, inArray bool)
	walk = func(v any, d int, inArray bool) {
		if d >= redact.MaxDepth {
			if _, ok := v.(map[string]any); ok {
				feats["truncated"] = true
			}
			if _, ok := v.([]any); ok {
				feats["truncated"] = true
			}
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if d == 0 && (k == "src" || k == "event") {
					if cfg.Matches(k) {
						feats["event-listed"] = true
					}
					walk(y, d+1, false)
					continue
				}
				if cfg.Matches(k) {
					where := "top"
					switch {
					case inArray:
						where = "array"
					case d == 1:
						where = "d1"
					case d > 1:
						where = "deep"
					}
					feats[where] = true
					switch {
					case !def.Matches(k):
						feats["env-key"] = true
					case !exact[k]:
						feats["folded"] = true
					}
					continue
				}
				walk(y, d+1, false)
			}
		case []any:
			for _, y := range x {
				walk(y, d+1, true)
			}
		}
	}
	walk(ctx, 0, false)
	var fs []string
	for f := range feats {
		fs = append(fs, f)
	}
	if unsafeNumber(ctx) {
		fs = append(fs, "unsafe-number")
	}
	if !cfg.Enabled() {
		fs = append(fs, "off")
	}
	if len(fs) == 0 {
		return "keys=none"
	}
	return "keys=" + first(fs, "off", "truncated", "event-listed", "env-key", "folded", "unsafe-number", "d1", "top", "deep", "array")
}

// unsafeNumber reports whether a JSON value holds an integer beyond 2^53.
func unsafeNumber(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for _, y := range x {
			if unsafeNumber(y) {
				return true
			}
		}
	case []any:
		for _, y := range x {
			if unsafeNumber(y) {
				return true
			}
		}
	case json.Number:
		n, ok := new(big.Int).SetString(string(x), 10)
		return ok && new(big.Int).Abs(n).Cmp(big.NewInt(1<<53-1)) > 0
	case float64:
		return x >= 1<<53 || x <= -(1<<53)
	}
	return false
}

// scanPieces are what the secret scanner looks for, near its thresholds
// (one character short, one past, glued to a word), with the whitespace
// JavaScript's trim and \s know and Go's may not.
var scanPieces = []string{
	"-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN DSA PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----",
	"ghp_", "xghp_", "github_pat_", "xoxb-", "xoxp-", "xoxz-", "AKIA", "akia", "AIza", "sk-", "sk-ant-", "sk-proj-",
	"API_KEY=", "OPENAI_API_KEY=", "DB_PASSWORD=\"", "MY_SECRET = '", "TOKEN\u3000=\u3000", "TOKEN\u000b=", "API_KEY\u00a0=\u00a0", "PASSWORD=",
	"api_key=", "API_KEY: ", "SECRET=", "{{apiKey}}",
	"\n", "\r\n", "\r", "\u2028", "\u0085", "\uFEFF", "\u3000", "\u00a0", " ", "\t", "😀", "秘密", "_", "-", "'", "\"",
}

// genSecretsScan makes lines of tokens and assignments around the rules'
// length thresholds, with line breaks and Unicode whitespace between.
func genSecretsScan(r *rand.Rand) Input {
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b strings.Builder
	for range 1 + r.IntN(5) {
		switch r.IntN(4) {
		case 0:
			b.WriteString(Text(r))
		case 1:
			b.WriteString(scanPieces[r.IntN(len(scanPieces))])
		default:
			piece := scanPieces[r.IntN(len(scanPieces))]
			b.WriteString(piece)
			n := []int{7, 8, 10, 11, 15, 16, 17, 19, 20, 21, 29, 30, 40}[r.IntN(13)]
			set := alnum
			if piece == "AKIA" || r.IntN(4) == 0 {
				set = upper // AWS key ids: exactly 16 more
				if r.IntN(2) == 0 {
					n = 16
				}
			}
			for range n {
				if r.IntN(12) == 0 {
					b.WriteString([]string{"😀", "é", "-", "_"}[r.IntN(4)])
					continue
				}
				b.WriteByte(set[r.IntN(len(set))])
			}
		}
	}
	return Input{"text": b.String()}
}

// scanShape: the rules the Go scanner finds (each masks differently, and
// upstream prints each line with the secret in clear), and whether the
// text holds the line breaks and white space the languages split and trim
// differently, or characters outside the BMP (a mask counts UTF-16
// units).
func scanShape(in Input) string {
	text, _ := in["text"].(string)
	var rules []string
	lines := map[int]bool{}
	for _, f := range secretscan.ScanText(text) {
		lines[f.Line] = true
		name := strings.Fields(f.Rule)[0]
		if !containsString(rules, name) {
			rules = append(rules, name)
		}
	}
	sort.Strings(rules)
	s := "rules=none"
	if len(rules) > 0 {
		s = "rules=" + strings.Join(rules, "+")
	}
	var feats []string
	if strings.ContainsAny(text, "\r\u2028\u2029\u0085") {
		feats = append(feats, "breaks")
	}
	if strings.ContainsAny(text, "\u00a0\u3000\u000b\u000c\uFEFF\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f") {
		feats = append(feats, "js-space")
	}
	for _, c := range text {
		if c >= 0x10000 {
			feats = append(feats, "astral")
			break
		}
	}
	if len(feats) > 0 {
		s += " " + strings.Join(feats, "+")
	}
	return s
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
