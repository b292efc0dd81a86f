package redact_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/interopkit/interop/internal/benchratio"
	"github.com/interopkit/interop/redact"
)

// benchPrompt builds about 4 KiB of prompt-template text; with secrets it
// holds an assignment, a JSON field, an Authorization header, a private key
// and a Telegram token, as the prompt-4k vector does.
func benchPrompt(secrets bool) string {
	const para = "You are a helpful assistant for {{agentName}}. Answer the user's question using the context below. " +
		"Keep answers short, cite the source document, and never reveal configuration values.\n"
	var b strings.Builder
	for i := 0; b.Len() < 4000; i++ {
		b.WriteString("# Section ")
		b.WriteByte(byte('0' + i%10))
		b.WriteString("\n" + para)
		if !secrets {
			continue
		}
		switch i {
		case 3:
			b.WriteString("OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n")
		case 7:
			b.WriteString(`{"apiKey": "abcdefghijklmnopqrstuvwxyz012345", "model": "gpt-4o"}` + "\n")
		case 11:
			b.WriteString(`curl -H "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789abcdefghij" https://api.example.com/v1` + "\n")
		case 15:
			b.WriteString("-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END RSA PRIVATE KEY-----\n")
		}
	}
	return b.String()
}

var benchSink string

// BenchmarkText runs Text over a 4 KiB prompt, against one precompiled Go
// regexp (the sk- pattern) replacing over the same text: the cost of the
// whole redactor relative to a single regexp pass.
func BenchmarkText(b *testing.B) {
	raw := regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{8,}\b`)
	for _, c := range []struct {
		name    string
		secrets bool
	}{{"prompt-4KiB", true}, {"clean-4KiB", false}} {
		text := benchPrompt(c.secrets)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				benchSink = redact.Text(text)
			}
			benchratio.Report(b, func(n int) {
				for range n {
					benchSink = raw.ReplaceAllString(text, "***")
				}
			})
		})
	}
}

// BenchmarkSecrets replaces 8 known secrets in a 4 KiB prompt, against a
// single strings.ReplaceAll over the same text.
func BenchmarkSecrets(b *testing.B) {
	text := benchPrompt(true)
	secrets := map[string]string{}
	for _, v := range []string{"abcdefghijklmnopqrstuvwxyz012345", "sk-proj-abcdefghijklmnopqrstuvwxyz", "not-in-the-text-1", "not-in-the-text-22", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw", "helpful assistant", "zzzzzzzzzzzz", "{{agentName}}"} {
		secrets["S"+v[:4]] = v
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		benchSink = redact.Secrets(text, secrets)
	}
	benchratio.Report(b, func(n int) {
		for range n {
			benchSink = strings.ReplaceAll(text, "helpful assistant", "[REDACTED:X]")
		}
	})
}
