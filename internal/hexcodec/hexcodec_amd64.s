//go:build amd64 && !purego

#include "textflag.h"

// BYTES defines a 16-byte constant of one 8-byte pattern repeated.
#define BYTES(name, b) \
	DATA name<>+0(SB)/8, $b \
	DATA name<>+8(SB)/8, $b \
	GLOBL name<>(SB), RODATA|NOPTR, $16

BYTES(nibble, 0x0f0f0f0f0f0f0f0f)

BYTES(nine, 0x0909090909090909)

BYTES(zero, 0x3030303030303030)

// 'a' - '0' - 10
BYTES(gap, 0x2727272727272727)

// '0' - 1
BYTES(belowDigit, 0x2f2f2f2f2f2f2f2f)

// '9' + 1
BYTES(aboveDigit, 0x3a3a3a3a3a3a3a3a)

// 'a' - 1
BYTES(belowLetter, 0x6060606060606060)

// 'f' + 1
BYTES(aboveLetter, 0x6767676767676767)

BYTES(caseBit, 0x2020202020202020)

// The high nibble's place in each 16-bit word.
BYTES(highNibble, 0x00f000f000f000f0)

// HEXDIGITS turns the 16 nibbles in N into their lower-case hex digits:
// nibble + '0', plus 'a' - '0' - 10 where the nibble is above 9. T is
// scratch; X9, X10 and X11 hold nine, zero and gap.
#define HEXDIGITS(N, T) \
	MOVO    N, T \
	PCMPGTB X9, T \
	PAND    X11, T \
	PADDB   X10, N \
	PADDB   T, N

// func encodeSSE2(dst, src *byte, n int)
// n is a positive multiple of 16; dst holds 2n bytes.
TEXT ·encodeSSE2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVOU nibble<>(SB), X8
	MOVOU nine<>(SB), X9
	MOVOU zero<>(SB), X10
	MOVOU gap<>(SB), X11

encloop:
	MOVOU (SI), X0
	MOVO  X0, X1
	PSRLW $4, X1
	PAND  X8, X1 // high nibbles
	PAND  X8, X0 // low nibbles

	HEXDIGITS(X1, X2)
	HEXDIGITS(X0, X3)

	// High digit first: interleave high and low digits.
	MOVO      X1, X4
	PUNPCKLBW X0, X4
	PUNPCKHBW X0, X1
	MOVOU     X4, (DI)
	MOVOU     X1, 16(DI)

	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $16, CX
	JNZ  encloop
	RET

// DECODE16 turns the 16 hex characters in IN into 8 bytes, one per 16-bit
// word of IN, and ANDs the per-character validity mask into X7.
#define DECODE16(IN) \
	MOVO    IN, X1 \
	PCMPGTB X8, X1 \
	MOVO    X9, X2 \
	PCMPGTB IN, X2 \
	PAND    X2, X1 \
	MOVO    IN, X3 \
	POR     X12, X3 \
	MOVO    X3, X4 \
	PCMPGTB X10, X4 \
	MOVO    X11, X5 \
	PCMPGTB X3, X5 \
	PAND    X5, X4 \
	POR     X4, X1 \
	PAND    X1, X7 \
	PAND    X13, IN \
	PAND    X14, X4 \
	PADDB   X4, IN \
	MOVO    IN, X1 \
	PSLLW   $4, IN \
	PAND    X15, IN \
	PSRLW   $8, X1 \
	POR     X1, IN

// func decodeSSE2(dst, src *byte, n int) bool
// n is a positive multiple of 32; dst holds n/2 bytes. Reports whether
// every character was a hex digit.
TEXT ·decodeSSE2(SB), NOSPLIT, $0-25
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  n+16(FP), CX
	MOVOU belowDigit<>(SB), X8
	MOVOU aboveDigit<>(SB), X9
	MOVOU belowLetter<>(SB), X10
	MOVOU aboveLetter<>(SB), X11
	MOVOU caseBit<>(SB), X12
	MOVOU nibble<>(SB), X13
	MOVOU nine<>(SB), X14
	MOVOU highNibble<>(SB), X15
	PCMPEQB X7, X7 // all valid so far

decloop:
	MOVOU (SI), X0
	MOVOU 16(SI), X6
	DECODE16(X0)
	DECODE16(X6)
	PACKUSWB X6, X0
	MOVOU    X0, (DI)

	ADDQ $32, SI
	ADDQ $16, DI
	SUBQ $32, CX
	JNZ  decloop

	PMOVMSKB X7, AX
	CMPL     AX, $0xffff
	SETEQ    ret+24(FP)
	RET
