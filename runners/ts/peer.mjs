#!/usr/bin/env node
// The TypeScript peer of the parity gate (spec/runner-protocol.md): serves the
// REAL @elizaos/core and @elizaos/prompts (pinned in package-lock.json) over
// newline-delimited JSON.
//
//   node runners/ts/peer.mjs        (from the repository root; any cwd works)
//
// The peer reports what upstream did and never grades it: an output is what
// the upstream function returned (a fail-open decrypt returns its input, and
// that input is the output), an exception upstream threw is an error kind
// only by the fixed mappings below and otherwise {"raised": <its class>}, and
// anything that goes wrong in this wrapper is {"fault"}. The gate judges.
//
// Wrap, never re-implement: every case calls upstream through gen/upstream.mjs
// or an observation of a generator module (gen/suites/*.mjs, the logger probe
// gen/redact_context_probe.mjs, the scanner layout of gen/scan/), each call
// made afresh for each request. Unlike the generator, the peer keeps
// upstream's real randomness (gen/rng.mjs is never installed).
//
// stdout carries protocol lines only: upstream's logger is captured (warn and
// error, which the envelope and salt observations read) or silenced (the other
// levels), and anything else written to process.stdout goes to stderr. stderr
// gets short notes without input values, outputs or secrets.

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
  // Diagnostics only: never an input value, output, plaintext, salt or secret.
  process.stderr.write(`ts peer: ${text}\n`);
}

const { spawn } = await import('node:child_process');
const { fileURLToPath } = await import('node:url');
const up = await import('./gen/upstream.mjs');
const core = await import('@elizaos/core');
up.hookLogger(); // warn and error are captured (the observations read them)
for (const level of ['trace', 'debug', 'info', 'fatal', 'success', 'progress', 'log']) {
  if (typeof core.logger[level] === 'function') core.logger[level] = () => {};
}

const VERSION = up.upstreamVersion();
if (VERSION !== up.PINNED) note(`@elizaos/core ${VERSION} is installed, package-lock.json pins ${up.PINNED}`);

// ---------------------------------------------------------------- helpers

const has = (o, k) => o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// A request whose input is not of the suite's shape: reported as a fault.
class InputError extends Error {}

function str(input, ...keys) {
  if (!isObject(input)) throw new InputError('input is not an object');
  for (const k of keys) if (typeof input[k] !== 'string') throw new InputError(`input.${k} is not a string`);
  return input;
}

// A value upstream returned, as a protocol output. JSON has no undefined.
function returned(value, what, message) {
  if (value === undefined) return { output: null, message: `${what} returned undefined` };
  return message ? { output: value, message } : { output: value };
}

// ---------------------------------------------------------------- ids, salt

// TypeError -> invalid_type and URIError -> invalid_utf8 (the observation sets
// kind by the exception's class); any other exception is raised.
function thrownResult(obs, what) {
  if (obs.kind) return { error: obs.kind, message: `${what} threw ${obs.raised}` };
  return { raised: obs.raised, message: `${what} threw ${obs.raised}` };
}

const HEX = /^[0-9a-fA-F]*$/;
function idsInput(input) {
  if (!isObject(input)) throw new InputError('input is not an object');
  switch (input.kind) {
    case 'string':
    case 'integer':
    case 'float':
      if (typeof input.value !== 'string') throw new InputError(`input.value of kind ${input.kind} is not a string`);
      return input;
    case 'bytes':
    case 'utf16':
      if (typeof input.hex !== 'string' || !HEX.test(input.hex) || input.hex.length % (input.kind === 'bytes' ? 2 : 4) !== 0) {
        throw new InputError(`input.hex of kind ${input.kind} is not whole ${input.kind === 'bytes' ? 'bytes' : 'code units'} of hex`);
      }
      return input;
    case 'boolean':
      if (typeof input.value !== 'boolean') throw new InputError('input.value of kind boolean is not a boolean');
      return input;
    case 'null':
      return input;
    default:
      throw new InputError('input.kind is not a kind of the suite');
  }
}

function idsResult(obs, what) {
  if (obs === null) return { skip: 'a JavaScript string cannot hold invalid UTF-8' };
  if (has(obs, 'output')) return returned(obs.output, what);
  return thrownResult(obs, what);
}

function saltResult(obs) {
  if (has(obs, 'output')) return { output: obs.output };
  return thrownResult(obs, 'getSalt'); // the production refusal -> default_salt_in_production
}

// ---------------------------------------------------------------- envelopes

const DECRYPTION_FAILED = 'logged "Decryption failed"';

// The string decryptStringValue (or migrateEncryptedStringValue) returned, as
// returned: its input itself when it fails open.
function rawResult(r, what) {
  if (has(r, 'raised')) return { raised: r.raised, message: `${what} threw ${r.raised}` };
  return returned(r.returned, what, up.loggedDecryptionFailed(r.logs) ? `${what} ${DECRYPTION_FAILED}` : undefined);
}

function open(input) {
  const { value, salt } = str(input, 'salt', 'value');
  return rawResult(up.openRaw(value, salt), 'decryptStringValue');
}

function seal(input) {
  const { plaintext, salt } = str(input, 'salt', 'plaintext');
  return rawResult(up.sealRaw(plaintext, salt), 'encryptStringValue');
}

// Upstream exports no detector (isEncryptedV1/V2 are internal): detection is
// observed through the public seal, which returns an envelope-shaped value
// unchanged.
const DETECT_PROBE_SALT = 'detect-probe-salt';
function detect(input) {
  const { value } = str(input, 'value');
  const r = up.sealRaw(value, DETECT_PROBE_SALT);
  if (has(r, 'raised')) return { raised: r.raised, message: `encryptStringValue threw ${r.raised}` };
  if (r.returned !== value) return { output: 'none' };
  return { output: value.split(':').length === 4 ? 'v2' : 'v1' };
}

function migrate(input) {
  const { value, salt } = str(input, 'salt', 'value');
  return rawResult(up.migrateRaw(value, salt), 'migrateEncryptedStringValue');
}

// ---------------------------------------------------------------- redact.context
// Upstream's logger reads LOG_JSON_FORMAT when the package loads, so contexts
// are logged in child processes running gen/redact_context_probe.mjs --serve
// (the generator's probe), each a long-lived process with the generator's
// environment. A child reports which variables upstream read while loading;
// a case's variables (ELIZA_LOG_REDACT, ELIZA_LOG_REDACT_KEYS) are set in the
// child for its one log call. When upstream read one of them at load time (or
// listed the environment), a process with exactly the case's environment from
// the start is used instead, so either way each call sees the environment a
// process started with the case's variables would.

const PROBE = fileURLToPath(new URL('./gen/redact_context_probe.mjs', import.meta.url));
const REDACT_VARS = ['ELIZA_LOG_REDACT', 'ELIZA_LOG_REDACT_KEYS'];
const CHILD_TIMEOUT_MS = 4000;
const MAX_DEDICATED = 3;

class ProbeChild {
  constructor(env) {
    const childEnv = { LOG_JSON_FORMAT: 'true', LOG_LEVEL: 'info', NODE_ENV: 'test' };
    for (const k of ['PATH', 'HOME']) if (process.env[k] !== undefined) childEnv[k] = process.env[k];
    for (const [k, v] of Object.entries(env)) if (v !== null) childEnv[k] = v;
    this.proc = spawn(process.execPath, [PROBE, '--serve'], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    this.dead = null;
    this.waiting = [];
    this.buf = '';
    // The child's stderr may quote contexts (test secrets): counted, never shown.
    this.stderrBytes = 0;
    this.proc.stderr.on('data', (d) => { this.stderrBytes += d.length; });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d) => {
      this.buf += d;
      let nl;
      while ((nl = this.buf.indexOf('\n')) !== -1) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const w = this.waiting.shift();
        if (w) w.resolve(line);
      }
    });
    this.proc.stdin.on('error', () => {});
    this.proc.on('exit', (code, signal) => {
      this.dead = `the logger child exited (${signal ?? `status ${code}`}, ${this.stderrBytes} bytes on its stderr, not shown)`;
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.dead));
    });
    this.proc.on('error', (e) => {
      this.dead = `the logger child could not run (${e.code ?? e.constructor.name})`;
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.dead));
    });
    this.ready = this.next().then((line) => JSON.parse(line));
    this.ready.catch(() => {});
  }

  next() {
    if (this.dead) return Promise.reject(new Error(this.dead));
    return new Promise((resolve, reject) => {
      const w = { resolve, reject };
      this.waiting.push(w);
      const t = setTimeout(() => {
        const i = this.waiting.indexOf(w);
        if (i !== -1) this.waiting.splice(i, 1);
        this.kill();
        reject(new Error('the logger child did not answer in time'));
      }, CHILD_TIMEOUT_MS);
      const done = (f) => (x) => { clearTimeout(t); f(x); };
      w.resolve = done(resolve);
      w.reject = done(reject);
    });
  }

  async log(env, context) {
    await this.ready;
    const answer = this.next();
    this.proc.stdin.write(`${JSON.stringify({ env, context })}\n`);
    return JSON.parse(await answer);
  }

  kill() {
    if (!this.dead) this.dead = 'stopped';
    this.proc.kill('SIGKILL');
  }
}

let baseChild = null;
const dedicated = new Map(); // JSON of the case's variables -> ProbeChild

async function childFor(vars) {
  if (!baseChild || baseChild.dead) baseChild = new ProbeChild({});
  const info = await baseChild.ready;
  const loadDependent = info.enumerated || REDACT_VARS.some((k) => vars[k] !== null && info.loadReads.includes(k));
  if (!loadDependent) return baseChild;
  const key = JSON.stringify(REDACT_VARS.map((k) => vars[k]));
  let c = dedicated.get(key);
  if (!c || c.dead) {
    c = new ProbeChild(vars);
    dedicated.set(key, c);
    while (dedicated.size > MAX_DEDICATED) {
      const [oldest, child] = dedicated.entries().next().value;
      child.kill();
      dedicated.delete(oldest);
    }
  }
  return c;
}

async function redactContext(input) {
  if (!isObject(input) || !isObject(input.context)) throw new InputError('input.context is not an object');
  if (has(input, 'env') && (!isObject(input.env) || Object.values(input.env).some((v) => typeof v !== 'string'))) {
    throw new InputError('input.env is not an object of strings');
  }
  const env = input.env ?? {};
  for (const k of Object.keys(env)) if (!REDACT_VARS.includes(k)) throw new InputError('input.env names a variable of no redaction setting');
  const vars = Object.fromEntries(REDACT_VARS.map((k) => [k, has(env, k) ? env[k] : null]));
  let child;
  let r;
  try {
    child = await childFor(vars);
    r = await child.log(vars, input.context);
  } catch (e) {
    return { fault: e.message };
  }
  if (has(r, 'fault')) return { fault: r.fault };
  if (has(r, 'raised')) return { raised: r.raised, message: `logger.info threw ${r.raised}` };
  // What was logged is the suite's output. Upstream also redacts the caller's
  // own object in place; when it did, the output carries both, in the shape
  // the vectors record upstream observations in (upstream.ts.output).
  if (r.mutated) {
    return { output: { logged: r.logged, callerAfter: r.callerAfter }, message: 'logger.info modified the caller\'s context object: the output is {logged, callerAfter}' };
  }
  return { output: r.logged };
}

// ---------------------------------------------------------------- secrets.scan
// Upstream's scanner is a script: each request runs the unmodified
// check-secrets.js as a node child process over one file holding the text, in
// a temporary package layout made once (gen/scan/upstream-scan.mjs). Its
// report (the raw line, secret included) goes to stdout as the output only.

let scan = null; // {layout, observeOne}
async function secretsScan(input) {
  const { text } = str(input, 'text');
  if (!scan) {
    const [{ ScanLayout }, { observeOne }] = await Promise.all([import('./gen/scan/upstream-scan.mjs'), import('./gen/suites/secrets_scan.mjs')]);
    scan = { layout: new ScanLayout(), observeOne };
  }
  const obs = scan.observeOne(scan.layout, text);
  if (has(obs, 'raised')) return { raised: obs.raised, message: `check-secrets.js ended with ${obs.raised}` };
  return { output: obs.output };
}

// ---------------------------------------------------------------- suites and ops

const SUITES = {
  'ids.string_to_uuid': (input) => idsResult(up.observeStringToUuid(idsInput(input)), 'stringToUuid'),
  'ids.create_unique_uuid': (input) => idsResult(up.observeCreateUniqueUuid(str(input, 'agentId', 'base')), 'createUniqueUuid'),
  'envelope.open_v2': open,
  'envelope.open_v1': open,
  'envelope.malformed': open,
  'envelope.detect': detect,
  'envelope.migrate': migrate,
  'envelope.roundtrip': seal,
  'salt.policy': (input) => {
    if (!isObject(input) || !isObject(input.env) || Object.values(input.env).some((v) => typeof v !== 'string')) {
      throw new InputError('input.env is not an object of strings');
    }
    return saltResult(up.observeSaltPolicy(input));
  },
};

// redact.text, redact.secrets: the observe of gen/suites/redact_text.mjs, which
// calls upstream (redactSensitiveText, redactSecrets) and records what it
// returned, a lone surrogate included (JSON.stringify writes it as a \u
// escape), or the class of what it threw.
function textResult(obs) {
  if (has(obs, 'raised')) return { raised: obs.raised, message: `the redactor threw ${obs.raised}` };
  if (has(obs, 'output')) return returned(obs.output, 'the redactor');
  if (obs.failed && typeof obs.raw === 'string') return { output: obs.raw, message: 'returned a string holding a lone surrogate' };
  return { fault: 'the redaction observation holds no result' };
}

const textInput = {
  'redact.text': (input) => {
    if (!isObject(input)) throw new InputError('input is not an object');
    if (has(input, 'hex')) {
      if (typeof input.hex !== 'string' || !HEX.test(input.hex) || input.hex.length % 2 !== 0) throw new InputError('input.hex is not whole bytes of hex');
    } else if (typeof input.text !== 'string') throw new InputError('input.text is not a string');
    return input;
  },
  'redact.secrets': (input) => {
    str(input, 'text');
    if (!isObject(input.secrets)) throw new InputError('input.secrets is not an object');
    return input;
  },
};

try {
  const mod = await import('./gen/suites/redact_text.mjs');
  for (const [name, check] of Object.entries(textInput)) {
    const suite = mod.suites.find((x) => x.name === name);
    if (typeof suite?.observe === 'function') SUITES[name] = (input) => textResult(suite.observe(check(input)));
    else note(`gen/suites/redact_text.mjs has no observation for ${name}; not declared`);
  }
} catch (e) {
  note(`gen/suites/redact_text.mjs did not load (${e?.constructor?.name ?? typeof e}); redact.text and redact.secrets are not declared`);
}

SUITES['redact.context'] = redactContext;

try {
  (await import('./gen/scan/upstream-scan.mjs')).promptsPackageDir(); // installed, at the pinned version
  SUITES['secrets.scan'] = secretsScan;
} catch (e) {
  note(`@elizaos/prompts is not usable (${e?.constructor?.name ?? typeof e}); secrets.scan is not declared`);
}

const OPS = {
  'envelope.seal': seal,
  'envelope.open': open,
};

// ---------------------------------------------------------------- protocol

async function handle(msg) {
  const { id } = msg;
  if (!Number.isInteger(id)) {
    note('a run request without an integer id was ignored');
    return;
  }
  let reply;
  try {
    if (typeof msg.suite === 'string') {
      const fn = SUITES[msg.suite];
      reply = fn ? await fn(msg.input) : { fault: 'suite not supported by this peer' };
    } else if (typeof msg.op === 'string') {
      const fn = OPS[msg.op];
      reply = fn ? await fn(msg.input) : { fault: 'op not supported by this peer' };
    } else {
      reply = { fault: 'run request names neither a suite nor an op' };
    }
  } catch (e) {
    // Upstream's own exceptions are caught where upstream is called; what
    // arrives here is the wrapper's.
    const what = e instanceof InputError ? `bad input: ${e.message}` : `peer error ${e?.constructor?.name ?? typeof e}`;
    note(`case ${typeof msg.case === 'string' ? msg.case : id}: ${what}`);
    reply = { fault: what };
  }
  send({ type: 'result', id, ...reply });
}

let closing = false;
let queue = Promise.resolve(); // one request at a time, in order

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
  if (msg.type === 'bye') {
    closing = true;
    queue = queue.then(exitWhenFlushed);
  } else if (msg.type === 'run') {
    queue = queue.then(() => handle(msg)).catch((e) => note(`a request was not answered (${e?.constructor?.name ?? typeof e})`));
  }
  else note('a message of unknown type was ignored');
}

function cleanup() {
  if (baseChild) baseChild.kill();
  for (const c of dedicated.values()) c.kill();
  if (scan) scan.layout.dispose();
}

// Exit 0 once every protocol line has left (a pipe the runner is slow to read may
// still hold part of the last reply); input after bye is ignored.
function exitWhenFlushed() {
  closing = true;
  process.stdin.pause();
  cleanup();
  if (process.stdout.writableLength === 0) process.exit(0);
  process.stdout.once('drain', () => process.exit(0));
}

process.on('uncaughtException', (e) => note(`uncaught ${e?.constructor?.name ?? typeof e}`));
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    cleanup();
    process.exit(0);
  });
}

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
  if (!closing) {
    closing = true;
    queue = queue.then(exitWhenFlushed);
  }
});
