package secretscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/interopkit/interop/internal/safefile"
)

// DefaultGlobs returns the globs that select prompt templates, as upstream
// does (a new slice each time: nothing shared can be changed).
func DefaultGlobs() []string { return []string{"*.txt"} }

// MaxFileSize bounds one scanned file; a larger one is skipped with a notice.
const MaxFileSize = 16 << 20

// Options configure Scan.
type Options struct {
	// Globs select the files scanned inside directories, matched against
	// the base name with path/filepath.Match; DefaultGlobs when empty.
	// Files named explicitly are scanned whatever their name.
	Globs []string
}

// FileFinding is a finding in one file.
type FileFinding struct {
	File string `json:"file"`
	Finding
}

// Notice reports a file that was skipped, or read with a caveat.
type Notice struct {
	File string `json:"file"`
	// Arg is set, and File empty, for a named path that does not exist:
	// its position in the paths given to Scan, counting from 1. Such an
	// argument may be no path at all (a secret pasted in the wrong
	// place), so it is not repeated.
	Arg     int    `json:"arg,omitempty"`
	Skipped bool   `json:"skipped"`
	Msg     string `json:"message"`
}

// Report is the result of a scan.
type Report struct {
	Findings []FileFinding `json:"findings"`
	Notices  []Notice      `json:"notices"`
	Files    int           `json:"files"` // files scanned
	// Missing counts what could not be checked: named paths that do not
	// exist, and files or directories, named or selected in a walk, that
	// cannot be read (permission denied, not a regular file, a dangling
	// link, a pseudo-file of /proc or /sys).
	Missing int `json:"missing"`
}

// Errors counts error-level findings.
func (r *Report) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// ErrBadGlob reports a glob pattern path/filepath.Match cannot use.
var ErrBadGlob = errors.New("secretscan: bad glob pattern")

// Scan scans every file named in paths and every file selected by the
// globs below every directory named in paths, in sorted path order.
// A directory named through a symbolic link is walked; inside a walk,
// links to files the globs select are followed, links to directories are
// not (with a notice). Unreadable, oversized and binary (NUL-containing)
// files are skipped with a notice and the scan goes on; what cannot be
// read (see Report.Missing) is counted. Text that is not valid UTF-8 is
// scanned with U+FFFD in place of the bad bytes, as upstream reads it,
// with a notice. The error is only for bad options (ErrBadGlob, naming the
// pattern by its position) or a cancelled context.
func Scan(ctx context.Context, paths []string, opts Options) (*Report, error) {
	globs := opts.Globs
	if len(globs) == 0 {
		globs = DefaultGlobs()
	}
	for i, g := range globs {
		if _, err := filepath.Match(g, ""); err != nil {
			return nil, fmt.Errorf("%w: pattern %d: %w", ErrBadGlob, i+1, err)
		}
	}
	rep := &Report{}
	var files []string
	for i, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			n := Notice{File: p, Skipped: true, Msg: describe(err)}
			if _, lerr := os.Lstat(p); lerr != nil {
				n.File, n.Arg = "", i+1 // nothing by that name: see Notice.Arg
			}
			rep.Notices = append(rep.Notices, n)
			rep.Missing++
			continue
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		root := p
		if lst, err := os.Lstat(p); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
			// WalkDir does not follow a link, even at its root; with a
			// separator at its end, the root is the directory linked to.
			root = p + string(filepath.Separator)
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err != nil {
				rep.Notices = append(rep.Notices, Notice{File: path, Skipped: true, Msg: describe(err)})
				rep.Missing++
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if st, err := os.Stat(path); err == nil && st.IsDir() {
					rep.Notices = append(rep.Notices, Notice{File: path, Skipped: true, Msg: "a symbolic link to a directory: not followed"})
					return nil
				}
			}
			// Anything else selected is checked as a named file is: a
			// FIFO, a device or a dangling link is refused and counted,
			// not passed over.
			if matchAny(globs, d.Name()) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	files = dedupe(files)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		scanFile(f, rep)
	}
	return rep, nil
}

func scanFile(path string, rep *Report) {
	skip := func(msg string) { rep.Notices = append(rep.Notices, Notice{File: path, Skipped: true, Msg: msg}) }
	// Devices, FIFOs, sockets and files of /proc or /sys would block or
	// never end: safefile refuses them without blocking.
	f, err := safefile.Open(path)
	if err != nil {
		skip(describe(err))
		rep.Missing++
		return
	}
	defer f.Close()
	// The size from Stat may be stale: the read itself is bounded.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		skip(describe(err))
		rep.Missing++
		return
	}
	if len(data) > MaxFileSize {
		skip(fmt.Sprintf("file is over the %d-byte limit", MaxFileSize))
		return
	}
	if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
		rep.Notices = append(rep.Notices, Notice{File: path, Skipped: true, Msg: "binary file (contains NUL bytes)"})
		return
	}
	text := string(data)
	if !utf8.ValidString(text) {
		rep.Notices = append(rep.Notices, Notice{File: path, Msg: "not valid UTF-8: invalid bytes read as U+FFFD"})
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	rep.Files++
	for _, f := range ScanText(text) {
		rep.Findings = append(rep.Findings, FileFinding{File: path, Finding: f})
	}
}

// describe keeps I/O errors to their cause; the path is reported next to
// it already.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if ok, _ := filepath.Match(g, name); ok {
			return true
		}
	}
	return false
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
