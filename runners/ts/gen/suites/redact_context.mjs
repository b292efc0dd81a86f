// redact.context: key-based redaction of a structured log call's context
// object (spec/redact-log.md).
//
// Expected values come from the reference below (specRedact), written from
// the spec: Python-like semantics at every depth, keys lower-cased (Python's
// str.lower, which JavaScript's toLowerCase agrees with), no mutation, the
// ELIZA_LOG_REDACT and ELIZA_LOG_REDACT_KEYS variables, top-level src and
// event never redacted, and objects or arrays of depth 64 or more truncated.
//
// The observation is what the real TS logger of @elizaos/core does: each
// context is logged with core.logger.info(context, msg) in JSON mode
// (LOG_JSON_FORMAT=true, in a child process since upstream reads it at load
// time), and the emitted record's args[0] is what was logged. The caller's
// object is inspected afterwards, since upstream redacts a shallow copy in
// place. The deviation flags of a case are derived from the difference
// between spec and observation (classify), and must be exactly the declared
// ones.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { asJs, stringify } from '../json.mjs';

const CENSOR = '[REDACTED]';
const TRUNCATED = '[TRUNCATED]';
const MAX_DEPTH = 64;
// The upstream key list in TS spelling (matched exactly by TS).
const TS_KEYS = [
  'password', 'passwd', 'secret', 'token', 'apiKey', 'api_key', 'apiSecret', 'api_secret', 'authorization', 'auth',
  'credential', 'credentials', 'privateKey', 'private_key', 'accessToken', 'access_token', 'refreshToken',
  'refresh_token', 'cookie', 'session', 'jwt', 'bearer',
];
const DEFAULT_FOLDED = new Set(TS_KEYS.map((k) => k.toLowerCase()));
const TS_EXACT = new Set(TS_KEYS);

const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------- the spec

// Python's str.strip() white space: Unicode White_Space plus U+001C..U+001F.
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const pyStrip = (s) => s.replace(PY_STRIP, '');

export function specConfig(env = {}) {
  let enabled = true;
  if (has(env, 'ELIZA_LOG_REDACT')) {
    const v = pyStrip(env.ELIZA_LOG_REDACT).toLowerCase();
    if (['0', 'false', 'no', 'off'].includes(v)) enabled = false;
  }
  const keys = new Set(DEFAULT_FOLDED);
  if (has(env, 'ELIZA_LOG_REDACT_KEYS')) {
    for (const item of env.ELIZA_LOG_REDACT_KEYS.split(',')) {
      const k = pyStrip(item);
      if (k !== '') keys.add(k.toLowerCase());
    }
  }
  return { enabled, keys };
}

// depth: the depth of v (the context object is 0).
function specWalk(v, depth, cfg) {
  if (Array.isArray(v)) {
    if (depth >= MAX_DEPTH) return TRUNCATED;
    return v.map((x) => specWalk(x, depth + 1, cfg));
  }
  if (isObject(v)) {
    if (depth >= MAX_DEPTH) return TRUNCATED;
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      const exempt = depth === 0 && (k === 'src' || k === 'event');
      out[k] = !exempt && cfg.keys.has(k.toLowerCase()) ? CENSOR : specWalk(x, depth + 1, cfg);
    }
    return out;
  }
  return v;
}

export function specRedact({ context, env }) {
  const cfg = specConfig(env);
  return { output: cfg.enabled ? specWalk(context, 0, cfg) : structuredClone(context) };
}

// ---------------------------------------------------------------- deviations

export const notes = {
  'ts-redact-one-level':
    'Deviation, observed: upstream TS redacts with fast-redact paths "*.<key>", which match a key exactly one level below the context object (context.x.password) and nowhere else; a secret key at the top level, two or more levels down, or inside an array element, which the spec redacts, was observed logged in clear.',
  'ts-redact-case-sensitive':
    'Deviation, observed: upstream TS matches its 22 keys exactly as spelled (password, apiKey, api_key, ...); a key that names a secret only after lower-casing (Password, APIKEY, Authorization, or to\u212Aen with a KELVIN SIGN), which the spec redacts, was observed logged in clear.',
  'ts-redact-no-env-keys':
    'Deviation, observed: upstream TS ignores ELIZA_LOG_REDACT_KEYS (as upstream Python does not); a key the variable adds, which the spec redacts, was observed logged in clear.',
  'ts-redact-no-off-switch':
    'Deviation, observed: upstream TS ignores ELIZA_LOG_REDACT; with redaction switched off, which the spec (and upstream Python) honour by logging the context unchanged, TS was observed to redact anyway.',
  'ts-redact-mutates-caller':
    'Deviation, observed: upstream TS redacts a shallow copy of the context in place, so the caller\'s nested objects are changed by the log call; upstream.ts.output.callerAfter is the caller\'s object after the call. The spec never modifies the caller\'s values.',
  'ts-redact-no-depth-limit':
    'Deviation, observed: the spec replaces an object or array at depth 64 or more (the context is depth 0) with "[TRUNCATED]"; upstream TS was observed to log it in full.',
  'ctx-top-level': 'A secret key at the top level of the context object.',
  'ctx-nested': 'A secret key exactly one level below the context object (the only place upstream TS redacts).',
  'ctx-deep': 'A secret key two or more levels below the context object.',
  'ctx-array': 'Secret keys inside objects that are array elements, or arrays under secret keys.',
  'ctx-mixed-case': 'Keys whose case differs from the upstream spelling (Password, APIKEY, Access_Token, ...); keys are compared lower-cased.',
  'ctx-non-string': 'The value under a secret key is not a string (object, array, number, boolean, null): the whole value is replaced.',
  'ctx-lookalike': 'Keys that only look like secret keys (passwords, tokenizer, api-key, secret_key, " token"): they are not redacted.',
  'ctx-custom-keys': 'ELIZA_LOG_REDACT_KEYS adds keys: comma-separated, trimmed (Python str.strip white space), lower-cased; empty items skipped.',
  'ctx-off-switch': 'ELIZA_LOG_REDACT switches redaction: after trimming and lower-casing, 1/true/yes/on mean on, 0/false/no/off mean off, anything else the default, on.',
  'ctx-src-event': 'The top-level src and event attributes of a machine-readable event, never redacted, even when configured as secret keys.',
  'ctx-unicode-key': 'A non-ASCII key, or one whose lower-casing is not ASCII lower-casing: the KELVIN SIGN lower-cases to k, LONG S is already lower case, I WITH DOT ABOVE becomes i + U+0307, a final capital sigma becomes final sigma.',
  'ctx-depth-limit': 'Objects or arrays at depth 64 or more (the context is depth 0) are replaced with "[TRUNCATED]"; a secret key still wins over the limit.',
  'ctx-untouched': 'The context is logged exactly as given: no key in it is a secret key, or redaction is off.',
};

// Flags explained and checked for this suite only (the shared ts-unsafe-number
// is serialize.roundtrip's, where the spec fails with out_of_range).
const SUITE_NOTES = {
  'ts-unsafe-number':
    'Deviation, observed: a JSON number whose magnitude is above 2^53-1 becomes the nearest double in JavaScript (JSON.parse), so upstream TS logs it rounded (and the caller holds it rounded); the spec logs numbers exactly as given.',
};

// classify returns the deviation flags that the difference between the
// spec's value and upstream's observation shows. Anything the flags cannot
// explain aborts the run.
function classify(input, spec, obs) {
  const cfg = specConfig(input.env);
  const flags = new Set();
  const fail = (path, why) => {
    throw new Error(`redact.context: unexplained difference at ${path}: ${why}`);
  };
  // The caller holds the context as JavaScript does (asJs: a number beyond
  // 2^53-1 is already the nearest double), so only a change made by the log
  // call counts as a mutation.
  if (!isDeepStrictEqual(obs.output.callerAfter, asJs(input.context))) flags.add('ts-redact-mutates-caller');
  // s: spec value, t: observed, o: original; depth: of these values;
  // viaArray: whether the path from the context passes through an array.
  const walk = (s, t, o, depth, viaArray, path, key) => {
    if (isDeepStrictEqual(s, t)) return;
    if (typeof s === 'bigint' && s === o && typeof t === 'number' && t === Number(s) && !(Number.isFinite(t) && BigInt(t) === s)) {
      // Logged as the nearest double, not as given.
      flags.add('ts-unsafe-number');
      return;
    }
    if (s === CENSOR && o !== CENSOR && t !== CENSOR) {
      // The spec redacts key; upstream did not.
      if (typeof o !== 'object' || o === null ? t !== o : typeof t !== 'object' || t === null) {
        fail(path, `not redacted, but not the original either: ${stringify(t).slice(0, 100)}`);
      }
      if (!DEFAULT_FOLDED.has(key.toLowerCase())) {
        flags.add('ts-redact-no-env-keys');
        return;
      }
      if (!TS_EXACT.has(key)) flags.add('ts-redact-case-sensitive');
      if (depth !== 2 || viaArray) flags.add('ts-redact-one-level');
      return;
    }
    if (t === CENSOR && s !== CENSOR) {
      if (!cfg.enabled && isDeepStrictEqual(s, o)) {
        flags.add('ts-redact-no-off-switch');
        return;
      }
      fail(path, 'upstream redacted what the spec keeps');
    }
    if (s === TRUNCATED && isDeepStrictEqual(t, o) && typeof o === 'object' && o !== null) {
      flags.add('ts-redact-no-depth-limit');
      return;
    }
    if (Array.isArray(s) && Array.isArray(t) && Array.isArray(o) && s.length === t.length && t.length === o.length) {
      s.forEach((x, i) => walk(x, t[i], o[i], depth + 1, true, `${path}/${i}`, null));
      return;
    }
    if (isObject(s) && isObject(t) && isObject(o)) {
      const ks = Object.keys(s).sort();
      if (!isDeepStrictEqual(ks, Object.keys(t).sort())) fail(path, 'different members');
      for (const k of ks) walk(s[k], t[k], o[k], depth + 1, viaArray, `${path}/${k}`, k);
      return;
    }
    fail(path, `spec ${stringify(s).slice(0, 100)}, upstream ${stringify(t).slice(0, 100)}`);
  };
  walk(spec.output, obs.output.logged, input.context, 0, false, '', null);
  return flags;
}

const byClassify = (flags) => Object.fromEntries(
  flags.filter((f) => f.startsWith('ts-')).map((f) => [f, ({ input, spec, obs }) => classify(input, spec, obs).has(f)]),
);
export const deviationChecks = byClassify(Object.keys(notes));
const SUITE_CHECKS = byClassify(Object.keys(SUITE_NOTES));

// ---------------------------------------------------------------- observation

const PROBE = fileURLToPath(new URL('../redact_context_probe.mjs', import.meta.url));
const ENV_VARS = ['ELIZA_LOG_REDACT', 'ELIZA_LOG_REDACT_KEYS'];
let observed = null; // case id -> observation

// observeAll runs every case through the upstream logger, one child process
// per distinct environment (upstream would read it at load time, if at all).
function observeAll() {
  const groups = new Map();
  for (const c of allCases) {
    const env = c.input.env ?? {};
    const key = stringify(ENV_VARS.map((v) => (has(env, v) ? env[v] : null)));
    if (!groups.has(key)) groups.set(key, { env, cases: [] });
    groups.get(key).cases.push(c);
  }
  observed = new Map();
  for (const { env, cases: group } of groups.values()) {
    const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_JSON_FORMAT: 'true', LOG_LEVEL: 'info', NODE_ENV: 'test' };
    for (const v of ENV_VARS) if (has(env, v)) childEnv[v] = env[v];
    const r = spawnSync(process.execPath, [PROBE], {
      input: stringify(group.map((c) => c.input.context)), // BigInt values as exact JSON numbers
      env: childEnv,
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    if (r.status !== 0) throw new Error(`redact.context probe failed (${r.status}): ${r.stderr.slice(0, 500)}`);
    const results = JSON.parse(r.stdout);
    group.forEach((c, i) => observed.set(c.id, results[i]));
  }
}

function observe(input, id) {
  if (observed === null) observeAll();
  const o = observed.get(id);
  if (!o || !isDeepStrictEqual(input, byId.get(id).input)) throw new Error(`redact.context: no observation for ${id}`);
  const obs = { output: { logged: o.logged, callerAfter: o.callerAfter }, mutated: !isDeepStrictEqual(o.callerAfter, asJs(input.context)) };
  // The declared deviation flags must be exactly those observed.
  const seen = [...classify(input, specRedact(input), obs)].sort();
  const declared = (byId.get(id).flags ?? []).filter((f) => f.startsWith('ts-')).sort();
  if (!isDeepStrictEqual(seen, declared)) {
    throw new Error(`case ${id}: declares ${declared.join(',') || 'no deviation'} but upstream shows ${seen.join(',') || 'none'}`);
  }
  return obs;
}

// ---------------------------------------------------------------- cases

const c = (id, description, context, flags, extra = {}) => {
  const input = { context };
  if (extra.env) input.env = extra.env;
  const def = { id: `redact-ctx-${id}`, description, input, flags };
  if (extra.want !== undefined) def.want = { output: extra.want };
  return def;
};
const MUT = 'ts-redact-mutates-caller';
const ONE = 'ts-redact-one-level';
const CASE = 'ts-redact-case-sensitive';
const ENVK = 'ts-redact-no-env-keys';
const OFF = 'ts-redact-no-off-switch';
const DEEP = 'ts-redact-no-depth-limit';

const allKeys = (v) => Object.fromEntries(TS_KEYS.map((k, i) => [k, typeof v === 'function' ? v(k, i) : v]));
// chain(n, leaf): an object chain whose innermost object, leaf, has depth n.
const chain = (n, leaf) => {
  let v = leaf;
  for (let i = n; i >= 1; i--) v = { [`l${i}`]: v };
  return v;
};

const cases = [
  // ---- top level
  c('top-password', 'a top-level password is redacted (TS leaves the top level alone)', { password: 'hunter2', user: 'alice' }, ['ctx-top-level', ONE],
    { want: { password: CENSOR, user: 'alice' } }),
  c('top-all-keys', 'every one of the 22 default keys at the top level', allKeys((k) => `value-of-${k}`), ['ctx-top-level', ONE],
    { want: allKeys(CENSOR) }),
  c('top-token-with-message-fields', 'a top-level token next to ordinary fields, which stay as they are', { token: 'tok-123', requestId: 'r-1', status: 200, ok: true, latencyMs: 12.5 }, ['ctx-top-level', ONE]),
  c('top-object-value', 'a top-level credentials object is replaced whole', { credentials: { user: 'alice', pass: 'pw', nested: { x: 1 } } }, ['ctx-top-level', 'ctx-non-string', ONE]),
  c('top-array-value', 'a top-level cookie array is replaced whole', { cookie: ['a=1', 'b=2'] }, ['ctx-top-level', 'ctx-non-string', 'ctx-array', ONE]),
  c('top-number-value', 'a top-level numeric secret is replaced by the string', { secret: 123456, n: 1 }, ['ctx-top-level', 'ctx-non-string', ONE]),
  c('top-null-value', 'a top-level null secret is replaced too', { session: null }, ['ctx-top-level', 'ctx-non-string', ONE]),
  c('top-empty-string', 'a top-level empty password is replaced too', { password: '' }, ['ctx-top-level', ONE, 'empty']),
  c('top-already-redacted', 'a value that is already the censor text stays the censor text', { password: CENSOR, user: 'bob' }, ['ctx-top-level']),
  // ---- one level down (where TS redacts)
  c('nested-password', 'password one level down: TS redacts it too, but in the caller\'s object', { db: { host: 'localhost', password: 'pw' } }, ['ctx-nested', MUT],
    { want: { db: { host: 'localhost', password: CENSOR } } }),
  c('nested-all-keys', 'every default key, spelled as upstream does, one level down', { cfg: allKeys((k) => `v-${k}`) }, ['ctx-nested', MUT]),
  c('nested-object-value', 'an auth object one level down is replaced whole', { user: { id: 7, auth: { user: 'u', token: 't' } } }, ['ctx-nested', 'ctx-non-string', MUT]),
  c('nested-array-value', 'a cookie array one level down is replaced whole', { req: { path: '/', cookie: ['a', 'b'] } }, ['ctx-nested', 'ctx-non-string', 'ctx-array', MUT]),
  c('nested-number', 'a numeric password one level down', { db: { password: 12345, port: 5432 } }, ['ctx-nested', 'ctx-non-string', MUT]),
  c('nested-boolean', 'a boolean secret one level down', { flags: { secret: true, debug: false } }, ['ctx-nested', 'ctx-non-string', MUT]),
  c('nested-null', 'a null jwt one level down', { auth0: { jwt: null } }, ['ctx-nested', 'ctx-non-string', MUT]),
  c('nested-two-objects', 'two sibling objects with secrets, and one without', { a: { token: 'x' }, b: { apiKey: 'y', ok: 1 }, c: { name: 'z' } }, ['ctx-nested', MUT]),
  // ---- deeper
  c('deep-2', 'a token two levels down', { a: { b: { token: 't' } } }, ['ctx-deep', ONE], { want: { a: { b: { token: CENSOR } } } }),
  c('deep-3-mixed', 'secrets at one, two and three levels', { a: { password: 'p1', b: { password: 'p2', c: { password: 'p3' } } } }, ['ctx-nested', 'ctx-deep', ONE, MUT]),
  c('deep-10', 'a refresh_token ten levels down', chain(10, { refresh_token: 'r', keep: 'k' }), ['ctx-deep', ONE]),
  c('deep-secret-subtree', 'a secret key two levels down whose value holds more secrets: the whole value is replaced', { outer: { inner: { session: { token: 't', id: 1 } } } }, ['ctx-deep', 'ctx-non-string', ONE]),
  c('deep-under-top-secret', 'a top-level secret key with secrets inside: replaced whole, TS redacts only the inner key one level down', { auth: { token: 't', user: 'u' } }, ['ctx-top-level', ONE, MUT]),
  // ---- arrays
  c('array-of-objects', 'tokens inside array elements', { list: [{ token: 'x' }, { value: 'v' }, { token: 'y', n: 2 }] }, ['ctx-array', ONE]),
  c('array-nested-arrays', 'a password inside arrays of arrays', { a: [[{ password: 'x' }], [1, 2]] }, ['ctx-array', ONE]),
  c('array-mixed', 'an array of mixed values with one object holding a secret object', { a: [1, 'two', null, true, { secret: { k: 1 } }] }, ['ctx-array', 'ctx-non-string', ONE]),
  c('array-in-nested', 'an array one level down holding objects with secrets', { user: { sessions: [{ jwt: 'a' }, { jwt: 'b' }] } }, ['ctx-array', ONE]),
  c('array-deep-objects', 'array, object, array, object', { a: [{ b: [{ accessToken: 'x', k: 'v' }] }] }, ['ctx-array', ONE]),
  c('array-long', '100 elements, every tenth with a token', { items: Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? { id: i, token: `t${i}` } : { id: i })) }, ['ctx-array', 'long', ONE]),
  // ---- case
  c('case-top', 'mixed-case keys at the top level', { Password: 'x', API_KEY: 'y', Authorization: 'Bearer z' }, ['ctx-top-level', 'ctx-mixed-case', CASE, ONE]),
  c('case-nested-headers', 'Authorization and Cookie headers one level down', { headers: { Authorization: 'Bearer abc', Cookie: 'sid=1', Accept: '*/*' } }, ['ctx-nested', 'ctx-mixed-case', CASE],
    { want: { headers: { Authorization: CENSOR, Cookie: CENSOR, Accept: '*/*' } } }),
  c('case-api-key-variants', 'apiKey spelled five ways, one level down', { creds: { apiKey: 'a', APIKEY: 'b', ApiKey: 'c', api_key: 'd', API_Key: 'e' } }, ['ctx-nested', 'ctx-mixed-case', CASE, MUT]),
  c('case-token-variants', 'access token spelled four ways, one level down', { x: { accessToken: 'a', access_token: 'b', AccessToken: 'c', ACCESS_TOKEN: 'd' } }, ['ctx-nested', 'ctx-mixed-case', CASE, MUT]),
  c('case-upper-all', 'every default key upper-cased, one level down', { cfg: Object.fromEntries(TS_KEYS.map((k) => [k.toUpperCase(), 1])) }, ['ctx-nested', 'ctx-mixed-case', 'ctx-non-string', CASE]),
  // ---- look-alikes
  c('lookalike-top', 'keys that contain or resemble secret keys are not redacted', { passwords: 'x', tokenizer: 'bpe', 'api-key': 'k', authorized: true, sessions: 3, passwordHash: 'h', secret_key: 's', my_token: 't', tokens: 12 }, ['ctx-lookalike', 'ctx-untouched']),
  c('lookalike-nested', 'look-alikes one level down, next to one real key', { cfg: { tokenizer: 'bpe', tokens: 5, passwordless: true, authToken: 'x', token: 'y' } }, ['ctx-lookalike', 'ctx-nested', MUT]),
  c('lookalike-spaces', 'keys with spaces or punctuation around a secret word', { ' token': 1, 'token ': 2, 'api key': 3, 'api.key': 4, 'pass word': 5, 'TOKEN\n': 6 }, ['ctx-lookalike', 'ctx-untouched', 'whitespace']),
  c('lookalike-values', 'secret-looking text under ordinary keys is key redaction\'s business only if the key is secret', { note: 'password=hunter2', header: 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz', argv: ['--token', 'abc'] }, ['ctx-lookalike', 'ctx-untouched']),
  c('untouched-types', 'numbers, booleans, null and nested containers pass through unchanged', { int: 9007199254740991, neg: -42, float: 1.5, exp: 1e-7, t: true, f: false, n: null, e: {}, a: [], s: 'é\u{1F511}' }, ['ctx-untouched', 'emoji']),
  c('untouched-empty', 'an empty context', {}, ['ctx-untouched', 'empty']),
  c('proto-like-keys', 'keys named like Object.prototype members are ordinary keys', { nested: { constructor: 'c', toString: 's', hasOwnProperty: 'h', valueOf: 'v', secret: 'x' } }, ['ctx-nested', MUT]),
  // ---- unicode keys
  c('unicode-kelvin', 'to\u212Aen (KELVIN SIGN) lower-cases to token, one level down', { n: { 'to\u212Aen': 'x', 'TO\u212AEN': 'y' } }, ['ctx-unicode-key', 'ctx-nested', 'ctx-mixed-case', CASE]),
  c('unicode-long-s', '\u017Fecret (LONG S) is already lower case, so it is not secret; passwd is', { n: { '\u017Fecret': 'x', '\u017FECRET': 'y', passwd: 'z' } }, ['ctx-unicode-key', 'ctx-nested', MUT]),
  c('unicode-dotted-i', 'AUTHOR\u0130ZATION lower-cases to authori\u0307zation, which is not authorization', { n: { 'AUTHOR\u0130ZATION': 'x', 'author\u0131zation': 'y' } }, ['ctx-unicode-key', 'ctx-untouched']),
  c('unicode-fullwidth', 'fullwidth PASSWORD lower-cases to fullwidth password, not password', { '\uFF30\uFF21\uFF33\uFF33\uFF37\uFF2F\uFF32\uFF24': 'x', '\uFF50assword': 'y' }, ['ctx-unicode-key', 'ctx-untouched']),
  c('unicode-custom-key', 'a non-ASCII custom key matches in any case', { 'P\u00c4SSWORT': 'x', n: { 'p\u00e4sswort': 'y', passwort: 'z' } }, ['ctx-unicode-key', 'ctx-custom-keys', 'ctx-top-level', 'ctx-nested', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: 'P\u00e4sswort' } }),
  c('unicode-final-sigma', 'a custom key ending in capital sigma: lower-casing gives final sigma, so \u03bf\u03b4\u03bf\u03c2 matches and \u03bf\u03b4\u03bf\u03c3 does not', { n: { '\u03bf\u03b4\u03bf\u03c2': 1, '\u039f\u0394\u039f\u03a3': 2, '\u03bf\u03b4\u03bf\u03c3': 3 } }, ['ctx-unicode-key', 'ctx-custom-keys', 'ctx-nested', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: '\u039f\u0394\u039f\u03a3' } }),
  // ---- custom keys
  c('custom-basic', 'custom keys, trimmed and lower-cased, at every depth', { sessionId: 's', nested: { 'x-api-key': 'k', PIN: 1234, pin2: 'no' }, list: [{ pin: 1 }] }, ['ctx-custom-keys', 'ctx-top-level', 'ctx-nested', 'ctx-array', 'ctx-mixed-case', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: 'sessionId, X-Api-Key ,pin' } }),
  c('custom-upper', 'a custom key given in upper case', { mysecret: 'x', nested: { MySecret: 'y' } }, ['ctx-custom-keys', 'ctx-mixed-case', 'ctx-top-level', 'ctx-nested', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: 'MYSECRET' } }),
  c('custom-empty-items', 'empty and blank items are skipped: the empty key is never secret', { '': 'empty key', ' ': 'blank key', foo: 1, nested: { foo: 2 } }, ['ctx-custom-keys', 'ctx-top-level', 'ctx-nested', 'empty', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: ',, ,foo,' } }),
  c('custom-whitespace', 'items are trimmed of Python white space: tab, newline, NBSP, U+001F, U+3000', { nested: { foo: 1, bar: 2, baz: 3, qux: 4, quux: 5 } }, ['ctx-custom-keys', 'ctx-nested', 'whitespace', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: '\tfoo\n,\u00a0bar\u00a0, baz\u001f,\u3000qux,quux\u2028' } }),
  c('custom-inner-space', 'white space inside an item is kept', { nested: { 'x y': 1, xy: 2 } }, ['ctx-custom-keys', 'ctx-nested', 'whitespace', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: ' x y ' } }),
  c('custom-duplicate-default', 'a custom key that is already a default changes nothing', { nested: { password: 'p' } }, ['ctx-custom-keys', 'ctx-nested', MUT],
    { env: { ELIZA_LOG_REDACT_KEYS: 'PASSWORD,password' } }),
  c('custom-empty-var', 'ELIZA_LOG_REDACT_KEYS set to the empty string adds nothing', { nested: { token: 't', foo: 'f' } }, ['ctx-custom-keys', 'ctx-nested', 'empty', MUT],
    { env: { ELIZA_LOG_REDACT_KEYS: '' } }),
  // ---- src / event
  c('src-event', 'src and event are kept next to redacted fields', { src: 'core:settings', event: 'core.settings.default_secret_salt', password: 'p', nested: { token: 't' } }, ['ctx-src-event', 'ctx-top-level', 'ctx-nested', ONE, MUT]),
  c('src-event-custom', 'src and event configured as secret keys: kept at the top level, redacted below it', { src: 'plugin:x', event: 'plugin.x.start', nested: { src: 'a', event: 'b' }, list: [{ Event: 'c' }] }, ['ctx-src-event', 'ctx-custom-keys', 'ctx-nested', 'ctx-array', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: 'src,event' } }),
  c('src-event-case', 'only the exact top-level src and event are exempt: SRC and Event are ordinary keys', { SRC: 'x', Event: 'y', src: 'z' }, ['ctx-src-event', 'ctx-custom-keys', 'ctx-top-level', 'ctx-mixed-case', ENVK],
    { env: { ELIZA_LOG_REDACT_KEYS: 'src,event' } }),
  c('src-event-values-walked', 'a top-level src or event that is an object is still walked', { src: { module: 'm', token: 't' }, event: [{ password: 'p' }] }, ['ctx-src-event', 'ctx-nested', 'ctx-array', ONE, MUT]),
  // ---- off switch
  c('off-false', 'ELIZA_LOG_REDACT=false: nothing is redacted', { password: 'p', nested: { password: 'q' } }, ['ctx-off-switch', 'ctx-untouched', OFF, MUT],
    { env: { ELIZA_LOG_REDACT: 'false' } }),
  c('off-zero', 'ELIZA_LOG_REDACT=0', { nested: { token: 't' } }, ['ctx-off-switch', 'ctx-untouched', OFF, MUT], { env: { ELIZA_LOG_REDACT: '0' } }),
  c('off-no', 'ELIZA_LOG_REDACT=no', { nested: { cookie: 'c' } }, ['ctx-off-switch', 'ctx-untouched', OFF, MUT], { env: { ELIZA_LOG_REDACT: 'no' } }),
  c('off-upper-padded', 'ELIZA_LOG_REDACT=" OFF\\n" (trimmed, lower-cased)', { nested: { jwt: 'j' } }, ['ctx-off-switch', 'ctx-untouched', 'whitespace', OFF, MUT],
    { env: { ELIZA_LOG_REDACT: ' OFF\n' } }),
  c('off-with-custom-keys', 'off wins over custom keys', { pin: 1, nested: { pin: 2, secret: 's' } }, ['ctx-off-switch', 'ctx-custom-keys', 'ctx-untouched', OFF, MUT],
    { env: { ELIZA_LOG_REDACT: 'False', ELIZA_LOG_REDACT_KEYS: 'pin' } }),
  c('on-true', 'ELIZA_LOG_REDACT=true', { nested: { token: 't' } }, ['ctx-off-switch', 'ctx-nested', MUT], { env: { ELIZA_LOG_REDACT: 'true' } }),
  c('on-yes-upper', 'ELIZA_LOG_REDACT=YES', { token: 't' }, ['ctx-off-switch', 'ctx-top-level', ONE], { env: { ELIZA_LOG_REDACT: 'YES' } }),
  c('on-unknown', 'an unknown value (disabled) leaves redaction on', { nested: { secret: 's' } }, ['ctx-off-switch', 'ctx-nested', MUT], { env: { ELIZA_LOG_REDACT: 'disabled' } }),
  c('on-empty', 'the empty string leaves redaction on', { password: 'p' }, ['ctx-off-switch', 'ctx-top-level', 'empty', ONE], { env: { ELIZA_LOG_REDACT: '' } }),
  c('on-inner-space', '"o ff" is not off', { password: 'p' }, ['ctx-off-switch', 'ctx-top-level', 'whitespace', ONE], { env: { ELIZA_LOG_REDACT: 'o ff' } }),
  // ---- depth limit
  c('depth-63-walked', 'the deepest object that is walked (depth 63) has its secret key redacted', chain(63, { token: 't', keep: 'k' }), ['ctx-deep', 'ctx-depth-limit', ONE]),
  c('depth-64-truncated', 'an object at depth 64 becomes [TRUNCATED], with or without secrets', chain(64, { keep: 'k' }), ['ctx-deep', 'ctx-depth-limit', DEEP]),
  c('depth-64-secret-key', 'a secret key wins over the limit: its object value at depth 64 is [REDACTED]', chain(63, { auth: { x: 1 }, list: [1], s: 'scalar' }), ['ctx-deep', 'ctx-depth-limit', 'ctx-non-string', ONE, DEEP]),
  c('depth-array-64', 'arrays count as levels too: an array at depth 64 is truncated, scalars at depth 64 are kept', chain(62, { a: [[1, { token: 'x' }], 2] }), ['ctx-deep', 'ctx-depth-limit', 'ctx-array', DEEP]),
];

// Found by interop parity fuzz (issue 14), minimized. A number a JavaScript
// number cannot hold is given as a BigInt, which the vector file and the
// probe's input spell as the exact JSON number (gen/json.mjs).
const fuzzCases = [
  { id: 'rctx-fuzz-unsafe-integer', description: 'an integer above 2^53 in the context is logged exactly', input: { context: { user: 9007199254740993n } }, flags: ['fuzz-found', 'number-edge', 'ts-unsafe-number'], want: { output: { user: 9007199254740993n } } },
];

const allCases = [...cases, ...fuzzCases];
const byId = new Map(allCases.map((k) => [k.id, k]));

export const suites = [
  {
    name: 'redact.context',
    spec: specRedact,
    observe,
    agrees: (spec, obs) => !obs.mutated && isDeepStrictEqual(spec.output, obs.output.logged),
    notes: SUITE_NOTES,
    deviationChecks: SUITE_CHECKS,
    files: [
      {
        name: 'context',
        description:
          'redact.context: the context object of a structured log call, as logged after key-based redaction (spec/redact-log.md): the 22 upstream keys and ELIZA_LOG_REDACT_KEYS, lower-cased, at any depth, values replaced whole with "[REDACTED]", the caller\'s object never modified, ELIZA_LOG_REDACT as the off switch, top-level src and event kept, depth 64 truncated. Upstream observations are {logged: args[0] of the JSON record the @elizaos/core logger emitted, callerAfter: the caller\'s object after the call}.',
        cases,
      },
      {
        name: 'fuzz-found',
        description: 'Cases found by differential fuzzing (interop parity fuzz, issue 14): log contexts an upstream logger redacts differently from the spec. Each case is minimized and built by this generator; see the fuzz-found flag.',
        cases: fuzzCases,
      },
    ],
  },
];
