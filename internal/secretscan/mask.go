package secretscan

import (
	"sort"
	"strings"

	"github.com/interopkit/interop/redact"
)

// maskSpans masks each byte span of line (merging spans that overlap or
// touch, so no part of one secret is shown twice) with the redaction mask
// of spec/redact-text.md (redact.Mask).
func maskSpans(line string, spans [][2]int) string {
	if len(spans) == 0 {
		return line
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	merged := spans[:1]
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s[0] <= last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	var b strings.Builder
	prev := 0
	for _, s := range merged {
		b.WriteString(line[prev:s[0]])
		b.WriteString(redact.Mask(line[s[0]:s[1]]))
		prev = s[1]
	}
	b.WriteString(line[prev:])
	return b.String()
}

// jsTrim trims as JavaScript's String.prototype.trim: white space (the
// same set as \s) and line terminators at both ends.
func jsTrim(s string) string {
	return strings.TrimFunc(s, isJSSpace)
}

func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return 0x2000 <= r && r <= 0x200A
}
