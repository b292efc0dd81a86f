package parity

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium finds Debian's chromium, which make test installs.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (make test installs Debian's chromium package); the HTML report is not rendered here")
	return ""
}

// TestHTMLReportInChromium renders the HTML report in headless Chromium
// and checks, in the DOM after its script ran, that the matrix is there
// with the failing cell marked, that the failure is open with a visible
// diff of expected and actual, and that the filters work.
func TestHTMLReportInChromium(t *testing.T) {
	bin := chromium(t)
	rep := run(t, Config{Peers: []PeerSpec{fake(t, "good", "good"), fake(t, "bad", "wrong:d-2")}})
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dom, err := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+page).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	html := string(dom)
	for _, want := range []string{
		`<td class="bad">4 ✗1</td>`, // the failing peer's matrix cell
		`<td class="ok">5</td>`,
		`<del>1</del>`, `<ins>2</ins>`, // the diff of want "v1" and got "v2"
		`data-case-open="d-2"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered page lacks %s", want)
		}
	}
	// The filter script ran: by default only failures and deviations show.
	if m := regexp.MustCompile(`id="f-count">(\d+) shown<`).FindStringSubmatch(html); m == nil || m[1] != "1" {
		t.Errorf("filter count %v", m)
	}
	if t.Failed() {
		t.Logf("rendered DOM:\n%s", html)
	}
}
