// Deterministic replacement for globalThis.crypto.getRandomValues.
//
// The only thing the generator replaces in the upstream package is its source of
// randomness (the v2 IV). Bytes come from SHA-256 in counter mode over a label, and
// the label is reset per case (seed(caseId + "/...")), so the bytes a case sees do
// not depend on which cases ran before it.
import { createHash } from 'node:crypto';

const DOMAIN = 'interopkit/vectors/v1';
let label = 'unscoped';
let counter = 0;
let pool = Buffer.alloc(0);

export function seed(newLabel) {
  label = String(newLabel);
  counter = 0;
  pool = Buffer.alloc(0);
}

export function randomBytes(n) {
  while (pool.length < n) {
    const block = createHash('sha256').update(`${DOMAIN}|${label}|${counter}`).digest();
    counter += 1;
    pool = Buffer.concat([pool, block]);
  }
  const out = pool.subarray(0, n);
  pool = pool.subarray(n);
  return Buffer.from(out);
}

// The first n bytes a fresh seed(label) stream yields, without touching the stream.
export function streamPrefix(lbl, n) {
  const blocks = [];
  for (let i = 0; blocks.length * 32 < n; i++) {
    blocks.push(createHash('sha256').update(`${DOMAIN}|${lbl}|${i}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, n);
}

// Fixed bytes derived from a label, independent of the stream above (used for the
// IVs of envelopes the generator builds itself with node:crypto).
export function derivedBytes(lbl, n) {
  const out = [];
  let i = 0;
  while (Buffer.concat(out).length < n) {
    out.push(createHash('sha256').update(`${DOMAIN}|derived|${lbl}|${i}`).digest());
    i += 1;
  }
  return Buffer.concat(out).subarray(0, n);
}

let installed = false;
export function install() {
  if (installed) return;
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new Error('globalThis.crypto.getRandomValues is not available');
  }
  c.getRandomValues = function deterministicGetRandomValues(view) {
    if (!ArrayBuffer.isView(view)) throw new TypeError('getRandomValues: expected an ArrayBufferView');
    const bytes = randomBytes(view.byteLength);
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(bytes);
    return view;
  };
  installed = true;
}
