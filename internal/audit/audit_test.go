package audit

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// The repository root, from this package's directory.
var root, _ = filepath.Abs(filepath.Join("..", ".."))

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// auditBinary builds internal/cmd/audit once.
func auditBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "interop-audit")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "audit")
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", binary, "./internal/cmd/audit")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building internal/cmd/audit: %v", buildErr)
	}
	return binary
}

// govulncheck returns the pinned govulncheck of make audit-tools. Without
// it the test skips, unless INTEROP_REQUIRE_SBOM=1 (make test, which
// installs it first).
func govulncheck(t *testing.T) string {
	t.Helper()
	p := filepath.Join(root, "build", "tools", "bin", "govulncheck")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("INTEROP_REQUIRE_SBOM") == "1" {
			t.Fatalf("%s is missing and INTEROP_REQUIRE_SBOM=1: run make audit-tools", p)
		}
		t.Skipf("%s is missing: make audit-tools installs it (INTEROP_REQUIRE_SBOM=1 makes this a failure)", p)
	}
	return p
}

// runAudit runs the audit command from the root with env added, and
// returns its exit code, output and summary.
func runAudit(t *testing.T, env ...string) (int, string, Summary) {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(auditBinary(t))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), append([]string{"AUDIT_OUT=" + out, "AUDIT_STRICT="}, env...)...)
	text, err := cmd.CombinedOutput()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatalf("no summary.json: %v\n%s", err, text)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	return code, string(text), s
}

// TestUnreachableDatabase: govulncheck pointed at a database nobody
// listens on is reported as could-not-reach, and the run exits 0; with
// AUDIT_STRICT=1 it exits 3.
func TestUnreachableDatabase(t *testing.T) {
	gv := govulncheck(t)
	env := []string{"GOVULNCHECK=" + gv, "GOVULNCHECK_DB=http://127.0.0.1:9", "AUDIT_TOOLS=govulncheck"}
	code, text, s := runAudit(t, env...)
	if code != 0 {
		t.Fatalf("exit %d, want 0 for an unreachable database:\n%s", code, text)
	}
	if len(s.Results) != 1 || s.Results[0].Tool != "govulncheck" || s.Results[0].Status != StatusUnreachable {
		t.Fatalf("summary: %+v, want govulncheck %s\n%s", s.Results, StatusUnreachable, text)
	}
	if r := s.Results[0]; r.Database != "http://127.0.0.1:9" || r.Reason == "" {
		t.Errorf("reason %q, database %q: want the unreachable address and a reason", r.Reason, r.Database)
	}
	if !strings.Contains(text, "could not reach http://127.0.0.1:9") {
		t.Errorf("the table does not say could not reach:\n%s", text)
	}
	code, text, s = runAudit(t, append(env, "AUDIT_STRICT=1")...)
	if code != 3 || !s.Strict || s.ExitCode != 3 {
		t.Fatalf("AUDIT_STRICT=1: exit %d (summary %d), want 3:\n%s", code, s.ExitCode, text)
	}
}

// TestUnreachableDefaultDatabase: the default database (vuln.go.dev)
// through a proxy nobody listens on fails as a real outage does, while
// fetching, and is reported as could-not-reach.
func TestUnreachableDefaultDatabase(t *testing.T) {
	gv := govulncheck(t)
	code, text, s := runAudit(t, "GOVULNCHECK="+gv, "GOVULNCHECK_DB=", "HTTPS_PROXY=http://127.0.0.1:9", "https_proxy=http://127.0.0.1:9",
		"NO_PROXY=", "no_proxy=", "GOFLAGS=-mod=readonly", "GOPROXY=off", "AUDIT_TOOLS=govulncheck")
	if code != 0 || len(s.Results) != 1 || s.Results[0].Status != StatusUnreachable {
		t.Fatalf("exit %d, summary %+v: want govulncheck %s\n%s", code, s.Results, StatusUnreachable, text)
	}
	if r := s.Results[0]; r.Database != "https://vuln.go.dev" || !strings.Contains(r.Reason, "127.0.0.1:9") {
		t.Errorf("reason %q, database %q: want vuln.go.dev through 127.0.0.1:9", r.Reason, r.Database)
	}
}

// TestEmptyDatabase: against a local, empty vulnerability database
// govulncheck runs and finds nothing.
func TestEmptyDatabase(t *testing.T) {
	gv := govulncheck(t)
	db := t.TempDir()
	for name, content := range map[string]string{
		"index/db.json":      `{"modified":"2026-01-01T00:00:00Z"}`,
		"index/modules.json": `[]`,
		"index/vulns.json":   `[]`,
	} {
		p := filepath.Join(db, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, text, s := runAudit(t, "GOVULNCHECK="+gv, "GOVULNCHECK_DB=file://"+db, "AUDIT_TOOLS=govulncheck")
	if code != 0 || len(s.Results) != 1 || s.Results[0].Status != StatusNoFindings {
		t.Fatalf("exit %d, summary %+v: want govulncheck %s\n%s", code, s.Results, StatusNoFindings, text)
	}
}

// TestNpmUnreachableRegistry: npm audit against a registry nobody listens on.
func TestNpmUnreachableRegistry(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not on PATH")
	}
	code, text, s := runAudit(t, "NPM="+npm, "NPM_REGISTRY=http://127.0.0.1:9", "AUDIT_TOOLS=npm-audit")
	if code != 0 || len(s.Results) != 1 || s.Results[0].Status != StatusUnreachable {
		t.Fatalf("exit %d, summary %+v: want npm-audit %s\n%s", code, s.Results, StatusUnreachable, text)
	}
}

// TestNotInstalled: a tool that is not there is an error, exit 2.
func TestNotInstalled(t *testing.T) {
	code, text, s := runAudit(t, "CARGO_AUDIT="+filepath.Join(t.TempDir(), "cargo-audit"), "AUDIT_TOOLS=cargo-audit")
	if code != 2 || s.Results[0].Status != StatusError || !strings.Contains(s.Results[0].Reason, "not installed") {
		t.Fatalf("exit %d, summary %+v: want cargo-audit %s, exit 2\n%s", code, s.Results, StatusError, text)
	}
}

func TestExitCode(t *testing.T) {
	r := func(statuses ...string) []Result {
		var out []Result
		for _, s := range statuses {
			out = append(out, Result{Status: s})
		}
		return out
	}
	for _, c := range []struct {
		results []Result
		strict  bool
		want    int
	}{
		{r(StatusNoFindings, StatusNoFindings), false, 0},
		{r(StatusNoFindings, StatusUnreachable), false, 0},
		{r(StatusUnreachable, StatusUnreachable), true, 3},
		{r(StatusUnreachable, StatusError), false, 2},
		{r(StatusError, StatusFindings), false, 1},
		{r(StatusUnreachable, StatusFindings), true, 1},
	} {
		if got := ExitCode(c.results, c.strict); got != c.want {
			t.Errorf("ExitCode(%v, strict=%v) = %d, want %d", c.results, c.strict, got, c.want)
		}
	}
}

// The classifiers, on outputs of the kinds each tool prints.
func TestClassify(t *testing.T) {
	cases := []struct {
		name     string
		classify func(Output) (string, string, []Finding)
		out      Output
		status   string
		findings []string // ID package
		reason   string   // a part of the reason
	}{
		{
			name: "govulncheck: called and not called", classify: ClassifyGovulncheck,
			out: Output{Stdout: []byte(`{"config":{"protocol_version":"v1.0.0"}}
{"osv":{"id":"GO-2099-0001"}}
{"finding":{"osv":"GO-2099-0001","fixed_version":"v1.13.0","trace":[{"module":"github.com/tetratelabs/wazero","version":"v1.12.0"}]}}
{"finding":{"osv":"GO-2099-0001","fixed_version":"v1.13.0","trace":[{"module":"github.com/tetratelabs/wazero","version":"v1.12.0","package":"github.com/tetratelabs/wazero","function":"NewRuntime"},{"module":"github.com/interopkit/interop","function":"Open"}]}}
{"finding":{"osv":"GO-2099-0002","trace":[{"module":"golang.org/x/text","version":"v0.14.0","package":"golang.org/x/text/language"}]}}
`)},
			status: StatusFindings, findings: []string{"GO-2099-0001 github.com/tetratelabs/wazero"}, reason: "1 more advisories",
		},
		{
			name: "govulncheck: database unreachable", classify: ClassifyGovulncheck,
			out:    Output{ExitCode: 1, Stderr: []byte(`govulncheck: fetching vulnerabilities: Get "https://vuln.go.dev/index/modules.json.gz": dial tcp: lookup vuln.go.dev: no such host` + "\n")},
			status: StatusUnreachable, reason: "no such host",
		},
		{
			name: "govulncheck: the code does not build", classify: ClassifyGovulncheck,
			out:    Output{ExitCode: 1, Stderr: []byte("govulncheck: loading packages: main.go:3:1: expected 'package'\n")},
			status: StatusError, reason: "loading packages",
		},
		{
			// A build error that happens to contain a network word is
			// still a build error, not an unreachable database.
			name: "govulncheck: a build error naming timeout", classify: ClassifyGovulncheck,
			out:    Output{ExitCode: 1, Stderr: []byte("govulncheck: loading packages: x.go:9:2: declared and not used: timeout\n")},
			status: StatusError, reason: "declared and not used",
		},
		{
			name: "pip-audit: stopped by the runner", classify: ClassifyPipAudit,
			out:    Output{ExitCode: -1, TimedOut: true, Stderr: []byte("Collecting\n")},
			status: StatusError, reason: "did not finish in time",
		},
		{
			name: "npm audit: findings", classify: ClassifyNpmAudit,
			out: Output{ExitCode: 1, Stdout: []byte(`{"auditReportVersion":2,"vulnerabilities":{
 "ws":{"name":"ws","severity":"high","range":"8.0.0 - 8.17.0","via":[{"source":1098392,"name":"ws","title":"ws DoS","url":"https://github.com/advisories/GHSA-3h5v-q93c-6h6q","severity":"high","range":">=8.0.0 <8.17.1"}]},
 "engine":{"name":"engine","severity":"high","range":"1.0.0","via":["ws"]}},
 "metadata":{"vulnerabilities":{"high":2,"total":2}}}`)},
			status: StatusFindings, findings: []string{"via dependency engine", "https://github.com/advisories/GHSA-3h5v-q93c-6h6q ws"},
		},
		{
			name: "npm audit: none", classify: ClassifyNpmAudit,
			out:    Output{Stdout: []byte(`{"auditReportVersion":2,"vulnerabilities":{},"metadata":{"vulnerabilities":{"total":0}}}`)},
			status: StatusNoFindings,
		},
		{
			name: "npm audit: the registry refuses the bulk POST", classify: ClassifyNpmAudit,
			out: Output{ExitCode: 1, Stdout: []byte(`{"message":"405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk","statusCode":405,"error":{"summary":"","detail":""}}`),
				Stderr: []byte("npm error audit endpoint returned an error\n")},
			status: StatusUnreachable, reason: "405 Method Not Allowed",
		},
		{
			name: "npm audit: no lock file", classify: ClassifyNpmAudit,
			out:    Output{ExitCode: 1, Stdout: []byte(`{"error":{"code":"ENOLOCK","summary":"This command requires an existing lockfile.","detail":""}}`)},
			status: StatusError, reason: "ENOLOCK",
		},
		{
			name: "pip-audit: findings, one package skipped", classify: ClassifyPipAudit,
			out: Output{ExitCode: 1, Stdout: []byte(`{"dependencies":[
 {"name":"aiohttp","version":"3.14.5","vulns":[{"id":"PYSEC-2099-1","fix_versions":["3.14.6"],"aliases":["CVE-2099-1"],"description":"x"}]},
 {"name":"elizaos","version":"2.0.0a5","vulns":[]},
 {"name":"private","skip_reason":"Dependency not found on PyPI and could not be audited: private (1.0)"}],"fixes":[]}`)},
			status: StatusFindings, findings: []string{"PYSEC-2099-1 aiohttp"}, reason: "1 of 3 packages not audited",
		},
		{
			name: "pip-audit: PyPI JSON API not served", classify: ClassifyPipAudit,
			out: Output{Stdout: []byte(`{"dependencies":[
 {"name":"aiohttp","skip_reason":"Dependency not found on PyPI and could not be audited: aiohttp (3.14.5)"},
 {"name":"elizaos","skip_reason":"Dependency not found on PyPI and could not be audited: elizaos (2.0.0a5)"}],"fixes":[]}`)},
			status: StatusUnreachable, reason: "none of the 2 locked packages",
		},
		{
			name: "pip-audit: OSV unreachable", classify: ClassifyPipAudit,
			out: Output{ExitCode: 1, Stderr: []byte("Traceback (most recent call last):\n" +
				"requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded with url: /v1/query (Caused by NameResolutionError(...))\n")},
			status: StatusUnreachable, reason: "api.osv.dev",
		},
		{
			name: "cargo audit: findings and warnings", classify: ClassifyCargoAudit,
			out: Output{ExitCode: 1, Stdout: []byte(`{"database":{},"lockfile":{"dependency-count":148},"settings":{},
 "vulnerabilities":{"found":true,"count":1,"list":[{"advisory":{"id":"RUSTSEC-2099-0001","package":"idna","title":"Punycode bug"},"versions":{"patched":[">=1.0.0"]},"package":{"name":"idna","version":"0.5.0"}}]},
 "warnings":{"unmaintained":[{"kind":"unmaintained"}],"yanked":[]}}`)},
			status: StatusFindings, findings: []string{"RUSTSEC-2099-0001 idna"}, reason: "1 unmaintained",
		},
		{
			name: "cargo audit: none", classify: ClassifyCargoAudit,
			out:    Output{Stdout: []byte(`{"vulnerabilities":{"found":false,"count":0,"list":[]},"warnings":{}}`)},
			status: StatusNoFindings,
		},
		{
			name: "cargo audit: advisory-db fetch fails", classify: ClassifyCargoAudit,
			out: Output{ExitCode: 1, Stderr: []byte("    Fetching advisory database from `https://github.com/RustSec/advisory-db.git`\n" +
				"error: couldn't fetch advisory database: git operation failed: An IO error occurred when talking to the server\n" +
				"Caused by:\n  -> An IO error occurred when talking to the server\n" +
				"  -> error sending request for url (https://github.com/RustSec/advisory-db.git/info/refs?service=git-upload-pack)\n")},
			status: StatusUnreachable, reason: "couldn't fetch advisory database: git operation failed: An IO error occurred when talking to the server (error sending request",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, reason, findings := c.classify(c.out)
			if status != c.status {
				t.Fatalf("status %q (reason %q), want %q", status, reason, c.status)
			}
			if !strings.Contains(reason, c.reason) {
				t.Errorf("reason %q does not contain %q", reason, c.reason)
			}
			var got []string
			for _, f := range findings {
				got = append(got, f.ID+" "+f.Package)
			}
			if strings.Join(got, "|") != strings.Join(c.findings, "|") {
				t.Errorf("findings %q, want %q", got, c.findings)
			}
		})
	}
}
