//go:build amd64 && !purego

#include "textflag.h"

#define BYTES(name, b) \
	DATA name<>+0(SB)/8, $b \
	DATA name<>+8(SB)/8, $b \
	GLOBL name<>(SB), RODATA|NOPTR, $16

BYTES(c26, 0x2626262626262626)
BYTES(c2b, 0x2b2b2b2b2b2b2b2b)
BYTES(c2c, 0x2c2c2c2c2c2c2c2c)
BYTES(c2f, 0x2f2f2f2f2f2f2f2f)
BYTES(c3a, 0x3a3a3a3a3a3a3a3a)
BYTES(c60, 0x6060606060606060)
BYTES(c7b, 0x7b7b7b7b7b7b7b7b)
BYTES(c20, 0x2020202020202020)
BYTES(c5f, 0x5f5f5f5f5f5f5f5f)
BYTES(c21, 0x2121212121212121)
BYTES(c7e, 0x7e7e7e7e7e7e7e7e)

// RANGE sets DST to the mask of bytes of X strictly between LO and HI
// (signed compares: bytes of 0x80 and above are below every bound).
#define RANGE(X, LO, HI, DST, T) \
	MOVO    X, DST \
	PCMPGTB LO, DST \
	MOVO    HI, T \
	PCMPGTB X, T \
	PAND    T, DST

// func copyUnreservedSSE2(dst, src *byte, n int) int
// n is a multiple of 16. Copies 16-byte blocks while every byte is one
// that encodeURIComponent leaves alone: A-Z a-z 0-9 - _ . ! ~ * ' ( ),
// and returns the number of leading such bytes. The block holding the
// first other byte is stored too, whole: dst must have room for it.
TEXT ·copyUnreservedSSE2(SB), NOSPLIT, $0-32
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  n+16(FP), CX
	XORQ  AX, AX
	MOVOU c26<>(SB), X8
	MOVOU c2b<>(SB), X9
	MOVOU c2c<>(SB), X10
	MOVOU c2f<>(SB), X11
	MOVOU c3a<>(SB), X12
	MOVOU c60<>(SB), X13
	MOVOU c7b<>(SB), X14
	MOVOU c20<>(SB), X15
	MOVOU c5f<>(SB), X4
	MOVOU c21<>(SB), X5
	MOVOU c7e<>(SB), X6

loop:
	CMPQ AX, CX
	JAE  done
	MOVOU (SI)(AX*1), X0
	RANGE(X0, X8, X9, X1, X7)   // ' ( ) *
	RANGE(X0, X10, X11, X2, X7) // - .
	POR   X2, X1
	RANGE(X0, X11, X12, X2, X7) // 0-9
	POR   X2, X1
	MOVO  X0, X3
	POR   X15, X3               // fold A-Z onto a-z
	RANGE(X3, X13, X14, X2, X7) // letters
	POR   X2, X1
	MOVO  X4, X2
	PCMPEQB X0, X2 // _
	POR   X2, X1
	MOVO  X5, X2
	PCMPEQB X0, X2 // !
	POR   X2, X1
	MOVO  X6, X2
	PCMPEQB X0, X2 // ~
	POR   X2, X1
	PMOVMSKB X1, DX
	MOVOU X0, (DI)(AX*1)
	CMPL  DX, $0xffff
	JNE   partial
	ADDQ  $16, AX
	JMP   loop

partial:
	// The first zero bit of the mask is the first byte to escape.
	NOTL  DX
	BSFL  DX, DX
	ADDQ  DX, AX

done:
	MOVQ AX, ret+24(FP)
	RET
