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

BYTES(lowerA, 0x6161616161616161)

// 0x80 - 10 and 0x80 - 6: added with saturation to c - '0' and to
// (c | 0x20) - 'a', they set the top bit unless c is a digit or a letter.
BYTES(digitTest, 0x7676767676767676)

BYTES(letterTest, 0x7a7a7a7a7a7a7a7a)

BYTES(ten, 0x0a0a0a0a0a0a0a0a)

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
// word of IN, and ORs into X7 a byte with the top bit set for every
// character that is not a hex digit. With d = c - '0' and
// l = (c | 0x20) - 'a' (bytes, wrapping), c is a digit iff d <= 9 and a
// letter iff l <= 5, both unsigned; adding 0x76 and 0x7a with unsigned
// saturation moves each test to the top bit, clear when it passes. The
// value is min(d, l + 10): for a digit l + 10 wraps above 0xd8, for a
// letter d is above 0x10. X8, X9, X10, X11, X12, X14 and X15 hold '0',
// 0x76, 'a', 0x7a, 0x20, 10 and the high-nibble mask.
#define DECODE16(IN) \
	MOVO    IN, X1 \
	POR     X12, X1 \
	PSUBB   X10, X1 \
	PSUBB   X8, IN \
	MOVO    IN, X2 \
	PADDUSB X9, X2 \
	MOVO    X1, X3 \
	PADDUSB X11, X3 \
	PAND    X3, X2 \
	POR     X2, X7 \
	PADDB   X14, X1 \
	PMINUB  X1, IN \
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
	MOVOU zero<>(SB), X8
	MOVOU digitTest<>(SB), X9
	MOVOU lowerA<>(SB), X10
	MOVOU letterTest<>(SB), X11
	MOVOU caseBit<>(SB), X12
	MOVOU ten<>(SB), X14
	MOVOU highNibble<>(SB), X15
	PXOR  X7, X7 // no invalid character so far

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
	TESTL    AX, AX
	SETEQ    ret+24(FP)
	RET

// func cpuid(leaf, sub uint32) (a, b, c, d uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, a+8(FP)
	MOVL BX, b+12(FP)
	MOVL CX, c+16(FP)
	MOVL DX, d+20(FP)
	RET

// func xgetbv() uint32
// The low half of XCR0: which register states the OS saves.
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL   $0, CX
	XGETBV
	MOVL   AX, ret+0(FP)
	RET

// DECODE32 is DECODE16 on 32 characters with AVX2, the constants in Y8,
// Y9, Y10, Y11, Y12, Y14 and Y15 and the invalid bits ORed into Y7.
#define DECODE32(IN) \
	VPOR     Y12, IN, Y1 \
	VPSUBB   Y10, Y1, Y1 \
	VPSUBB   Y8, IN, IN \
	VPADDUSB Y9, IN, Y2 \
	VPADDUSB Y11, Y1, Y3 \
	VPAND    Y3, Y2, Y2 \
	VPOR     Y2, Y7, Y7 \
	VPADDB   Y14, Y1, Y1 \
	VPMINUB  Y1, IN, IN \
	VPSLLW   $4, IN, Y1 \
	VPAND    Y15, Y1, Y1 \
	VPSRLW   $8, IN, IN \
	VPOR     Y1, IN, IN

// func decodeAVX2(dst, src *byte, n int) bool
// n is a positive multiple of 64; dst holds n/2 bytes. Reports whether
// every character was a hex digit.
TEXT ·decodeAVX2(SB), NOSPLIT, $0-25
	MOVQ           dst+0(FP), DI
	MOVQ           src+8(FP), SI
	MOVQ           n+16(FP), CX
	VBROADCASTI128 zero<>(SB), Y8
	VBROADCASTI128 digitTest<>(SB), Y9
	VBROADCASTI128 lowerA<>(SB), Y10
	VBROADCASTI128 letterTest<>(SB), Y11
	VBROADCASTI128 caseBit<>(SB), Y12
	VBROADCASTI128 ten<>(SB), Y14
	VBROADCASTI128 highNibble<>(SB), Y15
	VPXOR          Y7, Y7, Y7

avxloop:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y6
	DECODE32(Y0)
	DECODE32(Y6)
	// Packing works within 128-bit lanes: the quadwords come out in the
	// order 0, 2, 1, 3 of the wanted result.
	VPACKUSWB Y6, Y0, Y0
	VPERMQ    $0xd8, Y0, Y0
	VMOVDQU   Y0, (DI)

	ADDQ $64, SI
	ADDQ $32, DI
	SUBQ $64, CX
	JNZ  avxloop

	VPMOVMSKB Y7, AX
	VZEROUPPER
	TESTL     AX, AX
	SETEQ     ret+24(FP)
	RET
