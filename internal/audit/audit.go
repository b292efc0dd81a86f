// Package audit runs the project's vulnerability audits (make audit) and
// says plainly, for each, what happened: govulncheck on the Go module, npm
// audit on runners/ts (production dependencies), pip-audit on
// runners/python/requirements.lock and cargo audit on runners/rust/Cargo.lock.
//
// Each audit needs its advisory database (vuln.go.dev, the npm registry's
// bulk advisory endpoint, PyPI's JSON API, the RustSec advisory-db git
// repository), and a machine may reach none of them. So each outcome is one
// of: ran with no findings, ran with findings (listed), could not reach its
// database (with the short reason), or an error of the tool itself (it is
// not installed, or it failed for another reason). The runner writes
// summary.json and each tool's raw output into the output directory.
//
// Exit status (ExitCode): 1 on findings; else 2 on a tool error; else 3 if
// a database could not be reached and the run is strict (AUDIT_STRICT=1);
// else 0. An unreachable database alone never fails a non-strict run.
package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Statuses of a result.
const (
	StatusNoFindings  = "no-findings"
	StatusFindings    = "findings"
	StatusUnreachable = "could-not-reach"
	StatusError       = "error"
)

// Finding is one advisory that affects a dependency.
type Finding struct {
	ID      string `json:"id"`                // advisory ID (GO-…, GHSA-…, PYSEC-…, RUSTSEC-…) or URL
	Package string `json:"package"`           // the affected package, module or crate
	Version string `json:"version,omitempty"` // its locked version
	Detail  string `json:"detail,omitempty"`  // severity, title, fixed versions
}

// Result is the outcome of one audit.
type Result struct {
	Tool     string    `json:"tool"`
	Target   string    `json:"target"`
	Database string    `json:"database"`
	Status   string    `json:"status"`
	Reason   string    `json:"reason,omitempty"`
	Findings []Finding `json:"findings"`
	Command  []string  `json:"command"`
	ExitCode int       `json:"exit_code"`
	Seconds  float64   `json:"seconds"`
}

// Summary is what summary.json holds.
type Summary struct {
	Generated string   `json:"generated"`
	Strict    bool     `json:"strict"`
	ExitCode  int      `json:"exit_code"`
	Results   []Result `json:"results"`
}

// Output is what one run of a tool left.
type Output struct {
	Stdout, Stderr []byte
	ExitCode       int
	StartErr       error // the tool could not be started (not installed)
	TimedOut       bool  // the runner stopped the tool at Config.Timeout
}

// Tool is one audit: what it runs, and how its output is read.
type Tool struct {
	Name     string
	Target   string
	Database string
	Dir      string // working directory, relative to the root
	Command  []string
	Classify func(Output) (status, reason string, findings []Finding)
}

// Config selects the tools and where they are; Tools reads it.
type Config struct {
	Root          string   // repository root
	Only          []string // tool names to run; all when empty
	Govulncheck   string   // path of govulncheck
	GovulncheckDB string   // -db URL; the tool's default (https://vuln.go.dev) when empty
	Npm           string
	NpmRegistry   string // --registry; npm's configured registry when empty
	PipAudit      string
	CargoAudit    string
	CargoAuditDB  string // --db directory of the advisory-db clone
	Strict        bool
	OutDir        string
	Timeout       time.Duration // per tool
}

// ConfigFromEnv reads the configuration from the environment (see the
// Makefile's audit target): GOVULNCHECK, GOVULNCHECK_DB, NPM, NPM_REGISTRY,
// PIP_AUDIT, CARGO_AUDIT, AUDIT_TOOLS (comma- or space-separated names),
// AUDIT_OUT (default build/audit), AUDIT_STRICT=1.
func ConfigFromEnv(root string) Config {
	// A path with a slash is made absolute: the tools run in other
	// directories (npm in runners/ts).
	env := func(k, def string) string {
		v := os.Getenv(k)
		if v == "" {
			v = def
		}
		if strings.Contains(v, "/") && !filepath.IsAbs(v) && !strings.Contains(v, "://") {
			if abs, err := filepath.Abs(v); err == nil {
				v = abs
			}
		}
		return v
	}
	out := env("AUDIT_OUT", filepath.Join(root, "build", "audit"))
	return Config{
		Root:          root,
		Only:          strings.FieldsFunc(os.Getenv("AUDIT_TOOLS"), func(r rune) bool { return r == ',' || r == ' ' }),
		Govulncheck:   env("GOVULNCHECK", filepath.Join(root, "build", "tools", "bin", "govulncheck")),
		GovulncheckDB: os.Getenv("GOVULNCHECK_DB"),
		Npm:           env("NPM", "npm"),
		NpmRegistry:   os.Getenv("NPM_REGISTRY"),
		PipAudit:      env("PIP_AUDIT", filepath.Join(root, "build", "tools", "pyenv", "bin", "pip-audit")),
		CargoAudit:    env("CARGO_AUDIT", filepath.Join(root, "build", "tools", "bin", "cargo-audit")),
		CargoAuditDB:  env("CARGO_AUDIT_DB", filepath.Join(root, "build", "tools", "advisory-db")),
		Strict:        os.Getenv("AUDIT_STRICT") == "1",
		OutDir:        out,
		Timeout:       10 * time.Minute,
	}
}

// Tools returns the audits that the configuration selects, in a fixed order.
func Tools(c Config) ([]Tool, error) {
	gv := []string{c.Govulncheck, "-format", "json"}
	gvDB := "https://vuln.go.dev"
	if c.GovulncheckDB != "" {
		gv = append(gv, "-db", c.GovulncheckDB)
		gvDB = c.GovulncheckDB
	}
	gv = append(gv, "./...")
	npm := []string{c.Npm, "audit", "--omit=dev", "--json"}
	npmDB := "the npm registry's bulk advisory endpoint (/-/npm/v1/security/advisories/bulk)"
	if c.NpmRegistry != "" {
		npm = append(npm, "--registry", c.NpmRegistry, "--fetch-retries=0")
		npmDB = c.NpmRegistry + " (bulk advisory endpoint)"
	}
	all := []Tool{
		{
			Name: "govulncheck", Target: "the Go module (./...)", Database: gvDB,
			Dir: ".", Command: gv, Classify: ClassifyGovulncheck,
		},
		{
			Name: "npm-audit", Target: "runners/ts (package-lock.json, --omit=dev)", Database: npmDB,
			Dir: "runners/ts", Command: npm, Classify: ClassifyNpmAudit,
		},
		{
			Name: "pip-audit", Target: "runners/python/requirements.lock", Database: "PyPI JSON API (/pypi/NAME/VERSION/json)",
			Dir: ".", Command: []string{c.PipAudit, "-r", "runners/python/requirements.lock", "--require-hashes", "--disable-pip",
				"-s", "pypi", "-f", "json", "--progress-spinner", "off", "--cache-dir", filepath.Join(c.OutDir, "pip-audit-cache")},
			Classify: ClassifyPipAudit,
		},
		{
			Name: "cargo-audit", Target: "runners/rust/Cargo.lock", Database: "RustSec advisory-db (git, github.com/rustsec/advisory-db)",
			Dir: ".", Command: []string{c.CargoAudit, "audit", "--json", "--file", "runners/rust/Cargo.lock", "--db", c.CargoAuditDB},
			Classify: ClassifyCargoAudit,
		},
	}
	if len(c.Only) == 0 {
		return all, nil
	}
	var out []Tool
	for _, name := range c.Only {
		found := false
		for _, t := range all {
			if t.Name == name {
				out = append(out, t)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("audit: unknown tool %q (have govulncheck, npm-audit, pip-audit, cargo-audit)", name)
		}
	}
	return out, nil
}

// Run runs each tool, classifies its output, writes each tool's raw output
// and summary.json into c.OutDir, and returns the summary.
func Run(ctx context.Context, c Config, tools []Tool) (Summary, error) {
	if err := os.MkdirAll(c.OutDir, 0o755); err != nil {
		return Summary{}, err
	}
	s := Summary{Generated: time.Now().UTC().Format(time.RFC3339), Strict: c.Strict}
	for _, t := range tools {
		start := time.Now()
		out := runTool(ctx, c, t)
		r := Result{Tool: t.Name, Target: t.Target, Database: t.Database, Command: t.Command, ExitCode: out.ExitCode, Findings: []Finding{}}
		if out.StartErr != nil {
			r.Status, r.Reason = StatusError, "not installed or not runnable: "+out.StartErr.Error()+" (make audit-tools)"
		} else {
			var f []Finding
			r.Status, r.Reason, f = t.Classify(out)
			if f != nil {
				r.Findings = f
			}
		}
		r.Seconds = float64(time.Since(start).Milliseconds()) / 1000
		for name, b := range map[string][]byte{".stdout": out.Stdout, ".stderr": out.Stderr} {
			if err := os.WriteFile(filepath.Join(c.OutDir, t.Name+name), b, 0o644); err != nil {
				return s, err
			}
		}
		s.Results = append(s.Results, r)
	}
	s.ExitCode = ExitCode(s.Results, c.Strict)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return s, err
	}
	return s, os.WriteFile(filepath.Join(c.OutDir, "summary.json"), append(b, '\n'), 0o644)
}

func runTool(ctx context.Context, c Config, t Tool) Output {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.Command[0], t.Command[1:]...)
	cmd.Dir = filepath.Join(c.Root, t.Dir)
	cmd.Stdin = nil
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := Output{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		out.ExitCode = exit.ExitCode()
		out.TimedOut = ctx.Err() != nil
	default:
		out.StartErr, out.ExitCode = err, -1
	}
	return out
}

// ExitCode is the runner's exit status for these results.
func ExitCode(results []Result, strict bool) int {
	has := func(status string) bool {
		for _, r := range results {
			if r.Status == status {
				return true
			}
		}
		return false
	}
	switch {
	case has(StatusFindings):
		return 1
	case has(StatusError):
		return 2
	case strict && has(StatusUnreachable):
		return 3
	}
	return 0
}

// WriteTable prints the summary as a table, one line per tool.
func WriteTable(w io.Writer, s Summary) {
	fmt.Fprintf(w, "%-12s %-8s %s\n", "AUDIT", "SECONDS", "RESULT")
	for _, r := range s.Results {
		fmt.Fprintf(w, "%-12s %-8.1f %s\n", r.Tool, r.Seconds, Describe(r))
		for _, f := range r.Findings {
			line := "  - " + f.ID + " " + f.Package
			if f.Version != "" {
				line += "@" + f.Version
			}
			if f.Detail != "" {
				line += ": " + f.Detail
			}
			fmt.Fprintf(w, "%-21s%s\n", "", line)
		}
	}
}

// Describe says in words what one audit did.
func Describe(r Result) string {
	var d string
	switch r.Status {
	case StatusNoFindings:
		d = "ran: no findings"
	case StatusFindings:
		d = fmt.Sprintf("ran: findings (%d)", len(r.Findings))
	case StatusUnreachable:
		d = "could not reach " + r.Database
	default:
		d = "error"
	}
	if r.Reason != "" {
		d += ": " + r.Reason
	}
	return d
}

// ---- classifiers: one per tool, from its exit status and output

// netMarkers are what the tools print when a connection fails. Bare words
// such as "timeout" or "certificate" are not among them: a tool's own
// failure (a package that does not build, say) can contain them.
var netMarkers = []string{
	"no such host", "connection refused", "dial tcp", "i/o timeout", "connection timed out",
	"temporary failure in name resolution", "name or service not known", "failed to resolve",
	"could not resolve", "couldn't resolve", "network is unreachable", "nameresolutionerror",
	"connectionerror", "max retries exceeded", "econnrefused", "enotfound", "eai_again", "etimedout",
	"econnreset", "failed to connect", "tls handshake", "x509:",
}

func netError(text string) bool {
	l := strings.ToLower(text)
	for _, m := range netMarkers {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

// lastLine returns the last non-empty line of text, shortened.
func lastLine(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return shorten(l)
		}
	}
	return ""
}

// errorAndCause returns the first "error:" line of text and, when it has
// them, the last of the "-> cause" lines under it (cargo's error chain).
func errorAndCause(text string) string {
	var first, cause string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case first == "" && strings.HasPrefix(l, "error:"):
			first = strings.TrimSpace(strings.TrimPrefix(l, "error:"))
		case first != "" && strings.HasPrefix(l, "->"):
			cause = strings.TrimSpace(strings.TrimPrefix(l, "->"))
		}
	}
	if first == "" {
		return lastLine(text)
	}
	if cause != "" && !strings.Contains(first, cause) {
		first += " (" + cause + ")"
	}
	return shorten(first)
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 240 {
		s = s[:237] + "..."
	}
	return s
}

func failed(o Output, fallback string) (string, string, []Finding) {
	line := lastLine(string(o.Stderr))
	if line == "" {
		line = fallback
	}
	if o.TimedOut {
		return StatusError, "the tool did not finish in time: " + line, nil
	}
	// Only the end of the output says why the tool stopped; a network
	// word earlier on (a package named timeout) says nothing.
	if netError(lastLines(string(o.Stderr), 5) + "\n" + lastLines(string(o.Stdout), 2)) {
		return StatusUnreachable, line, nil
	}
	return StatusError, fmt.Sprintf("exit status %d: %s", o.ExitCode, line), nil
}

// lastLines returns the last n non-empty lines of text.
func lastLines(text string, n int) string {
	var out []string
	lines := strings.Split(text, "\n")
	for i := len(lines) - 1; i >= 0 && len(out) < n; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// ClassifyGovulncheck reads govulncheck -format json: a stream of JSON
// messages. A finding whose trace reaches a function is code the module
// calls: a finding. Advisories for required modules or imported packages
// whose vulnerable symbols are not called are counted in the reason only
// (govulncheck's text mode does not fail on them either).
func ClassifyGovulncheck(o Output) (string, string, []Finding) {
	if o.ExitCode != 0 {
		stderr := string(o.Stderr)
		if strings.Contains(stderr, "fetching vulnerabilities") {
			return StatusUnreachable, strings.TrimPrefix(lastLine(stderr), "govulncheck: "), nil
		}
		// With -db, govulncheck first reads the database's index/db.json,
		// and says only this when it cannot (whatever the network error).
		if strings.Contains(stderr, "creating client: unrecognized vulndb format") {
			return StatusUnreachable, "its index/db.json could not be fetched or read (govulncheck: " +
				strings.TrimPrefix(lastLine(stderr), "govulncheck: ") + ")", nil
		}
		return failed(o, "govulncheck failed")
	}
	type frame struct {
		Module, Version, Package, Function string
	}
	type message struct {
		Finding *struct {
			OSV          string  `json:"osv"`
			FixedVersion string  `json:"fixed_version"`
			Trace        []frame `json:"trace"`
		} `json:"finding"`
	}
	dec := json.NewDecoder(bytes.NewReader(o.Stdout))
	called := map[string]Finding{}
	seen := map[string]bool{}
	for {
		var m message
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return StatusError, "reading govulncheck's JSON: " + err.Error(), nil
		}
		if m.Finding == nil || len(m.Finding.Trace) == 0 {
			continue
		}
		seen[m.Finding.OSV] = true
		top := m.Finding.Trace[0]
		if top.Function == "" {
			continue
		}
		detail := "called: " + top.Package + "." + top.Function
		if m.Finding.FixedVersion != "" {
			detail += "; fixed in " + m.Finding.FixedVersion
		}
		called[m.Finding.OSV] = Finding{ID: m.Finding.OSV, Package: top.Module, Version: top.Version, Detail: detail}
	}
	var reason string
	if n := len(seen) - len(called); n > 0 {
		reason = fmt.Sprintf("%d more advisories in dependencies whose vulnerable code is not called", n)
	}
	if len(called) == 0 {
		return StatusNoFindings, reason, nil
	}
	return StatusFindings, reason, sortFindings(called)
}

func sortFindings(m map[string]Finding) []Finding {
	out := make([]Finding, 0, len(m))
	for _, f := range m {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// ClassifyNpmAudit reads npm audit --json: a report with "vulnerabilities"
// (exit 1 when there are some), or an error object when the advisory
// endpoint failed (the registry of this machine answers the bulk POST with
// 405, which npm reports as "audit endpoint returned an error").
func ClassifyNpmAudit(o Output) (string, string, []Finding) {
	var rep struct {
		AuditReportVersion int `json:"auditReportVersion"`
		Vulnerabilities    map[string]struct {
			Name     string            `json:"name"`
			Severity string            `json:"severity"`
			Range    string            `json:"range"`
			Via      []json.RawMessage `json:"via"`
		} `json:"vulnerabilities"`
		Message    string `json:"message"`
		StatusCode int    `json:"statusCode"`
		Error      *struct {
			Code    string `json:"code"`
			Summary string `json:"summary"`
			Detail  string `json:"detail"`
		} `json:"error"`
	}
	if err := json.Unmarshal(o.Stdout, &rep); err != nil {
		return failed(o, "npm audit printed no JSON report")
	}
	if rep.AuditReportVersion != 0 && rep.Vulnerabilities != nil {
		f := map[string]Finding{}
		for name, v := range rep.Vulnerabilities {
			for _, raw := range v.Via {
				var adv struct {
					Source any    `json:"source"`
					Title  string `json:"title"`
					URL    string `json:"url"`
					Range  string `json:"range"`
				}
				if json.Unmarshal(raw, &adv) != nil || adv.URL == "" {
					continue // a string: the advisory is its dependency's
				}
				f[name+" "+adv.URL] = Finding{ID: adv.URL, Package: name, Detail: v.Severity + ": " + adv.Title + " (" + adv.Range + ")"}
			}
			if len(v.Via) > 0 && !hasPrefixKey(f, name+" ") {
				f[name] = Finding{ID: "via dependency", Package: name, Detail: v.Severity + ", range " + v.Range}
			}
		}
		if len(f) == 0 {
			return StatusNoFindings, "", nil
		}
		return StatusFindings, "", sortFindings(f)
	}
	reason := rep.Message
	code := ""
	if rep.Error != nil {
		code = rep.Error.Code
		if reason == "" {
			reason = strings.TrimSpace(rep.Error.Code + " " + rep.Error.Summary)
		}
	}
	if reason == "" {
		reason = lastLine(string(o.Stderr))
	}
	switch {
	case code == "ENOLOCK" || code == "EUSAGE":
		return StatusError, shorten(reason), nil
	case rep.StatusCode != 0 || netError(reason+" "+code) || strings.Contains(string(o.Stderr), "audit endpoint returned an error"):
		return StatusUnreachable, shorten(reason), nil
	}
	return StatusError, fmt.Sprintf("exit status %d: %s", o.ExitCode, shorten(reason)), nil
}

func hasPrefixKey(m map[string]Finding, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// ClassifyPipAudit reads pip-audit -f json. pip-audit asks PyPI's JSON API
// about each locked package; where that API is not served, it skips every
// package as "not found on PyPI" and still exits 0 with "No known
// vulnerabilities found": that is a database that could not be reached, not
// a clean result.
func ClassifyPipAudit(o Output) (string, string, []Finding) {
	var rep struct {
		Dependencies []struct {
			Name       string `json:"name"`
			Version    string `json:"version"`
			SkipReason string `json:"skip_reason"`
			Vulns      []struct {
				ID          string   `json:"id"`
				FixVersions []string `json:"fix_versions"`
				Aliases     []string `json:"aliases"`
			} `json:"vulns"`
		} `json:"dependencies"`
	}
	if err := json.Unmarshal(o.Stdout, &rep); err != nil || rep.Dependencies == nil {
		return failed(o, "pip-audit printed no JSON report")
	}
	f := map[string]Finding{}
	var skipped []string
	firstSkip := ""
	for _, d := range rep.Dependencies {
		if d.SkipReason != "" {
			skipped = append(skipped, d.Name)
			if firstSkip == "" {
				firstSkip = d.SkipReason
			}
			continue
		}
		for _, v := range d.Vulns {
			detail := ""
			if len(v.FixVersions) > 0 {
				detail = "fixed in " + strings.Join(v.FixVersions, ", ")
			}
			if len(v.Aliases) > 0 {
				detail = strings.TrimPrefix(detail+"; aliases "+strings.Join(v.Aliases, ", "), "; ")
			}
			f[d.Name+" "+v.ID] = Finding{ID: v.ID, Package: d.Name, Version: d.Version, Detail: detail}
		}
	}
	n := len(rep.Dependencies)
	if n > 0 && len(skipped) == n {
		return StatusUnreachable, fmt.Sprintf("PyPI's JSON API found none of the %d locked packages; pip-audit skipped them all (%q)", n, shorten(firstSkip)), nil
	}
	reason := ""
	if len(skipped) > 0 {
		reason = fmt.Sprintf("%d of %d packages not audited: %s", len(skipped), n, strings.Join(skipped, ", "))
	}
	if len(f) > 0 {
		return StatusFindings, reason, sortFindings(f)
	}
	return StatusNoFindings, reason, nil
}

// ClassifyCargoAudit reads cargo audit --json. It first fetches the RustSec
// advisory database with git; when that fails it prints an error and no
// report.
func ClassifyCargoAudit(o Output) (string, string, []Finding) {
	var rep struct {
		Vulnerabilities *struct {
			Found bool `json:"found"`
			Count int  `json:"count"`
			List  []struct {
				Advisory struct {
					ID    string `json:"id"`
					Title string `json:"title"`
				} `json:"advisory"`
				Package struct {
					Name    string `json:"name"`
					Version string `json:"version"`
				} `json:"package"`
				Versions struct {
					Patched []string `json:"patched"`
				} `json:"versions"`
			} `json:"list"`
		} `json:"vulnerabilities"`
		Warnings map[string][]json.RawMessage `json:"warnings"`
	}
	if err := json.Unmarshal(o.Stdout, &rep); err != nil || rep.Vulnerabilities == nil {
		text := string(o.Stderr)
		if strings.Contains(text, "advisory database") || strings.Contains(text, "advisory-db") {
			if netError(text) || strings.Contains(text, "fetch") {
				return StatusUnreachable, errorAndCause(text), nil
			}
		}
		return failed(o, "cargo audit printed no JSON report")
	}
	f := map[string]Finding{}
	for _, v := range rep.Vulnerabilities.List {
		detail := v.Advisory.Title
		if len(v.Versions.Patched) > 0 {
			detail += "; patched " + strings.Join(v.Versions.Patched, ", ")
		}
		f[v.Package.Name+" "+v.Advisory.ID] = Finding{ID: v.Advisory.ID, Package: v.Package.Name, Version: v.Package.Version, Detail: detail}
	}
	var warn []string
	for kind, list := range rep.Warnings {
		if len(list) > 0 {
			warn = append(warn, fmt.Sprintf("%d %s", len(list), kind))
		}
	}
	sort.Strings(warn)
	reason := ""
	if len(warn) > 0 {
		reason = "warnings (not failing): " + strings.Join(warn, ", ")
	}
	if len(f) > 0 {
		return StatusFindings, reason, sortFindings(f)
	}
	return StatusNoFindings, reason, nil
}
