//go:build !unix

package settingsmigrate

import (
	"io/fs"
	"os"
)

// canWrite has no access(2) to ask outside Unix; the read-only mode
// check and the create and rename themselves decide.
func canWrite(string) error { return nil }

// canWriteDir: see canWrite.
func canWriteDir(string) error { return nil }

// keepOwner: files have no Unix owner to keep.
func keepOwner(*os.File, fs.FileInfo) error { return nil }
