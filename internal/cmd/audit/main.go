// Command audit runs the vulnerability audits of make audit (package
// internal/audit): govulncheck, npm audit, pip-audit and cargo audit, each
// against its advisory database where that database can be reached. It
// prints a table, writes build/audit/summary.json (AUDIT_OUT), and exits 1 on
// findings, 2 on a tool error, 3 on an unreachable database with
// AUDIT_STRICT=1, and 0 otherwise. Run it from the repository root; the
// environment variables it reads are those of audit.ConfigFromEnv.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/interopkit/interop/internal/audit"
)

func main() {
	os.Exit(run())
}

func run() int {
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		return 2
	}
	c := audit.ConfigFromEnv(root)
	tools, err := audit.Tools(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s, err := audit.Run(ctx, c, tools)
	if err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		return 2
	}
	audit.WriteTable(os.Stdout, s)
	rel := filepath.Join(c.OutDir, "summary.json")
	if r, err := filepath.Rel(root, rel); err == nil && !strings.HasPrefix(r, "..") {
		rel = r
	}
	switch s.ExitCode {
	case 0:
		ran, unreachable := 0, 0
		for _, r := range s.Results {
			if r.Status == audit.StatusUnreachable {
				unreachable++
			} else {
				ran++
			}
		}
		if unreachable > 0 {
			fmt.Printf("audit: no findings from the %d audits that ran; %d could not reach their advisory database (AUDIT_STRICT=1 fails on that) (summary: %s)\n", ran, unreachable, rel)
		} else {
			fmt.Printf("audit: no findings (summary: %s)\n", rel)
		}
	case 1:
		fmt.Printf("audit: FINDINGS (summary: %s)\n", rel)
	case 2:
		fmt.Printf("audit: a tool failed (summary: %s)\n", rel)
	case 3:
		fmt.Printf("audit: AUDIT_STRICT=1 and an advisory database could not be reached (summary: %s)\n", rel)
	}
	return s.ExitCode
}
