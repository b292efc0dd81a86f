// Independent JS reference of spec/types.md (serialize.roundtrip): read a
// JSON text strictly, check it against a type, write it canonically
// (RFC 8785). The Go side (types/, internal/jsontext/) is hand-written; this
// one is table-driven, so the two do not share mistakes.
//
// Errors come in phases; within a phase the first in document order wins:
//   0  invalid_utf8 (bytes)                    no location
//   1  syntax, invalid_utf8 (lone surrogate escape), too_deep   no location
//   2  duplicate_key, out_of_range (numbers)   located
//   3  invalid_type, missing_field, out_of_range (timestamp strings)   located
export const MAX_DEPTH = 1000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// SpecError is a spec error kind with its location (a JSON pointer) or none.
export class SpecError extends Error {
  constructor(kind, at) {
    super(kind);
    this.kind = kind;
    this.at = at;
  }
}

const escapeToken = (t) => String(t).replace(/~/g, '~0').replace(/\//g, '~1');
export const pointer = (path) => path.map((t) => `/${escapeToken(t)}`).join('');

// ---------------------------------------------------------------- phase 0

// textOf returns the JSON text of a case input, or throws invalid_utf8.
// Exported, with parse, for gen/manifest-ref.mjs: the manifest document
// layer is this JSON layer (spec/manifest.md).
export function textOf(input) {
  if (typeof input.text === 'string') {
    if (!input.text.isWellFormed()) throw new Error('case text must be well-formed Unicode (use hex for bad bytes)');
    return input.text;
  }
  const bytes = Buffer.from(input.hex, 'hex');
  try {
    // ignoreBOM: a leading U+FEFF stays in the text (and is a syntax error).
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SpecError('invalid_utf8');
  }
}

// ---------------------------------------------------------------- phases 1 and 2

// Nodes keep members in document order (JS objects would not: integer-like
// keys move to the front).
//   {t:'obj', m:[[name, node], ...]} {t:'arr', a:[node...]} {t:'str', v} {t:'num', v} {t:'bool', v} {t:'null'}
// Throws a SpecError of phase 1 or 2. maxDepth is the nesting limit: the
// default is this page's; manifest.validate reads with 128.
export function parse(text, maxDepth = MAX_DEPTH) {
  let i = 0;
  let depth = 0;
  const path = [];
  let soft = null; // first phase-2 problem
  const syntax = () => new SpecError('syntax');
  const keep = (kind) => {
    if (!soft) soft = new SpecError(kind, pointer(path));
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const hex4 = (at) => {
    const h = text.slice(at, at + 4);
    return /^[0-9a-fA-F]{4}$/.test(h) ? parseInt(h, 16) : -1;
  };
  const string = () => {
    i++; // the opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) throw syntax();
      const c = text[i];
      const code = text.charCodeAt(i);
      if (c === '"') {
        i++;
        return out;
      }
      if (code < 0x20) throw syntax();
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
        continue;
      }
      if (e !== 'u') throw syntax();
      const u = hex4(i + 2);
      if (u < 0) throw syntax();
      i += 6;
      if (u >= 0xd800 && u <= 0xdbff) {
        const lo = text.slice(i, i + 2) === '\\u' ? hex4(i + 2) : -1;
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          out += String.fromCharCode(u, lo);
          i += 6;
          continue;
        }
        throw new SpecError('invalid_utf8');
      }
      if (u >= 0xdc00 && u <= 0xdfff) throw new SpecError('invalid_utf8');
      out += String.fromCharCode(u);
    }
  };
  const number = () => {
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) throw syntax();
    i += r[0].length;
    const v = Number(r[0]); // correctly rounded, like every double parser
    if (!(Math.abs(v) <= MAX_SAFE)) keep('out_of_range');
    return { t: 'num', v };
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (++depth > maxDepth) throw new SpecError('too_deep');
      i++;
      ws();
      const close = c === '{' ? '}' : ']';
      const node = c === '{' ? { t: 'obj', m: [] } : { t: 'arr', a: [] };
      const seen = new Set();
      if (text[i] === close) {
        i++;
        depth--;
        return node;
      }
      for (let n = 0; ; n++) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') throw syntax();
          const k = string();
          ws();
          if (text[i] !== ':') throw syntax();
          i++;
          path.push(k);
          if (seen.has(k)) keep('duplicate_key');
          seen.add(k);
          node.m.push([k, value()]);
        } else {
          path.push(String(n));
          node.a.push(value());
        }
        path.pop();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          depth--;
          return node;
        }
        throw syntax();
      }
    }
    if (c === '"') return { t: 'str', v: string() };
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [lit, node] of [['true', { t: 'bool', v: true }], ['false', { t: 'bool', v: false }], ['null', { t: 'null' }]]) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return node;
      }
    }
    throw syntax();
  };
  const root = value();
  ws();
  if (i !== text.length) throw syntax();
  if (soft) throw soft;
  return root;
}

// ---------------------------------------------------------------- phase 3: the types

// Member shapes: 'string' 'boolean' 'number' 'integer' 'timestamp'
// 'object' (any JSON object) 'scalar' (string, number, boolean or null),
// ['array', shape], ['map', shape], or a type name.
const S = 'string';
const B = 'boolean';
const arr = (s) => ['array', s];
const map = (s) => ['map', s];

// Each type: its declared members, the required ones marked with a '!'.
export const TYPES = {
  Memory: {
    id: S, 'entityId!': S, agentId: S, createdAt: 'timestamp', 'content!': 'Content', embedding: arr('number'),
    'roomId!': S, worldId: S, unique: B, similarity: 'number', metadata: 'MemoryMetadata', sessionId: S, sessionKey: S,
  },
  MemoryMetadata: {
    type: S, source: S, sourceId: S, scope: S, timestamp: 'timestamp', tags: arr(S), documentId: S, position: 'integer',
  },
  Content: {
    thought: S, text: S, merge: S, actions: arr(S), providers: arr(S), source: S, target: S, url: S, inReplyTo: S,
    attachments: arr('Media'), channelType: S, mentionContext: 'MentionContext', responseMessageId: S, responseId: S,
    simple: B, actionCallbacks: 'Content', evalCallbacks: 'Content', type: S, data: 'object',
  },
  Media: { 'id!': S, 'url!': S, title: S, source: S, description: S, text: S, contentType: S },
  MentionContext: { 'isMention!': B, 'isReply!': B, 'isThread!': B, mentionType: S },
  State: { 'values!': 'StateValues', 'data!': 'StateData', 'text!': S },
  StateValues: { agentName: S, actionNames: S, providers: S },
  StateData: {
    room: 'object', world: 'object', entity: 'object', providers: map('ProviderResult'), actionPlan: 'ActionPlan',
    actionResults: arr('ActionResult'), workingMemory: map('WorkingMemoryEntry'),
  },
  WorkingMemoryEntry: { 'actionName!': S, 'result!': 'ActionResult', 'timestamp!': 'timestamp' },
  ActionPlan: { 'thought!': S, 'totalSteps!': 'integer', 'currentStep!': 'integer', 'steps!': arr('ActionPlanStep'), metadata: 'object' },
  ActionPlanStep: { 'action!': S, 'status!': S, error: S, result: 'ActionResult' },
  ActionResult: { 'success!': B, text: S, values: 'object', data: 'object', error: S, continueChain: B },
  ProviderResult: { text: S, values: 'object', data: 'object' },
  PluginManifest: {
    'name!': S, 'description!': S, version: S, language: S, interop: 'Interop', config: map('scalar'),
    dependencies: arr(S), actions: arr('ActionDefinition'), providers: arr('ProviderDefinition'),
    evaluators: arr('EvaluatorDefinition'), services: arr('ServiceDefinition'), routes: arr('RouteDefinition'),
    events: map(arr(S)),
  },
  Interop: { protocol: S, wasmPath: S, sharedLibPath: S, ipcCommand: S, ipcPort: 'integer', cwd: S },
  ActionDefinition: { 'name!': S, 'description!': S, similes: arr(S), examples: arr(arr('ActionExample')) },
  ActionExample: { 'name!': S, 'content!': 'Content' },
  ProviderDefinition: { 'name!': S, description: S, dynamic: B, position: 'integer', private: B },
  EvaluatorDefinition: { 'name!': S, 'description!': S, alwaysRun: B, similes: arr(S) },
  ServiceDefinition: { 'type!': S, description: S },
  RouteDefinition: { 'path!': S, method: S, name: S, public: B, isMultipart: B },
};

// The types a case may name.
export const TOP_TYPES = ['Memory', 'Content', 'State', 'ActionResult', 'ProviderResult', 'PluginManifest'];

function fields(type) {
  const out = new Map();
  for (const [k, shape] of Object.entries(TYPES[type])) {
    const required = k.endsWith('!');
    out.set(required ? k.slice(0, -1) : k, { shape, required });
  }
  return out;
}

const DECIMAL = /^-?(0|[1-9][0-9]*)$/;

// check returns the canonical node for node read as shape, or throws.
function check(shape, node, path) {
  const wrongType = () => new SpecError('invalid_type', pointer(path));
  if (Array.isArray(shape)) {
    const [kind, elem] = shape;
    if (kind === 'array') {
      if (node.t !== 'arr') throw wrongType();
      return { t: 'arr', a: node.a.map((n, i) => check(elem, n, [...path, String(i)])) };
    }
    if (node.t !== 'obj') throw wrongType();
    return { t: 'obj', m: node.m.map(([k, n]) => [k, check(elem, n, [...path, k])]) };
  }
  switch (shape) {
    case 'string':
      if (node.t !== 'str') throw wrongType();
      return node;
    case 'boolean':
      if (node.t !== 'bool') throw wrongType();
      return node;
    case 'number':
      if (node.t !== 'num') throw wrongType();
      return node;
    case 'integer':
      if (node.t !== 'num' || !Number.isInteger(node.v)) throw wrongType();
      return node;
    case 'timestamp':
      if (node.t === 'str') {
        if (!DECIMAL.test(node.v)) throw wrongType();
        const n = BigInt(node.v);
        if (n > BigInt(MAX_SAFE) || n < -BigInt(MAX_SAFE)) throw new SpecError('out_of_range', pointer(path));
        return { t: 'num', v: Number(n) };
      }
      if (node.t !== 'num' || !Number.isInteger(node.v)) throw wrongType();
      return node;
    case 'object':
      if (node.t !== 'obj') throw wrongType();
      return node;
    case 'scalar':
      if (node.t === 'obj' || node.t === 'arr') throw wrongType();
      return node;
  }
  return checkType(shape, node, path);
}

function checkType(type, node, path) {
  if (node.t !== 'obj') throw new SpecError('invalid_type', pointer(path));
  const fs = fields(type);
  const present = new Set();
  const m = [];
  for (const [k, n] of node.m) {
    const f = fs.get(k);
    if (!f) {
      m.push([k, n]); // an extra member: kept as it is
      continue;
    }
    present.add(k);
    if (n.t === 'null') {
      if (f.required) throw new SpecError('missing_field', pointer([...path, k]));
      continue; // null means unset
    }
    m.push([k, check(f.shape, n, [...path, k])]);
  }
  const missing = [...fs].filter(([k, f]) => f.required && !present.has(k)).map(([k]) => k).sort();
  if (missing.length) throw new SpecError('missing_field', pointer([...path, missing[0]]));
  return { t: 'obj', m };
}

// ---------------------------------------------------------------- writing

// jcs writes a node as RFC 8785 text. Array.prototype.sort compares UTF-16
// code units, which is the RFC 8785 member order; JSON.stringify writes
// strings and String() numbers exactly as RFC 8785 requires.
export function jcs(node) {
  switch (node.t) {
    case 'obj':
      return `{${[...node.m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${JSON.stringify(k)}:${jcs(n)}`).join(',')}}`;
    case 'arr':
      return `[${node.a.map(jcs).join(',')}]`;
    case 'str':
      return JSON.stringify(node.v);
    case 'num':
      return String(node.v);
    case 'bool':
      return String(node.v);
  }
  return 'null';
}

// roundtrip is the spec's operation: {output: canonical text} or
// {error[, errorAt]}.
export function roundtrip(input) {
  if (!TOP_TYPES.includes(input.type)) throw new Error(`unknown type ${input.type}`);
  try {
    return { output: jcs(checkType(input.type, parse(textOf(input)), [])) };
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return e.at === undefined ? { error: e.kind } : { error: e.kind, errorAt: e.at };
  }
}
