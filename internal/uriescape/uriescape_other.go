//go:build !amd64 || purego

package uriescape

func copyUnreserved(dst []byte, s string) int { return copyUnreservedGeneric(dst, s) }
