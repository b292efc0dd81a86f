/*
 * ffi_abi.c: the example plugin as a native shared library with upstream's
 * C ABI (include/elizaos_plugin.h). Built with gcc -shared -fPIC; the core
 * (example_core.c) allocates with libc's malloc and free.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elizaos_plugin.h"
#include "example_core.h"

static void *core_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size ? size : 1);
}

static void core_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;
    free(ptr);
}

static const ex_alloc A = {core_alloc, core_free, NULL};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char *greeting;      /* guarded by mu */
static size_t greeting_len; /* guarded by mu */
static atomic_bool initialised;
static atomic_long live;

static char *give(char *s)
{
    if (s)
        atomic_fetch_add(&live, 1);
    return s;
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return give(p);
}

/* {"error":"<message>"} */
static char *error_json(const char *msg)
{
    size_t n = strlen(msg), o = 0;
    char *p = malloc(2 * n + 13);
    if (!p)
        return NULL;
    memcpy(p, "{\"error\":\"", 10);
    o = 10;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)msg[i];
        if (c == '"' || c == '\\')
            p[o++] = '\\';
        p[o++] = c < 0x20 ? ' ' : (char)c;
    }
    memcpy(p + o, "\"}", 3);
    return give(p);
}

static char *answer(ex_status st, ex_result *res, const char *none)
{
    switch (st) {
    case EX_RESULT:
        return give(res->ptr);
    case EX_FAIL:
        return error_json(res->error ? res->error : "failure");
    default:
        return dup_text(none);
    }
}

static int native_sleep(void *ctx, uint32_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L}, rem;
    (void)ctx;
    while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
        ts = rem;
    return 0;
}

#define STR(s, dflt) ((s) ? (s) : (dflt))

void elizaos_plugin_init(void)
{
    atomic_store(&initialised, true);
}

char *elizaos_get_manifest(void)
{
    ex_result res;
    return answer(ex_manifest(&A, &res), &res, "null");
}

int elizaos_init(const char *config_json)
{
    const char *cfg = STR(config_json, "{}");
    char *g, *old;
    size_t gl;
    const char *err = NULL;
    if (ex_parse_config(&A, cfg, strlen(cfg), &g, &gl, &err) != EX_RESULT)
        return -1;
    pthread_mutex_lock(&mu);
    old = greeting;
    greeting = g;
    greeting_len = gl;
    pthread_mutex_unlock(&mu);
    free(old);
    return 0;
}

int elizaos_validate_action(const char *name, const char *memory_json, const char *state_json)
{
    const char *n = STR(name, ""), *m = STR(memory_json, "null");
    const char *err = NULL;
    bool valid = false;
    (void)state_json;
    if (ex_validate_action(&A, n, strlen(n), m, strlen(m), &valid, &err) != EX_RESULT)
        return 0;
    return valid ? 1 : 0;
}

char *elizaos_invoke_action(const char *name, const char *memory_json, const char *state_json,
                            const char *options_json)
{
    const char *n = STR(name, ""), *m = STR(memory_json, "null"), *o = STR(options_json, "{}");
    ex_result res;
    ex_status st;
    (void)state_json;
    st = ex_invoke_action(&A, n, strlen(n), m, strlen(m), o, strlen(o), native_sleep, NULL, &res);
    return answer(st, &res, "null");
}

char *elizaos_get_provider(const char *name, const char *memory_json, const char *state_json)
{
    const char *n = STR(name, ""), *m = STR(memory_json, "null");
    ex_result res;
    ex_status st;
    (void)state_json;
    pthread_mutex_lock(&mu);
    st = ex_get_provider(&A, n, strlen(n), m, strlen(m), greeting, greeting_len, &res);
    pthread_mutex_unlock(&mu);
    return answer(st, &res, "{}");
}

int elizaos_validate_evaluator(const char *name, const char *memory_json, const char *state_json)
{
    const char *n = STR(name, ""), *m = STR(memory_json, "null");
    const char *err = NULL;
    bool valid = false;
    (void)state_json;
    if (ex_validate_evaluator(&A, n, strlen(n), m, strlen(m), &valid, &err) != EX_RESULT)
        return 0;
    return valid ? 1 : 0;
}

char *elizaos_invoke_evaluator(const char *name, const char *memory_json, const char *state_json)
{
    const char *n = STR(name, ""), *m = STR(memory_json, "null");
    ex_result res;
    (void)state_json;
    return answer(ex_invoke_evaluator(&A, n, strlen(n), m, strlen(m), &res), &res, "null");
}

void elizaos_free_string(char *s)
{
    if (!s)
        return;
    atomic_fetch_sub(&live, 1);
    free(s);
}

long interop_live_allocations(void)
{
    return atomic_load(&live);
}
