// Independent JS reference of spec/manifest.md: the document layer (a strict
// one-pass JSON reader) and schema validation with ajv, whose errors are
// normalised to the spec's {pointer, rule, property?} entries. The Go side
// uses its own reader and santhosh-tekuri/jsonschema; the vectors hold where
// both must agree.
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

export const MAX_SIZE = 4 << 20;
export const MAX_DEPTH = 128;

const schemaText = readFileSync(new URL('../../../schemas/plugin.schema.json', import.meta.url), 'utf8');
export const schema = JSON.parse(schemaText);

// ajv 8 defaults to draft-07; allErrors so that every failing keyword is
// reported; strict so that a schema mistake aborts the generator.
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

class DocError extends Error {
  constructor(kind, at) {
    super(kind);
    this.kind = kind;
    this.at = at; // JSON pointer, for duplicate_key and number_overflow
  }
}

const escapeToken = (t) => t.replace(/~/g, '~0').replace(/\//g, '~1');
export const pointer = (tokens) => tokens.map((t) => `/${escapeToken(String(t))}`).join('');

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

// Reads one JSON text (a JS string of well-formed Unicode) left to right and
// throws the first problem in document order: each check runs when the token
// it concerns is complete (a string after its closing quote, a number after
// its last digit, a container when it opens).
export function readDocument(text) {
  let i = 0;
  let depth = 0;
  const path = [];
  const notJson = () => new DocError('not_json');
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = () => {
    i++; // opening quote
    let out = '';
    const units = [];
    for (;;) {
      if (i >= text.length) throw notJson();
      const ch = text[i];
      const code = text.charCodeAt(i);
      if (ch === '"') break;
      if (code < 0x20) throw notJson();
      if (ch === '\\') {
        i++;
        if (i >= text.length) throw notJson();
        const e = text[i];
        const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
        if (simple !== undefined) {
          units.push(simple.charCodeAt(0));
        } else if (e === 'u') {
          const h = text.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) throw notJson();
          units.push(parseInt(h, 16));
          i += 4;
        } else {
          throw notJson();
        }
        i++;
        continue;
      }
      units.push(code);
      i++;
    }
    i++; // closing quote
    for (let k = 0; k < units.length; k += 4096) out += String.fromCharCode(...units.slice(k, k + 4096));
    if (!out.isWellFormed()) throw new DocError('invalid_utf8');
    return out;
  };
  const value = () => {
    if (i >= text.length) throw notJson();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      if (depth === MAX_DEPTH) throw new DocError('too_deep');
      depth++;
      i++;
      ws();
      const close = ch === '{' ? '}' : ']';
      const result = ch === '{' ? {} : [];
      const seen = new Set();
      if (text[i] === close) {
        i++;
        depth--;
        return result;
      }
      for (;;) {
        if (ch === '{') {
          if (text[i] !== '"') throw notJson();
          const name = str();
          if (seen.has(name)) throw new DocError('duplicate_key', pointer([...path, name]));
          seen.add(name);
          ws();
          if (text[i] !== ':') throw notJson();
          i++;
          ws();
          path.push(name);
          const v = value();
          path.pop();
          Object.defineProperty(result, name, { value: v, enumerable: true, writable: true, configurable: true });
        } else {
          path.push(result.length);
          result.push(value());
          path.pop();
        }
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          continue;
        }
        if (text[i] === close) {
          i++;
          depth--;
          return result;
        }
        throw notJson();
      }
    }
    if (ch === '"') return str();
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text);
      const tok = m ? m[0] : '';
      if (!tok) throw notJson();
      i += tok.length;
      const n = Number(tok);
      if (!Number.isFinite(n)) throw new DocError('number_overflow', pointer(path));
      return n;
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    throw notJson();
  };
  ws();
  const v = value();
  ws();
  if (i < text.length) throw notJson();
  return v;
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

// validateDocument is the spec's operation: {output} or {error[, errorAt]}.
export function validateDocument(bytes) {
  if (bytes.length > MAX_SIZE) return { error: 'too_large' };
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { error: 'invalid_utf8' };
  }
  let value;
  try {
    value = readDocument(text);
  } catch (e) {
    if (!(e instanceof DocError)) throw e;
    crossCheckRejected(text, e);
    return e.at === undefined ? { error: e.kind } : { error: e.kind, errorAt: e.at };
  }
  // The reader and JSON.parse must agree on what the document is.
  const parsed = JSON.parse(text);
  if (!isDeepStrictEqual(parsed, value)) throw new Error('reference reader and JSON.parse read different values');
  if (validate(parsed)) return { output: { valid: true } };
  return { output: { valid: false, errors: normalise(validate.errors) } };
}

// A document the reader rejects as not JSON must be one JSON.parse rejects
// too; one it rejects for another reason (duplicate member, overflow, depth,
// lone surrogate) is one JSON.parse accepts, unless a syntax error follows.
function crossCheckRejected(text, e) {
  let parses = true;
  try {
    JSON.parse(text);
  } catch {
    parses = false;
  }
  if (e.kind === 'not_json' && parses) throw new Error('reference reader rejects a document JSON.parse accepts');
}
