// Independent JS reference of spec/manifest.md: the document layer and schema
// validation with ajv, whose errors are normalised to the spec's
// {pointer, rule, property?} entries. The document layer is the project's one
// strict JSON layer (spec/types.md): it is read with the serialize.roundtrip
// reference, gen/serialize-ref.mjs, at the manifest nesting limit, after the
// manifest size cap. The Go side uses internal/jsontext and
// santhosh-tekuri/jsonschema; the vectors hold where both must agree.
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parse, SpecError, textOf } from './serialize-ref.mjs';

export const MAX_SIZE = 4 << 20;
export const MAX_DEPTH = 128;

const schemaText = readFileSync(new URL('../../../schemas/plugin.schema.json', import.meta.url), 'utf8');
export const schema = JSON.parse(schemaText);

// ajv 8 defaults to draft-07; allErrors so that every failing keyword is
// reported; strict so that a schema mistake aborts the generator.
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

// valueOf turns a node of serialize-ref's reader into the JS value ajv
// validates. Members are defined, not assigned, so that "__proto__" is an
// ordinary member (as JSON.parse makes it).
function valueOf(node) {
  switch (node.t) {
    case 'obj': {
      const o = {};
      for (const [k, n] of node.m) Object.defineProperty(o, k, { value: valueOf(n), enumerable: true, writable: true, configurable: true });
      return o;
    }
    case 'arr':
      return node.a.map(valueOf);
    case 'null':
      return null;
  }
  return node.v;
}

// Code point order of two strings (= UTF-8 byte order), not JS's UTF-16
// code unit order.
export function compareCodePoints(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// normalise turns ajv's errors into the spec's entries: errors produced
// inside the branches of a failing oneOf/anyOf are dropped (the oneOf/anyOf
// is reported once at its instance); required gives one entry per missing
// property; the rest give {pointer, rule}. Sorted, deduplicated.
export function normalise(errors) {
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const inside = (e) => combinators.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`) &&
    (e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`)));
  const out = [];
  for (const e of errors) {
    if (inside(e)) continue;
    if (e.keyword === 'required') out.push({ pointer: e.instancePath, rule: 'required', property: e.params.missingProperty });
    else out.push({ pointer: e.instancePath, rule: e.keyword });
  }
  out.sort((a, b) => compareCodePoints(a.pointer, b.pointer) || compareCodePoints(a.rule, b.rule) ||
    compareCodePoints(a.property ?? '', b.property ?? ''));
  return out.filter((e, k) => k === 0 || !isDeepStrictEqual(e, out[k - 1]));
}

// bytesOf returns the document bytes of a case input.
export function bytesOf(input) {
  if (typeof input.text === 'string') {
    if (!input.text.isWellFormed()) throw new Error('case text must be well-formed Unicode (use hex for bad bytes)');
    return Buffer.from(input.text, 'utf8');
  }
  return Buffer.from(input.hex, 'hex');
}

// validateDocument is the spec's operation on a case input ({text} or
// {hex}): {output} or {error[, errorAt]}. The size cap comes first; then the
// phases of spec/types.md decide the error.
export function validateDocument(input) {
  if (bytesOf(input).length > MAX_SIZE) return { error: 'too_large' };
  let text;
  let value;
  try {
    text = textOf(input);
    value = valueOf(parse(text, MAX_DEPTH));
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    if (text !== undefined) crossCheckRejected(text, e);
    return e.at === undefined ? { error: e.kind } : { error: e.kind, errorAt: e.at };
  }
  // The reader and JSON.parse must agree on what the document is.
  const parsed = JSON.parse(text);
  if (!isDeepStrictEqual(parsed, value)) throw new Error('reference reader and JSON.parse read different values');
  if (validate(parsed)) return { output: { valid: true } };
  return { output: { valid: false, errors: normalise(validate.errors) } };
}

// A document the reader rejects as a syntax error must be one JSON.parse
// rejects too; one it rejects for another reason (duplicate member, range,
// depth, lone surrogate) is one JSON.parse accepts, unless a syntax error
// follows it.
function crossCheckRejected(text, e) {
  let parses = true;
  try {
    JSON.parse(text);
  } catch {
    parses = false;
  }
  if (e.kind === 'syntax' && parses) throw new Error('reference reader rejects a document JSON.parse accepts');
}
