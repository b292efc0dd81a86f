/*
 * example_core.c: the example plugin of spec/example-plugin.md in
 * freestanding C99; see example_core.h. No libc: a JSON reader and writer,
 * SHA-1, encodeURIComponent and stringToUuid are written out here.
 */
#include "example_core.h"

size_t ex_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void copy_bytes(char *dst, const char *src, size_t n)
{
    __builtin_memcpy(dst, src, n);
}

/* ---- eight bytes at a time (SWAR) ----
 * A loop back-edge is what costs under a wasm runtime that checks for
 * interruption on each one, so the hot scans test eight bytes per
 * iteration. The tests only say whether some byte of the word matches
 * (exact for "any", independent of byte order); the byte loops that follow
 * find which. */
#define ONES ((uint64_t)0x0101010101010101ull)
#define HIGHS ((uint64_t)0x8080808080808080ull)

static uint64_t load8(const char *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

/* Some byte of v is 0. */
static uint64_t has_zero(uint64_t v) { return (v - ONES) & ~v & HIGHS; }
/* Some byte of v is below n (n <= 0x80). */
static uint64_t has_less(uint64_t v, unsigned n) { return (v - ONES * n) & ~v & HIGHS; }
/* Some byte is '"' or '\\'. */
static uint64_t has_quote(uint64_t v) { return has_zero(v ^ (ONES * '"')) | has_zero(v ^ (ONES * '\\')); }
/* Some byte ends a plain run of a string literal: '"', '\\' or a control. */
static uint64_t str_special(uint64_t v) { return has_quote(v) | has_less(v, 0x20); }

/* On a little-endian target, the index of the first matching byte of a
 * word from the mask of a test above (the tests' false positives only
 * ever sit above a true match). */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FIRST_BYTE(mask) ((unsigned)__builtin_ctzll(mask) / 8)
#endif

static uint32_t load4(const char *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

/* Without a loop below 16 bytes: the words compared may overlap. */
static bool bytes_equal(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i;
    if (an != bn)
        return false;
    if (an >= 8) {
        for (i = 0; i + 8 < an; i += 8)
            if (load8(a + i) != load8(b + i))
                return false;
        return load8(a + an - 8) == load8(b + an - 8);
    }
    if (an >= 4)
        return load4(a) == load4(b) && load4(a + an - 4) == load4(b + an - 4);
    return an == 0 || (a[0] == b[0] && a[an / 2] == b[an / 2] && a[an - 1] == b[an - 1]);
}

#define name_is(name, len, lit) bytes_equal((name), (len), (lit), sizeof(lit) - 1)

static bool contains(const char *s, size_t n, const char *needle, size_t m)
{
    size_t i = 0;
    uint64_t first;
    if (m > n)
        return false;
    if (m == 0)
        return true;
    first = ONES * (unsigned char)needle[0];
    while (i + m <= n) {
        if (n - i >= 8 && !has_zero(load8(s + i) ^ first)) {
            i += 8;
            continue;
        }
        if (s[i] == needle[0] && bytes_equal(s + i, m, needle, m))
            return true;
        i++;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */

/* The length of the well-formed UTF-8 sequence at s (as Go's utf8 package
 * accepts it: no overlongs, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0;
        if (c == 0xED && s[1] > 0x9F)
            return 0;
        return 3;
    }
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
        return 0;
    if (c == 0xF0 && s[1] < 0x90)
        return 0;
    if (c == 0xF4 && s[1] > 0x8F)
        return 0;
    return 4;
}

static int utf8_encode(uint32_t cp, unsigned char b[4])
{
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | (cp >> 6));
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (cp >> 12));
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (unsigned char)(0xF0 | (cp >> 18));
    b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ------------------------------------------------------------------ */
/* JSON reader                                                         */

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

const char *ex_json_ws(const char *p, const char *end)
{
    while (p < end && is_ws(*p))
        p++;
    return p;
}

/* p at '"'; returns just past the closing quote, or NULL. *esc tells
 * whether the literal holds a backslash escape, *hi whether it holds a
 * byte >= 0x80. */
/* The first byte from p that is '"', '\\' or a control (end when none);
 * *acc gets the bytes before it OR-ed in. Under wazero every loop header
 * executed leaves the compiled code to check for interruption, so this
 * has no loop for the first 128 bytes, then tests 256 bytes per iteration
 * and finishes without a loop. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static const char *find_special(const char *p, const char *end, uint64_t *acc)
{
#ifdef FIRST_BYTE
    uint64_t v, mask;
#define SPECIAL_WORD(i)                                                       \
    v = load8(p + 8 * (i));                                                   \
    mask = str_special(v);                                                    \
    if (mask) {                                                               \
        unsigned k = FIRST_BYTE(mask);                                        \
        *acc |= v & (((uint64_t)1 << (8 * k)) - 1);                           \
        return p + 8 * (i) + k;                                               \
    }                                                                         \
    *acc |= v;
#define SPECIAL_WORD_BOUNDED                                                  \
    if (end - p < 8)                                                          \
        goto bytes;                                                           \
    SPECIAL_WORD(0)                                                           \
    p += 8;
#define SPECIAL_BYTE                                                          \
    if (p >= end)                                                             \
        return p;                                                             \
    if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)                  \
        return p;                                                             \
    *acc |= (unsigned char)*p++;
#define SPECIAL_WORDS_16(o)                                                   \
    SPECIAL_WORD((o) + 0) SPECIAL_WORD((o) + 1) SPECIAL_WORD((o) + 2)         \
    SPECIAL_WORD((o) + 3) SPECIAL_WORD((o) + 4) SPECIAL_WORD((o) + 5)         \
    SPECIAL_WORD((o) + 6) SPECIAL_WORD((o) + 7) SPECIAL_WORD((o) + 8)         \
    SPECIAL_WORD((o) + 9) SPECIAL_WORD((o) + 10) SPECIAL_WORD((o) + 11)       \
    SPECIAL_WORD((o) + 12) SPECIAL_WORD((o) + 13) SPECIAL_WORD((o) + 14)      \
    SPECIAL_WORD((o) + 15)
#define SPECIAL_WORDS_BOUNDED_16                                              \
    SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED            \
    SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED            \
    SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED            \
    SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED            \
    SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED SPECIAL_WORD_BOUNDED            \
    SPECIAL_WORD_BOUNDED
    /* the first 128 bytes: most strings end there */
    if (end - p >= 128) {
        SPECIAL_WORDS_16(0)
        p += 128;
        while (end - p >= 256) {
            SPECIAL_WORDS_16(0)
            SPECIAL_WORDS_16(16)
            p += 256;
        }
        /* under 256 bytes left: the remainder without a loop */
        SPECIAL_WORDS_BOUNDED_16
    }
    SPECIAL_WORDS_BOUNDED_16
bytes:
    SPECIAL_BYTE SPECIAL_BYTE SPECIAL_BYTE SPECIAL_BYTE
    SPECIAL_BYTE SPECIAL_BYTE SPECIAL_BYTE SPECIAL_BYTE
    return p;
#undef SPECIAL_WORD
#undef SPECIAL_WORD_BOUNDED
#undef SPECIAL_WORDS_16
#undef SPECIAL_WORDS_BOUNDED_16
#undef SPECIAL_BYTE
#else
    while (end - p >= 8) {
        uint64_t v = load8(p);
        if (str_special(v))
            break;
        *acc |= v;
        p += 8;
    }
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
        *acc |= (unsigned char)*p++;
    return p;
#endif
}

/* p at '"'; returns just past the closing quote, or NULL. *esc tells
 * whether the literal holds a backslash escape, *hi whether it holds a
 * byte >= 0x80. Without escapes, no loop header runs under 128 bytes. */
static const char *scan_string2(const char *p, const char *end, bool *esc, bool *hi)
{
    uint64_t acc = 0;
    *esc = false;
    p = find_special(p + 1, end, &acc);
    while (p < end && *p == '\\') {
        *esc = true;
        p++;
        if (p >= end)
            return NULL;
        switch (*p) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p++;
            break;
        case 'u':
            if (end - p < 5 || hex_val(p[1]) < 0 || hex_val(p[2]) < 0 || hex_val(p[3]) < 0 ||
                hex_val(p[4]) < 0)
                return NULL;
            p += 5;
            break;
        default:
            return NULL;
        }
        p = find_special(p, end, &acc);
    }
    if (p >= end || *p != '"')
        return NULL; /* unterminated, or a control byte */
    *hi = (acc & HIGHS) != 0;
    return p + 1;
}

static const char *scan_string(const char *p, const char *end, bool *esc)
{
    bool hi;
    return scan_string2(p, end, esc, &hi);
}

static const char *skip_string(const char *p, const char *end)
{
    bool esc;
    return scan_string(p, end, &esc);
}

static const char *skip_number(const char *p, const char *end)
{
    if (p < end && *p == '-')
        p++;
    if (p >= end)
        return NULL;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && is_digit(*p))
            p++;
    } else {
        return NULL;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            return NULL;
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !is_digit(*p))
            return NULL;
        while (p < end && is_digit(*p))
            p++;
    }
    return p;
}

static const char *skip_literal(const char *p, const char *end, const char *lit, size_t n)
{
    if ((size_t)(end - p) < n || !bytes_equal(p, n, lit, n))
        return NULL;
    return p + n;
}

static const char *skip_scalar(const char *p, const char *end)
{
    switch (*p) {
    case '"': return skip_string(p, end);
    case 't': return skip_literal(p, end, "true", 4);
    case 'f': return skip_literal(p, end, "false", 5);
    case 'n': return skip_literal(p, end, "null", 4);
    default: return skip_number(p, end);
    }
}

static bool key_equals(const char *q, const char *end, const char *key, size_t key_len);

/* A path of object members to find while validating, such as
 * content.text: keys[i] is the member of the object found at level i. As
 * with ex_json_get applied level by level, the last duplicate wins, and the
 * value of a non-final key must be an object. */
typedef struct jpath {
    const char *const *keys;
    const size_t *lens;
    int n;
    /* results */
    bool found;
    bool esc;   /* the value is a string literal with an escape */
    bool hi;    /* ... with a byte >= 0x80 */
    const char *v, *ve;
} jpath;

/* Whether the key literal [k, kend) (kend just past its closing quote)
 * decodes to key. */
static bool key_is(const char *k, const char *kend, bool esc, const char *key, size_t key_len)
{
    if (!esc)
        return bytes_equal(k + 1, (size_t)(kend - k - 2), key, key_len);
    return key_equals(k, kend, key, key_len);
}

/* The end of the value at p (NULL when it is not valid JSON), finding the
 * members of jp (when not NULL) on the way: one pass over the text.
 * Iterative, so that deep nesting cannot overflow a small (wasm) stack. */
/* The state of json_walk. */
typedef struct walk {
    const char *p, *end;
    jpath *jp;
    int depth;
    int m;          /* open containers 1..m are objects of the path */
    int pend;       /* depth at which the value looked for ends */
    bool on_path;   /* the next value is an object of the path */
    bool target;    /* the next value is the one looked for */
    bool need_key;  /* a member's key comes first */
    bool closing;   /* a container just closed */
    unsigned char stack[EX_JSON_MAX_DEPTH / 8]; /* bit set: an object */
} walk;

/* One step of json_walk: a value (with its key) or a closing bracket.
 * Returns 0 to go on, 1 when the whole value ended at w->p, -1 when the
 * text is not JSON. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int walk_step(walk *w)
{
    const char *p = w->p, *end = w->end;
    jpath *jp = w->jp;
    char c;
    if (!w->closing) {
        if (w->need_key) {
            const char *k;
            bool esc;
            p = ex_json_ws(p, end);
            if (p >= end || *p != '"')
                return -1;
            k = p;
            p = scan_string(p, end, &esc);
            if (!p)
                return -1;
            if (jp && w->depth == w->m && w->m <= jp->n &&
                key_is(k, p, esc, jp->keys[w->m - 1], jp->lens[w->m - 1])) {
                jp->found = false; /* a later duplicate replaces what was found */
                if (w->m == jp->n) {
                    w->target = true;
                    w->pend = w->depth;
                } else {
                    w->on_path = true;
                }
            }
            p = ex_json_ws(p, end);
            if (p >= end || *p != ':')
                return -1;
            p++;
        }
        p = ex_json_ws(p, end);
        if (p >= end)
            return -1;
        c = *p;
        if (w->target) {
            w->target = false;
            jp->v = p;
            jp->esc = jp->hi = false;
        }
        if (c == '{' || c == '[') {
            bool obj = c == '{';
            bool path_obj = w->on_path && obj;
            int depth = w->depth;
            w->on_path = false;
            if (depth >= EX_JSON_MAX_DEPTH)
                return -1;
            p = ex_json_ws(p + 1, end);
            if (p >= end)
                return -1;
            if (*p != (obj ? '}' : ']')) {
                if (obj)
                    w->stack[depth / 8] |= (unsigned char)(1u << (depth % 8));
                else
                    w->stack[depth / 8] &= (unsigned char)~(1u << (depth % 8));
                w->depth = ++depth;
                if (path_obj)
                    w->m = depth;
                w->need_key = obj;
                w->p = p;
                return 0;
            }
            p++; /* empty: the value ends here */
        } else {
            w->on_path = false;
            if (c == '"' && w->depth == w->pend)
                p = scan_string2(p, end, &jp->esc, &jp->hi);
            else
                p = skip_scalar(p, end);
            if (!p)
                return -1;
        }
    }
    /* a value (or a container) ended at p */
    w->closing = false;
    if (w->depth == w->pend) {
        jp->ve = p;
        jp->found = true;
        w->pend = -1;
    }
    if (w->m > w->depth)
        w->m = w->depth;
    if (w->depth == 0) {
        w->p = p;
        return 1;
    }
    p = ex_json_ws(p, end);
    if (p >= end)
        return -1;
    {
        int d = w->depth - 1;
        bool obj = (w->stack[d / 8] >> (d % 8)) & 1;
        if (*p == ',') {
            w->p = p + 1;
            w->need_key = obj;
            return 0;
        }
        if (*p == (obj ? '}' : ']')) {
            w->p = p + 1;
            w->depth = d;
            w->closing = true;
            return 0;
        }
    }
    return -1;
}

/* The end of the value at p (NULL when it is not valid JSON), finding the
 * members of jp (when not NULL) on the way: one pass over the text, sixteen
 * steps per loop iteration (a loop header is what costs under wazero's
 * interruption checks). Iterative, so that deep nesting cannot overflow a
 * small (wasm) stack. */
static const char *json_walk(const char *p, const char *end, jpath *jp)
{
    walk w;
    int r;
    w.p = p;
    w.end = end;
    w.jp = jp;
    w.depth = 0;
    w.m = 0;
    w.pend = -1;
    w.on_path = jp && jp->n > 0;
    w.target = w.need_key = w.closing = false;
    if (jp)
        jp->found = false;
    for (;;) {
#define WALK_STEP                                                             \
    if ((r = walk_step(&w)) != 0)                                             \
        break;
        WALK_STEP WALK_STEP WALK_STEP WALK_STEP
        WALK_STEP WALK_STEP WALK_STEP WALK_STEP
        WALK_STEP WALK_STEP WALK_STEP WALK_STEP
        WALK_STEP WALK_STEP WALK_STEP WALK_STEP
#undef WALK_STEP
    }
    return r > 0 ? w.p : NULL;
}

const char *ex_json_skip(const char *p, const char *end)
{
    return json_walk(p, end, NULL);
}

/* ex_json_parse that also finds the path jp; *root gets the value. */
static bool parse_path(const char *text, size_t len, jpath *jp, const char **root)
{
    const char *end = text + len;
    const char *p = ex_json_ws(text, end);
    const char *e = json_walk(p, end, jp);
    if (!e || ex_json_ws(e, end) != end)
        return false;
    *root = p;
    return true;
}

bool ex_json_parse(const char *text, size_t len, const char **v, const char **v_end)
{
    const char *end = text + len;
    const char *p = ex_json_ws(text, end);
    const char *e = ex_json_skip(p, end);
    if (!e || ex_json_ws(e, end) != end)
        return false;
    *v = p;
    *v_end = e;
    return true;
}

bool ex_json_iter_begin(ex_json_iter *it, const char *v, const char *end)
{
    if (v >= end || (*v != '{' && *v != '['))
        return false;
    it->object = *v == '{';
    it->p = v + 1;
    it->end = end;
    it->first = true;
    it->done = false;
    return true;
}

bool ex_json_iter_next(ex_json_iter *it, const char **key, const char **val, const char **val_end)
{
    const char *p, *end = it->end;
    if (it->done)
        return false;
    p = ex_json_ws(it->p, end);
    if (p >= end || *p == '}' || *p == ']')
        goto done;
    if (!it->first) {
        if (*p != ',')
            goto done;
        p = ex_json_ws(p + 1, end);
    }
    it->first = false;
    if (it->object) {
        if (p >= end || *p != '"')
            goto done;
        if (key)
            *key = p;
        p = skip_string(p, end);
        if (!p)
            goto done;
        p = ex_json_ws(p, end);
        if (p >= end || *p != ':')
            goto done;
        p = ex_json_ws(p + 1, end);
    } else if (key) {
        *key = NULL;
    }
    *val = p;
    p = ex_json_skip(p, end);
    if (!p)
        goto done;
    *val_end = p;
    it->p = p;
    return true;
done:
    it->done = true;
    return false;
}

/* Decodes one character of the string body at *pp into b; returns the
 * number of bytes, or 0 at the closing quote (or on malformed input). */
static int dec_step(const char **pp, const char *end, unsigned char b[4])
{
    const char *p = *pp;
    if (p >= end || *p == '"')
        return 0;
    if (*p != '\\') {
        b[0] = (unsigned char)*p;
        *pp = p + 1;
        return 1;
    }
    if (p + 1 >= end)
        return 0;
    switch (p[1]) {
    case '"': b[0] = '"'; break;
    case '\\': b[0] = '\\'; break;
    case '/': b[0] = '/'; break;
    case 'b': b[0] = '\b'; break;
    case 'f': b[0] = '\f'; break;
    case 'n': b[0] = '\n'; break;
    case 'r': b[0] = '\r'; break;
    case 't': b[0] = '\t'; break;
    case 'u': {
        uint32_t cp = 0;
        if (end - p < 6)
            return 0;
        for (int i = 2; i < 6; i++) {
            int h = hex_val(p[i]);
            if (h < 0)
                return 0;
            cp = cp << 4 | (uint32_t)h;
        }
        p += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            bool ok = end - p >= 6 && p[0] == '\\' && p[1] == 'u';
            for (int i = 2; ok && i < 6; i++) {
                int h = hex_val(p[i]);
                if (h < 0)
                    ok = false;
                else
                    lo = lo << 4 | (uint32_t)h;
            }
            if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else {
                cp = 0xFFFD;
            }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        *pp = p;
        return utf8_encode(cp, b);
    }
    default:
        return 0;
    }
    *pp = p + 2;
    return 1;
}

size_t ex_json_decode(const char *q, const char *end, char *out)
{
    const char *p = q + 1;
    size_t n = 0;
    unsigned char b[4];
    int k;
    for (;;) {
        /* the plain run up to the next '"' or '\\', copied at once */
        const char *r = p;
        while (end - r >= 8 && !has_quote(load8(r)))
            r += 8;
        while (r < end && *r != '"' && *r != '\\')
            r++;
        if (out)
            copy_bytes(out + n, p, (size_t)(r - p));
        n += (size_t)(r - p);
        p = r;
        if ((k = dec_step(&p, end, b)) <= 0)
            return n;
        if (out)
            copy_bytes(out + n, (const char *)b, (size_t)k);
        n += (size_t)k;
    }
}

char *ex_json_decode_alloc(const ex_alloc *a, const char *q, const char *end, size_t *len)
{
    size_t n = ex_json_decode(q, end, NULL);
    char *s = a->alloc(a->ctx, n + 1);
    if (!s)
        return NULL;
    ex_json_decode(q, end, s);
    s[n] = 0;
    *len = n;
    return s;
}

static bool key_equals(const char *q, const char *end, const char *key, size_t key_len)
{
    const char *p = q + 1;
    size_t n = 0;
    unsigned char b[4];
    int k;
    while ((k = dec_step(&p, end, b)) > 0) {
        for (int i = 0; i < k; i++, n++)
            if (n >= key_len || (unsigned char)key[n] != b[i])
                return false;
    }
    return n == key_len;
}

bool ex_json_get(const char *obj, const char *end, const char *key, size_t key_len,
                 const char **val, const char **val_end)
{
    ex_json_iter it;
    const char *k, *v, *ve;
    bool found = false;
    if (obj >= end || *obj != '{' || !ex_json_iter_begin(&it, obj, end))
        return false;
    while (ex_json_iter_next(&it, &k, &v, &ve)) {
        if (key_equals(k, end, key, key_len)) {
            *val = v;
            *val_end = ve;
            found = true;
        }
    }
    return found;
}


/* ------------------------------------------------------------------ */
/* JSON writer                                                         */

typedef struct buf {
    const ex_alloc *a;
    char *p;
    size_t len, cap;
    bool oom;
} buf;

static void buf_grow(buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 64;
    char *np;
    if (cap < need) { /* the next power of two (cap is one, at least 64) */
        if (need > ((size_t)-1) / 2 + 1) {
            b->oom = true;
            return;
        }
        cap = (size_t)1 << (64 - __builtin_clzll((unsigned long long)(need - 1)));
    }
    np = b->a->alloc(b->a->ctx, cap);
    if (!np) {
        b->oom = true;
        return;
    }
    if (b->p) {
        copy_bytes(np, b->p, b->len);
        b->a->free(b->a->ctx, b->p, b->cap);
    }
    b->p = np;
    b->cap = cap;
}

static void buf_put(buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        buf_grow(b, b->len + n + 1);
        if (b->oom)
            return;
    }
    copy_bytes(b->p + b->len, s, n);
    b->len += n;
}

#define buf_lit(b, s) buf_put((b), (s), sizeof(s) - 1)

/* Makes room for n more bytes (and the NUL). */
static void buf_reserve(buf *b, size_t n)
{
    if (!b->oom && b->len + n + 1 > b->cap)
        buf_grow(b, b->len + n + 1);
}

static const char hexdigits_lower[] = "0123456789abcdef";
static const char hexdigits_upper[] = "0123456789ABCDEF";

/* Writes s as a JSON string literal: '"', '\\' and control characters are
 * escaped, and bytes that are not well-formed UTF-8 become U+FFFD, so the
 * output is valid JSON and valid UTF-8. */
static void buf_str(buf *b, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    buf_reserve(b, n + 2);
    buf_put(b, "\"", 1);
    while (i < n) {
        unsigned char c;
        const char *esc = NULL;
        char u[6];
        size_t k;
        if (n - i >= 8) {
            uint64_t v = load8(s + i);
            if (!(str_special(v) | (v & HIGHS))) {
                i += 8;
                continue;
            }
        }
        c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            k = utf8_seq((const unsigned char *)s + i, n - i);
            if (k) {
                i += k;
                continue;
            }
        }
        buf_put(b, s + run, i - run);
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            break;
        }
        if (esc) {
            buf_put(b, esc, 2);
        } else if (c < 0x20) {
            u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
            u[4] = hexdigits_lower[c >> 4];
            u[5] = hexdigits_lower[c & 15];
            buf_put(b, u, 6);
        } else {
            buf_put(b, "\xEF\xBF\xBD", 3);
        }
        i++;
        run = i;
    }
    buf_put(b, s + run, n - run);
    buf_put(b, "\"", 1);
}

static ex_status buf_finish(buf *b, ex_result *res)
{
    if (!b->oom && !b->p)
        buf_grow(b, 1);
    if (b->oom) {
        if (b->p)
            b->a->free(b->a->ctx, b->p, b->cap);
        res->ptr = NULL;
        res->len = res->cap = 0;
        res->error = EX_MSG_NOMEM;
        return EX_FAIL;
    }
    b->p[b->len] = 0;
    res->ptr = b->p;
    res->len = b->len;
    res->cap = b->cap;
    res->error = NULL;
    return EX_RESULT;
}

void ex_result_free(const ex_alloc *a, ex_result *res)
{
    if (res->ptr)
        a->free(a->ctx, res->ptr, res->cap);
    res->ptr = NULL;
    res->len = res->cap = 0;
}

static ex_status fail(ex_result *res, const char *msg)
{
    res->ptr = NULL;
    res->len = res->cap = 0;
    res->error = msg;
    return EX_FAIL;
}

/* ------------------------------------------------------------------ */
/* SHA-1                                                               */

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(ex_sha1 *s, const uint8_t *p)
{
    uint32_t w[80], a, b, c, d, e, t;
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
        else { f = b ^ c ^ d; k = 0xCA62C1D6; }
        t = rol(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rol(b, 30); b = a; a = t;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e;
}

void ex_sha1_init(ex_sha1 *s)
{
    s->h[0] = 0x67452301; s->h[1] = 0xEFCDAB89; s->h[2] = 0x98BADCFE;
    s->h[3] = 0x10325476; s->h[4] = 0xC3D2E1F0;
    s->n = 0;
}

void ex_sha1_update(ex_sha1 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t used = (size_t)(s->n % 64);
    s->n += len;
    while (len > 0) {
        size_t take = 64 - used;
        if (take > len)
            take = len;
        for (size_t i = 0; i < take; i++)
            s->buf[used + i] = p[i];
        used += take;
        p += take;
        len -= take;
        if (used == 64) {
            sha1_block(s, s->buf);
            used = 0;
        }
    }
}

void ex_sha1_final(ex_sha1 *s, uint8_t out[20])
{
    uint64_t bits = s->n * 8;
    uint8_t pad = 0x80, zero = 0, len[8];
    ex_sha1_update(s, &pad, 1);
    while (s->n % 64 != 56)
        ex_sha1_update(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    ex_sha1_update(s, len, 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

/* ------------------------------------------------------------------ */
/* stringToUuid                                                        */

static bool is_uuid(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (hex_val(s[i]) < 0) {
            return false;
        }
    }
    return true;
}

/* encodeURIComponent's unreserved set. */
static bool unreserved(unsigned char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '-': case '_': case '.': case '!': case '~': case '*': case '\'': case '(': case ')':
        return true;
    }
    return false;
}

bool ex_string_to_uuid(const char *s, size_t len, char out[36])
{
    ex_sha1 h;
    uint8_t tmp[256], d[20];
    size_t t = 0, i = 0, o = 0;
    if (is_uuid(s, len)) {
        copy_bytes(out, s, 36);
        return true;
    }
    ex_sha1_init(&h);
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c)) {
            tmp[t++] = c;
            i++;
        } else {
            size_t k = utf8_seq((const unsigned char *)s + i, len - i);
            if (!k)
                return false;
            for (size_t j = 0; j < k; j++) {
                unsigned char x = (unsigned char)s[i + j];
                tmp[t++] = '%';
                tmp[t++] = (uint8_t)hexdigits_upper[x >> 4];
                tmp[t++] = (uint8_t)hexdigits_upper[x & 15];
            }
            i += k;
        }
        if (t > sizeof tmp - 12) {
            ex_sha1_update(&h, tmp, t);
            t = 0;
        }
    }
    ex_sha1_update(&h, tmp, t);
    ex_sha1_final(&h, d);
    d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
    d[6] &= 0x0f; /* no version bits: upstream's quirk */
    for (int k = 0; k < 16; k++) {
        if (k == 4 || k == 6 || k == 8 || k == 10)
            out[o++] = '-';
        out[o++] = hexdigits_lower[d[k] >> 4];
        out[o++] = hexdigits_lower[d[k] & 15];
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* options.ms                                                          */

/* Longest number token considered; longer ones are refused (a float64
 * encoder never writes one). */
#define MS_MAX_TOKEN 1100

/*
 * Go decodes options.ms into a float64 and accepts it when the float is an
 * integer from 0 to 10000. This decides the same thing exactly from the
 * decimal text: with n the integer nearest to |x| and d = |x - n|, the
 * float64 nearest to x is n exactly when d is at most half the spacing of
 * float64s around n (ties go to n, whose significand is even), and 0 when
 * |x| <= 2^-1075. d * 2^k <= 1 is checked with exact decimal arithmetic.
 */
bool ex_sleep_millis(const ex_alloc *a, const char *num, const char *end, uint32_t *ms)
{
    const char *p = num, *ip, *ie, *fp = NULL, *fe = NULL;
    bool neg = false, up;
    long exp = 0, P, lz, total, slen, m;
    uint32_t I = 0, n;
    unsigned char *fr;
    int k, carry_int = 0;
    bool ok;

    if (end - num > MS_MAX_TOKEN || skip_number(num, end) != end)
        return false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    ip = p;
    while (p < end && is_digit(*p))
        p++;
    ie = p;
    if (p < end && *p == '.') {
        fp = ++p;
        while (p < end && is_digit(*p))
            p++;
        fe = p;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        bool eneg = false;
        p++;
        if (*p == '+' || *p == '-')
            eneg = *p++ == '-';
        while (p < end) {
            if (exp < 100000000)
                exp = exp * 10 + (*p - '0');
            p++;
        }
        if (eneg)
            exp = -exp;
    }
    /* The digits D = int digits ++ fraction digits; S = D without leading
     * zeros; P = how many digits of S stand before the point. */
    total = (long)(ie - ip) + (fp ? (long)(fe - fp) : 0);
#define DIGIT(i) ((i) < (long)(ie - ip) ? ip[(i)] : fp[(i) - (long)(ie - ip)])
    lz = 0;
    while (lz < total && DIGIT(lz) == '0')
        lz++;
    if (lz == total) { /* zero, or minus zero */
        *ms = 0;
        return true;
    }
    slen = total - lz;
    while (slen > 0 && DIGIT(lz + slen - 1) == '0')
        slen--;
    P = (long)(ie - ip) - lz + exp;
    if (P > 5)
        return false; /* |x| >= 10^5 */
    if (P < -400) {   /* |x| < 10^-400 rounds to (minus) zero */
        *ms = 0;
        return true;
    }
    for (long i = 0; i < P; i++)
        I = I * 10 + (uint32_t)(i < slen ? DIGIT(lz + i) - '0' : 0);
    /* fraction digits after the point */
    m = P >= 0 ? (slen > P ? slen - P : 0) : slen - P;
    fr = a->alloc(a->ctx, (size_t)m + 1);
    if (!fr)
        return false;
    for (long i = 0; i < m; i++) {
        long si = P >= 0 ? P + i : i + P; /* index into S */
        fr[i] = (unsigned char)(si < 0 ? 0 : DIGIT(lz + si) - '0');
    }
#undef DIGIT
    up = m > 0 && fr[0] >= 5;
    n = up ? I + 1 : I;
    if (up) { /* d = 1 - 0.F; F's last digit is non-zero */
        for (long i = 0; i < m - 1; i++)
            fr[i] = (unsigned char)(9 - fr[i]);
        fr[m - 1] = (unsigned char)(10 - fr[m - 1]);
    }
    ok = true;
    if (m > 0) {
        if (n == 0) {
            k = 1075;
        } else {
            int b = 0;
            while ((n >> (b + 1)) != 0)
                b++;
            k = (up && n == (1u << b)) ? 54 - b : 53 - b;
        }
        for (int r = 0; r < k && ok; r++) {
            int c = 0;
            for (long i = m - 1; i >= 0; i--) {
                int v = fr[i] * 2 + c;
                fr[i] = (unsigned char)(v % 10);
                c = v / 10;
            }
            carry_int = carry_int * 2 + c;
            if (carry_int > 1)
                ok = false;
        }
        if (ok && carry_int == 1)
            for (long i = 0; i < m; i++)
                if (fr[i])
                    ok = false;
    }
    a->free(a->ctx, fr, (size_t)m + 1);
    if (!ok)
        return false;
    if (neg && n != 0)
        return false;
    if (n > 10000)
        return false;
    *ms = n;
    return true;
}

/* ------------------------------------------------------------------ */
/* The plugin                                                          */

static const char manifest_json[] =
    "{\"name\":\"interop-example\","
    "\"description\":\"The interop example plugin: echo, uuid, fail, sleep, a provider and an evaluator.\","
    "\"version\":\"1.0.0\","
    "\"language\":\"c\","
    "\"actions\":["
    "{\"name\":\"ECHO\",\"description\":\"Replies with the message text.\"},"
    "{\"name\":\"UUID\",\"description\":\"Derives a UUID from the message text with stringToUuid.\"},"
    "{\"name\":\"FAIL\",\"description\":\"Always fails.\"},"
    "{\"name\":\"SLEEP\",\"description\":\"Waits options.ms milliseconds, then replies.\"}],"
    "\"providers\":[{\"name\":\"EXAMPLE\",\"description\":\"A deterministic provider.\"}],"
    "\"evaluators\":[{\"name\":\"EXAMPLE_EVALUATOR\",\"description\":\"Evaluates messages that ask for it.\"}]}";

ex_status ex_manifest(const ex_alloc *a, ex_result *res)
{
    buf b = {a, NULL, 0, 0, false};
    buf_put(&b, manifest_json, sizeof manifest_json - 1);
    return buf_finish(&b, res);
}

ex_status ex_parse_config(const ex_alloc *a, const char *config, size_t len,
                          char **greeting, size_t *greeting_len, const char **error)
{
    static const char *const keys[] = {"GREETING"};
    static const size_t lens[] = {8};
    jpath jp = {keys, lens, 1, false, false, false, NULL, NULL};
    const char *v;
    *greeting = NULL;
    *greeting_len = 0;
    if (!parse_path(config, len, &jp, &v) || (*v != '{' && *v != 'n')) {
        *error = EX_MSG_BAD_CONFIG;
        return EX_FAIL;
    }
    if (jp.found && *jp.v == '"') {
        *greeting = ex_json_decode_alloc(a, jp.v, jp.ve, greeting_len);
    } else {
        *greeting = a->alloc(a->ctx, 1);
        if (*greeting)
            (*greeting)[0] = 0;
    }
    if (!*greeting) {
        *error = EX_MSG_NOMEM;
        return EX_FAIL;
    }
    return EX_RESULT;
}

/* A member of the memory: memory.content.text or memory.roomId, as its
 * string literal (q NULL when absent or not a string). */
typedef struct member {
    const char *q, *qe; /* the literal, quotes included */
    bool esc, hi;       /* it holds an escape / a byte >= 0x80 */
} member;

/* Validates the memory and finds the member in the same pass; false when
 * the memory is not JSON. */
static bool memory_member(const char *memory, size_t memory_len, bool want_room, member *out)
{
    static const char *const text_keys[] = {"content", "text"};
    static const size_t text_lens[] = {7, 4};
    static const char *const room_keys[] = {"roomId"};
    static const size_t room_lens[] = {6};
    jpath jp = {want_room ? room_keys : text_keys, want_room ? room_lens : text_lens, want_room ? 1 : 2,
                false, false, false, NULL, NULL};
    const char *root;
    out->q = out->qe = NULL;
    out->esc = out->hi = false;
    if (!parse_path(memory, memory_len, &jp, &root))
        return false;
    if (jp.found && *jp.v == '"') {
        out->q = jp.v;
        out->qe = jp.ve;
        out->esc = jp.esc;
        out->hi = jp.hi;
    }
    return true;
}

/* The decoded text of a member. */
typedef struct text {
    char *p; /* NULL when absent */
    size_t len, cap;
} text;

static void text_free(const ex_alloc *a, text *t)
{
    if (t->p)
        a->free(a->ctx, t->p, t->cap);
    t->p = NULL;
    t->len = t->cap = 0;
}

/* Decodes m (empty when absent); false when out of memory. A literal never
 * decodes to more bytes than it has. */
static bool member_text(const ex_alloc *a, const member *m, text *t)
{
    t->p = NULL;
    t->len = t->cap = 0;
    if (!m->q)
        return true;
    t->cap = (size_t)(m->qe - m->q) - 1;
    t->p = a->alloc(a->ctx, t->cap);
    if (!t->p)
        return false;
    t->len = ex_json_decode(m->q, m->qe, t->p);
    t->p[t->len] = 0;
    return true;
}

static const char *text_ptr(const text *t) { return t->p ? t->p : ""; }

/* Whether s[0..n) is well-formed UTF-8, eight ASCII bytes at a time. */
static bool utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k;
        if (n - i >= 8 && !(load8(s + i) & HIGHS)) {
            i += 8;
            continue;
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8_seq((const unsigned char *)s + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

/* Writes the decoded member as buf_str would. A literal without escapes
 * that is valid UTF-8 is exactly what buf_str writes for its text (it holds
 * no '"', '\\' or control byte), so it is copied as it is. */
static void buf_member(buf *b, const ex_alloc *a, const member *m)
{
    text t;
    if (!m->q) {
        buf_put(b, "\"\"", 2);
        return;
    }
    if (!m->esc && (!m->hi || utf8_valid(m->q + 1, (size_t)(m->qe - m->q) - 2))) {
        buf_put(b, m->q, (size_t)(m->qe - m->q));
        return;
    }
    if (!member_text(a, m, &t)) {
        b->oom = true;
        return;
    }
    buf_str(b, t.p, t.len);
    text_free(a, &t);
}

ex_status ex_validate_action(const ex_alloc *a, const char *name, size_t name_len,
                             const char *memory, size_t memory_len, bool *valid,
                             const char **error)
{
    member m;
    (void)a;
    *valid = false;
    if (name_is(name, name_len, "UUID") || name_is(name, name_len, "FAIL") ||
        name_is(name, name_len, "SLEEP")) {
        *valid = true;
        return EX_RESULT;
    }
    if (!name_is(name, name_len, "ECHO"))
        return EX_RESULT;
    if (!memory_member(memory, memory_len, false, &m)) {
        *error = EX_MSG_BAD_MEMORY;
        return EX_FAIL;
    }
    /* every character and every escape decodes to at least one byte */
    *valid = m.q && m.qe - m.q > 2;
    return EX_RESULT;
}

ex_status ex_invoke_action(const ex_alloc *a, const char *name, size_t name_len,
                           const char *memory, size_t memory_len,
                           const char *options, size_t options_len,
                           ex_sleep_fn sleep, void *sleep_ctx, ex_result *res)
{
    buf b = {a, NULL, 0, 0, false};
    member m;

    if (name_is(name, name_len, "FAIL"))
        return fail(res, EX_MSG_EXAMPLE_FAILURE);
    if (name_is(name, name_len, "SLEEP")) {
        static const char *const keys[] = {"ms"};
        static const size_t lens[] = {2};
        jpath jp = {keys, lens, 1, false, false, false, NULL, NULL};
        const char *v;
        uint32_t ms;
        if (!parse_path(options, options_len, &jp, &v) || *v != '{' || !jp.found ||
            !(*jp.v == '-' || is_digit(*jp.v)) || !ex_sleep_millis(a, jp.v, jp.ve, &ms))
            return fail(res, EX_MSG_BAD_SLEEP);
        if (sleep && sleep(sleep_ctx, ms) != 0) {
            res->ptr = NULL;
            res->len = res->cap = 0;
            res->error = NULL;
            return EX_CANCELLED;
        }
        buf_lit(&b, "{\"success\":true,\"text\":\"slept\"}");
        return buf_finish(&b, res);
    }
    if (name_is(name, name_len, "ECHO")) {
        size_t start, n;
        if (!memory_member(memory, memory_len, false, &m))
            return fail(res, EX_MSG_BAD_MEMORY);
        buf_reserve(&b, 48 + 2 * (m.q ? (size_t)(m.qe - m.q) : 2));
        buf_lit(&b, "{\"success\":true,\"text\":");
        start = b.len;
        buf_member(&b, a, &m);
        n = b.len - start;
        buf_lit(&b, ",\"data\":{\"echo\":");
        buf_reserve(&b, n + 2);
        if (!b.oom)
            buf_put(&b, b.p + start, n); /* the same literal again */
        buf_lit(&b, "}}");
        return buf_finish(&b, res);
    }
    if (name_is(name, name_len, "UUID")) {
        char u[36];
        bool ok;
        text t;
        if (!memory_member(memory, memory_len, false, &m))
            return fail(res, EX_MSG_BAD_MEMORY);
        if (!member_text(a, &m, &t))
            return fail(res, EX_MSG_NOMEM);
        ok = ex_string_to_uuid(text_ptr(&t), t.len, u);
        text_free(a, &t);
        if (!ok)
            return fail(res, EX_MSG_BAD_UTF8);
        buf_lit(&b, "{\"success\":true,\"text\":\"");
        buf_put(&b, u, 36);
        buf_lit(&b, "\",\"data\":{\"uuid\":\"");
        buf_put(&b, u, 36);
        buf_lit(&b, "\"}}");
        return buf_finish(&b, res);
    }
    buf_lit(&b, "{\"success\":false,\"error\":");
    {
        /* "Action not found: " + name, as one string */
        size_t pre = sizeof "Action not found: " - 1;
        char *msg = a->alloc(a->ctx, pre + name_len + 1);
        if (!msg) {
            b.oom = true;
        } else {
            copy_bytes(msg, "Action not found: ", pre);
            copy_bytes(msg + pre, name, name_len);
            buf_str(&b, msg, pre + name_len);
            a->free(a->ctx, msg, pre + name_len + 1);
        }
    }
    buf_lit(&b, "}");
    return buf_finish(&b, res);
}

ex_status ex_get_provider(const ex_alloc *a, const char *name, size_t name_len,
                          const char *memory, size_t memory_len,
                          const char *greeting, size_t greeting_len, ex_result *res)
{
    buf b = {a, NULL, 0, 0, false};
    member room;
    if (!name_is(name, name_len, "EXAMPLE")) {
        res->ptr = NULL;
        res->len = res->cap = 0;
        res->error = NULL;
        return EX_NONE;
    }
    if (!memory_member(memory, memory_len, true, &room))
        return fail(res, EX_MSG_BAD_MEMORY);
    buf_lit(&b, "{\"text\":\"example provider\",\"values\":{\"plugin\":\"interop-example\",\"greeting\":");
    buf_str(&b, greeting ? greeting : "", greeting ? greeting_len : 0);
    buf_lit(&b, "},\"data\":{\"roomId\":");
    buf_member(&b, a, &room);
    buf_lit(&b, "}}");
    return buf_finish(&b, res);
}

ex_status ex_validate_evaluator(const ex_alloc *a, const char *name, size_t name_len,
                                const char *memory, size_t memory_len, bool *valid,
                                const char **error)
{
    member m;
    text t;
    *valid = false;
    if (!name_is(name, name_len, "EXAMPLE_EVALUATOR"))
        return EX_RESULT;
    if (!memory_member(memory, memory_len, false, &m)) {
        *error = EX_MSG_BAD_MEMORY;
        return EX_FAIL;
    }
    if (!m.esc && m.q) { /* the literal's body is the text */
        *valid = contains(m.q + 1, (size_t)(m.qe - m.q) - 2, "evaluate", 8);
        return EX_RESULT;
    }
    if (!member_text(a, &m, &t)) {
        *error = EX_MSG_NOMEM;
        return EX_FAIL;
    }
    *valid = contains(text_ptr(&t), t.len, "evaluate", 8);
    text_free(a, &t);
    return EX_RESULT;
}

ex_status ex_invoke_evaluator(const ex_alloc *a, const char *name, size_t name_len,
                              const char *memory, size_t memory_len, ex_result *res)
{
    buf b = {a, NULL, 0, 0, false};
    (void)memory;
    (void)memory_len;
    if (!name_is(name, name_len, "EXAMPLE_EVALUATOR")) {
        res->ptr = NULL;
        res->len = res->cap = 0;
        res->error = NULL;
        return EX_NONE;
    }
    buf_lit(&b, "{\"success\":true,\"text\":\"evaluated\",\"values\":{\"evaluated\":true}}");
    return buf_finish(&b, res);
}
