package manifest_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/interopkit/interop/internal/benchratio"
	"github.com/interopkit/interop/manifest"
)

// benchManifest is a realistic, valid manifest of about 2 KiB: a few of
// each component, config values and events.
var benchManifest = func() []byte {
	var b strings.Builder
	b.WriteString(`{"name":"bench-plugin","description":"A plugin with a bit of everything","version":"1.4.2","language":"python",`)
	b.WriteString(`"interop":{"protocol":"ipc","ipcCommand":"python3 -m bench"},"config":{"API_URL":"https://example.com","RETRIES":3,"DEBUG":false,"TOKEN":null},`)
	b.WriteString(`"dependencies":["plugin-sql"],"actions":[`)
	for i := range 5 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":"ACTION_` + strconv.Itoa(i) + `","description":"Does thing ` + strconv.Itoa(i) + `","similes":["A","B"],"examples":[[{"name":"{{user}}","content":{"text":"please do it","actions":["ACTION"]}},{"name":"{{agent}}","content":{"text":"done","source":"discord"}}]]}`)
	}
	b.WriteString(`],"providers":[{"name":"TIME","description":"now","dynamic":true,"position":1,"private":false},{"name":"FACTS","description":"facts"}],`)
	b.WriteString(`"evaluators":[{"name":"REFLECT","description":"reflects","alwaysRun":true,"similes":["THINK"]}],"services":[{"type":"cache","description":"c"}],`)
	b.WriteString(`"routes":[{"path":"/a","method":"GET","public":true},{"path":"/b","method":"POST","name":"b"}],"events":{"MESSAGE_RECEIVED":["onMessage"]}}`)
	return []byte(b.String())
}()

var sinkProblems []manifest.Problem

// BenchmarkValidate validates a realistic manifest; the raw baseline is
// encoding/json decoding the same document into an any, the least any
// validator has to do (there is no target: the ratio is the price of
// validation on top of reading).
func BenchmarkValidate(b *testing.B) {
	if ps, err := manifest.Validate(benchManifest); err != nil || ps != nil {
		b.Fatalf("bench manifest is not valid: %v %v", ps, err)
	}
	b.SetBytes(int64(len(benchManifest)))
	b.ReportAllocs()
	for b.Loop() {
		sinkProblems, _ = manifest.Validate(benchManifest)
	}
	benchratio.Report(b, func(n int) {
		for range n {
			var v any
			_ = json.Unmarshal(benchManifest, &v)
		}
	})
}

// BenchmarkValidateWorst validates a document of MaxSize bytes made of
// invalid config values, one problem each: the cost of the largest report
// a plugin process can provoke.
func BenchmarkValidateWorst(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"name":"p","description":"d","version":"1.0.0","language":"rust","config":{`)
	for i := 0; sb.Len() < manifest.MaxSize-64; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`"k` + strconv.Itoa(i) + `":[]`)
	}
	sb.WriteString(`}}`)
	doc := []byte(sb.String())
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		sinkProblems, _ = manifest.Validate(doc)
	}
	benchratio.Report(b, func(n int) {
		for range n {
			var v any
			_ = json.Unmarshal(doc, &v)
		}
	})
}
