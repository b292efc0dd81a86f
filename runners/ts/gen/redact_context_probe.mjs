// Child process of gen/suites/redact_context.mjs: logs context objects with
// the real upstream logger of @elizaos/core in JSON mode and reports, for
// each, what the emitted record carried and what became of the caller's
// object.
//
// Upstream reads LOG_JSON_FORMAT (and builds its fast-redact redactor) once,
// when the package is loaded, so JSON mode needs a process of its own; the
// parent sets the environment. Input on stdin: a JSON array of context
// objects. Output on stdout: a JSON array of {logged, callerAfter}.
import { readFileSync } from 'node:fs';

const MESSAGE = 'redact.context probe';

// Every console method is captured before the package is loaded, so that
// nothing but the result reaches stdout.
const captured = [];
const original = {};
for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  original[m] = console[m];
  console[m] = (...args) => captured.push({ method: m, args });
}

const contexts = JSON.parse(readFileSync(0, 'utf8'));
const core = await import('@elizaos/core');

const results = [];
for (const context of contexts) {
  const caller = JSON.parse(JSON.stringify(context)); // the caller's own object
  captured.length = 0;
  core.logger.info(caller, MESSAGE);
  const records = [];
  for (const c of captured) {
    for (const a of c.args) {
      if (typeof a !== 'string' || !a.startsWith('{')) continue;
      let rec;
      try {
        rec = JSON.parse(a);
      } catch {
        continue;
      }
      if (rec && rec.msg === MESSAGE && Array.isArray(rec.args)) records.push(rec);
    }
  }
  if (records.length !== 1) {
    throw new Error(`expected one JSON record from the upstream logger, got ${records.length}: ${JSON.stringify(captured).slice(0, 300)}`);
  }
  results.push({ logged: records[0].args[0], callerAfter: caller });
}

original.log(JSON.stringify(results));
