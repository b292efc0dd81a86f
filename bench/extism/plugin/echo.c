// echo.c is an Extism plugin with the same work as the example plugin's
// ECHO action (runners/c): its input is the Memory as JSON, the same bytes
// the WASM bridge passes to invoke_action, and its output is the
// ActionResult
//
//	{"success":true,"text":T,"data":{"echo":T}}
//
// with T the Memory's content.text. Like the bridge's C guest it parses the
// whole input on every call (every value is checked, strings are decoded)
// and builds the output anew; no work is cached between calls.
//
// It is written against Extism's guest ABI directly (the imports of
// module "extism:host/env", as declared by github.com/extism/c-pdk's
// extism-pdk.h), without libc, and built with
//
//	clang --target=wasm32 -nostdlib -O2 -Wl,--no-entry -Wl,--export=echo
//
// (see the Makefile). The input is copied out of Extism's memory and the
// output copied into it eight bytes per host call, as the C PDK's
// extism_load_input and extism_alloc_buf do: that is how an Extism guest
// reads and writes data.
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#define EXTISM_IMPORT(name)                                                    \
  __attribute__((import_module("extism:host/env"), import_name(name)))

EXTISM_IMPORT("input_length") extern u64 extism_input_length(void);
EXTISM_IMPORT("input_load_u8") extern u8 extism_input_load_u8(u64 offs);
EXTISM_IMPORT("input_load_u64") extern u64 extism_input_load_u64(u64 offs);
EXTISM_IMPORT("alloc") extern u64 extism_alloc(u64 n);
EXTISM_IMPORT("store_u8") extern void extism_store_u8(u64 offs, u8 v);
EXTISM_IMPORT("store_u64") extern void extism_store_u64(u64 offs, u64 v);
EXTISM_IMPORT("output_set") extern void extism_output_set(u64 offs, u64 n);
EXTISM_IMPORT("error_set") extern void extism_error_set(u64 offs);

// The heap: a bump allocator above the linker's __heap_base, emptied at
// the start of every call.
extern u8 __heap_base;
static u32 heap_top;

static void *bump(u32 n) {
  u32 p = (heap_top + 7) & ~7u;
  u32 end = p + n;
  if (end < p)
    return 0;
  u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    u32 pages = (end - have + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (__SIZE_TYPE__)-1)
      return 0;
  }
  heap_top = end;
  return (void *)p;
}

// fail sets the call's error and returns 1, the failing return code.
static int fail(const char *msg) {
  u32 n = 0;
  while (msg[n])
    n++;
  u64 h = extism_alloc(n);
  for (u32 i = 0; i < n; i++)
    extism_store_u8(h + i, (u8)msg[i]);
  extism_error_set(h);
  return 1;
}

// A JSON scanner over the input.
typedef struct {
  const u8 *p, *end;
} scan;

static int peek(scan *s) { return s->p < s->end ? *s->p : -1; }

static void ws(scan *s) {
  while (s->p < s->end &&
         (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static int hex4(scan *s) {
  if (s->end - s->p < 4)
    return -1;
  int v = 0;
  for (int i = 0; i < 4; i++) {
    int c = *s->p++, d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return -1;
    v = v << 4 | d;
  }
  return v;
}

static u32 put_utf8(u8 *out, u32 cp) {
  if (cp < 0x80) {
    out[0] = (u8)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (u8)(0xc0 | cp >> 6);
    out[1] = (u8)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (u8)(0xe0 | cp >> 12);
    out[1] = (u8)(0x80 | (cp >> 6 & 0x3f));
    out[2] = (u8)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (u8)(0xf0 | cp >> 18);
  out[1] = (u8)(0x80 | (cp >> 12 & 0x3f));
  out[2] = (u8)(0x80 | (cp >> 6 & 0x3f));
  out[3] = (u8)(0x80 | (cp & 0x3f));
  return 4;
}

// str reads the string at s->p, decoding it into out when out is not null
// (out must have room for as many bytes as the string's JSON text), and
// returns its decoded length, or -1 if it is not a valid JSON string.
static long str(scan *s, u8 *out) {
  if (peek(s) != '"')
    return -1;
  s->p++;
  u8 tmp[4];
  long n = 0;
  for (;;) {
    if (s->p >= s->end)
      return -1;
    u8 c = *s->p++;
    if (c == '"')
      return n;
    if (c < 0x20)
      return -1;
    if (c != '\\') {
      if (out)
        out[n] = c;
      n++;
      continue;
    }
    if (s->p >= s->end)
      return -1;
    u32 cp;
    switch (*s->p++) {
    case '"': cp = '"'; break;
    case '\\': cp = '\\'; break;
    case '/': cp = '/'; break;
    case 'b': cp = '\b'; break;
    case 'f': cp = '\f'; break;
    case 'n': cp = '\n'; break;
    case 'r': cp = '\r'; break;
    case 't': cp = '\t'; break;
    case 'u': {
      int u = hex4(s);
      if (u < 0)
        return -1;
      cp = (u32)u;
      if (cp >= 0xd800 && cp < 0xdc00) {
        // A high surrogate: a low one must follow, or it is U+FFFD.
        scan t = *s;
        int lo = -1;
        if (t.end - t.p >= 6 && t.p[0] == '\\' && t.p[1] == 'u') {
          t.p += 2;
          lo = hex4(&t);
        }
        if (lo >= 0xdc00 && lo < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + ((u32)lo - 0xdc00);
          *s = t;
        } else {
          cp = 0xfffd;
        }
      } else if (cp >= 0xdc00 && cp < 0xe000) {
        cp = 0xfffd;
      }
      break;
    }
    default:
      return -1;
    }
    u32 k = put_utf8(out ? out + n : tmp, cp);
    n += k;
  }
}

static int skip(scan *s, int depth);

// object walks the object at s->p, calling member for every member with
// the scanner at the member's value; member must consume the value.
typedef int (*member_fn)(scan *s, const u8 *key, long keylen, void *ctx);

static int object(scan *s, int depth, member_fn member, void *ctx) {
  u8 key[16];
  if (depth > 64 || peek(s) != '{')
    return -1;
  s->p++;
  ws(s);
  if (peek(s) == '}') {
    s->p++;
    return 0;
  }
  for (;;) {
    ws(s);
    // Keys are decoded into a small buffer; longer ones are skipped (no
    // key this plugin looks for is that long).
    scan k = *s;
    long kn = str(&k, 0);
    if (kn < 0)
      return -1;
    if (kn <= (long)sizeof key)
      str(s, key);
    else
      *s = k;
    ws(s);
    if (peek(s) != ':')
      return -1;
    s->p++;
    ws(s);
    int r = member && kn <= (long)sizeof key ? member(s, key, kn, ctx)
                                             : skip(s, depth + 1);
    if (r < 0)
      return -1;
    ws(s);
    int c = peek(s);
    s->p++;
    if (c == ',')
      continue;
    if (c == '}')
      return 0;
    return -1;
  }
}

static int is_literal(int c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
         c == '+' || c == '.' || (c >= 'A' && c <= 'Z');
}

// skip reads and checks one value of any type.
static int skip(scan *s, int depth) {
  ws(s);
  int c = peek(s);
  if (c == '"')
    return str(s, 0) < 0 ? -1 : 0;
  if (c == '{')
    return object(s, depth, 0, 0);
  if (c == '[') {
    if (depth > 64)
      return -1;
    s->p++;
    ws(s);
    if (peek(s) == ']') {
      s->p++;
      return 0;
    }
    for (;;) {
      if (skip(s, depth + 1) < 0)
        return -1;
      ws(s);
      c = peek(s);
      s->p++;
      if (c == ',')
        continue;
      if (c == ']')
        return 0;
      return -1;
    }
  }
  const u8 *start = s->p;
  while (s->p < s->end && is_literal(*s->p))
    s->p++;
  return s->p > start ? 0 : -1;
}

static int eq(const u8 *a, long n, const char *b) {
  long i = 0;
  for (; i < n; i++)
    if (!b[i] || a[i] != (u8)b[i])
      return 0;
  return b[i] == 0;
}

typedef struct {
  u8 *text;
  long len; // -1 until found
} found;

static int content_member(scan *s, const u8 *key, long n, void *ctx) {
  found *f = ctx;
  if (eq(key, n, "text") && peek(s) == '"') {
    scan t = *s;
    long raw = str(&t, 0);
    if (raw < 0)
      return -1;
    f->text = bump((u32)(t.p - s->p));
    if (!f->text)
      return -1;
    f->len = str(s, f->text);
    return 0;
  }
  return skip(s, 2);
}

static int memory_member(scan *s, const u8 *key, long n, void *ctx) {
  if (eq(key, n, "content") && peek(s) == '{')
    return object(s, 1, content_member, ctx);
  return skip(s, 1);
}

static u8 *put(u8 *o, const char *lit) {
  while (*lit)
    *o++ = (u8)*lit++;
  return o;
}

// quote writes text as a JSON string.
static u8 *quote(u8 *o, const u8 *t, long n) {
  static const char hex[] = "0123456789abcdef";
  *o++ = '"';
  for (long i = 0; i < n; i++) {
    u8 c = t[i];
    if (c == '"' || c == '\\') {
      *o++ = '\\';
      *o++ = c;
    } else if (c >= 0x20) {
      *o++ = c;
    } else if (c == '\n') {
      o = put(o, "\\n");
    } else if (c == '\r') {
      o = put(o, "\\r");
    } else if (c == '\t') {
      o = put(o, "\\t");
    } else {
      o = put(o, "\\u00");
      *o++ = (u8)hex[c >> 4];
      *o++ = (u8)hex[c & 15];
    }
  }
  *o++ = '"';
  return o;
}

__attribute__((export_name("echo"))) int echo(void) {
  heap_top = (u32)&__heap_base;

  // The input, copied out of Extism's memory.
  u64 n = extism_input_length();
  if (n > 16u << 20)
    return fail("input too large");
  u8 *in = bump((u32)n);
  if (!in)
    return fail("out of memory");
  u64 i = 0;
  for (; i + 8 <= n; i += 8)
    *(u64 *)(in + i) = extism_input_load_u64(i);
  for (; i < n; i++)
    in[i] = extism_input_load_u8(i);

  // The Memory: the whole document is read; content.text is kept.
  scan s = {in, in + n};
  found f = {0, -1};
  ws(&s);
  if (object(&s, 0, memory_member, &f) < 0)
    return fail("input is not a JSON object");
  ws(&s);
  if (s.p != s.end)
    return fail("input is not one JSON value");
  if (f.len < 0)
    return fail("memory.content.text missing");

  // The ActionResult.
  u8 *out = bump((u32)(2 * (6 * f.len + 2) + 64));
  if (!out)
    return fail("out of memory");
  u8 *o = put(out, "{\"success\":true,\"text\":");
  u8 *t0 = o;
  o = quote(o, f.text, f.len);
  u8 *t1 = o;
  o = put(o, ",\"data\":{\"echo\":");
  for (u8 *q = t0; q < t1; q++)
    *o++ = *q;
  o = put(o, "}}");

  // The output, copied into Extism's memory.
  u64 m = (u64)(o - out);
  u64 h = extism_alloc(m);
  for (i = 0; i + 8 <= m; i += 8)
    extism_store_u64(h + i, *(u64 *)(out + i));
  for (; i < m; i++)
    extism_store_u8(h + i, out[i]);
  extism_output_set(h, m);
  return 0;
}
