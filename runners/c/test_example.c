/*
 * test_example.c: runs every case of vectors/plugin.example through the C
 * example plugin and compares the outputs as JSON values (objects without
 * regard to member order). Native; links example_core.c, and reads the
 * vectors with the core's own JSON reader.
 *
 *   test_example VECTORS.json [LIB.so]
 *
 * Without LIB the cases run through the core (as internal/pluginsuite maps
 * them to calls); with LIB they run again through the shared library's C
 * ABI (include/elizaos_plugin.h), which also gets a leak check and a
 * concurrency check. Exits non-zero on any mismatch, naming the case.
 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_core.h"

#define ENTITY "11111111-1111-4111-8111-111111111111"
#define ROOM "22222222-2222-4222-8222-222222222222"

static long live_core; /* allocations of the core not yet freed */

static void *t_alloc(void *ctx, size_t n)
{
    void *p = malloc(n ? n : 1);
    (void)ctx;
    if (p)
        __atomic_add_fetch(&live_core, 1, __ATOMIC_SEQ_CST);
    return p;
}

static void t_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    if (p) {
        __atomic_sub_fetch(&live_core, 1, __ATOMIC_SEQ_CST);
        free(p);
    }
}

static const ex_alloc A = {t_alloc, t_free, NULL};
static int failures;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            failures++;                                                      \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                      \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

/* ---- JSON comparison ---- */

static size_t count_members(const char *v, const char *e)
{
    ex_json_iter it;
    const char *k, *x, *xe;
    size_t n = 0;
    if (!ex_json_iter_begin(&it, v, e))
        return 0;
    while (ex_json_iter_next(&it, &k, &x, &xe))
        n++;
    return n;
}

static bool json_eq(const char *a, const char *ae, const char *b, const char *be)
{
    if (*a != *b && !((*a == '-' || (*a >= '0' && *a <= '9')) && (*b == '-' || (*b >= '0' && *b <= '9'))))
        return false;
    switch (*a) {
    case '"': {
        size_t an, bn;
        char *x = ex_json_decode_alloc(&A, a, ae, &an), *y = ex_json_decode_alloc(&A, b, be, &bn);
        bool eq = an == bn && memcmp(x, y, an) == 0;
        t_free(NULL, x, 0);
        t_free(NULL, y, 0);
        return eq;
    }
    case 't': case 'f': case 'n':
        return true;
    case '[': {
        ex_json_iter i, j;
        const char *x, *xe, *y, *ye;
        ex_json_iter_begin(&i, a, ae);
        ex_json_iter_begin(&j, b, be);
        for (;;) {
            bool hi = ex_json_iter_next(&i, NULL, &x, &xe), hj = ex_json_iter_next(&j, NULL, &y, &ye);
            if (hi != hj)
                return false;
            if (!hi)
                return true;
            if (!json_eq(x, xe, y, ye))
                return false;
        }
    }
    case '{': {
        ex_json_iter i;
        const char *k, *x, *xe, *y, *ye;
        if (count_members(a, ae) != count_members(b, be))
            return false;
        ex_json_iter_begin(&i, a, ae);
        while (ex_json_iter_next(&i, &k, &x, &xe)) {
            size_t kn;
            char *key = ex_json_decode_alloc(&A, k, ae, &kn);
            bool found = ex_json_get(b, be, key, kn, &y, &ye);
            t_free(NULL, key, 0);
            if (!found || !json_eq(x, xe, y, ye))
                return false;
        }
        return true;
    }
    default: {
        char *s = strndup(a, (size_t)(ae - a)), *t = strndup(b, (size_t)(be - b));
        bool eq = strtod(s, NULL) == strtod(t, NULL);
        free(s);
        free(t);
        return eq;
    }
    }
}

static bool text_eq(const char *x, size_t xn, const char *y, size_t yn)
{
    const char *a, *ae, *b, *be;
    if (!ex_json_parse(x, xn, &a, &ae) || !ex_json_parse(y, yn, &b, &be))
        return false;
    return json_eq(a, ae, b, be);
}

/* ---- the cases ---- */

typedef struct outcome {
    char *output; /* JSON text (malloc), or NULL */
    const char *error;
} outcome;

typedef struct call {
    char *call, *name;
    size_t name_len;
    char *memory, *config, *options, *state; /* NUL-terminated JSON texts (malloc) */
} call;

static char *slice(const char *p, const char *e)
{
    return strndup(p, (size_t)(e - p));
}

static char *lit(const char *s) { return strdup(s); }

static int no_sleep_calls;
static int test_sleep(void *ctx, uint32_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    (void)ctx;
    no_sleep_calls++;
    nanosleep(&ts, NULL);
    return 0;
}

static outcome run_core(const call *c)
{
    outcome o = {NULL, NULL};
    ex_result res;
    ex_status st;
    char *g;
    size_t gl;
    const char *err = NULL;
    bool valid;

    if (ex_parse_config(&A, c->config, strlen(c->config), &g, &gl, &err) != EX_RESULT) {
        o.error = "plugin_error";
        return o;
    }
    if (!strcmp(c->call, "action.validate") || !strcmp(c->call, "evaluator.validate")) {
        st = (c->call[0] == 'a' ? ex_validate_action : ex_validate_evaluator)(
            &A, c->name, c->name_len, c->memory, strlen(c->memory), &valid, &err);
        if (st == EX_RESULT)
            o.output = lit(valid ? "{\"valid\":true}" : "{\"valid\":false}");
        else
            o.error = "plugin_error";
    } else {
        const char *none = "null";
        if (!strcmp(c->call, "action.invoke")) {
            st = ex_invoke_action(&A, c->name, c->name_len, c->memory, strlen(c->memory), c->options,
                                  strlen(c->options), test_sleep, NULL, &res);
        } else if (!strcmp(c->call, "provider.get")) {
            st = ex_get_provider(&A, c->name, c->name_len, c->memory, strlen(c->memory), g, gl, &res);
            none = "{}";
        } else if (!strcmp(c->call, "evaluator.invoke")) {
            st = ex_invoke_evaluator(&A, c->name, c->name_len, c->memory, strlen(c->memory), &res);
        } else {
            o.error = "unknown call";
            t_free(NULL, g, 0);
            return o;
        }
        if (st == EX_RESULT) {
            o.output = strndup(res.ptr, res.len);
            CHECK(strlen(res.ptr) == res.len, "result of %s holds a NUL byte", c->call);
            ex_result_free(&A, &res);
        } else if (st == EX_NONE) {
            o.output = lit(none);
        } else {
            o.error = "plugin_error";
        }
    }
    t_free(NULL, g, 0);
    return o;
}

/* ---- the shared library ---- */

typedef struct lib {
    void (*plugin_init)(void);
    char *(*get_manifest)(void);
    int (*init)(const char *);
    int (*validate_action)(const char *, const char *, const char *);
    char *(*invoke_action)(const char *, const char *, const char *, const char *);
    char *(*get_provider)(const char *, const char *, const char *);
    int (*validate_evaluator)(const char *, const char *, const char *);
    char *(*invoke_evaluator)(const char *, const char *, const char *);
    void (*free_string)(char *);
    long (*live)(void);
} lib;

static lib L;

static bool load_lib(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("dlopen %s: %s\n", path, dlerror());
        return false;
    }
#define SYM(field, name)                                  \
    do {                                                  \
        *(void **)&L.field = dlsym(h, name);              \
        if (!L.field) {                                   \
            printf("%s: no symbol %s\n", path, name);     \
            return false;                                 \
        }                                                 \
    } while (0)
    SYM(plugin_init, "elizaos_plugin_init");
    SYM(get_manifest, "elizaos_get_manifest");
    SYM(init, "elizaos_init");
    SYM(validate_action, "elizaos_validate_action");
    SYM(invoke_action, "elizaos_invoke_action");
    SYM(get_provider, "elizaos_get_provider");
    SYM(validate_evaluator, "elizaos_validate_evaluator");
    SYM(invoke_evaluator, "elizaos_invoke_evaluator");
    SYM(free_string, "elizaos_free_string");
    SYM(live, "interop_live_allocations");
    return true;
}

/* {"error": "..."}, exactly one member: a failure of the handler. */
static bool is_error_object(const char *s)
{
    const char *v, *ve, *x, *xe;
    if (!ex_json_parse(s, strlen(s), &v, &ve) || *v != '{' || count_members(v, ve) != 1)
        return false;
    return ex_json_get(v, ve, "error", 5, &x, &xe) && *x == '"';
}

static outcome take(char *s)
{
    outcome o = {NULL, NULL};
    if (!s) {
        o.error = "NULL result";
    } else if (is_error_object(s)) {
        o.error = "plugin_error";
    } else {
        o.output = strdup(s);
    }
    if (s)
        L.free_string(s);
    return o;
}

static outcome run_lib(const call *c)
{
    outcome o = {NULL, NULL};
    char *name = strndup(c->name, c->name_len);
    if (L.init(c->config) != 0) {
        o.error = "plugin_error";
    } else if (!strcmp(c->call, "action.validate")) {
        o.output = lit(L.validate_action(name, c->memory, c->state) ? "{\"valid\":true}" : "{\"valid\":false}");
    } else if (!strcmp(c->call, "evaluator.validate")) {
        o.output = lit(L.validate_evaluator(name, c->memory, c->state) ? "{\"valid\":true}" : "{\"valid\":false}");
    } else if (!strcmp(c->call, "action.invoke")) {
        o = take(L.invoke_action(name, c->memory, c->state, c->options));
    } else if (!strcmp(c->call, "provider.get")) {
        o = take(L.get_provider(name, c->memory, c->state));
    } else if (!strcmp(c->call, "evaluator.invoke")) {
        o = take(L.invoke_evaluator(name, c->memory, c->state));
    } else {
        o.error = "unknown call";
    }
    free(name);
    return o;
}

/* Concurrent init and provider calls: each provider answer must carry one
 * of the greetings set, whole. */
static void *hammer(void *arg)
{
    long id = (long)arg;
    const char *mem = "{\"entityId\":\"" ENTITY "\",\"roomId\":\"" ROOM "\",\"content\":{\"text\":\"x\"}}";
    for (int i = 0; i < 2000; i++) {
        if (id % 2 == 0) {
            L.init(i % 2 ? "{\"GREETING\":\"aaaaaaaaaaaaaaaa\"}" : "{\"GREETING\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}");
        } else {
            char *s = L.get_provider("EXAMPLE", mem, "null");
            const char *v, *ve, *vals, *valse, *g, *ge;
            bool ok = s && ex_json_parse(s, strlen(s), &v, &ve) && ex_json_get(v, ve, "values", 6, &vals, &valse) &&
                      ex_json_get(vals, valse, "greeting", 8, &g, &ge);
            if (ok) {
                size_t n = (size_t)(ge - g) - 2;
                ok = n == 0 || n == 16 || n == 55;
            }
            if (!ok) {
                __atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
                printf("FAIL concurrent provider answer: %s\n", s ? s : "(null)");
            }
            L.free_string(s);
            char *u = L.invoke_action("UUID", mem, "null", "{}");
            L.free_string(u);
        }
    }
    return NULL;
}

/* ---- unit checks of the pieces ---- */

static void unit_checks(void)
{
    static const struct { const char *num; bool ok; uint32_t ms; } ms[] = {
        {"0", true, 0}, {"1", true, 1}, {"10000", true, 10000}, {"10001", false, 0},
        {"-1", false, 0}, {"1.5", false, 0}, {"1.0", true, 1}, {"1e3", true, 1000},
        {"1E4", true, 10000}, {"1e+2", true, 100}, {"0.1e1", true, 1}, {"100e-2", true, 1},
        {"-0", true, 0}, {"-0.0e5", true, 0}, {"0.5", false, 0}, {"9999.5", false, 0},
        {"1.0000000000000001", true, 1}, {"1.000000000000001", false, 0},
        {"10000.0000000000000001", true, 10000}, {"10000.000000000001", false, 0},
        {"9999.9999999999999999", true, 10000}, {"8191.9999999999999999", true, 8192},
        {"1e-400", true, 0}, {"-1e-400", true, 0}, {"2e-324", true, 0}, {"-2e-324", true, 0},
        {"3e-324", false, 0}, {"4.9e-324", false, 0}, {"1e5", false, 0}, {"1e999999999", false, 0},
        {"1e-999999999", true, 0}, {"0.99999999999999999", true, 1}, {"0.9999999999999999", false, 0},
        {"10000.00000000000090", true, 10000}, {"10000.00000000000091", false, 0},
        {"10000.0000000000009094947017729282", true, 10000}, /* just under 10000 + 2^-40 */
        {"2.4703282292062327e-324", true, 0}, {"2.4703282292062328e-324", false, 0},
        {"8191.99999999999954525264911353588104248046875", true, 8192}, /* 8192 - 2^-41, a tie */
        {"8191.999999999999545252649113535881042480468749", false, 0},
        {"4096.00000000000045474735088646411895751953125", true, 4096}, /* 4096 + 2^-41, a tie */
    };
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        uint32_t got = 12345;
        bool ok = ex_sleep_millis(&A, ms[i].num, ms[i].num + strlen(ms[i].num), &got);
        CHECK(ok == ms[i].ok && (!ok || got == ms[i].ms), "sleep ms %s: ok=%d ms=%u", ms[i].num, ok, got);
    }
    static const struct { const char *json; const char *want; size_t n; } dec[] = {
        {"\"a\\u0000b\"", "a\0b", 3},
        {"\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80", 4},
        {"\"\\ud83d\"", "\xEF\xBF\xBD", 3},
        {"\"\\ude00x\"", "\xEF\xBF\xBDx", 4},
        {"\"\\ud83d\\u0041\"", "\xEF\xBF\xBD" "A", 4},
        {"\"\\ud83d\\ud83d\\ude00\"", "\xEF\xBF\xBD\xF0\x9F\x98\x80", 7},
        {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8},
        {"\"\\u00e9\\u65E5\"", "\xC3\xA9\xE6\x97\xA5", 5},
    };
    for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++) {
        const char *v, *ve;
        size_t n;
        char *s;
        bool ok = ex_json_parse(dec[i].json, strlen(dec[i].json), &v, &ve);
        CHECK(ok, "parse %s", dec[i].json);
        if (!ok)
            continue;
        s = ex_json_decode_alloc(&A, v, ve, &n);
        CHECK(n == dec[i].n && memcmp(s, dec[i].want, n) == 0, "decode %s", dec[i].json);
        t_free(NULL, s, 0);
    }
    static const char *bad[] = {"", "{", "{\"a\":}", "[1,]", "01", "1.", "-", "\"\\x\"", "\"a", "tru",
                                "{\"a\" 1}", "[1 2]", "\"\x01\"", "1 2", "{,}", "\"\\u12G4\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *v, *ve;
        CHECK(!ex_json_parse(bad[i], strlen(bad[i]), &v, &ve), "accepted invalid JSON %s", bad[i]);
    }
    {
        const char *ok = " {\"b\":[1,{\"x\":[]},\"}\"],\"a\" : {\"k\":null}, \"\\u0061\":2} ";
        const char *v, *ve, *x, *xe;
        CHECK(ex_json_parse(ok, strlen(ok), &v, &ve), "parse nested");
        CHECK(ex_json_get(v, ve, "a", 1, &x, &xe) && *x == '2', "last duplicate (escaped key) wins");
        CHECK(ex_json_get(v, ve, "b", 1, &x, &xe) && *x == '[', "lookup b");
        CHECK(!ex_json_get(v, ve, "c", 1, &x, &xe), "lookup missing");
    }
    {
        /* nesting at and beyond the limit */
        size_t n = EX_JSON_MAX_DEPTH + 1;
        char *s = malloc(2 * n + 1);
        const char *v, *ve;
        memset(s, '[', n);
        memset(s + n, ']', n);
        CHECK(!ex_json_parse(s, 2 * n, &v, &ve), "depth over the limit accepted");
        CHECK(ex_json_parse(s + 1, 2 * n - 2, &v, &ve), "depth at the limit refused");
        free(s);
    }
    {
        char u[37] = {0};
        CHECK(ex_string_to_uuid("hello", 5, u) && !strcmp(u, "aaf4c61d-dcc5-08a2-9abe-de0f3b482cd9"), "uuid hello %s", u);
        CHECK(ex_string_to_uuid("AAF4C61D-DCC5-08A2-9ABE-DE0F3B482CD9", 36, u) && !strcmp(u, "AAF4C61D-DCC5-08A2-9ABE-DE0F3B482CD9"), "uuid passthrough");
        CHECK(!ex_string_to_uuid("a\xff", 2, u), "uuid of invalid UTF-8");
        CHECK(!ex_string_to_uuid("\xed\xa0\x80", 3, u), "uuid of an encoded surrogate");
    }
    {
        /* writer: escapes and invalid UTF-8 in an echoed text */
        const char *mem = "{\"content\":{\"text\":\"q\\\"b\\\\c\\u0001\\u001f\\u007f\\n\\ud800z\"}}";
        ex_result res;
        CHECK(ex_invoke_action(&A, "ECHO", 4, mem, strlen(mem), "{}", 2, NULL, NULL, &res) == EX_RESULT, "echo");
        CHECK(strstr(res.ptr, "\"text\":\"q\\\"b\\\\c\\u0001\\u001f\x7f\\n\xEF\xBF\xBDz\"") != NULL, "echo escapes: %s", res.ptr);
        ex_result_free(&A, &res);
        CHECK(ex_invoke_action(&A, "NO\"PE", 5, mem, strlen(mem), "{}", 2, NULL, NULL, &res) == EX_RESULT &&
                  !strcmp(res.ptr, "{\"success\":false,\"error\":\"Action not found: NO\\\"PE\"}"), "not found: %s", res.ptr);
        ex_result_free(&A, &res);
        CHECK(ex_invoke_action(&A, "ECHO", 4, "{", 1, "{}", 2, NULL, NULL, &res) == EX_FAIL, "echo of invalid memory");
        CHECK(ex_manifest(&A, &res) == EX_RESULT, "manifest");
        {
            const char *v, *ve;
            CHECK(ex_json_parse(res.ptr, res.len, &v, &ve) && count_members(v, ve) == 7, "manifest members");
        }
        ex_result_free(&A, &res);
    }
}

int main(int argc, char **argv)
{
    FILE *f;
    char *data;
    long size;
    const char *root, *rend, *cases, *cend, *c, *ce;
    ex_json_iter it;
    int compared = 0, skipped = 0, lib_compared = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s VECTORS.json [LIB.so]\n", argv[0]);
        return 2;
    }
    unit_checks();
    f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)size + 1);
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        perror("read");
        return 2;
    }
    fclose(f);
    if (!ex_json_parse(data, (size_t)size, &root, &rend) || !ex_json_get(root, rend, "cases", 5, &cases, &cend) ||
        !ex_json_iter_begin(&it, cases, cend)) {
        fprintf(stderr, "%s: not a vector file\n", argv[1]);
        return 2;
    }
    if (argc > 2) {
        if (!load_lib(argv[2]))
            return 2;
        L.plugin_init();
        L.plugin_init();
    }
    while (ex_json_iter_next(&it, NULL, &c, &ce)) {
        const char *id, *ide, *in, *ine, *v, *ve, *out = NULL, *oute = NULL, *err = NULL, *erre = NULL;
        char *idstr;
        size_t n;
        call cl = {0};
        bool has_out, has_err;

        ex_json_get(c, ce, "id", 2, &id, &ide);
        idstr = ex_json_decode_alloc(&A, id, ide, &n);
        if (!ex_json_get(c, ce, "input", 5, &in, &ine)) {
            printf("FAIL %s: no input\n", idstr);
            failures++;
            continue;
        }
        if (ex_json_get(in, ine, "timeoutMs", 9, &v, &ve)) {
            printf("skip %s: timeoutMs needs a cancellable host (covered by the bridges)\n", idstr);
            skipped++;
            t_free(NULL, idstr, 0);
            continue;
        }
        ex_json_get(in, ine, "call", 4, &v, &ve);
        cl.call = ex_json_decode_alloc(&A, v, ve, &n);
        ex_json_get(in, ine, "name", 4, &v, &ve);
        cl.name = ex_json_decode_alloc(&A, v, ve, &cl.name_len);
        if (ex_json_get(in, ine, "memory", 6, &v, &ve)) {
            cl.memory = slice(v, ve);
        } else {
            const char *t = "\"\"", *te = t + 2;
            size_t len;
            if (ex_json_get(in, ine, "text", 4, &v, &ve)) {
                t = v;
                te = ve;
            }
            len = (size_t)(te - t) + 200;
            cl.memory = malloc(len);
            snprintf(cl.memory, len, "{\"entityId\":\"%s\",\"roomId\":\"%s\",\"content\":{\"text\":%.*s}}", ENTITY, ROOM,
                     (int)(te - t), t);
        }
        cl.config = ex_json_get(in, ine, "config", 6, &v, &ve) ? slice(v, ve) : lit("{}");
        cl.options = ex_json_get(in, ine, "options", 7, &v, &ve) ? slice(v, ve) : lit("{}");
        cl.state = ex_json_get(in, ine, "state", 5, &v, &ve) ? slice(v, ve) : lit("null");
        has_out = ex_json_get(c, ce, "output", 6, &out, &oute);
        has_err = ex_json_get(c, ce, "error", 5, &err, &erre);

        for (int pass = 0; pass < (argc > 2 ? 2 : 1); pass++) {
            outcome o = pass == 0 ? run_core(&cl) : run_lib(&cl);
            const char *via = pass == 0 ? "core" : "lib";
            if (has_err) {
                size_t kn;
                char *kind = ex_json_decode_alloc(&A, err, erre, &kn);
                if (!o.error || strcmp(o.error, kind) != 0) {
                    printf("FAIL %s (%s): want error %s, got %s%s\n", idstr, via, kind, o.error ? "error " : "",
                           o.error ? o.error : o.output);
                    failures++;
                }
                t_free(NULL, kind, 0);
            } else if (has_out) {
                if (o.error || !text_eq(o.output, strlen(o.output), out, (size_t)(oute - out))) {
                    printf("FAIL %s (%s): want %.*s\n  got %.300s\n", idstr, via, (int)(oute - out > 300 ? 300 : oute - out),
                           out, o.error ? o.error : o.output);
                    failures++;
                }
            } else {
                printf("FAIL %s: neither output nor error\n", idstr);
                failures++;
            }
            if (pass == 0)
                compared++;
            else
                lib_compared++;
            free(o.output);
        }
        t_free(NULL, cl.call, 0);
        t_free(NULL, cl.name, 0);
        free(cl.memory);
        free(cl.config);
        free(cl.options);
        free(cl.state);
        t_free(NULL, idstr, 0);
    }
    CHECK(live_core == 0, "the core leaked %ld allocations", live_core);
    if (argc > 2) {
        pthread_t th[8];
        char *m = L.get_manifest();
        const char *v, *ve, *x, *xe;
        CHECK(m && ex_json_parse(m, strlen(m), &v, &ve) && ex_json_get(v, ve, "language", 8, &x, &xe) &&
                  !strncmp(x, "\"c\"", 3), "lib manifest");
        L.free_string(m);
        L.free_string(NULL);
        for (long i = 0; i < 8; i++)
            pthread_create(&th[i], NULL, hammer, (void *)i);
        for (int i = 0; i < 8; i++)
            pthread_join(th[i], NULL);
        CHECK(L.live() == 0, "the library reports %ld live strings", L.live());
    }
    free(data);
    printf("%d cases compared through the core%s", compared, argc > 2 ? "" : "\n");
    if (argc > 2)
        printf(", %d through %s\n", lib_compared, argv[2]);
    printf("%d skipped, %d failures: %s\n", skipped, failures, failures ? "FAIL" : "all equal");
    return failures ? 1 : 0;
}
