package redact

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
)

// Text returns s with the secrets that upstream redactSensitiveText finds
// masked. The sixteen default patterns of spec/redact-text.md run in order,
// each over the output of the previous one, with JavaScript's semantics
// (ASCII-only case folding, JavaScript's set of white-space characters).
//
// In every match, the secret part (the value of an assignment, the
// credential after "Bearer", the whole token for prefixed tokens) is
// replaced with Mask of it, at its own position; the rest of the match is
// kept. A match that contains "PRIVATE KEY-----" is replaced with its first
// and last non-empty lines around "…redacted…", or with "***" when it has
// fewer than two.
//
// Invalid UTF-8 in s is replaced with U+FFFD first (one per maximal
// subpart, as a JavaScript peer decoding the same bytes would hold it), so
// the result is always valid UTF-8.
//
// Text is not idempotent: a token masked to its first 6 and last 4
// characters can be matched again, and masked to "***", by a second pass.
func Text(s string) string {
	s = textWellFormed(s)
	// lower is s with ASCII letters lower-cased, where the literal starts
	// of matches are looked for; it is rebuilt (in place) only after a rule
	// has changed s.
	lower, stale := textLowerASCII(nil, s), false
	var starts []int
	for i := range textRules {
		r := &textRules[i]
		if stale {
			lower, stale = textLowerASCII(lower[:0], s), false
		}
		var locs [][]int
		locs, starts = r.findAll(s, lower, starts)
		if locs == nil {
			continue
		}
		s, stale = textApply(s, locs), true
	}
	return s
}

// textRule is one default pattern, translated to RE2 syntax with
// JavaScript's meaning.
//
// Instead of scanning the whole text with the regular expression (Go's
// engines are slow on patterns without a literal prefix), a rule lists the
// places where a match can start, which a fast literal search finds, and
// tries the pattern anchored at each of them in order. Every match of the
// pattern starts at one of those places, so this finds exactly the
// leftmost, non-overlapping matches a scan would (a test and a fuzz target
// compare the two).
type textRule struct {
	src string         // the pattern, unanchored
	re  *regexp.Regexp // ^(?:src)
	// Every match starts where lead occurs in the lower-cased text,
	// followed by one of alts (when there are any). A rule without a lead
	// finds its starts with startFn.
	lead    []byte
	alts    [][]byte
	startFn func(lower []byte, dst []int) []int
	// boundary: the pattern starts with \b before a word character, so a
	// start must not follow a word character. (The anchored expression sees
	// the start of its input as the start of text, where \b holds.)
	boundary bool
	// header, for the private-key pattern only, is its opening line
	// anchored. When the header matches at a start but the whole pattern
	// does not, no valid END line follows, so no later start can match
	// either: stopping there keeps the search linear, where trying every
	// later BEGIN would scan to the end of the text each time.
	header *regexp.Regexp
}

// textNewRule makes a rule whose matches start at lead followed by one of
// alts; textFnRule one whose starts startFn finds.
func textNewRule(src string, boundary bool, lead string, alts ...string) textRule {
	r := textRule{src: src, re: regexp.MustCompile(`^(?:` + src + `)`), lead: []byte(lead), boundary: boundary}
	for _, a := range alts {
		r.alts = append(r.alts, []byte(a))
	}
	return r
}

func textPEMRule(header, rest string) textRule {
	r := textNewRule(header+rest, false, "-----begin ")
	r.header = regexp.MustCompile(`^(?:` + header + `)`)
	return r
}

func textFnRule(src string, boundary bool, startFn func([]byte, []int) []int) textRule {
	return textRule{src: src, re: regexp.MustCompile(`^(?:` + src + `)`), startFn: startFn, boundary: boundary}
}

// findAll returns the leftmost non-overlapping matches of r in s, as
// regexp's FindAllStringSubmatchIndex would, using starts as scratch space.
func (r *textRule) findAll(s string, lower []byte, starts []int) ([][]int, []int) {
	starts = starts[:0]
	if r.startFn != nil {
		starts = r.startFn(lower, starts)
	} else {
		for i := 0; ; {
			j := bytes.Index(lower[i:], r.lead)
			if j < 0 {
				break
			}
			p := i + j
			i = p + 1
			if r.alts == nil || slices.ContainsFunc(r.alts, func(a []byte) bool { return bytes.HasPrefix(lower[p+len(r.lead):], a) }) {
				starts = append(starts, p)
			}
		}
	}
	var locs [][]int
	end := 0
	for k, i := range starts {
		if i < end || k > 0 && i == starts[k-1] {
			continue
		}
		if r.boundary && i > 0 && textIsWord(s[i-1]) {
			continue
		}
		loc := r.re.FindStringSubmatchIndex(s[i:])
		if loc == nil {
			if r.header != nil && r.header.MatchString(s[i:]) {
				break
			}
			continue
		}
		for g := range loc {
			if loc[g] >= 0 {
				loc[g] += i
			}
		}
		locs = append(locs, loc)
		end = loc[1]
	}
	return locs, starts
}

// textIsWord reports whether c is an ASCII word character, [0-9A-Za-z_]:
// what \b looks at, in JavaScript without the u flag as in Go.
func textIsWord(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

// Building blocks of the translated patterns.
//
// Upstream compiles its patterns with the flags "gi" and without "u". In
// that mode case-insensitive matching folds only ASCII letters (a non-ASCII
// character never matches an ASCII one, so "ſ" is not "s" and the Kelvin
// sign is not "k"), while Go's (?i) applies Unicode simple folding. So no
// pattern below uses (?i): every letter is spelled as a two-case class.
//
// JavaScript's \s is wider than Go's (which lacks even \v): it is the
// class textSpaceSet. \b and \w are ASCII in both (a word character is
// [0-9A-Za-z_]), and [\s\S] is any character.
const (
	textSpaceSet = `\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`
	textS        = `[` + textSpaceSet + `]`
	// Values of patterns 1 and 3 (a run without white space, quotes and,
	// for pattern 1, backslashes).
	textEnvValue  = `[^` + textSpaceSet + `"'\\]+`
	textFlagValue = `[^` + textSpaceSet + `"']+`
)

// textFold spells an ASCII word case-insensitively: "Key" → "[Kk][Ee][Yy]".
func textFold(word string) string {
	var b strings.Builder
	for i := 0; i < len(word); i++ {
		c := word[i]
		lc, uc := c|0x20, c&^0x20
		if 'a' <= lc && lc <= 'z' {
			b.WriteString("[" + string(uc) + string(lc) + "]")
			continue
		}
		b.WriteString(regexp.QuoteMeta(string(c)))
	}
	return b.String()
}

func textFoldAny(words ...string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = textFold(w)
	}
	return `(?:` + strings.Join(parts, `|`) + `)`
}

// textQuoted replaces upstream's (["']?)(value)\1: with the quote present,
// the value must be closed by the same quote; without it, the bare value is
// taken. The value class excludes both quotes, so trying "…", then '…',
// then the bare value is exactly the backtracking order of the original,
// and the value is the only group that takes part in a match.
func textQuoted(value string) string {
	return `(?:"(` + value + `)"|'(` + value + `)'|(` + value + `))`
}

// textRules are the default patterns in upstream order (numbers as in
// spec/redact-text.md), each with upstream's notation in a comment and the
// literal starts of its matches.
var textRules = []textRule{
	textFnRule( // 1. \b[A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)\b\s*[=:]\s*(["']?)([^\s"'\\]+)\1
		`\b[A-Za-z0-9_]*`+textFoldAny("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD")+
			`\b`+textS+`*[=:]`+textS+`*`+textQuoted(textEnvValue),
		true, textEnvStarts),
	textNewRule( // 2. "(?:apiKey|token|secret|password|passwd|accessToken|refreshToken)"\s*:\s*"([^"]+)"
		`"`+textFoldAny("apiKey", "token", "secret", "password", "passwd", "accessToken", "refreshToken")+
			`"`+textS+`*:`+textS+`*"([^"]+)"`,
		false, `"`, `apikey"`, `token"`, `secret"`, `password"`, `passwd"`, `accesstoken"`, `refreshtoken"`),
	textNewRule( // 3. --(?:api[-_]?key|token|secret|password|passwd)\s+(["']?)([^\s"']+)\1
		`--(?:`+textFold("api")+`[-_]?`+textFold("key")+`|`+textFold("token")+`|`+
			textFold("secret")+`|`+textFold("password")+`|`+textFold("passwd")+`)`+
			textS+`+`+textQuoted(textFlagValue),
		false, "--", "api-key", "api_key", "apikey", "token", "secret", "password", "passwd"),
	textNewRule( // 4. Authorization\s*[:=]\s*Bearer\s+([A-Za-z0-9._\-+=]+)
		textFold("Authorization")+textS+`*[:=]`+textS+`*`+textFold("Bearer")+textS+`+([A-Za-z0-9._\-+=]+)`,
		false, "authorization"),
	textNewRule( // 5. \bBearer\s+([A-Za-z0-9._\-+=]{18,})\b
		`\b`+textFold("Bearer")+textS+`+([A-Za-z0-9._\-+=]{18,})\b`,
		true, "bearer"),
	textPEMRule( // 6. -----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----
		`-----`+textFold("BEGIN")+` [A-Za-z ]*`+textFold("PRIVATE KEY")+`-----`,
		`(?s:.+?)-----`+textFold("END")+` [A-Za-z ]*`+textFold("PRIVATE KEY")+`-----`),
	textNewRule( // 7. \b(sk-[A-Za-z0-9_-]{8,})\b
		`\b(`+textFold("sk-")+`[A-Za-z0-9_-]{8,})\b`, true, "sk-"),
	textNewRule( // 8. \b(ghp_[A-Za-z0-9]{20,})\b
		`\b(`+textFold("ghp_")+`[A-Za-z0-9]{20,})\b`, true, "ghp_"),
	textNewRule( // 9. \b(github_pat_[A-Za-z0-9_]{20,})\b
		`\b(`+textFold("github_pat_")+`[A-Za-z0-9_]{20,})\b`, true, "github_pat_"),
	textNewRule( // 10. \b(xox[baprs]-[A-Za-z0-9-]{10,})\b
		`\b(`+textFold("xox")+`[BAPRSbaprs]-[A-Za-z0-9-]{10,})\b`, true, "xox", "b-", "a-", "p-", "r-", "s-"),
	textNewRule( // 11. \b(xapp-[A-Za-z0-9-]{10,})\b
		`\b(`+textFold("xapp-")+`[A-Za-z0-9-]{10,})\b`, true, "xapp-"),
	textNewRule( // 12. \b(gsk_[A-Za-z0-9_-]{10,})\b
		`\b(`+textFold("gsk_")+`[A-Za-z0-9_-]{10,})\b`, true, "gsk_"),
	textNewRule( // 13. \b(AIza[0-9A-Za-z\-_]{20,})\b
		`\b(`+textFold("AIza")+`[0-9A-Za-z_-]{20,})\b`, true, "aiza"),
	textNewRule( // 14. \b(pplx-[A-Za-z0-9_-]{10,})\b
		`\b(`+textFold("pplx-")+`[A-Za-z0-9_-]{10,})\b`, true, "pplx-"),
	textNewRule( // 15. \b(npm_[A-Za-z0-9]{10,})\b
		`\b(`+textFold("npm_")+`[A-Za-z0-9]{10,})\b`, true, "npm_"),
	textFnRule( // 16. \b(\d{6,}:[A-Za-z0-9_-]{20,})\b
		`\b([0-9]{6,}:[A-Za-z0-9_-]{20,})\b`, true, textDigitsStarts),
}

// textEnvKeywords end the names of pattern 1, lower-cased.
var textEnvKeywords = [][]byte{[]byte("key"), []byte("token"), []byte("secret"), []byte("password"), []byte("passwd")}

// textEnvStarts finds where pattern 1 can match: at the start of an ASCII
// word that ends with one of the keywords.
func textEnvStarts(lower []byte, dst []int) []int {
	first := len(dst)
	for _, kw := range textEnvKeywords {
		for i := 0; ; {
			j := bytes.Index(lower[i:], kw)
			if j < 0 {
				break
			}
			p := i + j
			i = p + 1
			if e := p + len(kw); e < len(lower) && textIsWord(lower[e]) {
				continue // the keyword does not end the word
			}
			w := p
			for w > 0 && textIsWord(lower[w-1]) {
				w--
			}
			dst = append(dst, w)
		}
	}
	slices.Sort(dst[first:])
	return dst
}

// textDigitsStarts finds where pattern 16 can match: at the start of a run
// of six or more ASCII digits followed by ':'.
func textDigitsStarts(lower []byte, dst []int) []int {
	for i := 0; ; {
		j := bytes.IndexByte(lower[i:], ':')
		if j < 0 {
			return dst
		}
		c := i + j
		i = c + 1
		d := c
		for d > 0 && '0' <= lower[d-1] && lower[d-1] <= '9' {
			d--
		}
		if c-d >= 6 {
			dst = append(dst, d)
		}
	}
}

// textLowerASCII appends s with ASCII letters lower-cased to dst. Other
// bytes are copied unchanged, so that byte offsets and the non-ASCII
// characters (which upstream never folds) stay as they are.
func textLowerASCII(dst []byte, s string) []byte {
	dst = append(dst, s...)
	for i, c := range dst {
		if 'A' <= c && c <= 'Z' {
			dst[i] = c + ('a' - 'A')
		}
	}
	return dst
}

// textPEMMarker marks a match that is redacted as a private-key block,
// whatever pattern found it (a JSON field can hold a whole PEM block).
const textPEMMarker = "PRIVATE KEY-----"

// textApply rewrites s for the non-overlapping matches locs of one rule.
func textApply(s string, locs [][]int) string {
	var b strings.Builder
	b.Grow(len(s))
	prev := 0
	for _, loc := range locs {
		m := s[loc[0]:loc[1]]
		if strings.Contains(m, textPEMMarker) {
			b.WriteString(s[prev:loc[0]])
			b.WriteString(textPEM(m))
			prev = loc[1]
			continue
		}
		// The token is the last capture group that took part with a
		// non-empty text, or the whole match when there is none.
		start, end := loc[0], loc[1]
		for g := len(loc)/2 - 1; g >= 1; g-- {
			if loc[2*g] >= 0 && loc[2*g+1] > loc[2*g] {
				start, end = loc[2*g], loc[2*g+1]
				break
			}
		}
		b.WriteString(s[prev:start])
		b.WriteString(maskToken(s[start:end]))
		prev = end
	}
	b.WriteString(s[prev:])
	return b.String()
}

// textPEM keeps the first and last non-empty lines of a private-key block.
// Lines end at "\n" or "\r\n"; a lone "\r" does not end a line.
func textPEM(block string) string {
	first, last, n := "", "", 0
	for rest := block; ; {
		line, after, more := strings.Cut(rest, "\n")
		if more {
			line = strings.TrimSuffix(line, "\r")
		}
		if line != "" {
			if n == 0 {
				first = line
			}
			last = line
			n++
		}
		if !more {
			break
		}
		rest = after
	}
	if n < 2 {
		return maskShort
	}
	return first + "\n…redacted…\n" + last
}
