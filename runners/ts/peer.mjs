#!/usr/bin/env node
// The TypeScript peer of the parity gate (spec/runner-protocol.md): serves the
// REAL @elizaos/core (pinned in package-lock.json) over newline-delimited JSON.
//
//   node runners/ts/peer.mjs        (from the repository root; any cwd works)
//
// Wrap, never re-implement: every case calls upstream through the observation
// functions the vector generator uses (gen/upstream.mjs, and the observe of
// gen/suites/redact_text.mjs), and this file only maps their observations onto
// protocol results. Unlike the generator, the peer
// keeps upstream's real randomness (gen/rng.mjs is never installed).
//
// stdout carries protocol lines only: upstream's logger is captured (warn/error,
// which the observations inspect) or silenced (the other levels), and anything
// else written to process.stdout is diverted to stderr.

// ---------------------------------------------------------------- stdout guard
// Set up before @elizaos/core is imported, so nothing it prints at load time can
// reach the protocol stream. process.stdout.write is synchronous for pipes and
// files on Linux, so each protocol line is flushed when send() returns.
const protocolWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, encoding, cb) => process.stderr.write(chunk, encoding, cb);

function send(msg) {
  protocolWrite(`${JSON.stringify(msg)}\n`);
}

function note(text) {
  // Diagnostics only: never an input value, plaintext, salt or secret.
  process.stderr.write(`ts peer: ${text}\n`);
}

const up = await import('./gen/upstream.mjs');
const core = await import('@elizaos/core');
up.hookLogger(); // warn and error are captured (the observations read them)
for (const level of ['trace', 'debug', 'info', 'fatal', 'success', 'progress', 'log']) {
  if (typeof core.logger[level] === 'function') core.logger[level] = () => {};
}

const VERSION = up.upstreamVersion();
if (VERSION !== up.PINNED) note(`@elizaos/core ${VERSION} is installed, package-lock.json pins ${up.PINNED}`);

// ---------------------------------------------------------------- mapping

const has = (o, k) => o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k);

// The exception type of an observation's "<name>: <message>" error text: the
// only part of an upstream exception a reply may carry (messages may echo input).
const excType = (text) => String(text).split(':')[0];

// ids.*: output, a mapped exception (TypeError -> invalid_type, URIError ->
// invalid_utf8), any other exception -> unspecified, or not representable.
function idsResult(obs, what) {
  if (obs === null) return { skip: 'a JavaScript string cannot hold invalid UTF-8' };
  if (has(obs, 'output')) return { output: obs.output };
  const type = excType(obs.error);
  if (obs.kind) return { error: obs.kind, message: `${what} threw ${type}` };
  return { error: 'unspecified', message: `${what} threw ${type}` };
}

// open: a fail-open decrypt returns its input unchanged.
function openResult(obs) {
  if (obs.failed) {
    const why = /logged "Decryption failed"/.test(obs.error) ? 'decryption failed' : 'not read as an envelope';
    return { error: 'unspecified', message: `returned its input unchanged (${why})` };
  }
  return { output: obs.output };
}

// Observation error texts of roundtrip/migrate quote envelopes and decrypted
// text; a reply says only which check failed.
function roundtripResult(obs) {
  if (has(obs, 'output')) return { output: obs.output };
  const e = String(obs.error);
  if (e.startsWith('returned a non-canonical envelope')) return { error: 'unspecified', message: 'encryptStringValue returned a value that is neither its input nor a canonical v2 envelope of it' };
  if (e.includes('opened its own envelope')) return { error: 'unspecified', message: 'sealed, but decryptStringValue opens the envelope to a different text' };
  if (e.includes('does not open to the plaintext under the spec')) return { error: 'unspecified', message: 'sealed, but the envelope does not open to the plaintext under the spec (node:crypto AES-256-GCM)' };
  return { error: 'unspecified', message: 'roundtrip check failed' };
}

function migrateResult(obs) {
  // A v1 value that does not open comes back unchanged from upstream (fail-open):
  // that is reported as {"status":"unchanged"}, which is what upstream did.
  if (has(obs, 'output')) return { output: obs.output };
  return { error: 'unspecified', message: 'migrateEncryptedStringValue returned a value that is neither its input nor a fresh canonical v2 envelope' };
}

function saltResult(obs) {
  if (has(obs, 'output')) return { output: obs.output };
  const type = excType(obs.error);
  if (obs.kind) return { error: obs.kind, message: `getSalt threw ${type}` };
  return { error: 'unspecified', message: `getSalt threw ${type}` };
}

function str(input, ...keys) {
  if (input === null || typeof input !== 'object') throw new InputError('input is not an object');
  for (const k of keys) if (typeof input[k] !== 'string') throw new InputError(`input.${k} is not a string`);
  return input;
}
class InputError extends Error {}

// ---------------------------------------------------------------- suites and ops

const SUITES = {
  'ids.string_to_uuid': (input) => idsResult(up.observeStringToUuid(input), 'stringToUuid'),
  'ids.create_unique_uuid': (input) => idsResult(up.observeCreateUniqueUuid(str(input, 'agentId', 'base')), 'createUniqueUuid'),
  'envelope.open_v2': (input) => openResult(up.observeOpen(str(input, 'salt', 'value'))),
  'envelope.open_v1': (input) => openResult(up.observeOpen(str(input, 'salt', 'value'))),
  'envelope.malformed': (input) => openResult(up.observeOpen(str(input, 'salt', 'value'))),
  // Upstream exports no detector: isEncryptedV1/V2 are internal, so detection is
  // observed through encryptStringValue leaving an envelope-shaped value unchanged.
  'envelope.detect': (input) => ({ output: up.observeDetect(str(input, 'value')).output }),
  'envelope.migrate': (input) => migrateResult(up.observeMigrate(str(input, 'salt', 'value'))),
  'envelope.roundtrip': (input) => roundtripResult(up.observeRoundtrip(str(input, 'salt', 'plaintext'))),
  'salt.policy': (input) => {
    if (input === null || typeof input !== 'object' || input.env === null || typeof input.env !== 'object') throw new InputError('input.env is not an object');
    return saltResult(up.observeSaltPolicy(input));
  },
};

// ---------------------------------------------------------------- suites of generator modules
// The observations of these suites live in their generator module (exported as
// suites[].observe of gen/suites/<area>.mjs); the peer imports the module and
// calls that observe. A module that does not load leaves its suites undeclared.

// A redaction that returns a string with a lone surrogate (a mask cut a pair):
// JSON cannot carry it portably, so it is reported, not sent.
function textResult(obs) {
  if (has(obs, 'output') && !obs.failed && typeof obs.output === 'string') return { output: obs.output };
  if (obs.failed && has(obs, 'wellFormed')) return { error: 'unspecified', message: 'returned a string that is not well-formed Unicode (a lone surrogate where a mask cut a surrogate pair)' };
  return { error: 'unspecified', message: 'upstream returned no string' };
}

const MODULE_SUITES = [
  ['./gen/suites/redact_text.mjs', { 'redact.text': textResult, 'redact.secrets': textResult }],
];
for (const [path, mapping] of MODULE_SUITES) {
  let mod;
  try {
    mod = await import(path);
  } catch (e) {
    note(`${path} did not load (${e?.constructor?.name ?? typeof e}); its suites are not declared`);
    continue;
  }
  for (const [name, toResult] of Object.entries(mapping)) {
    const suite = Array.isArray(mod.suites) ? mod.suites.find((x) => x.name === name) : undefined;
    if (typeof suite?.observe !== 'function') {
      note(`${path} has no observation for ${name}; not declared`);
      continue;
    }
    SUITES[name] = (input) => toResult(suite.observe(input));
  }
}

const OPS = {
  'envelope.seal': (input) => {
    const { salt, plaintext } = str(input, 'salt', 'plaintext');
    return { output: up.encrypt(plaintext, salt) };
  },
  'envelope.open': (input) => openResult(up.observeOpen(str(input, 'salt', 'value'))),
};

// ---------------------------------------------------------------- protocol

function handle(msg) {
  const { id } = msg;
  if (!Number.isInteger(id)) {
    note('a run request without an integer id was ignored');
    return;
  }
  let reply;
  try {
    if (typeof msg.suite === 'string') {
      const fn = SUITES[msg.suite];
      reply = fn ? fn(msg.input) : { error: 'unspecified', message: 'suite not supported by this peer' };
    } else if (typeof msg.op === 'string') {
      const fn = OPS[msg.op];
      reply = fn ? fn(msg.input) : { error: 'unspecified', message: 'op not supported by this peer' };
    } else {
      reply = { error: 'unspecified', message: 'run request names neither a suite nor an op' };
    }
  } catch (e) {
    const type = e instanceof InputError ? `bad input: ${e.message}` : (e?.constructor?.name ?? typeof e);
    note(`case ${typeof msg.case === 'string' ? msg.case : id}: ${type}`);
    reply = { error: 'unspecified', message: type };
  }
  send({ type: 'result', id, ...reply });
}

let closing = false;

function onLine(buf) {
  if (closing || buf.length === 0) return;
  let msg;
  try {
    msg = JSON.parse(buf.toString('utf8'));
  } catch {
    note('a request line that is not JSON was ignored');
    return;
  }
  if (msg === null || typeof msg !== 'object') {
    note('a request line that is not a JSON object was ignored');
    return;
  }
  if (msg.type === 'bye') exitWhenFlushed();
  else if (msg.type === 'run') handle(msg);
  else note('a message of unknown type was ignored');
}

// Exit 0 once every protocol line has left (a pipe the runner is slow to read may
// still hold part of the last reply); input after bye is ignored.
function exitWhenFlushed() {
  closing = true;
  process.stdin.pause();
  if (process.stdout.writableLength === 0) process.exit(0);
  process.stdout.once('drain', () => process.exit(0));
}

process.on('uncaughtException', (e) => note(`uncaught ${e?.constructor?.name ?? typeof e}`));

send({
  type: 'hello',
  protocol: 1,
  peer: { name: 'ts', language: 'typescript', implementation: '@elizaos/core (npm)', version: VERSION },
  suites: Object.keys(SUITES),
  ops: Object.keys(OPS),
});

// Lines are split on \n only (a JSON text never holds a raw newline).
let pending = [];
process.stdin.on('data', (chunk) => {
  let start = 0;
  let nl;
  while ((nl = chunk.indexOf(10, start)) !== -1) {
    const part = chunk.subarray(start, nl);
    const line = pending.length ? Buffer.concat([...pending, part]) : part;
    pending = [];
    onLine(line);
    start = nl + 1;
  }
  if (start < chunk.length) pending.push(chunk.subarray(start));
});
process.stdin.on('end', () => {
  if (pending.length) onLine(Buffer.concat(pending));
  exitWhenFlushed();
});
