// Package secretscan finds credentials in prompt templates: the rules of
// upstream's `check:secrets` script (@elizaos/prompts), matched with
// JavaScript's semantics, reporting lines with every match masked so that a
// report never carries the secret it found. spec/secrets-scan.md is the
// normative description.
package secretscan

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Severity of a rule.
type Severity string

// Rule severities: an error fails the scan; a warning asks for review.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Rule is one credential pattern.
type Rule struct {
	Name     string
	Severity Severity
	re       *regexp.Regexp
	// secret is the index of the capture group that holds the secret, or 0
	// for the whole match.
	secret int
}

// jsSpace is JavaScript's \s: ASCII whitespace with \v, and the Unicode
// space separators, line and paragraph separators and U+FEFF. Go's \s is
// ASCII only.
const jsSpace = `\t\n\x0B\f\r \x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`

// rules are upstream's rules, in upstream's order. Each pattern is written
// for RE2 with the semantics the JavaScript original has without flags:
// case-sensitive, \b on ASCII word characters (as RE2's), \s spelled out.
// Unexported and never modified: Rules hands out a copy.
var rules = []Rule{
	{Name: "Private key material", Severity: Error, re: regexp.MustCompile(`-----BEGIN (?:RSA |EC |OPENSSH |)PRIVATE KEY-----`)},
	{Name: "GitHub token", Severity: Error, re: regexp.MustCompile(`\bghp_[A-Za-z0-9]{20,}\b`)},
	{Name: "GitHub fine-grained token", Severity: Error, re: regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{20,}\b`)},
	{Name: "Slack token", Severity: Error, re: regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,}\b`)},
	{Name: "AWS access key id", Severity: Error, re: regexp.MustCompile(`\bAKIA[0-9A-Z]{16}\b`)},
	{Name: "Google API key", Severity: Error, re: regexp.MustCompile(`\bAIza[0-9A-Za-z\-_]{30,}\b`)},
	{Name: "OpenAI-style key", Severity: Error, re: regexp.MustCompile(`\bsk-[A-Za-z0-9]{20,}\b`)},
	{Name: "Anthropic-style key", Severity: Error, re: regexp.MustCompile(`\bsk-ant-[A-Za-z0-9\-_]{20,}\b`)},
	{Name: "Generic credential assignment (review)", Severity: Warning, secret: 1,
		re: regexp.MustCompile(`\b[A-Z0-9_]*(?:API_KEY|APIKEY|TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY)[A-Z0-9_]*[` + jsSpace + `]*=[` + jsSpace + `]*["']?([^"'` + jsSpace + `]{8,})`)},
}

// Finding is one rule that matched one line.
type Finding struct {
	Line     int      `json:"line"` // 1-based
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Text is the line, trimmed as JavaScript's String.prototype.trim
	// trims, with every match of every rule masked.
	Text string `json:"text"`
}

// Rules returns upstream's rules, in upstream's order (a copy).
func Rules() []Rule { return append([]Rule(nil), rules...) }

// ScanText applies every rule to every line of text, lines split at "\n"
// or "\r\n" as upstream splits them, and returns the findings in line
// order, then rule order. text must be valid UTF-8 (see ScanFile for how
// files that are not are read).
func ScanText(text string) []Finding {
	var out []Finding
	for i, line := range splitLines(text) {
		var hits []Rule
		var spans [][2]int
		u := newUnits(line)
		for _, r := range rules {
			ms := r.re.FindAllStringSubmatchIndex(u.s, -1)
			if len(ms) == 0 {
				continue
			}
			hits = append(hits, r)
			for _, m := range ms {
				spans = append(spans, [2]int{u.orig(m[2*r.secret]), u.orig(m[2*r.secret+1])})
			}
		}
		if len(hits) == 0 {
			continue
		}
		text := jsTrim(maskSpans(line, spans))
		for _, r := range hits {
			out = append(out, Finding{Line: i + 1, Rule: r.Name, Severity: r.Severity, Text: text})
		}
	}
	return out
}

// PrintedLine is line n (1-based) of text, split as ScanText splits it,
// trimmed but not masked: what upstream's script prints for a finding.
// False when text has no line n.
func PrintedLine(text string, n int) (string, bool) {
	lines := splitLines(text)
	if n < 1 || n > len(lines) {
		return "", false
	}
	return jsTrim(lines[n-1]), true
}

// splitLines splits as JavaScript's split(/\r?\n/): a final newline leaves
// an empty last line, and a lone "\r" stays in its line.
func splitLines(s string) []string {
	lines := strings.Split(s, "\n")
	for i, l := range lines[:len(lines)-1] {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// units is a line as the JavaScript rules see it. JavaScript counts UTF-16
// code units, so a character outside the BMP counts twice towards a
// quantifier such as {8,}; each such character is replaced by two BMP
// private-use characters for matching, and offsets are mapped back.
type units struct {
	s    string
	back []int // offset in s -> offset in the line at character starts, -1 inside one; nil when s is the line
}

const twoUnits = "\uE000\uE000"

func newUnits(line string) units {
	if !hasAstral(line) {
		return units{s: line}
	}
	var b strings.Builder
	back := make([]int, 0, len(line)+len(line)/2+1)
	for i, r := range line {
		w := utf8.RuneLen(r)
		if r > 0xFFFF {
			b.WriteString(twoUnits)
			w = len(twoUnits)
		} else {
			b.WriteRune(r)
		}
		back = append(back, i)
		for range w - 1 {
			back = append(back, -1)
		}
	}
	back = append(back, len(line))
	return units{s: b.String(), back: back}
}

func hasAstral(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 {
			return true
		}
	}
	return false
}

// orig maps an offset in u.s back to the line. Match boundaries fall on
// character boundaries; an offset inside a character is moved to the end
// of it, so that masking only ever grows.
func (u units) orig(off int) int {
	if u.back == nil {
		return off
	}
	for u.back[off] < 0 {
		off++
	}
	return u.back[off]
}
