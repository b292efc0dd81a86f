package settingsmigrate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/interopkit/interop/envelope"
	"github.com/interopkit/interop/internal/fuzzgen"
)

// benchDoc is a settings document of n secrets, every one a v1 envelope,
// and the envelopes themselves.
func benchDoc(b *testing.B, key *envelope.Key, n int) ([]byte, []string) {
	r := rand.New(rand.NewPCG(1, 1))
	var doc strings.Builder
	vals := make([]string, n)
	doc.WriteString(`{"name":"eliza","settings":{"secrets":{`)
	for i := range n {
		vals[i] = fuzzgen.SealV1(r, benchSalt, fmt.Sprintf("sk-live-%040d", i))
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `"KEY_%d":%q`, i, vals[i])
	}
	doc.WriteString(`}}}`)
	return []byte(doc.String()), vals
}

const benchSalt = "bench-salt"

// BenchmarkMigrate migrates a document of 1,000 v1 secrets; raw is
// key.Migrate of the same 1,000 values without the document (the
// cryptographic floor), measured in the same run.
func BenchmarkMigrate(b *testing.B) {
	key, err := envelope.NewKey(benchSalt)
	if err != nil {
		b.Fatal(err)
	}
	doc, vals := benchDoc(b, key, 1000)
	b.Run("document", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, _, err := Migrate(doc, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			for _, v := range vals {
				if _, err := key.Migrate(v); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
