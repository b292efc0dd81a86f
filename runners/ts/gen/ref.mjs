// Independent reference for the spec (spec/vectors.md, spec/ids.md and the envelope
// rules). Written from the spec with node:crypto only; it never calls the upstream
// package. Every expected value in vectors/ is computed here.
import { createHash, createCipheriv, createDecipheriv } from 'node:crypto';

const MAX_SAFE = (1n << 53n) - 1n;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX_PAIRS_RE = /^(?:[0-9a-fA-F]{2})*$/;
const AAD = Buffer.from('elizaos:settings:v2', 'utf8');
const UNRESERVED = new Set(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*\'()'.split('').map((c) => c.charCodeAt(0)),
);

// ---------------------------------------------------------------- text

// True iff the JS string has no unpaired surrogate.
export function isWellFormed(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) { i += 1; continue; }
      return false;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

// Strict UTF-8 decoding of a whole buffer; a BOM is kept as U+FEFF.
export function decodeUtf8Strict(buf) {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf) };
  } catch {
    return { ok: false };
  }
}

export function utf8(s) {
  if (!isWellFormed(s)) throw new Error('internal: ill-formed string passed to utf8()');
  return Buffer.from(s, 'utf8');
}

// ---------------------------------------------------------------- ids

export function isUuid(s) {
  return UUID_RE.test(s);
}

export function escapeComponent(s) {
  const bytes = utf8(s);
  const parts = [];
  for (const b of bytes) {
    if (UNRESERVED.has(b)) parts.push(String.fromCharCode(b));
    else parts.push('%' + b.toString(16).toUpperCase().padStart(2, '0'));
  }
  return parts.join('');
}

function hashToUuid(s) {
  const d = createHash('sha1').update(Buffer.from(escapeComponent(s), 'ascii')).digest();
  const u = Buffer.from(d.subarray(0, 16));
  u[8] = (u[8] & 0x3f) | 0x80;
  u[6] = u[6] & 0x0f;
  const h = u.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function stringToUuid(s) {
  if (!isWellFormed(s)) return { error: 'invalid_utf8' };
  if (isUuid(s)) return { output: s };
  return { output: hashToUuid(s) };
}

export function utf16FromHex(hex) {
  if (!/^(?:[0-9a-fA-F]{4})*$/.test(hex)) throw new Error(`internal: bad utf16 hex ${hex}`);
  let s = '';
  for (let i = 0; i < hex.length; i += 4) s += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return s;
}

export function bytesFromHex(hex) {
  if (!HEX_PAIRS_RE.test(hex)) throw new Error(`internal: bad hex ${hex}`);
  return Buffer.from(hex, 'hex');
}

// ValueToUUID over the vectors' input kinds.
export function s2uSpec(input) {
  switch (input.kind) {
    case 'string':
      return stringToUuid(input.value);
    case 'bytes': {
      const d = decodeUtf8Strict(bytesFromHex(input.hex));
      return d.ok ? stringToUuid(d.text) : { error: 'invalid_utf8' };
    }
    case 'utf16':
      return stringToUuid(utf16FromHex(input.hex));
    case 'integer': {
      if (!/^-?(0|[1-9][0-9]*)$/.test(input.value)) throw new Error(`internal: bad integer literal ${input.value}`);
      const n = BigInt(input.value);
      if (n > MAX_SAFE || n < -MAX_SAFE) return { error: 'out_of_range' };
      return stringToUuid(n.toString(10));
    }
    case 'float':
    case 'boolean':
    case 'null':
      return { error: 'invalid_type' };
    default:
      throw new Error(`internal: unknown kind ${input.kind}`);
  }
}

export function createUniqueUuidSpec({ agentId, base }) {
  // The agent id is checked first (spec/ids.md); an ill-formed one is not a UUID either.
  if (!isUuid(agentId)) return { error: 'invalid_agent_id' };
  if (base === agentId) return { output: agentId };
  if (!isWellFormed(base)) return { error: 'invalid_utf8' };
  return stringToUuid(`${base}:${agentId}`);
}

// ---------------------------------------------------------------- envelopes

export function keyFor(salt) {
  return createHash('sha256').update(utf8(salt)).digest();
}

function strictHex(s) {
  return HEX_PAIRS_RE.test(s) ? Buffer.from(s, 'hex') : null;
}

// Strict detection. Returns {kind:'v2', iv, ct, tag} | {kind:'v1', iv, ct} | null.
export function parseEnvelope(value) {
  const parts = value.split(':');
  if (parts.length === 4 && parts[0] === 'v2') {
    const iv = strictHex(parts[1]);
    const ct = strictHex(parts[2]);
    const tag = strictHex(parts[3]);
    if (iv && ct && tag && iv.length === 12 && tag.length === 16) return { kind: 'v2', iv, ct, tag };
    return null;
  }
  if (parts.length === 2) {
    const iv = strictHex(parts[0]);
    const ct = strictHex(parts[1]);
    if (iv && ct && iv.length === 16) return { kind: 'v1', iv, ct };
    return null;
  }
  return null;
}

export function detect(value) {
  const p = parseEnvelope(value);
  return p ? p.kind : 'none';
}

// Open: {output: plaintext} | {error: kind}.
export function open(value, salt) {
  const env = parseEnvelope(value);
  if (!env) return { error: 'not_envelope' };
  const key = keyFor(salt);
  let plain;
  if (env.kind === 'v2') {
    try {
      const d = createDecipheriv('aes-256-gcm', key, env.iv);
      d.setAAD(AAD);
      d.setAuthTag(env.tag);
      plain = Buffer.concat([d.update(env.ct), d.final()]);
    } catch {
      return { error: 'auth_failed' };
    }
  } else {
    if (env.ct.length === 0 || env.ct.length % 16 !== 0) return { error: 'malformed' };
    const d = createDecipheriv('aes-256-cbc', key, env.iv);
    d.setAutoPadding(false);
    const raw = Buffer.concat([d.update(env.ct), d.final()]);
    const pad = raw[raw.length - 1];
    if (pad < 1 || pad > 16) return { error: 'auth_failed' };
    for (let i = raw.length - pad; i < raw.length; i++) if (raw[i] !== pad) return { error: 'auth_failed' };
    plain = raw.subarray(0, raw.length - pad);
  }
  const text = decodeUtf8Strict(plain);
  if (!text.ok) return { error: 'malformed' };
  return { output: text.text };
}

// v2 envelope of raw bytes with a given 12-byte IV (lower-case hex).
export function sealV2Bytes(bytes, salt, iv) {
  if (iv.length !== 12) throw new Error('internal: v2 iv must be 12 bytes');
  const c = createCipheriv('aes-256-gcm', keyFor(salt), iv);
  c.setAAD(AAD);
  const ct = Buffer.concat([c.update(bytes), c.final()]);
  const tag = c.getAuthTag();
  return `v2:${iv.toString('hex')}:${ct.toString('hex')}:${tag.toString('hex')}`;
}

// Seal with a given IV: envelope-shaped plaintexts come back unchanged.
export function seal(plaintext, salt, iv) {
  if (parseEnvelope(plaintext)) return plaintext;
  return sealV2Bytes(utf8(plaintext), salt, iv);
}

export function sealStatus(plaintext) {
  return { output: { status: parseEnvelope(plaintext) ? 'unchanged' : 'sealed' } };
}

// The legacy writer: AES-256-CBC, PKCS#7 padding, `${ivHex}:${ctHex}`.
export function sealV1(bytesOrText, salt, iv) {
  if (iv.length !== 16) throw new Error('internal: v1 iv must be 16 bytes');
  const bytes = typeof bytesOrText === 'string' ? utf8(bytesOrText) : bytesOrText;
  const c = createCipheriv('aes-256-cbc', keyFor(salt), iv);
  return `${iv.toString('hex')}:${Buffer.concat([c.update(bytes), c.final()]).toString('hex')}`;
}

// v1 envelope whose final block carries an arbitrary (possibly invalid) padding: the
// raw bytes must be a whole number of blocks and are encrypted with padding off.
export function sealV1Raw(rawBytes, salt, iv) {
  if (rawBytes.length % 16 !== 0) throw new Error('internal: raw v1 payload must be whole blocks');
  const c = createCipheriv('aes-256-cbc', keyFor(salt), iv);
  c.setAutoPadding(false);
  return `${iv.toString('hex')}:${Buffer.concat([c.update(rawBytes), c.final()]).toString('hex')}`;
}

export function isCanonicalV2For(value, plaintext) {
  const m = /^v2:([0-9a-f]{24}):((?:[0-9a-f]{2})*):([0-9a-f]{32})$/.exec(value);
  return !!m && m[2].length === 2 * utf8(plaintext).length;
}

export function migrate(value, salt) {
  const env = parseEnvelope(value);
  if (!env || env.kind === 'v2') return { output: { status: 'unchanged' } };
  const r = open(value, salt);
  if ('error' in r) return r;
  return { output: { status: 'migrated', plaintext: r.output } };
}

// ---------------------------------------------------------------- salt policy

export const DEFAULT_SALT = 'secretsalt';

export function saltPolicy(env) {
  const raw = Object.prototype.hasOwnProperty.call(env, 'SECRET_SALT') ? env.SECRET_SALT : undefined;
  const salt = raw === undefined || raw === '' ? DEFAULT_SALT : raw;
  const production = (env.NODE_ENV ?? '').toLowerCase() === 'production';
  const override = (env.ELIZA_ALLOW_DEFAULT_SECRET_SALT ?? '').toLowerCase() === 'true';
  if (salt === DEFAULT_SALT && production && !override) return { error: 'default_salt_in_production' };
  return { output: { salt, default: salt === DEFAULT_SALT } };
}

// ---------------------------------------------------------------- lenient model
// A model of the upstream lenient hex detection, used ONLY to confirm that a case
// flagged ts-lenient-hex really differs from strict detection in that way. Observed
// behaviour always comes from running the package.
function lenientLen(s) {
  return Math.floor(s.replace(/[^0-9a-fA-F]/g, '').length / 2);
}
export function lenientDetect(value) {
  const parts = value.split(':');
  if (parts.length === 4 && parts[0] === 'v2' && lenientLen(parts[1]) === 12 && lenientLen(parts[3]) === 16) return 'v2';
  if (parts.length === 2 && lenientLen(parts[0]) === 16) return 'v1';
  return 'none';
}
export function lenientDiffersFromStrict(value) {
  return lenientDetect(value) !== 'none' && parseEnvelope(value) === null;
}
