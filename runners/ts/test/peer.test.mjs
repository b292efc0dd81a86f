// Tests of the ts peer (peer.mjs) over its real protocol: each test talks to a
// running peer through stdin/stdout, as the gate does.
//
//   cd runners/ts && node --test test/peer.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const PEER = fileURLToPath(new URL('../peer.mjs', import.meta.url));
const VECTORS = new URL('../../../vectors/', import.meta.url);

// A fake credential for the scanner and log tests: it must reach stdout (the
// output is what upstream reported) and never stderr.
const GHP = `ghp_${'a1B2'.repeat(9)}`;
const CANONICAL_V2 = /^v2:[0-9a-f]{24}:((?:[0-9a-f]{2})*):[0-9a-f]{32}$/;

class Peer {
  constructor() {
    this.proc = spawn(process.execPath, [PEER], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = [];
    this.stderr = '';
    this.waiting = [];
    this.id = 0;
    let buf = '';
    this.proc.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.lines.push(line);
        const w = this.waiting.shift();
        if (w) w(JSON.parse(line));
      }
    });
    this.proc.stderr.setEncoding('utf8').on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.hello = this.next();
  }

  next() {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async run(fields) {
    await this.hello;
    const id = ++this.id;
    const answer = this.next();
    this.proc.stdin.write(`${JSON.stringify({ type: 'run', id, ...fields })}\n`);
    const r = await answer;
    assert.equal(r.type, 'result');
    assert.equal(r.id, id);
    return r;
  }

  suite(suite, input, id = 'test-case') {
    return this.run({ suite, case: id, input });
  }

  async bye() {
    this.proc.stdin.write('{"type":"bye"}\n');
    return this.exited;
  }
}

// The one result form a reply holds besides type, id and message.
function form(r) {
  const keys = Object.keys(r).filter((k) => !['type', 'id', 'message', 'errorAt'].includes(k));
  assert.equal(keys.length, 1, `one result form in ${JSON.stringify(r)}`);
  return keys[0];
}

function vectorCases(suite, file) {
  return JSON.parse(readFileSync(new URL(`${suite}/${file}.json`, VECTORS), 'utf8')).cases;
}

describe('ts peer', () => {
  let peer;
  before(() => {
    peer = new Peer();
  });
  after(async () => {
    if (peer.proc.exitCode === null) await peer.bye();
  });

  test('hello declares the upstream suites, redact.context and secrets.scan included', async () => {
    const hello = await peer.hello;
    assert.equal(hello.type, 'hello');
    assert.equal(hello.protocol, 1);
    assert.equal(hello.peer.name, 'ts');
    for (const s of ['envelope.open_v2', 'envelope.roundtrip', 'envelope.migrate', 'redact.text', 'redact.context', 'secrets.scan']) {
      assert.ok(hello.suites.includes(s), s);
    }
    assert.deepEqual(hello.ops, ['envelope.seal', 'envelope.open']);
  });

  test('open of plain text fails open: the output is the input, nothing logged', async () => {
    const r = await peer.suite('envelope.malformed', { salt: 's', value: 'just a setting' });
    assert.deepEqual(r, { type: 'result', id: r.id, output: 'just a setting' });
  });

  test('open under a wrong salt fails open after logging "Decryption failed"', async () => {
    const sealed = await peer.run({ op: 'envelope.seal', input: { salt: 'salt-alpha', plaintext: 'secret' } });
    const r = await peer.suite('envelope.malformed', { salt: 'salt-beta', value: sealed.output });
    assert.equal(r.output, sealed.output);
    assert.match(r.message, /logged "Decryption failed"/);
  });

  test('roundtrip reports the raw string encryptStringValue returned', async () => {
    const r = await peer.suite('envelope.roundtrip', { salt: 'salt-alpha', plaintext: 'h\u00e9llo' });
    assert.equal(form(r), 'output');
    const m = CANONICAL_V2.exec(r.output);
    assert.ok(m, 'a canonical v2 envelope');
    assert.equal(m[1].length, 2 * Buffer.byteLength('h\u00e9llo'));
    const back = await peer.run({ op: 'envelope.open', input: { salt: 'salt-alpha', value: r.output } });
    assert.equal(back.output, 'h\u00e9llo');
    // An envelope-shaped plaintext comes back as it is: reported, not judged.
    const shaped = `v2:${'00'.repeat(12)}::${'11'.repeat(16)}`;
    assert.equal((await peer.suite('envelope.roundtrip', { salt: 'salt-alpha', plaintext: shaped })).output, shaped);
  });

  test('migrate reports the raw string; a v1 that does not open comes back unchanged', async () => {
    const v1 = `${'00112233445566778899aabbccddeeff'}:`;
    const r = await peer.suite('envelope.migrate', { salt: 'salt-alpha', value: v1 });
    assert.equal(r.output, v1);
    assert.match(r.message, /logged "Decryption failed"/);
    const [fixture] = vectorCases('envelope.migrate', 'migrate').filter((c) => c.id === 'mig-v1-fixture');
    const m = await peer.suite('envelope.migrate', fixture.input, fixture.id);
    assert.match(m.output, CANONICAL_V2);
  });

  test('detect through the public seal', async () => {
    assert.equal((await peer.suite('envelope.detect', { value: 'hello' })).output, 'none');
    assert.equal((await peer.suite('envelope.detect', { value: `${'ab'.repeat(16)}:x` })).output, 'v1'); // lenient hex
    assert.equal((await peer.suite('envelope.detect', { value: `v2:${'00'.repeat(12)}::${'11'.repeat(16)}` })).output, 'v2');
  });

  test('ids: mapped exception classes are error kinds', async () => {
    const r = await peer.suite('ids.string_to_uuid', { kind: 'null' });
    assert.equal(r.error, 'invalid_type');
    const s = await peer.suite('ids.string_to_uuid', { kind: 'string', value: 'test' });
    assert.match(s.output, /^[0-9a-f]{8}-[0-9a-f]{4}-0[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('wrapper failures are faults, and nothing is "unspecified"', async () => {
    assert.equal(form(await peer.suite('envelope.open_v2', { salt: 1, value: 'x' })), 'fault');
    assert.equal(form(await peer.suite('ids.string_to_uuid', { kind: 'weird' })), 'fault');
    assert.equal(form(await peer.suite('no.such_suite', {})), 'fault');
    assert.equal(form(await peer.run({ op: 'envelope.nope', input: {} })), 'fault');
    assert.equal(form(await peer.suite('redact.context', { context: [] })), 'fault');
    assert.equal(form(await peer.suite('secrets.scan', { text: 7 })), 'fault');
    assert.ok(!peer.lines.some((l) => l.includes('unspecified')));
  });

  test('redact.text: a lone surrogate upstream returned is sent as a \\u escape', async () => {
    for (const c of vectorCases('redact.text', 'text').filter((k) => k.flags.includes('ts-lone-surrogate'))) {
      const r = await peer.suite('redact.text', c.input, c.id);
      assert.equal(typeof r.output, 'string');
      assert.ok(!r.output.isWellFormed(), c.id);
      const recorded = /reads (".*")$/.exec(c.upstream.ts.error); // the generator's note: the text with U+FFFD
      assert.ok(recorded, c.id);
      assert.equal(r.output.toWellFormed(), JSON.parse(recorded[1]));
      assert.match(peer.lines.at(-1), /\\ud[89a-f][0-9a-f]{2}/);
    }
  });

  test('redact.context: what the logger logged, and the caller object when it was modified', async () => {
    const top = await peer.suite('redact.context', { context: { password: 'hunter2', user: 'u' } });
    assert.deepEqual(top.output, { password: 'hunter2', user: 'u' }); // upstream redacts one level down only
    const nested = await peer.suite('redact.context', { context: { db: { password: 'pw', host: 'h' } } });
    assert.deepEqual(nested.output, {
      logged: { db: { password: '[REDACTED]', host: 'h' } },
      callerAfter: { db: { password: '[REDACTED]', host: 'h' } },
    });
    // The variables are in force for the call: upstream ignores them.
    const off = await peer.suite('redact.context', { context: { n: { token: 't' } }, env: { ELIZA_LOG_REDACT: 'false' } });
    assert.deepEqual(off.output.logged, { n: { token: '[REDACTED]' } });
    const keys = await peer.suite('redact.context', { context: { pin: 1, n: { pin: 2 } }, env: { ELIZA_LOG_REDACT_KEYS: 'pin' } });
    assert.deepEqual(keys.output, { pin: 1, n: { pin: 2 } });
  });

  test('redact.context: every vector case re-observed', async () => {
    for (const c of vectorCases('redact.context', 'context')) {
      const r = await peer.suite('redact.context', c.input, c.id);
      const deviations = c.flags.filter((f) => f.startsWith('ts-'));
      let want = c.output;
      if (deviations.length) {
        const u = c.upstream.ts.output;
        want = deviations.includes('ts-redact-mutates-caller') ? u : u.logged;
      }
      assert.ok(isDeepStrictEqual(r.output, want), `${c.id}: ${JSON.stringify(r).slice(0, 300)}`);
    }
  });

  test('secrets.scan: upstream findings in line and rule order, with the line upstream printed', async () => {
    const r = await peer.suite('secrets.scan', { text: `intro\n  TOKEN=${GHP}  \nnothing` });
    assert.deepEqual(r.output, [
      { line: 2, rule: 'GitHub token', severity: 'error', text: `TOKEN=${GHP}` },
      { line: 2, rule: 'Generic credential assignment (review)', severity: 'warning', text: `TOKEN=${GHP}` },
    ]);
    assert.deepEqual((await peer.suite('secrets.scan', { text: '' })).output, []);
  });

  test('secrets.scan: every vector case re-observed', async () => {
    for (const c of vectorCases('secrets.scan', 'scan')) {
      const r = await peer.suite('secrets.scan', c.input, c.id);
      const lines = c.input.text.split(/\r?\n/);
      const want = c.output.map(({ line, rule, severity }) => ({ line, rule, severity, text: lines[line - 1].trim() }));
      assert.deepEqual(r.output, want, c.id);
    }
  });

  test('bye: exit 0; stdout held only protocol lines; stderr no secret', async () => {
    assert.equal(await peer.bye(), 0);
    for (const l of peer.lines) assert.ok(['hello', 'result'].includes(JSON.parse(l).type));
    assert.ok(peer.lines.some((l) => l.includes(GHP)), 'the scanner output reached stdout');
    assert.ok(!peer.stderr.includes(GHP));
    assert.ok(!peer.stderr.includes('hunter2'));
  });
});
