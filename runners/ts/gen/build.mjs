// Evaluates case definitions: spec value from the reference, observation from
// upstream, deviation flags checked against the observation.
import { isDeepStrictEqual } from 'node:util';
import { NOTES as BASE_NOTES } from './flags.mjs';
import { stringify } from './json.mjs';
import * as ref from './ref.mjs';

const ID_RE = /^[a-z0-9][a-z0-9._-]*$/;
const FLAG_RE = /^[a-z0-9][a-z0-9-]*$/;

function fail(id, msg) {
  throw new Error(`case ${id}: ${msg}`);
}

const has = (o, k) => o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k);
const outText = (o) => (has(o, 'output') ? (typeof o.output === 'string' ? o.output : o.output?.plaintext) : undefined);
// migrate: upstream returned, unsealed, the text its own decrypt read from the
// input (gen/upstream.mjs observeMigrate); otherwise undefined.
const returnedDecrypted = (o) => (typeof o.returned === 'string' && o.returned === o.decrypted ? o.returned : undefined);
const obsText = (o) => outText(o) ?? returnedDecrypted(o);

// Each predicate confirms that an observed deviation is of the declared sort.
const DEVIATION_CHECKS_BASE = {
  'ts-number-coercion': ({ input, spec, obs }) =>
    (input.kind === 'integer' || input.kind === 'float') && has(spec, 'error') && has(obs, 'output'),
  'ts-unvalidated-agent-id': ({ spec, obs }) => spec.error === 'invalid_agent_id' && has(obs, 'output'),
  // The input must be one that only lenient hex reads as an envelope, and the
  // observation must be what lenient reading leads to, so that "acceptable"
  // cannot hide a deviation of another sort.
  'ts-lenient-hex': ({ input, obs }) => {
    const v = input.value ?? input.plaintext;
    if (!ref.lenientDiffersFromStrict(v)) return false;
    if (typeof input.plaintext === 'string') return obs.output?.status === 'unchanged'; // roundtrip: left unsealed
    if (!has(input, 'salt')) return obs.output === ref.lenientDetect(v); // detect
    // open or migrate: TS read it as an envelope and produced a result (for
    // migrate, possibly the text it decrypted, returned unsealed)
    return has(obs, 'output') || (returnedDecrypted(obs) !== undefined && obs.returned !== v);
  },
  'ts-v1-utf8-chunking': ({ input, spec, obs }) => {
    const s = outText(spec);
    const o = obsText(obs);
    return ref.parseEnvelope(input.value)?.kind === 'v1' && typeof s === 'string' && typeof o === 'string' &&
      !s.includes('\uFFFD') && o.includes('\uFFFD');
  },
  'ts-utf8-lossy': ({ spec, obs }) => spec.error === 'malformed' && typeof obsText(obs) === 'string' && obsText(obs).includes('\uFFFD'),
  'ts-bom-stripped': ({ input, spec, obs }) => {
    if (typeof input.plaintext === 'string') return input.plaintext.includes('\uFEFF') && has(obs, 'error') && /opened its own envelope/.test(obs.error);
    const s = outText(spec);
    const o = outText(obs);
    return typeof s === 'string' && typeof o === 'string' && s.includes('\uFEFF') && o.length < s.length &&
      s.replace(/\uFEFF/g, '') === o.replace(/\uFEFF/g, '');
  },
  'ts-fail-open': ({ spec, obs }) => has(spec, 'error') && obs.failOpen === true,
  // The v1 plaintext is envelope-shaped: strictly (upstream returns it as is,
  // which may open to something else), or only to upstream's lenient hex
  // reading, in which case upstream must have returned exactly the plaintext.
  // Or, whatever the spec says of the input (which upstream may have read
  // leniently or decoded lossily): upstream returned, unsealed, the text its own
  // decrypt read from it, which is envelope-shaped to upstream.
  'ts-migrate-no-reseal': ({ input, spec, obs }) => {
    const r = returnedDecrypted(obs);
    if (r !== undefined && r !== input.value && !has(obs, 'output') && (ref.parseEnvelope(r) !== null || ref.lenientDiffersFromStrict(r))) return true;
    if (spec.output?.status !== 'migrated') return false;
    const p = spec.output.plaintext;
    if (ref.parseEnvelope(p) !== null) {
      return has(obs, 'error') || (obs.output?.status === 'migrated' && obs.output.plaintext !== p);
    }
    return ref.lenientDiffersFromStrict(p) && typeof obs.error === 'string' && obs.error.startsWith(`returned ${stringify(p)},`);
  },
};

// results: valid / invalid from the spec value; "acceptable" for tolerated deviations.
const TOLERATED = new Set(['ts-lenient-hex']);

// Registries that suite modules extend (see register): flag explanations,
// deviation checks, and deviation flags whose cases are "acceptable".
const NOTES = { ...BASE_NOTES };
const DEVIATION_CHECKS = { ...DEVIATION_CHECKS_BASE };

/**
 * register merges a suite module's flag explanations, deviation checks and
 * tolerated deviation flags into the generator's registries. A flag may be
 * defined once; a second, different definition aborts the run.
 */
export function register({ notes = {}, deviationChecks = {}, tolerated = [] } = {}, from = 'a suite module') {
  for (const [f, text] of Object.entries(notes)) {
    if (NOTES[f] !== undefined && NOTES[f] !== text) throw new Error(`flag ${f} is explained twice (${from})`);
    NOTES[f] = text;
  }
  for (const [f, check] of Object.entries(deviationChecks)) {
    if (DEVIATION_CHECKS[f] !== undefined && DEVIATION_CHECKS[f] !== check) throw new Error(`deviation ${f} has two checks (${from})`);
    DEVIATION_CHECKS[f] = check;
  }
  for (const f of tolerated) TOLERATED.add(f);
}

// A suite object may carry its own `notes` and `deviationChecks`, which take
// precedence over the shared registries for that suite's files only: a flag
// name used by two suites whose deviations are of different sorts (the note
// and the check differ) is explained and checked per suite.
const noteFor = (suite, f) => suite.notes?.[f] ?? NOTES[f];
const checkFor = (suite, f) => suite.deviationChecks?.[f] ?? DEVIATION_CHECKS[f];

export function evaluateCase(suite, def) {
  const { id } = def;
  if (!ID_RE.test(id) || id.length > 128) fail(id, 'bad id');
  if (typeof def.description !== 'string' || !def.description || /[\r\n]/.test(def.description)) fail(id, 'bad description');
  const flags = def.flags ?? [];
  for (const f of flags) {
    if (!FLAG_RE.test(f)) fail(id, `bad flag ${f}`);
    if (!noteFor(suite, f)) fail(id, `flag ${f} has no explanation`);
  }
  if (new Set(flags).size !== flags.length) fail(id, 'duplicate flag');

  const spec = suite.spec(def.input);
  if (def.want !== undefined && !isDeepStrictEqual(spec, def.want)) {
    fail(id, `reference gives ${stringify(spec).slice(0, 200)}, case definition expects ${stringify(def.want).slice(0, 200)}`);
  }
  const obs = suite.observe(def.input, id);
  const declared = flags.filter((f) => f.startsWith('ts-'));
  let deviates = false;
  if (obs === null) {
    if (declared.length) fail(id, `declares ${declared} but upstream cannot be observed on this input`);
  } else {
    deviates = !suite.agrees(spec, obs);
  }
  if (deviates && declared.length === 0) {
    fail(id, `undeclared deviation: spec ${stringify(spec).slice(0, 300)}, upstream ${stringify(obs).slice(0, 300)}`);
  }
  if (!deviates && declared.length > 0) {
    fail(id, `declared ${declared.join(',')} but upstream agrees with the spec (${stringify(obs).slice(0, 200)})`);
  }
  for (const f of declared) {
    const check = checkFor(suite, f);
    if (!check) fail(id, `no check for deviation flag ${f}`);
    if (!check({ input: def.input, spec, obs })) fail(id, `observation does not show deviation ${f}: ${stringify(obs).slice(0, 300)}`);
  }

  let result = has(spec, 'error') ? 'invalid' : 'valid';
  if (declared.some((f) => TOLERATED.has(f))) result = 'acceptable';

  const out = { id, description: def.description, input: def.input };
  if (has(spec, 'error')) {
    out.error = spec.error;
    if (has(spec, 'errorAt')) out.errorAt = spec.errorAt;
  } else out.output = spec.output;
  out.result = result;
  out.flags = flags;
  if (deviates) out.upstream = { ts: has(obs, 'output') && !obs.failed ? { output: obs.output } : { error: obs.error ?? obs.note } };
  return { kase: out, deviates, declared };
}

export function buildFile(suite, file, generator) {
  const cases = [];
  const used = new Set();
  for (const def of file.cases) {
    const { kase } = evaluateCase(suite, def);
    cases.push(kase);
    for (const f of kase.flags) used.add(f);
  }
  const notes = {};
  for (const f of [...used].sort()) notes[f] = noteFor(suite, f);
  return {
    schema: `vectors/${suite.name}.schema.json`,
    suite: suite.name,
    specVersion: 'v1',
    description: file.description,
    generator,
    notes,
    cases,
  };
}
