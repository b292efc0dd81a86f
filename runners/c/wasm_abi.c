/*
 * wasm_abi.c: the example plugin as a WebAssembly guest of spec/wasm.md,
 * built with clang --target=wasm32 -nostdlib. Exports memory, alloc,
 * dealloc, get_manifest, init, validate_action, invoke_action,
 * get_provider, validate_evaluator and invoke_evaluator; imports only
 * interop.fail and interop.sleep.
 *
 * Strings are (ptr, len) pairs into linear memory, never NUL-terminated.
 * Results are result words (ptr << 32 | len), 0 for none; the host frees
 * each with dealloc(ptr, len).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "example_core.h"

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(mod, name) __attribute__((import_module(mod), import_name(name)))

IMPORT("interop", "fail") void interop_fail(const char *ptr, uint32_t len);
IMPORT("interop", "sleep") int32_t interop_sleep(int32_t ms);

/* ------------------------------------------------------------------ */
/* The allocator: power-of-two size classes with one free list each,
 * carved from a bump region that grows linear memory on demand. Every
 * block has an 8-byte header naming its class, so dealloc does not depend
 * on the size the caller passes, and freed blocks are reused by the next
 * allocation of the same class. */

extern unsigned char __heap_base;

#define PAGE 65536u
#define HDR 8u
#define MIN_CLASS 4 /* 16-byte blocks */
#define MAX_CLASS 31
#define MAGIC 0xA110C000u

static uintptr_t heap_top;              /* the bump pointer */
static void *free_lists[MAX_CLASS + 1]; /* free blocks' payloads, linked through their first word */

/* The smallest class whose blocks hold need bytes (8 <= need < 2^31), in
 * O(1): ceil(log2(need)), at least MIN_CLASS. */
static int size_class(uint32_t need)
{
    int c = 32 - __builtin_clz(need - 1);
    return c < MIN_CLASS ? MIN_CLASS : c;
}

static void *heap_alloc(size_t size)
{
    uint32_t need;
    int c;
    unsigned char *block;
    if (size > 0x7FFFFFFFu - HDR)
        return NULL;
    need = (uint32_t)size + HDR;
    c = size_class(need);
    if (c < 0)
        return NULL;
    if (free_lists[c]) {
        void *p = free_lists[c];
        free_lists[c] = *(void **)p;
        return p;
    }
    if (!heap_top)
        heap_top = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15;
    {
        uintptr_t end = heap_top + ((uintptr_t)1 << c);
        uintptr_t have = (uintptr_t)__builtin_wasm_memory_size(0) * PAGE;
        if (end < heap_top)
            return NULL;
        if (end > have) {
            uintptr_t pages = (end - have + PAGE - 1) / PAGE;
            if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1)
                return NULL;
        }
        block = (unsigned char *)heap_top;
        heap_top = end;
    }
    *(uint32_t *)block = MAGIC | (uint32_t)c;
    return block + HDR;
}

static void heap_free(void *p)
{
    uint32_t h;
    int c;
    if (!p)
        return;
    h = *(uint32_t *)((unsigned char *)p - HDR);
    if ((h & ~0xFFu) != MAGIC)
        return; /* not ours: leave it rather than corrupt the lists */
    c = (int)(h & 0xFF);
    if (c < MIN_CLASS || c > MAX_CLASS)
        return;
    *(void **)p = free_lists[c];
    free_lists[c] = p;
}

static void *core_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return heap_alloc(size);
}

static void core_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;
    heap_free(ptr);
}

static const ex_alloc A = {core_alloc, core_free, NULL};

/* The compiler may emit calls to these; there is no libc to provide them.
 * Built with -mbulk-memory, __builtin_memcpy/memmove/memset lower to the
 * single instructions memory.copy and memory.fill (not to calls back here). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    return __builtin_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
    return __builtin_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
    return __builtin_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The ABI                                                             */

static char *greeting;
static size_t greeting_len;

static void report(const char *msg)
{
    interop_fail(msg, (uint32_t)ex_strlen(msg));
}

static uint64_t word(ex_status st, ex_result *res)
{
    switch (st) {
    case EX_RESULT:
        return (uint64_t)(uintptr_t)res->ptr << 32 | (uint64_t)res->len;
    case EX_FAIL:
        report(res->error ? res->error : "failure");
        return 0;
    default: /* EX_NONE, EX_CANCELLED */
        return 0;
    }
}

static int wasm_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    return interop_sleep((int32_t)ms) != 0;
}

EXPORT("alloc") uint32_t guest_alloc(uint32_t size)
{
    return (uint32_t)(uintptr_t)heap_alloc(size ? size : 1);
}

EXPORT("dealloc") void guest_dealloc(uint32_t ptr, uint32_t size)
{
    (void)size;
    heap_free((void *)(uintptr_t)ptr);
}

EXPORT("get_manifest") uint64_t get_manifest(void)
{
    ex_result res;
    return word(ex_manifest(&A, &res), &res);
}

EXPORT("init") void init(const char *config, uint32_t config_len)
{
    char *g;
    size_t gl;
    const char *err = NULL;
    if (ex_parse_config(&A, config, config_len, &g, &gl, &err) != EX_RESULT) {
        report(err);
        return;
    }
    if (greeting)
        heap_free(greeting);
    greeting = g;
    greeting_len = gl;
}

EXPORT("validate_action") int32_t validate_action(const char *name, uint32_t name_len,
                                                  const char *memory, uint32_t memory_len,
                                                  const char *state, uint32_t state_len)
{
    bool valid;
    const char *err = NULL;
    (void)state;
    (void)state_len;
    if (ex_validate_action(&A, name, name_len, memory, memory_len, &valid, &err) != EX_RESULT) {
        report(err);
        return 0;
    }
    return valid;
}

EXPORT("invoke_action") uint64_t invoke_action(const char *name, uint32_t name_len,
                                               const char *memory, uint32_t memory_len,
                                               const char *state, uint32_t state_len,
                                               const char *options, uint32_t options_len)
{
    ex_result res;
    (void)state;
    (void)state_len;
    return word(ex_invoke_action(&A, name, name_len, memory, memory_len, options, options_len,
                                 wasm_sleep, NULL, &res),
                &res);
}

EXPORT("get_provider") uint64_t get_provider(const char *name, uint32_t name_len,
                                             const char *memory, uint32_t memory_len,
                                             const char *state, uint32_t state_len)
{
    ex_result res;
    (void)state;
    (void)state_len;
    return word(ex_get_provider(&A, name, name_len, memory, memory_len, greeting, greeting_len, &res),
                &res);
}

EXPORT("validate_evaluator") int32_t validate_evaluator(const char *name, uint32_t name_len,
                                                        const char *memory, uint32_t memory_len,
                                                        const char *state, uint32_t state_len)
{
    bool valid;
    const char *err = NULL;
    (void)state;
    (void)state_len;
    if (ex_validate_evaluator(&A, name, name_len, memory, memory_len, &valid, &err) != EX_RESULT) {
        report(err);
        return 0;
    }
    return valid;
}

EXPORT("invoke_evaluator") uint64_t invoke_evaluator(const char *name, uint32_t name_len,
                                                     const char *memory, uint32_t memory_len,
                                                     const char *state, uint32_t state_len)
{
    ex_result res;
    (void)state;
    (void)state_len;
    return word(ex_invoke_evaluator(&A, name, name_len, memory, memory_len, &res), &res);
}
