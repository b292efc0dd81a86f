//go:build amd64 && !purego

#include "textflag.h"

DATA nibble<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA nibble<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL nibble<>(SB), RODATA|NOPTR, $16

DATA nine<>+0(SB)/8, $0x0909090909090909
DATA nine<>+8(SB)/8, $0x0909090909090909
GLOBL nine<>(SB), RODATA|NOPTR, $16

DATA zero<>+0(SB)/8, $0x3030303030303030
DATA zero<>+8(SB)/8, $0x3030303030303030
GLOBL zero<>(SB), RODATA|NOPTR, $16

// 'a' - '0' - 10
DATA gap<>+0(SB)/8, $0x2727272727272727
DATA gap<>+8(SB)/8, $0x2727272727272727
GLOBL gap<>(SB), RODATA|NOPTR, $16

// '0' - 1
DATA belowDigit<>+0(SB)/8, $0x2f2f2f2f2f2f2f2f
DATA belowDigit<>+8(SB)/8, $0x2f2f2f2f2f2f2f2f
GLOBL belowDigit<>(SB), RODATA|NOPTR, $16

// '9' + 1
DATA aboveDigit<>+0(SB)/8, $0x3a3a3a3a3a3a3a3a
DATA aboveDigit<>+8(SB)/8, $0x3a3a3a3a3a3a3a3a
GLOBL aboveDigit<>(SB), RODATA|NOPTR, $16

// 'a' - 1
DATA belowLetter<>+0(SB)/8, $0x6060606060606060
DATA belowLetter<>+8(SB)/8, $0x6060606060606060
GLOBL belowLetter<>(SB), RODATA|NOPTR, $16

// 'f' + 1
DATA aboveLetter<>+0(SB)/8, $0x6767676767676767
DATA aboveLetter<>+8(SB)/8, $0x6767676767676767
GLOBL aboveLetter<>(SB), RODATA|NOPTR, $16

DATA caseBit<>+0(SB)/8, $0x2020202020202020
DATA caseBit<>+8(SB)/8, $0x2020202020202020
GLOBL caseBit<>(SB), RODATA|NOPTR, $16

// The high nibble's place in each 16-bit word.
DATA highNibble<>+0(SB)/8, $0x00f000f000f000f0
DATA highNibble<>+8(SB)/8, $0x00f000f000f000f0
GLOBL highNibble<>(SB), RODATA|NOPTR, $16

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

	// digit = nibble + '0', plus 39 where nibble > 9
	MOVO    X1, X2
	PCMPGTB X9, X2
	PAND    X11, X2
	PADDB   X10, X1
	PADDB   X2, X1

	MOVO    X0, X3
	PCMPGTB X9, X3
	PAND    X11, X3
	PADDB   X10, X0
	PADDB   X3, X0

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
