#!/usr/bin/env node
// The IPC plugin server (spec/ipc.md, protocol 1): serves one elizaOS Plugin
// object, written against @elizaos/core, to a host over stdin/stdout.
//
//   node runners/ts/plugin-server.mjs PLUGIN_PATH
//
// PLUGIN_PATH is an ES module or a CommonJS file (relative to the working
// directory). It is imported first; if that fails it is required. The plugin
// is the module's `default`, else its `plugin` export, else the module itself;
// when that object has no string `name` but its own `default` or `plugin`
// does (a CommonJS `module.exports = { plugin }`, a transpiled
// `exports.default`), that one.
//
// - The first stdout line is `ready`: the manifest built from the Plugin
//   object (below) and the interop extension (maxLineBytes 16 MiB, features
//   evaluator.validate and cancel, ordered false).
// - Every request runs concurrently (at most 1000 at a time; further lines wait
//   and stdin is paused) and is answered as soon as it finishes.
// - Handlers are called with no runtime, as upstream's runner calls them:
//   `init(config, null)`, `validate(null, memory, state)`,
//   `handler(null, memory, state, options, null, null)` for actions,
//   `handler(null, memory, state)` for evaluators, `get(null, memory, state)`.
// - Cancellation: each request has an AbortController. An action handler's
//   `options` is a shallow copy of the request's `options` object (an empty
//   object when the request has none, or null) with one more, non-enumerable,
//   member `abortSignal`: the request's AbortSignal (the name upstream's own
//   runtime options use). `cancel` aborts it and abandons the request: no reply
//   is sent for it, whatever its handler does later, and the server no longer
//   waits for it. When an abandoned handler settles, one note goes to stderr.
// - A handler that throws is answered `{"type":"error","id":…,"error":message}`;
//   `details` {message, stack, name} only when ELIZA_INTEROP_DEBUG or
//   LOG_DIAGNOSTIC is 1, true, yes or on.
// - A line that cannot be read (longer than maxLineBytes, not UTF-8, not JSON,
//   not an object with a string id) is answered with an `error` of id "" and
//   the server goes on (upstream's runner exits 2 instead).
// - stdout carries protocol lines only: process.stdout.write (so console.log
//   too) is diverted to stderr before the plugin is loaded.
// - At the end of stdin the server exits 0 once every request in flight has
//   been answered (cancelled ones are not waited for) and stdout is flushed.

// ---------------------------------------------------------------- stdout guard
// Before anything is loaded that could print. process.stdout.write is
// synchronous for pipes and files on Linux, so a protocol line has left when
// send() returns.
const protocolWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = function write(chunk, encoding, cb) {
  return process.stderr.write(chunk, encoding, cb);
};

const { createRequire } = await import('node:module');
const path = await import('node:path');
const { pathToFileURL } = await import('node:url');

const PROTOCOL = 1;
const MAX_LINE_BYTES = 16 * 1024 * 1024; // 16777216, announced as maxLineBytes
const FEATURES = ['evaluator.validate', 'cancel'];
const MAX_CONCURRENT = 1000;
const DEFAULT_VERSION = '1.0.0';
const TRUTHY = new Set(['1', 'true', 'yes', 'on']);
const DEBUG = ['ELIZA_INTEROP_DEBUG', 'LOG_DIAGNOSTIC'].some((k) => TRUTHY.has(String(process.env[k] ?? '').trim().toLowerCase()));

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

function note(text) {
  process.stderr.write(`plugin-server: ${text}\n`);
}

// An id as notes show it: JSON-quoted, cut short (it comes from the host).
function shown(id) {
  const s = JSON.stringify(id);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

let stdoutGone = false;
process.stdout.on('error', (e) => {
  // The host closed our stdout: nothing can be answered any more.
  stdoutGone = true;
  note(`stdout failed (${e?.code ?? e?.constructor?.name ?? typeof e}); exiting`);
  process.exit(1);
});

// One protocol line. False when the message cannot be written as JSON.
function send(msg) {
  let line;
  try {
    line = JSON.stringify(msg);
  } catch {
    return false;
  }
  if (!stdoutGone) protocolWrite(`${line}\n`);
  return true;
}

function errorMessage(e) {
  if (e !== null && typeof e === 'object' && typeof e.message === 'string') return e.message;
  return String(e);
}

function sendError(id, e) {
  const msg = { type: 'error', id, error: errorMessage(e) };
  if (DEBUG && e !== null && typeof e === 'object') {
    msg.details = { message: msg.error, stack: typeof e.stack === 'string' ? e.stack : undefined, name: typeof e.name === 'string' ? e.name : undefined };
  }
  if (!send(msg)) send({ type: 'error', id, error: 'the error cannot be written as JSON' });
}

// ---------------------------------------------------------------- the plugin

if (process.argv.length < 3 || process.argv[2] === '') {
  process.stderr.write('Usage: plugin-server.mjs <plugin_path>\n');
  process.exit(1);
}

function pick(mod) {
  let p = mod?.default ?? mod?.plugin ?? mod;
  if (isObject(p) && typeof p.name !== 'string') {
    const inner = p.default ?? p.plugin;
    if (isObject(inner) && typeof inner.name === 'string') p = inner;
  }
  return p;
}

async function loadPlugin(file) {
  const abs = path.resolve(file);
  let mod;
  try {
    mod = await import(pathToFileURL(abs).href);
  } catch (importError) {
    try {
      mod = createRequire(abs)(abs);
    } catch (requireError) {
      throw new Error(`import failed (${errorMessage(importError)}); require failed (${errorMessage(requireError)})`);
    }
  }
  return pick(mod);
}

let plugin;
try {
  plugin = await loadPlugin(process.argv[2]);
} catch (e) {
  note(`cannot load the plugin: ${errorMessage(e)}`);
  process.exit(1);
}
if (plugin === null || (typeof plugin !== 'object' && typeof plugin !== 'function')) {
  note('the module exports no plugin object');
  process.exit(1);
}

// Components by name (the last of a name wins, as upstream's runner indexes
// them); items without a string name are left out, with a note.
function components(kind) {
  const list = plugin[kind];
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list)) {
    note(`plugin.${kind} is not an array; ignored`);
    return null;
  }
  const items = list.filter((c) => {
    if (c !== null && typeof c === 'object' && typeof c.name === 'string') return true;
    note(`an item of plugin.${kind} has no string name; left out`);
    return false;
  });
  return items;
}

const ACTIONS = components('actions');
const PROVIDERS = components('providers');
const EVALUATORS = components('evaluators');
const byName = (items) => new Map((items ?? []).map((c) => [c.name, c]));
const actions = byName(ACTIONS);
const providers = byName(PROVIDERS);
const evaluators = byName(EVALUATORS);

// A definition: name and description, then only the optional members the
// plugin set (neither undefined nor null), unconverted.
function definition(c, optional) {
  const d = { name: c.name };
  for (const k of ['description', ...optional]) if (c[k] !== undefined && c[k] !== null) d[k] = c[k];
  return d;
}

function buildManifest() {
  const m = {
    name: typeof plugin.name === 'string' ? plugin.name : 'unknown',
    description: typeof plugin.description === 'string' ? plugin.description : '',
    version: plugin.version ?? DEFAULT_VERSION,
    language: 'typescript',
  };
  for (const k of ['config', 'dependencies']) if (plugin[k] !== undefined && plugin[k] !== null) m[k] = plugin[k];
  if (ACTIONS) m.actions = ACTIONS.map((a) => definition(a, ['similes', 'examples']));
  if (PROVIDERS) m.providers = PROVIDERS.map((p) => definition(p, ['dynamic', 'position', 'private']));
  if (EVALUATORS) m.evaluators = EVALUATORS.map((e) => definition(e, ['alwaysRun', 'similes']));
  return m;
}

// ---------------------------------------------------------------- results

const OPTIONAL_ACTION = ['text', 'values', 'data', 'continueChain'];
const OPTIONAL_PROVIDER = ['text', 'values', 'data'];

// Own members the plugin set, undefined ones and null optional ones left out.
function members(r, optional) {
  const out = {};
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined || (v === null && optional.includes(k))) continue;
    out[k] = v;
  }
  return out;
}

// An ActionResult as upstream's runner normalises it: success defaults to
// true, an Error in `error` becomes its message.
function actionResult(r) {
  if (!isObject(r)) return { success: true };
  const rest = members(r, OPTIONAL_ACTION);
  delete rest.success;
  const out = { success: Boolean(r.success ?? true), ...rest };
  if (r.error === undefined || r.error === null) delete out.error;
  else out.error = errorMessage(r.error);
  return out;
}

const NO_PROVIDER_RESULT = Object.freeze({ text: null, values: null, data: null });

function providerResult(r) {
  if (!isObject(r)) return NO_PROVIDER_RESULT;
  return members(r, OPTIONAL_PROVIDER);
}

// An action handler's options: see the header (cancellation).
function handlerOptions(options, signal) {
  if (options !== undefined && options !== null && !isObject(options)) return options;
  const o = { ...(options ?? {}) };
  Object.defineProperty(o, 'abortSignal', { value: signal, enumerable: false, writable: true, configurable: true });
  return o;
}

function callable(c, fn, what) {
  if (typeof c[fn] !== 'function') throw new Error(`${what} ${c.name} has no ${fn} function`);
  return c[fn].bind(c);
}

async function handle(msg, signal) {
  const { memory, state } = msg;
  switch (msg.type) {
    case 'plugin.init':
      if (typeof plugin.init === 'function') await plugin.init(msg.config ?? {}, null);
      return { type: 'plugin.init.result', success: true };
    case 'action.validate': {
      const a = actions.get(msg.action);
      if (!a) return { type: 'validate.result', valid: false };
      return { type: 'validate.result', valid: Boolean(await callable(a, 'validate', 'Action')(null, memory, state)) };
    }
    case 'action.invoke': {
      const a = actions.get(msg.action);
      if (!a) return { type: 'action.result', result: { success: false, error: `Action not found: ${String(msg.action)}` } };
      const r = await callable(a, 'handler', 'Action')(null, memory, state, handlerOptions(msg.options, signal), null, null);
      return { type: 'action.result', result: actionResult(r) };
    }
    case 'provider.get': {
      const p = providers.get(msg.provider);
      if (!p) return { type: 'provider.result', result: NO_PROVIDER_RESULT };
      return { type: 'provider.result', result: providerResult(await callable(p, 'get', 'Provider')(null, memory, state)) };
    }
    case 'evaluator.validate': {
      const e = evaluators.get(msg.evaluator);
      if (!e) return { type: 'validate.result', valid: false };
      return { type: 'validate.result', valid: Boolean(await callable(e, 'validate', 'Evaluator')(null, memory, state)) };
    }
    case 'evaluator.invoke': {
      const e = evaluators.get(msg.evaluator);
      if (!e) return { type: 'action.result', result: null };
      const r = await callable(e, 'handler', 'Evaluator')(null, memory, state);
      return { type: 'action.result', result: r === undefined || r === null ? null : actionResult(r) };
    }
    default: {
      const t = typeof msg.type === 'string' ? msg.type : JSON.stringify(msg.type) ?? 'undefined';
      throw new Error(`Unknown request type: ${t.length > 100 ? `${t.slice(0, 100)}…` : t}`);
    }
  }
}

// ---------------------------------------------------------------- requests

const inflight = new Map(); // sequence number -> {id, controller}
const queue = []; // requests read while MAX_CONCURRENT were in flight
let seq = 0;
let ended = false;
let exiting = false;

function start(msg) {
  const entry = { id: msg.id, controller: new AbortController(), cancelled: false };
  const key = ++seq;
  inflight.set(key, entry);
  Promise.resolve()
    .then(() => handle(msg, entry.controller.signal))
    .then(
      (reply) => {
        if (entry.cancelled) return 'a result';
        if (!send({ type: reply.type, id: msg.id, ...reply })) sendError(msg.id, new Error('the result cannot be written as JSON'));
        return null;
      },
      (e) => {
        if (entry.cancelled) return 'an error';
        sendError(msg.id, e);
        return null;
      },
    )
    .then((abandoned) => {
      if (abandoned) note(`request ${shown(entry.id)} was cancelled; its handler has ended with ${abandoned}`);
      inflight.delete(key);
      pump();
    });
}

function cancel(id) {
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i].id === id) queue.splice(i, 1);
  for (const [key, entry] of inflight) {
    if (entry.id !== id || entry.cancelled) continue;
    entry.cancelled = true;
    inflight.delete(key); // no longer waited for, nor counted
    entry.controller.abort();
  }
  pump();
}

function pump() {
  while (queue.length > 0 && inflight.size < MAX_CONCURRENT) start(queue.shift());
  if (queue.length > 0) process.stdin.pause();
  else if (!ended) process.stdin.resume();
  maybeExit();
}

function maybeExit() {
  if (!ended || exiting || inflight.size > 0 || queue.length > 0) return;
  exiting = true;
  if (process.stdout.writableLength === 0) process.exit(0);
  process.stdout.once('drain', () => process.exit(0));
}

// ---------------------------------------------------------------- lines

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BLANK = /^[ \t\r]*$/;

function unreadable(message) {
  send({ type: 'error', id: '', error: message });
}

function onLine(buf) {
  const n = buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
  if (n > MAX_LINE_BYTES) {
    unreadable(`request line over ${MAX_LINE_BYTES} bytes`);
    return;
  }
  let text;
  try {
    text = decoder.decode(buf);
  } catch {
    unreadable(`the request line is not UTF-8 (${n} bytes)`);
    return;
  }
  if (BLANK.test(text)) return;
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    // V8's message quotes the line: only its length is reported.
    unreadable(`JSON parse error: the request line is not JSON (${n} bytes)`);
    return;
  }
  if (!isObject(msg)) {
    unreadable('the request is not a JSON object');
    return;
  }
  if (typeof msg.id !== 'string') {
    unreadable('the request has no string id');
    return;
  }
  if (msg.type === 'cancel') {
    cancel(msg.id);
    return;
  }
  queue.push(msg);
  pump();
}

// Lines are split on the byte \n and decoded whole, so a character split
// across reads is decoded once. A line is never held beyond MAX_LINE_BYTES + 1
// bytes (a \r may end it): past that the rest of it is skipped.
let parts = [];
let partBytes = 0;
let skipping = false;

function onData(chunk) {
  let from = 0;
  for (;;) {
    const nl = chunk.indexOf(0x0a, from);
    const end = nl === -1 ? chunk.length : nl;
    if (!skipping && end > from) {
      if (partBytes + (end - from) > MAX_LINE_BYTES + 1) {
        parts = [];
        partBytes = 0;
        skipping = true;
        unreadable(`request line over ${MAX_LINE_BYTES} bytes`);
      } else {
        parts.push(chunk.subarray(from, end));
        partBytes += end - from;
      }
    }
    if (nl === -1) return;
    if (skipping) {
      skipping = false;
    } else {
      const line = parts.length === 1 ? parts[0] : Buffer.concat(parts, partBytes);
      parts = [];
      partBytes = 0;
      onLine(line);
    }
    from = nl + 1;
  }
}

function onEnd() {
  if (ended) return;
  if (!skipping && partBytes > 0) onLine(Buffer.concat(parts, partBytes)); // a last line without \n
  parts = [];
  partBytes = 0;
  ended = true;
  maybeExit();
}

process.on('unhandledRejection', (e) => note(`a promise of the plugin rejected unhandled (${e?.constructor?.name ?? typeof e})`));

let manifest;
try {
  manifest = buildManifest();
} catch (e) {
  note(`cannot build the manifest: ${errorMessage(e)}`);
  process.exit(1);
}
if (!send({ type: 'ready', manifest, interop: { protocol: PROTOCOL, maxLineBytes: MAX_LINE_BYTES, features: FEATURES, ordered: false } })) {
  note('the manifest cannot be written as JSON');
  process.exit(1);
}

process.stdin.on('data', onData);
process.stdin.on('end', onEnd);
process.stdin.on('error', (e) => {
  note(`stdin failed (${e?.code ?? e?.constructor?.name ?? typeof e})`);
  onEnd();
});
