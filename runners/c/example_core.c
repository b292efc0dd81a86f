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
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

static bool bytes_equal(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static bool name_is(const char *name, size_t len, const char *lit)
{
    return bytes_equal(name, len, lit, ex_strlen(lit));
}

static bool contains(const char *s, size_t n, const char *needle, size_t m)
{
    if (m > n)
        return false;
    for (size_t i = 0; i + m <= n; i++)
        if (bytes_equal(s + i, m, needle, m))
            return true;
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

/* p at '"'; returns just past the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *end)
{
    p++;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            p++;
            if (p >= end)
                return NULL;
            switch (*p) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                p++;
                break;
            case 'u':
                if (end - p < 5)
                    return NULL;
                for (int i = 1; i <= 4; i++)
                    if (hex_val(p[i]) < 0)
                        return NULL;
                p += 5;
                break;
            default:
                return NULL;
            }
        } else {
            p++;
        }
    }
    return NULL;
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

static const char *skip_literal(const char *p, const char *end, const char *lit)
{
    size_t n = ex_strlen(lit);
    if ((size_t)(end - p) < n || !bytes_equal(p, n, lit, n))
        return NULL;
    return p + n;
}

static const char *skip_scalar(const char *p, const char *end)
{
    switch (*p) {
    case '"': return skip_string(p, end);
    case 't': return skip_literal(p, end, "true");
    case 'f': return skip_literal(p, end, "false");
    case 'n': return skip_literal(p, end, "null");
    default: return skip_number(p, end);
    }
}

/* Iterative, so that deep nesting cannot overflow a small (wasm) stack. */
const char *ex_json_skip(const char *p, const char *end)
{
    unsigned char stack[EX_JSON_MAX_DEPTH / 8];
    int depth = 0;
    char c;

value:
    p = ex_json_ws(p, end);
    if (p >= end)
        return NULL;
    c = *p;
    if (c == '{' || c == '[') {
        bool obj = c == '{';
        if (depth >= EX_JSON_MAX_DEPTH)
            return NULL;
        p = ex_json_ws(p + 1, end);
        if (p >= end)
            return NULL;
        if (*p == (obj ? '}' : ']')) {
            p++;
            goto close;
        }
        if (obj)
            stack[depth / 8] |= (unsigned char)(1u << (depth % 8));
        else
            stack[depth / 8] &= (unsigned char)~(1u << (depth % 8));
        depth++;
        if (obj)
            goto key;
        goto value;
    }
    p = skip_scalar(p, end);
    if (!p)
        return NULL;
    goto close;

key:
    p = ex_json_ws(p, end);
    if (p >= end || *p != '"')
        return NULL;
    p = skip_string(p, end);
    if (!p)
        return NULL;
    p = ex_json_ws(p, end);
    if (p >= end || *p != ':')
        return NULL;
    p++;
    goto value;

close:
    if (depth == 0)
        return p;
    p = ex_json_ws(p, end);
    if (p >= end)
        return NULL;
    {
        bool obj = (stack[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1;
        if (*p == ',') {
            p++;
            if (obj)
                goto key;
            goto value;
        }
        if (*p == (obj ? '}' : ']')) {
            p++;
            depth--;
            goto close;
        }
    }
    return NULL;
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
    while ((k = dec_step(&p, end, b)) > 0) {
        if (out)
            for (int i = 0; i < k; i++)
                out[n + (size_t)i] = (char)b[i];
        n += (size_t)k;
    }
    return n;
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

static bool get_path(const char *obj, const char *end, const char *key, const char **v, const char **ve)
{
    return ex_json_get(obj, end, key, ex_strlen(key), v, ve);
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
    while (cap < need) {
        if (cap > ((size_t)-1) / 2) {
            b->oom = true;
            return;
        }
        cap *= 2;
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

static void buf_lit(buf *b, const char *s) { buf_put(b, s, ex_strlen(s)); }

static const char hexdigits_lower[] = "0123456789abcdef";
static const char hexdigits_upper[] = "0123456789ABCDEF";

/* Writes s as a JSON string literal: '"', '\\' and control characters are
 * escaped, and bytes that are not well-formed UTF-8 become U+FFFD, so the
 * output is valid JSON and valid UTF-8. */
static void buf_str(buf *b, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    buf_put(b, "\"", 1);
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[6];
        size_t k;
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
            buf_lit(b, esc);
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
    const char *v, *ve, *g, *ge;
    *greeting = NULL;
    *greeting_len = 0;
    if (!ex_json_parse(config, len, &v, &ve) || (*v != '{' && *v != 'n')) {
        *error = EX_MSG_BAD_CONFIG;
        return EX_FAIL;
    }
    if (*v == '{' && get_path(v, ve, "GREETING", &g, &ge) && *g == '"') {
        *greeting = ex_json_decode_alloc(a, g, ge, greeting_len);
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

/* A decoded memory member: memory.content.text or memory.roomId. */
typedef struct text {
    char *p; /* NULL when absent */
    size_t len;
} text;

static void text_free(const ex_alloc *a, text *t)
{
    if (t->p)
        a->free(a->ctx, t->p, t->len + 1);
    t->p = NULL;
    t->len = 0;
}

/* Reads memory.content.text (want_room false) or memory.roomId; the
 * member is empty when absent or not a string. */
static ex_status memory_member(const ex_alloc *a, const char *memory, size_t memory_len,
                               bool want_room, text *out, const char **error)
{
    const char *v, *ve, *c, *ce, *t, *te;
    bool found = false;
    out->p = NULL;
    out->len = 0;
    if (!ex_json_parse(memory, memory_len, &v, &ve)) {
        *error = EX_MSG_BAD_MEMORY;
        return EX_FAIL;
    }
    if (*v != '{')
        return EX_RESULT;
    if (want_room) {
        found = get_path(v, ve, "roomId", &t, &te);
    } else if (get_path(v, ve, "content", &c, &ce) && *c == '{') {
        found = get_path(c, ce, "text", &t, &te);
    }
    if (found && *t == '"') {
        out->p = ex_json_decode_alloc(a, t, te, &out->len);
        if (!out->p) {
            *error = EX_MSG_NOMEM;
            return EX_FAIL;
        }
    }
    return EX_RESULT;
}

static const char *text_ptr(const text *t) { return t->p ? t->p : ""; }

ex_status ex_validate_action(const ex_alloc *a, const char *name, size_t name_len,
                             const char *memory, size_t memory_len, bool *valid,
                             const char **error)
{
    text t;
    ex_status st;
    *valid = false;
    if (name_is(name, name_len, "UUID") || name_is(name, name_len, "FAIL") ||
        name_is(name, name_len, "SLEEP")) {
        *valid = true;
        return EX_RESULT;
    }
    if (!name_is(name, name_len, "ECHO"))
        return EX_RESULT;
    st = memory_member(a, memory, memory_len, false, &t, error);
    if (st != EX_RESULT)
        return st;
    *valid = t.len > 0;
    text_free(a, &t);
    return EX_RESULT;
}

ex_status ex_invoke_action(const ex_alloc *a, const char *name, size_t name_len,
                           const char *memory, size_t memory_len,
                           const char *options, size_t options_len,
                           ex_sleep_fn sleep, void *sleep_ctx, ex_result *res)
{
    buf b = {a, NULL, 0, 0, false};
    text t;
    ex_status st;
    const char *err = NULL;

    if (name_is(name, name_len, "FAIL"))
        return fail(res, EX_MSG_EXAMPLE_FAILURE);
    if (name_is(name, name_len, "SLEEP")) {
        const char *v, *ve, *m, *me;
        uint32_t ms;
        if (!ex_json_parse(options, options_len, &v, &ve) || *v != '{' ||
            !get_path(v, ve, "ms", &m, &me) || !(*m == '-' || is_digit(*m)) ||
            !ex_sleep_millis(a, m, me, &ms))
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
        st = memory_member(a, memory, memory_len, false, &t, &err);
        if (st != EX_RESULT)
            return fail(res, err);
        buf_lit(&b, "{\"success\":true,\"text\":");
        buf_str(&b, text_ptr(&t), t.len);
        buf_lit(&b, ",\"data\":{\"echo\":");
        buf_str(&b, text_ptr(&t), t.len);
        buf_lit(&b, "}}");
        text_free(a, &t);
        return buf_finish(&b, res);
    }
    if (name_is(name, name_len, "UUID")) {
        char u[36];
        bool ok;
        st = memory_member(a, memory, memory_len, false, &t, &err);
        if (st != EX_RESULT)
            return fail(res, err);
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
        size_t pre = ex_strlen("Action not found: ");
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
    text room;
    const char *err = NULL;
    if (!name_is(name, name_len, "EXAMPLE")) {
        res->ptr = NULL;
        res->len = res->cap = 0;
        res->error = NULL;
        return EX_NONE;
    }
    if (memory_member(a, memory, memory_len, true, &room, &err) != EX_RESULT)
        return fail(res, err);
    buf_lit(&b, "{\"text\":\"example provider\",\"values\":{\"plugin\":\"interop-example\",\"greeting\":");
    buf_str(&b, greeting ? greeting : "", greeting ? greeting_len : 0);
    buf_lit(&b, "},\"data\":{\"roomId\":");
    buf_str(&b, text_ptr(&room), room.len);
    buf_lit(&b, "}}");
    text_free(a, &room);
    return buf_finish(&b, res);
}

ex_status ex_validate_evaluator(const ex_alloc *a, const char *name, size_t name_len,
                                const char *memory, size_t memory_len, bool *valid,
                                const char **error)
{
    text t;
    ex_status st;
    *valid = false;
    if (!name_is(name, name_len, "EXAMPLE_EVALUATOR"))
        return EX_RESULT;
    st = memory_member(a, memory, memory_len, false, &t, error);
    if (st != EX_RESULT)
        return st;
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
