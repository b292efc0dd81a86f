// Child process that logs context objects with the real upstream logger of
// @elizaos/core in JSON mode and reports, for each, what the emitted record
// carried and what became of the caller's object.
//
// Upstream reads LOG_JSON_FORMAT (and builds its fast-redact redactor) once,
// when the package is loaded, so JSON mode needs a process of its own; the
// parent sets the environment. Two modes:
//
//   node redact_context_probe.mjs           (gen/suites/redact_context.mjs)
//     stdin: a JSON array of context objects; stdout: a JSON array of
//     {logged, callerAfter}.
//   node redact_context_probe.mjs --serve   (peer.mjs)
//     JSON lines. First line out: {"ready": true, "loadReads": [names],
//     "enumerated": bool}: the environment variables upstream read while it
//     loaded (process.env is watched from before the import), and whether it
//     listed the environment. Then per line in: {"env": {NAME: string|null},
//     "context": object}: the variables are set (null: unset) for the one
//     log call and restored after it; line out: {"logged", "callerAfter",
//     "mutated"}, {"raised": <class>} if the log call threw, or {"fault"}.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const MESSAGE = 'redact.context probe';
const serve = process.argv.includes('--serve');

// Every console method is captured before the package is loaded, so that
// nothing but the result reaches stdout.
const captured = [];
const original = {};
for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  original[m] = console[m];
  console[m] = (...args) => captured.push({ method: m, args });
}

// The JSON records of MESSAGE among the captured console output.
function records() {
  const out = [];
  for (const c of captured) {
    for (const a of c.args) {
      if (typeof a !== 'string' || !a.startsWith('{')) continue;
      let rec;
      try {
        rec = JSON.parse(a);
      } catch {
        continue;
      }
      if (rec && rec.msg === MESSAGE && Array.isArray(rec.args)) out.push(rec);
    }
  }
  return out;
}

if (!serve) {
  const contexts = JSON.parse(readFileSync(0, 'utf8'));
  const core = await import('@elizaos/core');

  const results = [];
  for (const context of contexts) {
    const caller = JSON.parse(JSON.stringify(context)); // the caller's own object
    captured.length = 0;
    core.logger.info(caller, MESSAGE);
    const recs = records();
    if (recs.length !== 1) {
      throw new Error(`expected one JSON record from the upstream logger, got ${recs.length}: ${JSON.stringify(captured).slice(0, 300)}`);
    }
    results.push({ logged: recs[0].args[0], callerAfter: caller });
  }

  original.log(JSON.stringify(results));
} else {
  // Protocol lines leave through the saved write; anything else written to
  // stdout (after the console capture above) is dropped with it.
  const reply = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, encoding, cb) => {
    captured.push({ method: 'stdout', args: [String(chunk)] });
    if (typeof encoding === 'function') encoding();
    else if (typeof cb === 'function') cb();
    return true;
  };
  const send = (msg) => reply(`${JSON.stringify(msg)}\n`);

  // Watch which variables upstream reads while it loads.
  const loadReads = new Set();
  let enumerated = false;
  let loading = true;
  const realEnv = process.env;
  process.env = new Proxy(realEnv, {
    get(t, k, r) {
      if (loading && typeof k === 'string') loadReads.add(k);
      return Reflect.get(t, k, r);
    },
    has(t, k) {
      if (loading && typeof k === 'string') loadReads.add(k);
      return Reflect.has(t, k);
    },
    getOwnPropertyDescriptor(t, k) {
      if (loading && typeof k === 'string') loadReads.add(k);
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
    ownKeys(t) {
      if (loading) enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
  const core = await import('@elizaos/core');
  loading = false;
  send({ ready: true, loadReads: [...loadReads].sort(), enumerated });

  const setEnv = (vars) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === null) delete realEnv[k];
      else realEnv[k] = v;
    }
  };

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === '') continue;
    let req;
    try {
      req = JSON.parse(line);
    } catch {
      send({ fault: 'request is not JSON' });
      continue;
    }
    const vars = req.env ?? {};
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Object.prototype.hasOwnProperty.call(realEnv, k) ? realEnv[k] : null]));
    const caller = req.context; // the caller's own object
    const before = JSON.stringify(caller);
    captured.length = 0;
    setEnv(vars);
    let threw = null;
    try {
      core.logger.info(caller, MESSAGE);
    } catch (e) {
      threw = e;
    } finally {
      setEnv(saved);
    }
    if (threw !== null) {
      send({ raised: threw?.constructor?.name || typeof threw });
      continue;
    }
    const recs = records();
    if (recs.length !== 1) {
      send({ fault: `expected one JSON record from the upstream logger, got ${recs.length}` });
      continue;
    }
    if (recs[0].args.length === 0) {
      send({ fault: 'the upstream record carries no context argument' });
      continue;
    }
    const after = JSON.stringify(caller);
    send({ logged: recs[0].args[0], callerAfter: caller, mutated: after !== before });
  }
}
