// Tests of the IPC plugin server (plugin-server.mjs, spec/ipc.md) serving the
// example plugin (spec/example-plugin.md) in both module forms, each as a real
// subprocess spoken to over stdin/stdout as a host does.
//
//   cd runners/ts && node --test test/
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { stringToUuid } from '@elizaos/core';

const SERVER = fileURLToPath(new URL('../plugin-server.mjs', import.meta.url));
const EXAMPLES = {
  mjs: fileURLToPath(new URL('../example-plugin.mjs', import.meta.url)),
  cjs: fileURLToPath(new URL('../example-plugin.cjs', import.meta.url)),
};
const MAX_LINE_BYTES = 16777216;
const TIMEOUT = { timeout: 60_000 };

const INTEROP = { protocol: 1, maxLineBytes: MAX_LINE_BYTES, features: ['evaluator.validate', 'cancel'], ordered: false };
const MANIFEST = {
  name: 'interop-example',
  description: 'The interop example plugin: echo, uuid, fail, sleep, a provider and an evaluator.',
  version: '1.0.0',
  language: 'typescript',
  actions: [
    { name: 'ECHO', description: 'Replies with the message text.' },
    { name: 'UUID', description: 'Derives a UUID from the message text with stringToUuid.' },
    { name: 'FAIL', description: 'Always fails.' },
    { name: 'SLEEP', description: 'Waits options.ms milliseconds, then replies.' },
  ],
  providers: [{ name: 'EXAMPLE', description: 'A deterministic provider.' }],
  evaluators: [{ name: 'EXAMPLE_EVALUATOR', description: 'Evaluates messages that ask for it.' }],
};

const ROOM = '00000000-0000-0000-0000-00000000a001';
const memory = (text) => ({
  entityId: '00000000-0000-0000-0000-00000000e001',
  roomId: ROOM,
  content: text === undefined ? {} : { text },
});

// The test's environment without the debug switches (the tests set them).
function baseEnv() {
  const env = { ...process.env };
  delete env.ELIZA_INTEROP_DEBUG;
  delete env.LOG_DIAGNOSTIC;
  return env;
}

class Server {
  constructor(pluginPath, env = {}) {
    this.proc = spawn(process.execPath, [SERVER, pluginPath], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...baseEnv(), ...env } });
    this.raw = []; // stdout lines, as text, in arrival order
    this.msgs = []; // the same, parsed
    this.watchers = [];
    this.stderr = '';
    this.stderrWatchers = [];
    this.seq = 0;
    let parts = [];
    this.proc.stdout.on('data', (chunk) => {
      let from = 0;
      let nl;
      while ((nl = chunk.indexOf(10, from)) !== -1) {
        parts.push(chunk.subarray(from, nl));
        this.onLine(Buffer.concat(parts).toString('utf8'));
        parts = [];
        from = nl + 1;
      }
      if (from < chunk.length) parts.push(chunk.subarray(from));
    });
    this.proc.stderr.setEncoding('utf8').on('data', (d) => {
      this.stderr += d;
      this.stderrWatchers = this.stderrWatchers.filter((w) => !w(this.stderr));
    });
    this.proc.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        for (const w of this.watchers.splice(0)) w.reject(new Error(`the server exited (${signal ?? code}); stderr:\n${this.stderr}`));
        resolve(this.exit);
      });
    });
    this.ready = this.until(() => true);
    this.ready.catch(() => {}); // a server killed before anyone awaited it
  }

  onLine(line) {
    this.raw.push(line);
    const msg = JSON.parse(line); // stdout carries protocol lines only
    this.msgs.push(msg);
    this.watchers = this.watchers.filter((w) => !w.test(msg));
  }

  // The first message (in arrival order, past or future) for which pred holds.
  until(pred) {
    const seen = this.msgs.find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.exit) return Promise.reject(new Error('the server has exited'));
    return new Promise((resolve, reject) => {
      this.watchers.push({ test: (m) => (pred(m) ? (resolve(m), true) : false), reject });
    });
  }

  untilStderr(text) {
    if (this.stderr.includes(text)) return Promise.resolve();
    return new Promise((resolve) => this.stderrWatchers.push((s) => (s.includes(text) ? (resolve(), true) : false)));
  }

  reply(id) {
    return this.until((m) => m.id === id);
  }

  nextId() {
    return `req_${++this.seq}`;
  }

  send(msg) {
    this.proc.stdin.write(`${JSON.stringify(msg)}\n`);
  }

  // Sends a request and returns its reply.
  async request(fields) {
    await this.ready;
    const id = this.nextId();
    const answer = this.reply(id);
    this.send({ ...fields, id });
    const r = await answer;
    assert.equal(r.id, id);
    return r;
  }

  // Errors with id "" seen so far.
  unreadable() {
    return this.msgs.filter((m) => m.type === 'error' && m.id === '');
  }

  async close() {
    this.proc.stdin.end();
    return this.exited;
  }
}

const invoke = (action, text, options = null) => ({ type: 'action.invoke', action, memory: memory(text), state: null, options });
const validate = (action, text) => ({ type: 'action.validate', action, memory: memory(text), state: null });

for (const [form, pluginPath] of Object.entries(EXAMPLES)) {
  describe(`plugin-server.mjs serving example-plugin.${form}`, () => {
    let s;
    before(() => {
      s = new Server(pluginPath);
    });
    after(() => {
      if (!s.exit) s.proc.kill('SIGKILL');
    });

    test('the first line is ready with the spec manifest and the interop extension', TIMEOUT, async () => {
      const ready = await s.ready;
      assert.equal(s.msgs[0], ready);
      assert.deepStrictEqual(ready, { type: 'ready', manifest: MANIFEST, interop: INTEROP });
      assert.ok(!s.raw[0].includes('null'), 'no null member in the ready line');
    });

    test('provider before plugin.init: the greeting is empty', TIMEOUT, async () => {
      const r = await s.request({ type: 'provider.get', provider: 'EXAMPLE', memory: memory('x'), state: { values: {}, data: {}, text: '' } });
      assert.deepStrictEqual(r, {
        type: 'provider.result',
        id: r.id,
        result: { text: 'example provider', values: { plugin: 'interop-example', greeting: '' }, data: { roomId: ROOM } },
      });
    });

    test('every behaviour row of spec/example-plugin.md', TIMEOUT, async () => {
      const init = await s.request({ type: 'plugin.init', config: { GREETING: 'hello there' } });
      assert.deepStrictEqual(init, { type: 'plugin.init.result', id: init.id, success: true });

      const valid = async (req) => {
        const r = await s.request(req);
        assert.equal(r.type, 'validate.result');
        assert.deepStrictEqual(Object.keys(r).sort(), ['id', 'type', 'valid']);
        return r.valid;
      };
      assert.equal(await valid(validate('ECHO', 'hi')), true);
      assert.equal(await valid(validate('ECHO', '')), false);
      assert.equal(await valid(validate('ECHO', undefined)), false);
      for (const name of ['UUID', 'FAIL', 'SLEEP']) assert.equal(await valid(validate(name, '')), true, name);
      assert.equal(await valid(validate('NOPE', 'hi')), false);

      const result = async (req) => {
        const r = await s.request(req);
        assert.equal(r.type, 'action.result');
        assert.deepStrictEqual(Object.keys(r).sort(), ['id', 'result', 'type']);
        return r.result;
      };
      assert.deepStrictEqual(await result(invoke('ECHO', 'héllo 😀')), { success: true, text: 'héllo 😀', data: { echo: 'héllo 😀' } });
      assert.deepStrictEqual(await result(invoke('ECHO', undefined)), { success: true, text: '', data: { echo: '' } });
      for (const text of ['hello', '', 'ünïcødé 😀']) {
        const u = stringToUuid(text);
        assert.deepStrictEqual(await result(invoke('UUID', text)), { success: true, text: u, data: { uuid: u } });
      }
      assert.deepStrictEqual(await result(invoke('SLEEP', '', { ms: 0 })), { success: true, text: 'slept' });
      assert.deepStrictEqual(await result(invoke('SLEEP', '', { ms: 5 })), { success: true, text: 'slept' });
      assert.deepStrictEqual(await result(invoke('NOPE', 'hi', { ms: 1 })), { success: false, error: 'Action not found: NOPE' });

      const fail = await s.request(invoke('FAIL', 'hi'));
      assert.deepStrictEqual(fail, { type: 'error', id: fail.id, error: 'example failure' });
      for (const options of [null, {}, { ms: -1 }, { ms: 10001 }, { ms: 1.5 }, { ms: '5' }, { ms: true }]) {
        const r = await s.request(invoke('SLEEP', '', options));
        assert.deepStrictEqual(r, { type: 'error', id: r.id, error: 'bad sleep' }, JSON.stringify(options));
      }

      const provider = await s.request({ type: 'provider.get', provider: 'EXAMPLE', memory: memory('x'), state: null });
      assert.deepStrictEqual(provider.result, { text: 'example provider', values: { plugin: 'interop-example', greeting: 'hello there' }, data: { roomId: ROOM } });
      const unknownProvider = await s.request({ type: 'provider.get', provider: 'NOPE', memory: memory('x'), state: null });
      assert.deepStrictEqual(unknownProvider, { type: 'provider.result', id: unknownProvider.id, result: { text: null, values: null, data: null } });

      const evalValid = (evaluator, text) => ({ type: 'evaluator.validate', evaluator, memory: memory(text), state: null });
      assert.equal(await valid(evalValid('EXAMPLE_EVALUATOR', 'please evaluate this')), true);
      assert.equal(await valid(evalValid('EXAMPLE_EVALUATOR', 'hello')), false);
      assert.equal(await valid(evalValid('EXAMPLE_EVALUATOR', undefined)), false);
      assert.equal(await valid(evalValid('NOPE', 'evaluate')), false);
      // action.validate looks among actions only (upstream's evaluator bug is not reproduced by accident).
      assert.equal(await valid(validate('EXAMPLE_EVALUATOR', 'evaluate')), false);

      const evalInvoke = (evaluator) => ({ type: 'evaluator.invoke', evaluator, memory: memory('evaluate'), state: null });
      assert.deepStrictEqual(await result(evalInvoke('EXAMPLE_EVALUATOR')), { success: true, text: 'evaluated', values: { evaluated: true } });
      assert.equal(await result(evalInvoke('NOPE')), null);

      const unknown = await s.request({ type: 'service.start', serviceType: 'x' });
      assert.deepStrictEqual(unknown, { type: 'error', id: unknown.id, error: 'Unknown request type: service.start' });
    });

    test('replies come as each request finishes: SLEEP 500 ms then ECHO, ECHO first', TIMEOUT, async () => {
      await s.ready;
      const slow = s.nextId();
      const fast = s.nextId();
      const slowReply = s.reply(slow);
      const fastReply = s.reply(fast);
      s.proc.stdin.write(`${JSON.stringify({ ...invoke('SLEEP', '', { ms: 500 }), id: slow })}\n${JSON.stringify({ ...invoke('ECHO', 'quick'), id: fast })}\n`);
      const [sr, fr] = await Promise.all([slowReply, fastReply]);
      assert.equal(sr.result.text, 'slept');
      assert.equal(fr.result.text, 'quick');
      assert.ok(s.msgs.indexOf(fr) < s.msgs.indexOf(sr), 'ECHO answered before SLEEP');
    });

    test('cancel ends SLEEP early and the cancelled request is never answered', TIMEOUT, async () => {
      await s.ready;
      const long = s.nextId();
      s.send({ ...invoke('SLEEP', '', { ms: 10000 }), id: long });
      s.send({ type: 'cancel', id: long });
      s.send({ type: 'cancel', id: 'req_never_sent' }); // ignored
      const ended = s.untilStderr(`request "${long}" was cancelled; its handler has ended`);
      let endedFirst = false;
      ended.then(() => { endedFirst = true; });
      const r = await s.request(invoke('SLEEP', '', { ms: 1000 }));
      assert.equal(r.result.text, 'slept');
      assert.ok(endedFirst, 'the cancelled SLEEP 10000 ended before a SLEEP 1000 sent after it');
      assert.ok(!s.msgs.some((m) => m.id === long), 'no reply for the cancelled request');
      s.cancelled = long;
    });

    test('a handler that throws is an error reply with the request id', TIMEOUT, async () => {
      const r = await s.request(invoke('FAIL', 'x'));
      assert.deepStrictEqual(r, { type: 'error', id: r.id, error: 'example failure' });
    });

    test('a 2 MB request is read and answered', TIMEOUT, async () => {
      const text = 'aé€😀'.repeat(200_000); // 2,000,000 bytes of UTF-8
      assert.equal(Buffer.byteLength(text), 2_000_000);
      const r = await s.request(invoke('ECHO', text));
      assert.equal(r.result.text, text);
      assert.equal(r.result.data.echo, text);
      const v = await s.request(validate('ECHO', text));
      assert.equal(v.valid, true);
      const u = await s.request(invoke('UUID', text));
      assert.equal(u.result.text, stringToUuid(text));
    });

    test('a UTF-8 character split across two writes is decoded whole', TIMEOUT, async () => {
      await s.ready;
      const text = 'split → 😀 here';
      const id = s.nextId();
      const bytes = Buffer.from(`${JSON.stringify({ ...invoke('ECHO', text), id })}\n`);
      const at = bytes.indexOf(Buffer.from('😀')) + 2; // inside the 4-byte sequence
      const answer = s.reply(id);
      s.proc.stdin.write(bytes.subarray(0, at));
      await delay(100); // two reads, most likely; correct either way
      s.proc.stdin.write(bytes.subarray(at));
      assert.equal((await answer).result.text, text);
    });

    test('unreadable lines are answered with id "" and the server keeps serving', TIMEOUT, async () => {
      await s.ready;
      const before = s.unreadable().length;
      s.proc.stdin.write('this is not json\n');
      s.proc.stdin.write(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])); // not UTF-8
      s.proc.stdin.write('[1,2]\n{"type":"action.invoke","action":"ECHO"}\n');
      s.proc.stdin.write('\n  \r\n'); // blank lines are skipped
      const r = await s.request(invoke('ECHO', 'still here'));
      assert.equal(r.result.text, 'still here');
      const errors = s.unreadable().slice(before);
      assert.equal(errors.length, 4);
      assert.match(errors[0].error, /^JSON parse error/);
      assert.match(errors[1].error, /not UTF-8/);
      assert.match(errors[2].error, /not a JSON object/);
      assert.match(errors[3].error, /no string id/);
      for (const e of errors) assert.deepStrictEqual(Object.keys(e).sort(), ['error', 'id', 'type']);
    });

    test('a line of maxLineBytes is read; a longer one is refused and skipped', TIMEOUT, async () => {
      await s.ready;
      const id = s.nextId();
      const frame = JSON.stringify({ ...validate('ECHO', ''), id });
      const pad = MAX_LINE_BYTES - Buffer.byteLength(frame);
      const exact = JSON.stringify({ ...validate('ECHO', 'x'.repeat(pad)), id });
      assert.equal(Buffer.byteLength(exact), MAX_LINE_BYTES);
      const answer = s.reply(id);
      s.proc.stdin.write(`${exact}\n`);
      assert.equal((await answer).valid, true);

      const before = s.unreadable().length;
      const long = s.nextId();
      s.proc.stdin.write(`${JSON.stringify({ ...validate('ECHO', 'x'.repeat(pad + 1)), id: long })}\n`);
      const r = await s.request(invoke('ECHO', 'after the long line'));
      assert.equal(r.result.text, 'after the long line');
      const errors = s.unreadable().slice(before);
      assert.equal(errors.length, 1);
      assert.equal(errors[0].error, `request line over ${MAX_LINE_BYTES} bytes`);
      assert.ok(!s.msgs.some((m) => m.id === long));
    });

    test('at the end of stdin the server answers what is in flight, then exits 0', TIMEOUT, async () => {
      await s.ready;
      const id = s.nextId();
      const answer = s.reply(id);
      s.send({ ...invoke('SLEEP', '', { ms: 300 }), id });
      s.proc.stdin.end();
      assert.equal((await answer).result.text, 'slept');
      assert.deepStrictEqual(await s.exited, { code: 0, signal: null });
      assert.ok(!s.msgs.some((m) => m.id === s.cancelled), 'the cancelled request was never answered');
    });
  });
}

describe('plugin-server.mjs under load', () => {
  test('1500 requests at once (over the 1000 run at a time) are all answered', TIMEOUT, async () => {
    const s = new Server(EXAMPLES.mjs);
    try {
      await s.ready;
      const ids = [];
      let batch = '';
      for (let i = 0; i < 1500; i++) {
        const id = s.nextId();
        ids.push(id);
        batch += `${JSON.stringify({ ...invoke('SLEEP', '', { ms: 100 }), id })}\n`;
      }
      const replies = ids.map((id) => s.reply(id));
      s.proc.stdin.write(batch);
      for (const r of await Promise.all(replies)) assert.deepStrictEqual(r.result, { success: true, text: 'slept' });
    } finally {
      assert.equal((await s.close()).code, 0);
    }
  });
});

describe('plugin-server.mjs with ELIZA_INTEROP_DEBUG', () => {
  test('errors carry details {message, stack, name}', TIMEOUT, async () => {
    const s = new Server(EXAMPLES.mjs, { ELIZA_INTEROP_DEBUG: ' On ' });
    try {
      const r = await s.request(invoke('FAIL', 'x'));
      assert.equal(r.error, 'example failure');
      assert.equal(r.details.message, 'example failure');
      assert.equal(r.details.name, 'Error');
      assert.match(r.details.stack, /example failure/);
      assert.deepStrictEqual(Object.keys(r.details).sort(), ['message', 'name', 'stack']);
    } finally {
      assert.equal((await s.close()).code, 0);
    }
  });
});

describe('plugin-server.mjs with other plugins', () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'plugin-server-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('what plugin code prints goes to stderr; results are normalised', TIMEOUT, async () => {
    const file = join(dir, 'noisy.mjs');
    writeFileSync(file, `
      console.log('LOAD-LOG-MARKER');
      process.stdout.write('LOAD-WRITE-MARKER\\n');
      export const plugin = {
        name: 'noisy',
        description: 'prints',
        actions: [
          { name: 'PRINT', description: 'prints', similes: ['P'], examples: null,
            validate: () => { console.log('VALIDATE-MARKER'); return 1; },
            handler: async () => {
              console.log('HANDLER-MARKER');
              console.info('INFO-MARKER');
              process.stdout.write('WRITE-MARKER\\n');
              return { success: undefined, text: null, error: new Error('boom'), extra: 1, values: undefined, cleanup: () => {} };
            } },
          { name: 'VOID', description: 'returns nothing', validate: () => true, handler: async () => undefined },
          { name: 'ARGS', description: 'returns its arguments', validate: () => true,
            handler: async (runtime, message, state, options, callback, responses) => ({
              success: false,
              data: { runtime, state, callback, responses, options, keys: Object.keys(options),
                      signal: options.abortSignal instanceof AbortSignal, text: message.content.text },
            }) },
        ],
        providers: [
          { name: 'P', dynamic: true, get: () => undefined },
          { name: 'Q', get: () => ({ text: 'q', values: null }) },
        ],
        evaluators: [{ name: 'E', description: 'e', alwaysRun: false, examples: [], validate: () => true, handler: () => undefined }],
      };
    `);
    const s = new Server(file);
    try {
      const ready = await s.ready;
      assert.deepStrictEqual(ready.manifest, {
        name: 'noisy',
        description: 'prints',
        version: '1.0.0',
        language: 'typescript',
        actions: [
          { name: 'PRINT', description: 'prints', similes: ['P'] },
          { name: 'VOID', description: 'returns nothing' },
          { name: 'ARGS', description: 'returns its arguments' },
        ],
        providers: [{ name: 'P', dynamic: true }, { name: 'Q' }],
        evaluators: [{ name: 'E', description: 'e', alwaysRun: false }],
      });
      assert.equal((await s.request(validate('PRINT', 'x'))).valid, true);
      assert.deepStrictEqual((await s.request(invoke('PRINT', 'x'))).result, { success: true, error: 'boom', extra: 1 });
      assert.deepStrictEqual((await s.request(invoke('VOID', 'x'))).result, { success: true });
      const args = await s.request({ ...invoke('ARGS', 'hi', { ms: 1, abortSignal: 'from the host' }), state: null });
      assert.deepStrictEqual(args.result, {
        success: false,
        data: { runtime: null, state: null, callback: null, responses: null, options: { ms: 1 }, keys: ['ms'], signal: true, text: 'hi' },
      });
      const noOptions = await s.request(invoke('ARGS', 'hi', null));
      assert.deepStrictEqual(noOptions.result.data.options, {});
      assert.equal(noOptions.result.data.signal, true);
      assert.deepStrictEqual((await s.request({ type: 'provider.get', provider: 'P', memory: memory('x'), state: null })).result, { text: null, values: null, data: null });
      assert.deepStrictEqual((await s.request({ type: 'provider.get', provider: 'Q', memory: memory('x'), state: null })).result, { text: 'q' });
      const e = await s.request({ type: 'evaluator.invoke', evaluator: 'E', memory: memory('x'), state: null });
      assert.ok(Object.hasOwn(e, 'result') && e.result === null);
      assert.equal((await s.close()).code, 0);
      for (const marker of ['LOAD-LOG-MARKER', 'LOAD-WRITE-MARKER', 'VALIDATE-MARKER', 'HANDLER-MARKER', 'INFO-MARKER', 'WRITE-MARKER']) {
        assert.ok(s.stderr.includes(marker), `${marker} on stderr`);
        assert.ok(!s.raw.some((l) => l.includes(marker)), `${marker} not on stdout`);
      }
    } finally {
      if (!s.exit) s.proc.kill('SIGKILL');
    }
  });

  test('a CommonJS module.exports = { plugin } loads', TIMEOUT, async () => {
    const file = join(dir, 'named.cjs');
    writeFileSync(file, "exports.plugin = { name: 'cjs-named', description: 'd', version: '2.0.0' };\n");
    const s = new Server(file);
    try {
      assert.deepStrictEqual((await s.ready).manifest, { name: 'cjs-named', description: 'd', version: '2.0.0', language: 'typescript' });
    } finally {
      assert.equal((await s.close()).code, 0);
    }
  });

  test('a plugin that cannot be loaded: exit 1 without a ready line', TIMEOUT, async () => {
    const s = new Server(join(dir, 'missing.mjs'));
    assert.equal((await s.exited).code, 1);
    assert.equal(s.raw.length, 0);
    assert.match(s.stderr, /cannot load the plugin/);
  });
});
