#!/usr/bin/env node
// Vector generator: runs the real upstream @elizaos/core and writes vectors/.
//
//   node gen-vectors.mjs <outdir>        (npm run vectors  ==  node gen-vectors.mjs ../../vectors)
//
// For every case it
//   (a) runs the upstream function and records what it did (gen/upstream.mjs),
//   (b) computes the spec value with an independent reference (gen/ref.mjs, node:crypto),
//   (c) writes expected = spec value; when upstream differs, the case must have
//       declared the matching ts-* deviation flag and the observation is stored
//       under "upstream"; an undeclared or unobserved deviation aborts the run.
// The only thing replaced in upstream is globalThis.crypto.getRandomValues (seeded
// per case), so the output is byte-for-byte reproducible.
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PINNED = '2.0.0-alpha.537';

async function main() {
  const outArg = process.argv[2];
  if (!outArg) {
    console.error('usage: node gen-vectors.mjs <outdir>');
    process.exit(2);
  }
  const outdir = resolve(outArg);

  const up = await import('./gen/upstream.mjs');
  const version = up.upstreamVersion();
  if (version !== PINNED) throw new Error(`@elizaos/core ${version} is installed; the generator requires exactly ${PINNED}`);
  up.hookLogger();
  (await import('./gen/rng.mjs')).install();

  // Every module in gen/suites/ contributes: `suites` (the suite objects),
  // and optionally `notes`, `deviationChecks` and `tolerated` for its flags.
  const { buildFile, register } = await import('./gen/build.mjs');
  const suitesDir = new URL('./gen/suites/', import.meta.url);
  const suites = [];
  for (const f of readdirSync(suitesDir).filter((n) => n.endsWith('.mjs')).sort()) {
    const mod = await import(new URL(f, suitesDir));
    if (!Array.isArray(mod.suites)) throw new Error(`gen/suites/${f} exports no "suites" array`);
    register(mod, `gen/suites/${f}`);
    suites.push(...mod.suites);
  }
  const names = new Set();
  for (const s of suites) {
    if (names.has(s.name)) throw new Error(`suite ${s.name} is defined twice`);
    names.add(s.name);
  }
  const generator = { name: 'runners/ts/gen-vectors.mjs', upstream: `@elizaos/core@${version}` };

  // Build everything in memory first; nothing is written if any case fails.
  const outputs = [];
  const seenIds = new Map();
  const counts = [];
  const deviations = new Map();
  for (const suite of suites) {
    let n = 0;
    for (const file of suite.files) {
      const doc = buildFile(suite, file, generator);
      for (const c of doc.cases) {
        if (seenIds.has(c.id)) throw new Error(`case ${c.id}: id used twice (${seenIds.get(c.id)} and ${suite.name}/${file.name})`);
        seenIds.set(c.id, `${suite.name}/${file.name}`);
        for (const f of c.flags) if (f.startsWith('ts-')) deviations.set(f, (deviations.get(f) ?? 0) + 1);
      }
      n += doc.cases.length;
      outputs.push({ dir: join(outdir, suite.name), path: join(outdir, suite.name, `${file.name}.json`), doc });
    }
    counts.push([suite.name, n]);
  }

  // Write: each suite directory holds exactly the files generated for it.
  for (const suite of suites) {
    const dir = join(outdir, suite.name);
    if (existsSync(dir)) {
      for (const f of readdirSync(dir)) if (f.endsWith('.json')) rmSync(join(dir, f));
    }
    mkdirSync(dir, { recursive: true });
  }
  // gen/json.mjs: JSON.stringify, with BigInt values written as exact JSON numbers.
  const { stringify } = await import('./gen/json.mjs');
  for (const o of outputs) writeFileSync(o.path, `${stringify(o.doc, 2)}\n`);

  let total = 0;
  for (const [name, n] of counts) {
    console.log(`${name.padEnd(24)} ${String(n).padStart(4)}`);
    total += n;
  }
  console.log(`${'total'.padEnd(24)} ${String(total).padStart(4)}`);
  for (const [f, n] of [...deviations].sort()) console.log(`  deviation ${f}: ${n}`);
}

main().catch((e) => {
  console.error(`gen-vectors: ${e.message}`);
  process.exit(1);
});
