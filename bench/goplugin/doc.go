// Package goplugin compares the IPC bridge with hashicorp/go-plugin, the
// best-known Go plugin system, on the same machine in the same run: one
// small call at a time through a child process. It is a module of its own
// so that the interop library never depends on go-plugin.
package goplugin
