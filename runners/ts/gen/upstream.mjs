// Thin wrappers that call the real upstream package and report what it did, in the
// shape of the suite semantics (see README-level comments in gen-vectors.mjs).
import { createRequire } from 'node:module';
import * as core from '@elizaos/core';
import * as rng from './rng.mjs';
import * as ref from './ref.mjs';

export const PINNED = '2.0.0-alpha.537';

export function upstreamVersion() {
  const require = createRequire(import.meta.url);
  return require('@elizaos/core/package.json').version;
}

// ---------------------------------------------------------------- logging
// Upstream logs through core.logger (the same object its settings module uses).
// We capture warn/error so the generator's output stays clean, and so salt.policy
// can observe the default-salt warning.
const captured = [];
let logHooked = false;
export function hookLogger() {
  if (logHooked) return;
  for (const level of ['warn', 'error']) {
    core.logger[level] = (...args) => { captured.push({ level, args }); };
  }
  logHooked = true;
}
function drainLogs() {
  return captured.splice(0, captured.length);
}
export function loggedDecryptionFailed(logs) {
  return logs.some((l) => l.level === 'error' && l.args.some((a) => a === 'Decryption failed'));
}

// The class name of a value upstream threw: all of an upstream exception that
// a peer reports (its message may quote the input).
export function errorType(e) {
  if (e !== null && typeof e === 'object' && typeof e.constructor === 'function' && e.constructor.name) return e.constructor.name;
  return e === null ? 'null' : typeof e;
}

// ---------------------------------------------------------------- ids

function s2uCall(arg) {
  try {
    const out = core.stringToUuid(arg);
    return { output: out };
  } catch (e) {
    const kind = e instanceof URIError ? 'invalid_utf8' : e instanceof TypeError ? 'invalid_type' : null;
    return { error: `${e.name}: ${e.message}`, kind, raised: errorType(e) };
  }
}

// Returns null when upstream cannot receive the input at all.
export function observeStringToUuid(input) {
  switch (input.kind) {
    case 'string':
      return s2uCall(input.value);
    case 'bytes': {
      const d = ref.decodeUtf8Strict(ref.bytesFromHex(input.hex));
      return d.ok ? s2uCall(d.text) : null; // a JS string cannot hold invalid UTF-8
    }
    case 'utf16':
      return s2uCall(ref.utf16FromHex(input.hex));
    case 'integer':
    case 'float':
      return s2uCall(Number(input.value)); // a TS caller passes a JS number
    case 'boolean':
      return s2uCall(input.value);
    case 'null':
      return s2uCall(null);
    default:
      throw new Error(`unknown kind ${input.kind}`);
  }
}

export function observeCreateUniqueUuid({ agentId, base }) {
  try {
    return { output: core.createUniqueUuid({ agentId }, base) };
  } catch (e) {
    return { error: `${e.name}: ${e.message}`, kind: null, raised: errorType(e) };
  }
}

// ---------------------------------------------------------------- envelopes

// Seal with upstream. With a `label`, the IV comes from the seeded stream for it
// (when gen/rng.mjs is installed); without one (the peer), the RNG module is untouched.
export function encrypt(value, salt, label) {
  if (label !== undefined) rng.seed(label);
  const out = core.encryptStringValue(value, salt);
  drainLogs();
  return out;
}

export function decrypt(value, salt) {
  drainLogs();
  const out = core.decryptStringValue(value, salt);
  const logs = drainLogs();
  return { out, logs };
}

// The peer's calls: what one upstream envelope function returned (raw) and
// what it logged at warn/error, or the class of what it threw. Nothing is
// checked or interpreted here; the gate judges.
function callRaw(fn) {
  drainLogs();
  try {
    const returned = fn();
    return { returned, logs: drainLogs() };
  } catch (e) {
    drainLogs();
    return { raised: errorType(e) };
  }
}
export const sealRaw = (plaintext, salt) => callRaw(() => core.encryptStringValue(plaintext, salt));
export const openRaw = (value, salt) => callRaw(() => core.decryptStringValue(value, salt));
export const migrateRaw = (value, salt) => callRaw(() => core.migrateEncryptedStringValue(value, salt));

// open suites: unchanged input => failed; anything else => output.
export function observeOpen({ value, salt }) {
  const { out, logs } = decrypt(value, salt);
  if (out === value) {
    return {
      failed: true,
      error: loggedDecryptionFailed(logs)
        ? 'returned input unchanged (fail-open; logged "Decryption failed")'
        : 'returned input unchanged (fail-open; not treated as an envelope, nothing logged)',
    };
  }
  return { output: out };
}

// detect: encryptStringValue(x) === x means upstream considers x envelope-shaped.
export function observeDetect({ value }, label) {
  const out = encrypt(value, 'detect-probe-salt', label);
  if (out === value) return { output: value.split(':').length === 4 ? 'v2' : 'v1' };
  return { output: 'none' };
}

// roundtrip: unchanged, or a canonical v2 envelope that upstream opens back.
export function observeRoundtrip({ salt, plaintext }, label) {
  const env = encrypt(plaintext, salt, label);
  if (env === plaintext) return { output: { status: 'unchanged' } };
  if (!ref.isCanonicalV2For(env, plaintext)) return { error: `returned a non-canonical envelope: ${env}` };
  const back = decrypt(env, salt).out;
  if (back !== plaintext) return { error: `sealed, but upstream opened its own envelope to ${JSON.stringify(back)}` };
  const refBack = ref.open(env, salt);
  if (refBack.output !== plaintext) return { error: 'sealed, but the envelope does not open to the plaintext under the spec' };
  return { output: { status: 'sealed' } };
}

// migrate: unchanged, or migrated (result decrypted by upstream).
export function observeMigrate({ salt, value }, label) {
  if (label !== undefined) rng.seed(label);
  drainLogs();
  const out = core.migrateEncryptedStringValue(value, salt);
  const logs = drainLogs();
  if (out === value) {
    return loggedDecryptionFailed(logs)
      ? { output: { status: 'unchanged' }, failOpen: true, note: 'returned input unchanged (fail-open; logged "Decryption failed")' }
      : { output: { status: 'unchanged' } };
  }
  const plaintext = decrypt(out, salt).out;
  if (!ref.isCanonicalV2For(out, plaintext) || ref.open(out, salt).output !== plaintext) {
    // returned: what migrate gave; decrypted: what upstream's own decrypt
    // reads from the input (for the deviation checks, not written).
    return {
      error: `returned ${JSON.stringify(out)}, which is not a fresh canonical v2 envelope (upstream opens it to ${JSON.stringify(plaintext)})`,
      returned: out,
      decrypted: decrypt(value, salt).out,
    };
  }
  return { output: { status: 'migrated', plaintext } };
}

// ---------------------------------------------------------------- salt policy

const SALT_VARS = ['SECRET_SALT', 'NODE_ENV', 'ELIZA_ALLOW_DEFAULT_SECRET_SALT'];

export function observeSaltPolicy({ env }) {
  const saved = {};
  for (const k of SALT_VARS) saved[k] = process.env[k];
  try {
    for (const k of SALT_VARS) {
      if (Object.prototype.hasOwnProperty.call(env, k)) process.env[k] = env[k];
      else delete process.env[k];
    }
    core.clearSaltCache();
    drainLogs();
    let salt;
    try {
      salt = core.getSalt();
    } catch (e) {
      drainLogs();
      const kind = /must be set to a non-default value in production/.test(e.message) ? 'default_salt_in_production' : null;
      return { error: `${e.name}: ${e.message}`, kind, raised: errorType(e) };
    }
    const logs = drainLogs();
    const warned = logs.some(
      (l) => l.level === 'warn' && l.args.some((a) => a && typeof a === 'object' && a.event === 'core.settings.default_secret_salt'),
    );
    return { output: { salt, default: warned } };
  } finally {
    for (const k of SALT_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    core.clearSaltCache();
  }
}
