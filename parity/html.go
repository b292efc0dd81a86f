package parity

import (
	"bytes"
	"encoding/json"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/interopkit/interop/internal/vector"
)

// WriteHTML writes one self-contained page: the matrix, every failure
// with its input and a diff of expected and actual, all results, and
// filters by peer, suite and status (no external resources).
func (rep *Report) WriteHTML(w io.Writer) error {
	m := rep.matrix()
	type row struct {
		Suite string
		Cells []struct{ Text, Class string }
	}
	var rows []row
	for _, s := range rep.suiteNames() {
		r := row{Suite: s}
		for _, p := range rep.peerNames() {
			c := m[[2]string{p, s}]
			class := "ok"
			switch {
			case c == nil || !c.ok:
				class = "na"
			case c.failing():
				class = "bad"
			case c.counts[Known]+c.counts[Tolerated]+c.counts[Skip] > 0:
				class = "warn"
			}
			r.Cells = append(r.Cells, struct{ Text, Class string }{c.text(), class})
		}
		rows = append(rows, r)
	}
	type item struct {
		Result
		Note      string
		InputText string
		Diff      template.HTML
		Bad       bool
	}
	var items []item
	for _, r := range rep.Results {
		it := item{Result: r, Bad: r.Status.Failing(), Note: r.note()}
		it.InputText = pretty(r.Input)
		if it.Bad || r.Status == Known || r.Status == Tolerated {
			it.Diff = diffHTML(outcomeText(r.Expected), outcomeText(r.Got))
		}
		items = append(items, it)
	}
	// Failures first, then deviations, then the rest, each in run order.
	rank := func(it item) int {
		switch {
		case it.Bad:
			return 0
		case it.Status == Known || it.Status == Tolerated:
			return 1
		}
		return 2
	}
	sort.SliceStable(items, func(i, j int) bool { return rank(items[i]) < rank(items[j]) })
	data := struct {
		Summary  string
		Peers    []PeerReport
		Names    []string
		Suites   []string
		Rows     []row
		Items    []item
		Problems []string
		Exit     int
		Legend   string
		Tally    string
		Clear    []Result
	}{rep.Summary(), rep.Peers, rep.peerNames(), rep.suiteNames(), rows, items, rep.Problems, rep.Exit(), legend, rep.Tally(), rep.leftInClear()}
	return htmlPage.Execute(w, data)
}

func pretty(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

func outcomeText(o *vector.Outcome) string {
	if o == nil {
		return "(no result)"
	}
	return o.String()
}

// diffHTML marks what differs between want and got: the common prefix and
// suffix stay plain, the middle of want is struck out and the middle of
// got underlined — enough to spot one wrong character in a UUID or a
// dropped BOM in a plaintext.
func diffHTML(want, got string) template.HTML {
	if want == got {
		return template.HTML("<span>" + template.HTMLEscapeString(want) + "</span>")
	}
	w, g := []rune(want), []rune(got)
	p := 0
	for p < len(w) && p < len(g) && w[p] == g[p] {
		p++
	}
	s := 0
	for s < len(w)-p && s < len(g)-p && w[len(w)-1-s] == g[len(g)-1-s] {
		s++
	}
	esc := func(r []rune) string { return template.HTMLEscapeString(visible(string(r))) }
	var b strings.Builder
	b.WriteString(`<div class="diffline"><span class="lbl">want</span> `)
	b.WriteString(esc(w[:p]) + `<del>` + esc(w[p:len(w)-s]) + `</del>` + esc(w[len(w)-s:]))
	b.WriteString(`</div><div class="diffline"><span class="lbl">got</span> `)
	b.WriteString(esc(g[:p]) + `<ins>` + esc(g[p:len(g)-s]) + `</ins>` + esc(g[len(g)-s:]))
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

// visible shows characters that would otherwise be invisible in a diff.
func visible(s string) string {
	return strings.NewReplacer("\uFEFF", "⟨BOM⟩", "\u200B", "⟨ZWSP⟩", "\u00A0", "⟨NBSP⟩").Replace(s)
}

var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>interop parity report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse} th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
td.ok{background:#e7f6e7} td.bad{background:#fbe3e3;font-weight:bold} td.warn{background:#fff6da} td.na{color:#999}
.verdict{font-size:1.1em;padding:.4em .8em;display:inline-block;border-radius:4px}
.v0{background:#e7f6e7} .v1{background:#fbe3e3} .v2{background:#ffe9c7}
pre{background:#f6f6f6;padding:.5em;overflow:auto;max-height:20em;margin:.3em 0}
del{background:#f8c9c9;text-decoration:line-through} ins{background:#c9f0c9;text-decoration:none}
.diffline{font-family:monospace;white-space:pre-wrap;word-break:break-all}
.lbl{display:inline-block;width:3em;color:#666}
.filters{margin:1em 0;padding:.5em;background:#f3f3f8}
details{margin:.4em 0;border:1px solid #ddd;padding:.3em .6em} summary{cursor:pointer}
.status-fail,.status-changed,.status-stale,.status-not-run{color:#b00;font-weight:bold} .status-known,.status-tolerated{color:#a60}
</style></head><body>
<h1>interop parity</h1>
<p class="verdict v{{.Exit}}" id="verdict">{{.Summary}}</p>
<p id="tally">{{.Tally}}</p>
{{if .Clear}}<h2 class="status-fail">Secrets left in clear</h2><ul id="clear">{{range .Clear}}<li>{{.Peer}} · {{.Suite}} · #{{.Case}} ({{.Status}}) — {{.Description}}</li>{{end}}</ul>{{end}}
<h2>Peers</h2>
<table id="peers"><tr><th>peer</th><th>language</th><th>implementation</th><th>version</th><th>status</th></tr>
{{range .Peers}}<tr><td>{{.Name}}</td><td>{{.Language}}</td><td>{{.Implementation}}</td><td>{{.Version}}</td><td>{{if .NotInstalled}}not installed: {{.Error}}{{else if .Error}}not available: {{.Error}}{{else}}ok{{if .Restarts}}, restarted {{.Restarts}}×{{end}}{{end}}</td></tr>
{{end}}</table>
<h2>Matrix</h2>
<table id="matrix"><tr><th>suite</th>{{range .Names}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr data-suite="{{.Suite}}"><td>{{.Suite}}</td>{{range .Cells}}<td class="{{.Class}}">{{.Text}}</td>{{end}}</tr>
{{end}}</table>
<p>Cells: {{.Legend}}.</p>
{{if .Problems}}<h2>Problems</h2><ul>{{range .Problems}}<li>{{.}}</li>{{end}}</ul>{{end}}
<div class="filters">
<label>peer <select id="f-peer"><option value="">all</option>{{range .Names}}<option>{{.}}</option>{{end}}</select></label>
<label>suite <select id="f-suite"><option value="">all</option>{{range .Suites}}<option>{{.}}</option>{{end}}</select></label>
<label><input type="checkbox" id="f-bad" checked> failures and deviations only</label>
<span id="f-count"></span>
</div>
<h2>Results</h2>
<div id="results">
{{range .Items}}<details class="result" data-peer="{{.Peer}}" data-suite="{{.Suite}}" data-status="{{.Status}}" data-bad="{{.Bad}}"{{if .Bad}} open data-case-open="{{.Case}}"{{end}}>
<summary><span class="status-{{.Status}}">{{.Status}}</span> {{.Peer}}{{if .Producer}} (sealed by {{.Producer}}){{end}} · {{.Suite}} · #{{.Case}} — {{.Description}}</summary>
{{if .Diff}}<div class="diff">{{.Diff}}</div>{{end}}
{{if .Message}}<p>{{.Message}}</p>{{end}}
{{if .Finding}}<p class="status-fail">{{.Finding}}</p>{{end}}
{{if .Note}}<p>{{.Note}}</p>{{end}}
{{if .InputText}}<pre class="input">{{.InputText}}</pre>{{end}}
{{if .File}}<p><small>{{.File}}{{if .Flags}} · flags: {{range .Flags}}{{.}} {{end}}{{end}}</small></p>{{end}}
</details>
{{end}}</div>
<script>
(function(){
  var peer=document.getElementById('f-peer'), suite=document.getElementById('f-suite'), bad=document.getElementById('f-bad');
  var items=document.querySelectorAll('#results .result'), count=document.getElementById('f-count');
  function apply(){
    var n=0;
    items.forEach(function(el){
      var show=(!peer.value||el.dataset.peer===peer.value)&&(!suite.value||el.dataset.suite===suite.value)&&
        (!bad.checked||el.dataset.bad==='true'||el.dataset.status==='known'||el.dataset.status==='tolerated');
      el.style.display=show?'':'none'; if(show)n++;
    });
    document.querySelectorAll('#matrix tr[data-suite]').forEach(function(tr){
      tr.style.display=(!suite.value||tr.dataset.suite===suite.value)?'':'none';
    });
    count.textContent=n+' shown';
  }
  [peer,suite,bad].forEach(function(el){el.addEventListener('change',apply)});
  apply();
})();
</script>
</body></html>
`))
