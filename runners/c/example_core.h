/*
 * example_core.h: the example plugin of spec/example-plugin.md in
 * freestanding C99 (no libc: only <stddef.h>, <stdint.h>, <stdbool.h>).
 *
 * The same source is built twice: for wasm32 with -nostdlib (wasm_abi.c,
 * the ABI of spec/wasm.md) and as a native shared library (ffi_abi.c, the C
 * ABI of include/elizaos_plugin.h). The core keeps no state: the caller
 * keeps the greeting that ex_parse_config returns and passes it to
 * ex_get_provider, so every function here is reentrant.
 *
 * Strings are (pointer, length) everywhere; decoded text may contain the
 * byte 0. Every buffer the core returns is allocated with the caller's
 * allocator, holds `len` bytes followed by a NUL byte (not counted), and is
 * released with alloc->free(ctx, ptr, cap).
 */
#ifndef EXAMPLE_CORE_H
#define EXAMPLE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A malloc-like allocator: alloc returns NULL when out of memory; free
 * receives the size asked for (NULL is ignored). */
typedef struct ex_alloc {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
} ex_alloc;

/* Waits ms milliseconds; returns 0 when done, 1 when the call was cancelled. */
typedef int (*ex_sleep_fn)(void *ctx, uint32_t ms);

typedef enum ex_status {
    EX_RESULT = 0,   /* res holds a JSON text */
    EX_NONE = 1,     /* no result (unknown provider, unknown evaluator) */
    EX_FAIL = 2,     /* the handler raised: res->error names why */
    EX_CANCELLED = 3 /* the sleep was cancelled */
} ex_status;

typedef struct ex_result {
    char *ptr;         /* the JSON text (EX_RESULT), NUL-terminated */
    size_t len;        /* its length in bytes, without the NUL */
    size_t cap;        /* the size it was allocated with */
    const char *error; /* EX_FAIL: a static NUL-terminated message */
} ex_result;

/* Messages of EX_FAIL. */
#define EX_MSG_EXAMPLE_FAILURE "example failure"
#define EX_MSG_BAD_SLEEP "bad sleep"
#define EX_MSG_NOMEM "out of memory"
#define EX_MSG_BAD_MEMORY "memory is not a JSON value"
#define EX_MSG_BAD_CONFIG "config is not a JSON object"
#define EX_MSG_BAD_UTF8 "ids: input is not valid utf-8"

size_t ex_strlen(const char *s);

/* The manifest (language "c"). */
ex_status ex_manifest(const ex_alloc *a, ex_result *res);

/* Parses a config object and returns a copy of its GREETING ("" when absent
 * or not a string) in *greeting (allocated with size *greeting_len + 1,
 * NUL-terminated). */
ex_status ex_parse_config(const ex_alloc *a, const char *config, size_t len,
                          char **greeting, size_t *greeting_len, const char **error);

ex_status ex_validate_action(const ex_alloc *a, const char *name, size_t name_len,
                             const char *memory, size_t memory_len, bool *valid,
                             const char **error);

ex_status ex_invoke_action(const ex_alloc *a, const char *name, size_t name_len,
                           const char *memory, size_t memory_len,
                           const char *options, size_t options_len,
                           ex_sleep_fn sleep, void *sleep_ctx, ex_result *res);

ex_status ex_get_provider(const ex_alloc *a, const char *name, size_t name_len,
                          const char *memory, size_t memory_len,
                          const char *greeting, size_t greeting_len, ex_result *res);

ex_status ex_validate_evaluator(const ex_alloc *a, const char *name, size_t name_len,
                                const char *memory, size_t memory_len, bool *valid,
                                const char **error);

ex_status ex_invoke_evaluator(const ex_alloc *a, const char *name, size_t name_len,
                              const char *memory, size_t memory_len, ex_result *res);

/* Frees res->ptr (if any) and clears it. */
void ex_result_free(const ex_alloc *a, ex_result *res);

/* ---- the pieces, exposed for the tests ---- */

/* JSON reader. Values are byte ranges of the text; p points at the first byte
 * of a value (after whitespace). */
const char *ex_json_ws(const char *p, const char *end);
/* The end of the value at p, or NULL when it is not valid JSON. Nesting
 * deeper than EX_JSON_MAX_DEPTH is refused. */
#define EX_JSON_MAX_DEPTH 1024
const char *ex_json_skip(const char *p, const char *end);
/* Whether text[0..len) is exactly one JSON value with optional whitespace;
 * *v and *v_end get the value's range. */
bool ex_json_parse(const char *text, size_t len, const char **v, const char **v_end);
/* The member `key` (decoded bytes) of the valid object at obj, or false.
 * With duplicates, the last one wins (as in Go's encoding/json). */
bool ex_json_get(const char *obj, const char *end, const char *key, size_t key_len,
                 const char **val, const char **val_end);
/* Iterates the members of an object or the elements of an array at v. */
typedef struct ex_json_iter {
    const char *p, *end;
    bool object, first, done;
} ex_json_iter;
bool ex_json_iter_begin(ex_json_iter *it, const char *v, const char *end);
/* key is NULL for arrays; returns false after the last one. */
bool ex_json_iter_next(ex_json_iter *it, const char **key, const char **val,
                       const char **val_end);
/* Decodes the string literal at q (at its '"') into out (when not NULL) and
 * returns the decoded length. Lone surrogates decode to U+FFFD. */
size_t ex_json_decode(const char *q, const char *end, char *out);
/* Decodes into a fresh allocation (len + 1 bytes, NUL-terminated). */
char *ex_json_decode_alloc(const ex_alloc *a, const char *q, const char *end, size_t *len);

/* Reads options.ms as Go's float64 check does: true and *ms when the JSON
 * number at num is an integer value from 0 to 10000. */
bool ex_sleep_millis(const ex_alloc *a, const char *num, const char *end, uint32_t *ms);

/* SHA-1. */
typedef struct ex_sha1 {
    uint32_t h[5];
    uint64_t n;
    uint8_t buf[64];
} ex_sha1;
void ex_sha1_init(ex_sha1 *s);
void ex_sha1_update(ex_sha1 *s, const void *data, size_t len);
void ex_sha1_final(ex_sha1 *s, uint8_t out[20]);

/* stringToUuid of s into out[36]; false when s is not valid UTF-8. */
bool ex_string_to_uuid(const char *s, size_t len, char out[36]);

#endif /* EXAMPLE_CORE_H */
