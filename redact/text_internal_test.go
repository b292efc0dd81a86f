package redact

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTextRules checks the table has the sixteen upstream patterns, each
// with one way of finding where its matches start.
func TestTextRules(t *testing.T) {
	if len(textRules) != 16 {
		t.Fatalf("%d rules, want 16", len(textRules))
	}
	for i, r := range textRules {
		if r.re == nil || (r.lead == nil) == (r.startFn == nil) {
			t.Errorf("rule %d: regexp or start finder missing", i+1)
		}
	}
}

// textScanRules are the rules' patterns compiled unanchored: the plain
// regexp scan that findAll must agree with.
var textScanRules = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(textRules))
	for i, r := range textRules {
		out[i] = regexp.MustCompile(r.src)
	}
	return out
}()

// textCheckEngines fails when the candidate-driven search of some rule
// finds other matches in s than a regexp scan does.
func textCheckEngines(t *testing.T, s string) {
	t.Helper()
	s = textWellFormed(s)
	lower := textLowerASCII(nil, s)
	for i := range textRules {
		got, _ := textRules[i].findAll(s, lower, nil)
		want := textScanRules[i].FindAllStringSubmatchIndex(s, -1)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("rule %d on %q:\nfindAll %v\nscan    %v", i+1, s, got, want)
		}
	}
}

func TestTextEngines(t *testing.T) {
	for _, s := range []string{
		"", "KEY=a", "MONKEY=banana KEYBOARD=x a_key=b TOKEN_KEY=c", "xKEY=1 _KEY=2 KEY_=3 é KEY=4",
		`"apiKey": "x" "token":"y" "TOKEN" : "z"`, "--api-key a --api_key b ---token c --apikey",
		"Authorization: Bearer x authorization=bearer y", "xBearer aaaaaaaaaaaaaaaaaaaa Bearer bbbbbbbbbbbbbbbbbbbbbb==",
		"-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY----- -----begin rsa private key-----y-----end private key-----",
		"sk-aaaaaaaa xsk-bbbbbbbb sk-sk-cccccccc SK-dddddddd-", "ghp_aaaaaaaaaaaaaaaaaaaaaaaa github_pat_bbbbbbbbbbbbbbbbbbbbbbbbbb",
		"xoxb-aaaaaaaaaa xoxz-bbbbbbbbbb xapp-cccccccccc gsk_dddddddddd AIzaeeeeeeeeeeeeeeeeeeeeee pplx-ffffffffff npm_gggggggggg",
		"123456:aaaaaaaaaaaaaaaaaaaa a123456:bbbbbbbbbbbbbbbbbbbb 12345:cccccccccccccccccccc 1234567:dd 0123456789:eeeeeeeeeeeeeeeeeeeee",
		"KEY=KEY=KEY=x", "\u017fk-aaaaaaaaaa \u212aEY=x",
	} {
		textCheckEngines(t, s)
	}
}

// FuzzTextEngines compares findAll with a plain regexp scan on arbitrary
// text, for every rule.
func FuzzTextEngines(f *testing.F) {
	for _, s := range []string{"KEY=a TOKEN='b'", `"apiKey": "x"`, "--token x", "Bearer aaaaaaaaaaaaaaaaaaaa", "sk-aaaaaaaa", "123456:aaaaaaaaaaaaaaaaaaaa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		textCheckEngines(t, s)
	})
}

// TestTextLinear feeds inputs built to make a naive search quadratic (many
// starts that each fail only at the end of the text). Each runs in
// milliseconds; a quadratic search would take minutes and hit the test
// timeout, which is the failure this test exists to produce.
func TestTextLinear(t *testing.T) {
	const n = 1 << 18
	for _, unit := range []string{
		"-----BEGIN PRIVATE KEY-----\n",             // no END line at all
		"-----BEGIN RSA PRIVATE KEY-----x-----end ", // only invalid END lines
		"KEY=\"", `"token": "`, "--token '", "sk-", "Bearer ", "1234567:", "a_key ",
	} {
		s := strings.Repeat(unit, n/len(unit))
		textCheckEngines(t, s[:4096])
		for _, in := range []string{s, s + "-----END PRIVATE KEY-----"} {
			if got := Text(in); !utf8.ValidString(got) {
				t.Fatalf("invalid output for %q", unit)
			}
		}
	}
}
