// serialize.roundtrip: read a JSON text as one of the shared types and write
// it canonically (spec/types.md).
//
// Spec value: gen/serialize-ref.mjs. Upstream observation: what TypeScript
// code does with these objects, JSON.stringify(JSON.parse(text)) (the IPC,
// WASM and FFI bridges of @elizaos/interop pass them through JSON untouched;
// @elizaos/core has no reader or writer for them). Bytes that are not UTF-8
// are decoded as Node decodes a pipe chunk, Buffer#toString('utf8').
import { isDeepStrictEqual } from 'node:util';
import * as ref from '../serialize-ref.mjs';

const has = (o, k) => o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k);

function observe(input) {
  const text = typeof input.text === 'string' ? input.text : Buffer.from(input.hex, 'hex').toString('utf8');
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `JSON.parse threw ${e.name}` };
  }
  return { output: JSON.stringify(value) };
}

// TypeScript has no canonical member order and one failure (SyntaxError), so
// agreement is: both fail, or both succeed with the same JSON value.
function agrees(spec, obs) {
  if (has(spec, 'error')) return has(obs, 'error');
  return has(obs, 'output') && isDeepStrictEqual(JSON.parse(spec.output), JSON.parse(obs.output));
}

// diffs lists where two JSON values differ: {spec, obs} pairs, undefined for
// an absent member.
function diffs(a, b, out = []) {
  const obj = (v) => v !== null && typeof v === 'object';
  if (obj(a) && obj(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffs(a[k], b[k], out);
  } else if (!isDeepStrictEqual(a, b)) {
    out.push({ spec: a, obs: b });
  }
  return out;
}
const outputDiffs = (spec, obs) =>
  has(spec, 'output') && has(obs, 'output') ? diffs(JSON.parse(spec.output), JSON.parse(obs.output)) : [];

const accepted = (kind) => ({ spec, obs }) => spec.error === kind && has(obs, 'output');

export const deviationChecks = {
  'ts-unchecked-type': accepted('invalid_type'),
  'ts-unchecked-required': accepted('missing_field'),
  'ts-unsafe-number': accepted('out_of_range'),
  'ts-duplicate-key': accepted('duplicate_key'),
  'ts-no-depth-limit': accepted('too_deep'),
  'ts-surrogate-escape': ({ input, spec, obs }) =>
    typeof input.text === 'string' && spec.error === 'invalid_utf8' && has(obs, 'output') && /\\u[dD][89a-fA-F]/.test(obs.output),
  'ts-utf8-replaced': ({ input, spec, obs }) =>
    typeof input.hex === 'string' && spec.error === 'invalid_utf8' && has(obs, 'output') && obs.output.includes('\uFFFD'),
  'ts-null-kept': ({ spec, obs }) => outputDiffs(spec, obs).some((d) => d.spec === undefined && d.obs === null),
  'ts-timestamp-string': ({ spec, obs }) =>
    outputDiffs(spec, obs).some((d) => typeof d.spec === 'number' && typeof d.obs === 'string' && Number(d.obs) === d.spec),
};

export const notes = {
  'ts-unchecked-type':
    'Deviation, observed: TypeScript code takes these objects from JSON.parse without checking them, so a member of the wrong JSON type (or a number with a fraction where an integer is required, or an Error object where a string is required) passes through unchanged; the spec fails with invalid_type at the member.',
  'ts-unchecked-required':
    'Deviation, observed: TypeScript does not check that required members (or required members set to null) are present after JSON.parse; the spec fails with missing_field at the member.',
  'ts-unsafe-number':
    'Deviation, observed: JSON.parse accepts a number whose magnitude is above 2^53-1 and rounds it to the nearest double (an overflow becomes Infinity, which JSON.stringify writes as null), and a timestamp string is passed through unchecked; the spec fails with out_of_range.',
  'ts-duplicate-key':
    'Deviation, observed: JSON.parse keeps the last of two members with the same name; the spec fails with duplicate_key at the repeated member.',
  'ts-no-depth-limit':
    'Deviation, observed: JSON.parse accepts objects and arrays nested more than 1000 deep; the spec fails with too_deep.',
  'ts-surrogate-escape':
    'Deviation, observed: JSON.parse accepts a \\u escape of a lone surrogate and JSON.stringify writes it back as an escape; the spec fails with invalid_utf8 (the text is not well-formed Unicode and cannot be UTF-8).',
  'ts-utf8-replaced':
    'Deviation, observed: Node decodes bytes that are not UTF-8 with U+FFFD replacement characters (as the bridges do with pipe chunks) and JSON.parse accepts the result; the spec fails with invalid_utf8.',
  'ts-null-kept':
    'Deviation, observed: JSON.stringify keeps a member whose value is null; the spec reads null as "unset" for an optional declared member and omits it (null in extra members, in free-form values and in manifest config values is kept).',
  'ts-timestamp-string':
    'Deviation, observed: TypeScript passes a timestamp in the proto3 JSON string form ("1704067200000") through as a string; the spec reads it as the integer and writes a JSON number.',
  'canonical-order': 'Members are not in canonical order in the input; the output sorts them by UTF-16 code units (RFC 8785).',
  'extra-members': 'The input has members the type does not declare (Content and State dynamic keys, unknown fields); they are kept.',
  'nested-extra': 'Extra members hold nested objects and arrays, which are written canonically too.',
  'null-member': 'A member is null: unset for an optional declared member, missing for a required one, kept in extra and free-form values.',
  'timestamp-string': 'A timestamp in the proto3 JSON int64 form, a string of decimal digits.',
  'number-format': 'Numbers are written as ECMAScript Number.prototype.toString writes them, whatever their input spelling.',
  'integer-edge': 'An integer at the edge of the safe range, +/-(2^53-1), which is accepted.',
  'wrong-type': 'A member has the wrong JSON type (invalid_type, located).',
  'missing-member': 'A required member is absent or null (missing_field, located).',
  'duplicate-name': 'An object has two members with the same name after unescaping (duplicate_key, located).',
  'syntax': 'The text is not one JSON value (syntax, no location).',
  depth: 'Deep nesting: up to 1000 nested objects and arrays are accepted, more fail with too_deep.',
  'error-precedence': 'The text has more than one problem; the phase rules of spec/types.md pick the error.',
  'escapes': 'String escapes in the input; the output uses the minimal RFC 8785 escaping.',
  'key-order-utf16': 'Member names whose UTF-16 order differs from their UTF-8 byte order (characters at or above U+E000 against characters above U+FFFF).',
  'live-child': 'A manifest as an upstream child (Python bridge_server.py, the Node runner, the Rust inline script) actually sends it.',
  'root-type': 'The document is not an object.',
  'bytes-hex': 'The input is given as bytes in hex, to carry text that is not UTF-8.',
};

// ------------------------------------------------------------------ cases

const UUID = {
  e: 'a1b2c3d4-e5f6-4789-8abc-def012345678',
  r: '0e9f8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c',
  a: 'b850bc30-45f8-0041-a00a-83df46d8555d',
  w: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  i: '5f4dcc3b-5aa7-4c6f-9d4e-7e5b0f1a2b3c',
};

// mem builds a Memory text around the given members (raw JSON fragments, so
// that number spellings and duplicates survive).
const mem = (...members) => `{"entityId":"${UUID.e}","roomId":"${UUID.r}",${members.join(',')}}`;
const memContent = (content, ...more) => mem(`"content":${content}`, ...more);

const c = (type, id, text, description, flags = [], extra = {}) => ({ id: `ser-${id}`, description, input: { type, text }, flags, ...extra });
const M = (...a) => c('Memory', ...a);
const C = (...a) => c('Content', ...a);
const ST = (...a) => c('State', ...a);
const AR = (...a) => c('ActionResult', ...a);
const PR = (...a) => c('ProviderResult', ...a);
const PM = (...a) => c('PluginManifest', ...a);
const hex = (type, id, h, description, flags = [], extra = {}) => ({ id: `ser-${id}`, description, input: { type, hex: h }, flags, ...extra });
const err = (error, errorAt) => ({ want: errorAt === undefined ? { error } : { error, errorAt } });
const out = (output) => ({ want: { output } });

const nest = (n, inner = '1') => '['.repeat(n) + inner + ']'.repeat(n);

const memoryCases = [
  M('mem-minimal', memContent('{}'), 'the three required members only', [], out(`{"content":{},"entityId":"${UUID.e}","roomId":"${UUID.r}"}`)),
  M('mem-full', JSON.stringify({
    id: UUID.i, entityId: UUID.e, agentId: UUID.a, createdAt: 1704067200000,
    content: { text: 'Hello', thought: 'greet back', actions: ['REPLY'], providers: ['TIME'], source: 'discord', inReplyTo: UUID.i, channelType: 'GROUP' },
    embedding: [0.0123, -0.4567, 0.891], roomId: UUID.r, worldId: UUID.w, unique: true, similarity: 0.8731,
    metadata: { type: 'message', source: 'discord', scope: 'room', timestamp: 1704067200000, tags: ['greeting'] },
    sessionId: 'sess-1', sessionKey: 'agent:main',
  }), 'every declared member of Memory, in TypeScript declaration order', ['canonical-order']),
  M('mem-reordered', `{"roomId":"${UUID.r}","content":{"text":"x","actions":["B","A"]},"entityId":"${UUID.e}","createdAt":1,"agentId":"${UUID.a}"}`,
    'members in another order give the same canonical text; array order is kept', ['canonical-order'],
    out(`{"agentId":"${UUID.a}","content":{"actions":["B","A"],"text":"x"},"createdAt":1,"entityId":"${UUID.e}","roomId":"${UUID.r}"}`)),
  M('mem-whitespace', `\n\t{ "entityId" : "${UUID.e}" ,\r\n "roomId":"${UUID.r}",\n  "content" : { }\n}\n\t `, 'JSON whitespace (space, tab, LF, CR) around tokens is dropped', ['whitespace']),
  M('mem-created-at-string', memContent('{}', '"createdAt":"1704067200000"'), 'a proto3 JSON int64 string timestamp is read as the integer and written as a number', ['timestamp-string', 'ts-timestamp-string']),
  M('mem-created-at-string-negative', memContent('{}', '"createdAt":"-86400000"'), 'a negative timestamp string (before 1970)', ['timestamp-string', 'ts-timestamp-string']),
  M('mem-created-at-string-leading-zero', memContent('{}', '"createdAt":"0170"'), 'a timestamp string with a leading zero is not a decimal integer', ['timestamp-string', 'wrong-type', 'ts-unchecked-type'], err('invalid_type', '/createdAt')),
  M('mem-created-at-string-exponent', memContent('{}', '"createdAt":"1.7e12"'), 'a timestamp string in exponent form is not a decimal integer', ['timestamp-string', 'wrong-type', 'ts-unchecked-type'], err('invalid_type', '/createdAt')),
  M('mem-created-at-string-space', memContent('{}', '"createdAt":" 1704067200000"'), 'a timestamp string with a space is not a decimal integer', ['timestamp-string', 'wrong-type', 'ts-unchecked-type'], err('invalid_type', '/createdAt')),
  M('mem-created-at-string-unsafe', memContent('{}', '"createdAt":"9007199254740993"'), 'a timestamp string beyond 2^53-1 is out of range', ['timestamp-string', 'unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/createdAt')),
  M('mem-created-at-max-safe', memContent('{}', '"createdAt":9007199254740991'), '2^53-1 is the largest timestamp', ['integer-edge'], out(`{"content":{},"createdAt":9007199254740991,"entityId":"${UUID.e}","roomId":"${UUID.r}"}`)),
  M('mem-created-at-min-safe', memContent('{}', '"createdAt":-9007199254740991'), '-(2^53-1) is the smallest timestamp', ['integer-edge']),
  M('mem-created-at-2p53', memContent('{}', '"createdAt":9007199254740992'), '2^53 is out of range (JS cannot tell it from 2^53+1)', ['unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/createdAt')),
  M('mem-created-at-2p53-plus-1', memContent('{}', '"createdAt":9007199254740993'), '2^53+1 is out of range; JSON.parse rounds it to 2^53', ['unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/createdAt')),
  M('mem-created-at-fraction', memContent('{}', '"createdAt":1704067200000.5'), 'a timestamp with a fraction is not an integer', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/createdAt')),
  M('mem-created-at-integral-spellings', memContent('{}', '"createdAt":1.7040672E12'), 'an integral value in exponent form is an integer, written in plain digits', ['number-format'], out(`{"content":{},"createdAt":1704067200000,"entityId":"${UUID.e}","roomId":"${UUID.r}"}`)),
  M('mem-created-at-bool', memContent('{}', '"createdAt":true'), 'a boolean timestamp', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/createdAt')),
  M('mem-missing-entity-id', `{"roomId":"${UUID.r}","content":{}}`, 'entityId is required', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/entityId')),
  M('mem-missing-all', '{}', 'with every required member absent, the first in canonical order is reported', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/content')),
  M('mem-null-required', `{"entityId":"${UUID.e}","roomId":null,"content":{}}`, 'a required member that is null is missing', ['null-member', 'missing-member', 'ts-unchecked-required'], err('missing_field', '/roomId')),
  M('mem-null-optional', memContent('{}', '"id":null', '"agentId":null', '"embedding":null', '"metadata":null', '"createdAt":null'),
    'optional members that are null are unset and omitted', ['null-member', 'ts-null-kept'], out(`{"content":{},"entityId":"${UUID.e}","roomId":"${UUID.r}"}`)),
  M('mem-embedding-numbers', memContent('{}', '"embedding":[0.1,-0.2,1e-7,5e-324,0.30000000000000004,1.0,-0.0,1E2,0.000001,123456789.125]'),
    'embedding values are doubles written in ECMAScript form', ['number-format'],
    out(`{"content":{},"embedding":[0.1,-0.2,1e-7,5e-324,0.30000000000000004,1,0,100,0.000001,123456789.125],"entityId":"${UUID.e}","roomId":"${UUID.r}"}`)),
  M('mem-embedding-empty', memContent('{}', '"embedding":[]'), 'an empty embedding is kept as []', []),
  M('mem-embedding-string', memContent('{}', '"embedding":["0.1"]'), 'an embedding element that is a string', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/embedding/0')),
  M('mem-embedding-null-element', memContent('{}', '"embedding":[0.5,null]'), 'an embedding element that is null', ['null-member', 'wrong-type', 'ts-unchecked-type'], err('invalid_type', '/embedding/1')),
  M('mem-similarity-string', memContent('{}', '"similarity":"0.5"'), 'similarity as a string', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/similarity')),
  M('mem-unique-string', memContent('{}', '"unique":"true"'), 'unique as a string', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/unique')),
  M('mem-entity-id-number', `{"entityId":42,"roomId":"${UUID.r}","content":{}}`, 'entityId as a number', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/entityId')),
  M('mem-content-string', memContent('"hello"'), 'content as a string', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/content')),
  M('mem-content-array', memContent('[]'), 'content as an array', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/content')),
  M('mem-metadata-timestamp-string', memContent('{}', '"metadata":{"type":"message","timestamp":"1704067200000"}'), 'a metadata timestamp string is read as the integer', ['timestamp-string', 'ts-timestamp-string']),
  M('mem-metadata-variants', memContent('{}', '"metadata":{"type":"fragment","documentId":"d1","position":3,"base":{"type":"document","source":"kb"},"sender":{"id":"u1","name":"Ann"},"customData":{"z":1,"a":[true,null]}}'),
    'fragment and message metadata: declared members typed, variant members kept', ['extra-members', 'nested-extra', 'canonical-order']),
  M('mem-metadata-position-fraction', memContent('{}', '"metadata":{"position":1.5}'), 'a metadata position with a fraction', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/metadata/position')),
  M('mem-metadata-tags-string', memContent('{}', '"metadata":{"tags":"a,b"}'), 'metadata tags as a string', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/metadata/tags')),
  M('mem-unknown-members', memContent('{}', '"zz":{"b":2,"a":1}', '"_private":[3,"x"]', '"Entity":"upper"'), 'members Memory does not declare are kept and sorted with the declared ones', ['extra-members', 'nested-extra', 'canonical-order']),
  M('mem-root-array', '[]', 'a document that is an array', ['root-type', 'ts-unchecked-type'], err('invalid_type', '')),
  M('mem-root-null', 'null', 'a document that is null', ['root-type', 'null-member', 'ts-unchecked-type'], err('invalid_type', '')),
  M('mem-root-string', '"memory"', 'a document that is a string', ['root-type', 'ts-unchecked-type'], err('invalid_type', '')),
];

const contentCases = [
  C('content-empty', '{}', 'an empty Content', ['empty'], out('{}')),
  C('content-all-declared', JSON.stringify({
    thought: 't', text: 'hi', merge: 'append', actions: ['REPLY', 'NONE'], providers: ['TIME'], source: 'telegram', target: 'x', url: 'https://example.com/a?b=c&d=<e>',
    inReplyTo: UUID.i, attachments: [{ id: 'm1', url: 'https://example.com/i.png', title: 'pic', source: 's', description: 'd', text: 'alt', contentType: 'image' }],
    channelType: 'DM', mentionContext: { isMention: true, isReply: false, isThread: false, mentionType: 'platform_mention' }, responseMessageId: UUID.a,
    responseId: UUID.w, simple: true, actionCallbacks: { text: 'cb' }, evalCallbacks: { text: 'ev' }, type: 'message', data: { k: [1, 2] },
  }), 'every declared member of Content; <, > and & are not escaped', ['canonical-order']),
  C('content-extras-top-level', '{"text":"x","customKey":1,"flag":true,"label":"l"}', 'dynamic keys stay at the top level of Content', ['extra-members'], out('{"customKey":1,"flag":true,"label":"l","text":"x"}')),
  C('content-extras-nested', '{"z":{"y":{"x":[{"b":1,"a":2},[3,{"d":null,"c":"s"}]]}},"a":{}}', 'nested extra values are written canonically, member order sorted at every level', ['extra-members', 'nested-extra', 'canonical-order'],
    out('{"a":{},"z":{"y":{"x":[{"a":2,"b":1},[3,{"c":"s","d":null}]]}}}')),
  C('content-extra-null', '{"x":null,"text":"t"}', 'null in an extra member is a value and is kept', ['extra-members', 'null-member'], out('{"text":"t","x":null}')),
  C('content-data', '{"data":{"nested":{"list":[1,"two",false,null,{"k":"v"}]},"empty":{}}}', 'data is any JSON object', ['nested-extra']),
  C('content-data-array', '{"data":[1]}', 'data must be an object', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/data')),
  C('content-actions-string', '{"actions":"REPLY"}', 'actions must be an array', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/actions')),
  C('content-actions-number-element', '{"actions":["REPLY",1]}', 'actions elements must be strings', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/actions/1')),
  C('content-attachment-missing-url', '{"attachments":[{"id":"a"},{"id":"b","url":"u"}]}', 'a Media without url', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/attachments/0/url')),
  C('content-attachment-null', '{"attachments":[null]}', 'a null attachment element', ['null-member', 'wrong-type', 'ts-unchecked-type'], err('invalid_type', '/attachments/0')),
  C('content-mention-missing', '{"mentionContext":{"isMention":true,"isReply":false}}', 'MentionContext requires isThread', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/mentionContext/isThread')),
  C('content-mention-bool-string', '{"mentionContext":{"isMention":true,"isReply":"false","isThread":false}}', 'a MentionContext flag as a string', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/mentionContext/isReply')),
  C('content-callbacks-deep-error', '{"actionCallbacks":{"evalCallbacks":{"text":1}}}', 'a wrong type deep in nested Content is located', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/actionCallbacks/evalCallbacks/text')),
  C('content-unicode', JSON.stringify({ text: 'Café ☕ 日本語 مرحبا שלום 👩‍💻 🇫🇷 e\u0301 \u{10FFFF}' }), 'non-ASCII text is written as UTF-8, not escaped, and not normalised', ['emoji', 'cjk', 'rtl', 'astral', 'combining', 'unicode-nfd', 'special']),
  C('content-unicode-escaped', '{"text":"Caf\\u00e9 \\u2615 \\ud83d\\ude00 \\u65e5"}', '\\u escapes (a surrogate pair among them) are written as UTF-8', ['escapes', 'astral', 'cjk'], out('{"text":"Café ☕ 😀 日"}')),
  C('content-escapes', '{"text":"q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0000\\u001f\\u007f \\u2028\\u2029 \\uFEFF"}', 'minimal RFC 8785 escaping: short forms, \\u00xx for other controls, DEL, U+2028, U+2029 and U+FEFF as they are, / unescaped', ['escapes', 'control-chars', 'special'],
    out('{"text":"q\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0000\\u001f\u007f \u2028\u2029 \uFEFF"}')),
  C('content-key-order-utf16', '{"\\uff61":1,"\\ud83d\\ude00":2,"\\u00e9":3,"z":4,"Z":5,"a":6,"":7}', 'member order is by UTF-16 code units: U+1F600 sorts before U+FF61, unlike in UTF-8 byte order', ['key-order-utf16', 'canonical-order', 'astral', 'extra-members'],
    out('{"":7,"Z":5,"a":6,"z":4,"é":3,"😀":2,"｡":1}')),
  C('content-lone-high-surrogate', '{"text":"a\\ud800b"}', 'a lone high surrogate escape', ['lone-surrogate', 'ts-surrogate-escape'], err('invalid_utf8')),
  C('content-lone-low-surrogate', '{"text":"\\udc00"}', 'a lone low surrogate escape', ['lone-surrogate', 'ts-surrogate-escape'], err('invalid_utf8')),
  C('content-reversed-surrogates', '{"text":"\\udc00\\ud800"}', 'a low surrogate followed by a high one', ['lone-surrogate', 'ts-surrogate-escape'], err('invalid_utf8')),
  C('content-lone-surrogate-key', '{"\\ud83d":1}', 'a lone surrogate escape in a member name', ['lone-surrogate', 'extra-members', 'ts-surrogate-escape'], err('invalid_utf8')),
  C('content-unsafe-integer-extra', '{"n":12345678901234567890}', 'an integer beyond 2^53 in an extra member is out of range (JS would round it)', ['unsafe-integer', 'extra-members', 'ts-unsafe-number'], err('out_of_range', '/n')),
  C('content-unsafe-integer-nested', '{"a":{"b":[1,9007199254740993]}}', 'an unsafe integer deep in an extra value is located', ['unsafe-integer', 'nested-extra', 'ts-unsafe-number'], err('out_of_range', '/a/b/1')),
  C('content-unsafe-negative', '{"data":{"n":-9007199254740992}}', '-(2^53) is out of range', ['unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/data/n')),
  C('content-large-float', '{"n":1e300}', 'a double of magnitude above 2^53 is out of range, however it is spelt', ['unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/n')),
  C('content-overflow', '{"n":1e400}', 'a number beyond the double range; JSON.parse makes it Infinity and JSON.stringify null', ['unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/n')),
  C('content-fraction-rounds-to-2p53', '{"n":9007199254740991.5}', 'a fraction that rounds to 2^53 as a double is out of range', ['unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/n')),
  C('content-safe-numbers', '{"n":[9007199254740991,-9007199254740991,4503599627370495.5,0.5,-0,0]}', 'the extremes of the safe range and halves below 2^52 are kept exactly', ['integer-edge', 'number-format'],
    out('{"n":[9007199254740991,-9007199254740991,4503599627370495.5,0.5,0,0]}')),
  C('content-number-format', '{"n":[1.0,1e0,10E-1,0.1e1,123456789012345.6,1e-6,1e-7,0.000001234,1.5e3,2e-308,1E+2,-1.25e-10]}', 'ECMAScript number formatting: plain from 1e-6 up, exponent below, shortest round-trip digits', ['number-format'],
    out('{"n":[1,1,1,1,123456789012345.6,0.000001,1e-7,0.000001234,1500,2e-308,100,-1.25e-10]}')),
  C('content-underflow', '{"n":1e-400}', 'a number below the smallest double rounds to 0, as in every double parser', ['number-format'], out('{"n":0}')),
  C('content-duplicate-declared', '{"text":"a","text":"b"}', 'a declared member twice', ['duplicate-name', 'ts-duplicate-key'], err('duplicate_key', '/text')),
  C('content-duplicate-extra', '{"x":1,"y":0,"x":2}', 'an extra member twice', ['duplicate-name', 'extra-members', 'ts-duplicate-key'], err('duplicate_key', '/x')),
  C('content-duplicate-escaped', '{"a":1,"\\u0061":2}', 'names are compared after unescaping', ['duplicate-name', 'escapes', 'ts-duplicate-key'], err('duplicate_key', '/a')),
  C('content-duplicate-nested', '{"data":{"k":{"j":1,"j":1}}}', 'a duplicate deep in data, even with equal values', ['duplicate-name', 'nested-extra', 'ts-duplicate-key'], err('duplicate_key', '/data/k/j')),
  C('content-duplicate-null', '{"text":null,"text":"b"}', 'a duplicate is an error even when the first value is null', ['duplicate-name', 'null-member', 'ts-duplicate-key'], err('duplicate_key', '/text')),
  C('content-duplicate-beats-type', '{"text":1,"text":"a"}', 'a duplicate (phase 2) wins over an earlier wrong type (phase 3)', ['error-precedence', 'duplicate-name', 'ts-duplicate-key'], err('duplicate_key', '/text')),
  C('content-range-beats-type', '{"text":1e400}', 'an out-of-range number (phase 2) wins over its wrong type (phase 3)', ['error-precedence', 'unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/text')),
  C('content-range-before-duplicate', '{"n":1e400,"n":1}', 'within phase 2 the first problem in document order wins', ['error-precedence', 'unsafe-integer', 'duplicate-name', 'ts-unsafe-number'], err('out_of_range', '/n')),
  C('content-syntax-beats-type', '{"text":1,"x":}', 'a syntax error (phase 1) wins over an earlier wrong type', ['error-precedence', 'syntax'], err('syntax')),
  C('content-syntax-beats-duplicate', '{"a":1,"a":2,}', 'a syntax error (phase 1) wins over an earlier duplicate', ['error-precedence', 'syntax', 'duplicate-name'], err('syntax')),
  C('content-depth-1000', `{"x":${nest(999)}}`, '1000 levels of nesting (the object and 999 arrays) are accepted', ['depth', 'nested-extra']),
  C('content-depth-1001', `{"x":${nest(1000)}}`, '1001 levels of nesting fail', ['depth', 'nested-extra', 'ts-no-depth-limit'], err('too_deep')),
  C('content-long-text', JSON.stringify({ text: 'lorem ipsum '.repeat(10000) }), 'a 120 000-character text', ['long']),
  C('content-pointer-escaping', '{"a/b":{"c~d":true,"e":[1e400]}}', 'JSON pointer escaping of / and ~ in the error location', ['unsafe-integer', 'nested-extra', 'ts-unsafe-number'], err('out_of_range', '/a~1b/e/0')),
  C('content-type-error-pointer-escaping', '{"actionCallbacks":{"~":1,"data":"x"}}', 'a wrong type under a member next to a ~ name', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/actionCallbacks/data')),
];

const stateCases = [
  ST('state-minimal', '{"values":{},"data":{},"text":""}', 'the required members, empty', ['empty'], out('{"data":{},"text":"","values":{}}')),
  ST('state-full', JSON.stringify({
    values: { agentName: 'Eliza', actionNames: 'REPLY, NONE', providers: 'TIME', recentMessages: 'hi', count: 3 },
    data: {
      room: { id: UUID.r, name: 'general' }, world: { id: UUID.w }, entity: { id: UUID.e, names: ['Ann'] },
      providers: { TIME: { text: 'It is noon', values: { time: '12:00' }, data: { epoch: 1704067200000 } } },
      actionPlan: { thought: 'two steps', totalSteps: 2, currentStep: 1, steps: [{ action: 'A', status: 'completed', result: { success: true } }, { action: 'B', status: 'pending' }], metadata: { k: 'v' } },
      actionResults: [{ success: true, text: 'done' }],
      workingMemory: { 'step-1': { actionName: 'A', result: { success: true, values: { x: 1 } }, timestamp: 1704067200000 } },
      custom: [1, 2],
    },
    text: 'Eliza is talking to Ann',
    topLevel: { nested: true },
  }), 'every declared member of State, with extra keys at the top level, in values and in data', ['extra-members', 'nested-extra', 'canonical-order']),
  ST('state-missing-text', '{"values":{},"data":{}}', 'text is required', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/text')),
  ST('state-null-text', '{"values":{},"data":{},"text":null}', 'text null is missing', ['null-member', 'missing-member', 'ts-unchecked-required'], err('missing_field', '/text')),
  ST('state-values-array', '{"values":[],"data":{},"text":""}', 'values must be an object', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/values')),
  ST('state-values-unsafe', '{"values":{"big":9007199254740992},"data":{},"text":""}', 'an unsafe integer among the values', ['unsafe-integer', 'extra-members', 'ts-unsafe-number'], err('out_of_range', '/values/big')),
  ST('state-values-agent-name-number', '{"values":{"agentName":7},"data":{},"text":""}', 'a declared StateValues member of the wrong type', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/values/agentName')),
  ST('state-working-memory-timestamp-string', '{"values":{},"data":{"workingMemory":{"s":{"actionName":"A","result":{"success":false,"error":"boom"},"timestamp":"1704067200000"}}},"text":""}', 'a working-memory timestamp string is read as the integer', ['timestamp-string', 'ts-timestamp-string']),
  ST('state-working-memory-missing-timestamp', '{"values":{},"data":{"workingMemory":{"s":{"actionName":"A","result":{"success":true}}}},"text":""}', 'a working-memory entry without timestamp', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/data/workingMemory/s/timestamp')),
  ST('state-provider-entry-string', '{"values":{},"data":{"providers":{"TIME":"noon"}},"text":""}', 'a cached provider entry must be an object', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/data/providers/TIME')),
  ST('state-plan-steps-fraction', '{"values":{},"data":{"actionPlan":{"thought":"t","totalSteps":2.5,"currentStep":0,"steps":[]}},"text":""}', 'totalSteps must be an integer', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/data/actionPlan/totalSteps')),
  ST('state-action-result-missing-success', '{"values":{},"data":{"actionResults":[{"success":true},{"text":"x"}]},"text":""}', 'an action result without success', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/data/actionResults/1/success')),
  ST('state-root-array', '[{"values":{},"data":{},"text":""}]', 'a State wrapped in an array', ['root-type', 'ts-unchecked-type'], err('invalid_type', '')),
];

const resultCases = [
  AR('ar-minimal', '{"success":true}', 'success only', [], out('{"success":true}')),
  AR('ar-full', '{"success":false,"text":"failed","values":{"a":1},"data":{"trace":["x"]},"error":"boom","continueChain":false,"extraFlag":"kept"}', 'every member of ActionResult and an extra one', ['extra-members', 'canonical-order']),
  AR('ar-error-object', '{"success":false,"error":{}}', 'a TypeScript Error serialises as {}; error must be a string', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/error')),
  AR('ar-missing-success', '{"text":"Done"}', 'success is required', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/success')),
  AR('ar-success-string', '{"success":"true"}', 'success as a string', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/success')),
  AR('ar-python-nulls', '{"success":true,"text":"Done","error":null,"values":null,"data":null}', 'the Python bridge shape: unset members as null are omitted', ['null-member', 'ts-null-kept'], out('{"success":true,"text":"Done"}')),
  AR('ar-unicode', '{"success":true,"text":"Hello from Rust! \\ud83e\\udd80"}', 'an astral character as an escaped surrogate pair', ['astral', 'escapes'], out('{"success":true,"text":"Hello from Rust! 🦀"}')),
  PR('pr-empty', '{}', 'an empty ProviderResult', ['empty'], out('{}')),
  PR('pr-full', '{"text":"Python 3.11","values":{"version":"3.11"},"data":{"info":{"major":3,"minor":11}}}', 'every member of ProviderResult', ['nested-extra']),
  PR('pr-wasm-nulls', '{"text":null,"values":null,"data":null}', 'the WASM loader shape for an unknown provider: all null', ['null-member', 'ts-null-kept'], out('{}')),
  PR('pr-values-array', '{"values":[]}', 'values must be an object', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/values')),
  PR('pr-text-number', '{"text":3.11}', 'text as a number', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/text')),
];

const fullManifest = {
  name: 'plugin-full', description: 'Every member', version: '1.2.3', language: 'python',
  interop: { protocol: 'ipc', ipcCommand: 'python3 -m plugin_full', ipcPort: 3000, cwd: '/srv/plugin', wasmPath: 'p.wasm', sharedLibPath: 'libp.so' },
  config: { API_URL: 'https://example.com', RETRIES: 3, RATIO: 0.5, ENABLED: true, TOKEN: null },
  dependencies: ['plugin-sql'],
  actions: [{ name: 'GREET', description: 'Say hello', similes: ['HELLO'], examples: [[{ name: 'user', content: { text: 'hi' } }, { name: 'agent', content: { text: 'hello', actions: ['GREET'] } }]] }],
  providers: [{ name: 'TIME', description: 'Current time', dynamic: true, position: -1, private: false }],
  evaluators: [{ name: 'REFLECT', description: 'Reflect', alwaysRun: true, similes: [] }],
  services: [{ type: 'cache', description: 'A cache' }],
  routes: [{ path: '/hook', method: 'POST', name: 'hook', public: true, isMultipart: false }],
  events: { MESSAGE_RECEIVED: ['onMessage'] },
};
const pm = (o) => JSON.stringify(o);
const minimal = { name: 'p', description: 'd' };

const manifestCases = [
  PM('mf-minimal', pm(minimal), 'name and description only', [], out('{"description":"d","name":"p"}')),
  PM('mf-full', pm(fullManifest), 'every member of the manifest; config null is kept', ['canonical-order', 'null-member']),
  PM('mf-python-child', pm({
    name: 'py-plugin', description: 'From bridge_server.py', version: '1.0.0', language: 'python',
    actions: [{ name: 'ECHO', description: 'Echo', similes: null }],
    providers: [{ name: 'INFO', description: 'Info', dynamic: null, position: null, private: null }],
    evaluators: [{ name: 'EV', description: 'Ev', alwaysRun: false, similes: null }],
    services: [{ type: 'svc', description: 'Svc' }], routes: [{ path: '/r', type: 'GET', public: false, name: 'r' }],
  }), 'the Python child manifest: null similes and provider options are omitted, a route "type" is kept as an extra member', ['live-child', 'null-member', 'extra-members', 'ts-null-kept']),
  PM('mf-node-child', pm({ name: 'unknown', description: '', version: '1.0.0', language: 'typescript', actions: [], providers: [], evaluators: [] }), 'the Node runner manifest: empty component arrays are kept as []', ['live-child', 'empty']),
  PM('mf-rust-child', pm({ name: 'rust-plugin', description: 'From the inline script', version: '1.0.0', actions: [{ name: 'A', description: 'a', similes: [] }] }), 'the Rust inline script manifest has no language', ['live-child']),
  PM('mf-eliza-classic', pm({ ...minimal, interopProtocols: ['wasm', 'ffi'], interop: { protocol: 'wasm', wasmPath: 'x.wasm', extraSetting: 1 } }), 'unknown members (eliza-classic interopProtocols) are kept, also inside interop', ['extra-members']),
  PM('mf-config-object', pm({ ...minimal, config: { NESTED: { a: 1 } } }), 'a config value must be a string, number, boolean or null', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/config/NESTED')),
  PM('mf-config-unsafe', '{"name":"p","description":"d","config":{"BIG":18446744073709551615}}', 'a config number beyond 2^53', ['unsafe-integer', 'ts-unsafe-number'], err('out_of_range', '/config/BIG')),
  PM('mf-events-string', pm({ ...minimal, events: { MESSAGE_RECEIVED: 'onMessage' } }), 'an events entry must be an array', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/events/MESSAGE_RECEIVED')),
  PM('mf-events-element-null', pm({ ...minimal, events: { E: ['a', null] } }), 'an events handler name that is null', ['wrong-type', 'null-member', 'ts-unchecked-type'], err('invalid_type', '/events/E/1')),
  PM('mf-examples-flat', pm({ ...minimal, actions: [{ name: 'A', description: 'a', examples: [{ name: 'u', content: { text: 'hi' } }] }] }), 'examples must be an array of arrays', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/actions/0/examples/0')),
  PM('mf-example-missing-content', pm({ ...minimal, actions: [{ name: 'A', description: 'a', examples: [[{ name: 'u', content: {} }, { name: 'agent' }]] }] }), 'an example message without content', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/actions/0/examples/0/1/content')),
  PM('mf-provider-position-fraction', pm({ ...minimal, providers: [{ name: 'P', position: 0.5 }] }), 'a provider position must be an integer', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/providers/0/position')),
  PM('mf-ipc-port-string', pm({ ...minimal, interop: { protocol: 'ipc', ipcPort: '3000' } }), 'ipcPort must be an integer', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/interop/ipcPort')),
  PM('mf-missing-name', pm({ description: 'd', version: '1.0.0', language: 'rust' }), 'name is required', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/name')),
  PM('mf-missing-description', pm({ name: 'p' }), 'description is required (every loader reads it)', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/description')),
  PM('mf-service-missing-type', pm({ ...minimal, services: [{ description: 'svc' }] }), 'a service needs a type', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/services/0/type')),
  PM('mf-route-missing-path', pm({ ...minimal, routes: [{ method: 'GET' }] }), 'a route needs a path', ['missing-member', 'ts-unchecked-required'], err('missing_field', '/routes/0/path')),
  PM('mf-action-name-number', pm({ ...minimal, actions: [{ name: 1, description: 'a' }] }), 'an action name that is a number', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/actions/0/name')),
  PM('mf-dependencies-object', pm({ ...minimal, dependencies: { a: '1' } }), 'dependencies must be an array', ['wrong-type', 'ts-unchecked-type'], err('invalid_type', '/dependencies')),
];

const syntaxCases = [
  C('syn-empty', '', 'an empty text', ['syntax', 'empty'], err('syntax')),
  C('syn-whitespace-only', ' \n\t', 'whitespace only', ['syntax', 'whitespace'], err('syntax')),
  C('syn-trailing-value', '{} {}', 'a second value after the first', ['syntax'], err('syntax')),
  C('syn-trailing-garbage', '{}x', 'data after the value', ['syntax'], err('syntax')),
  C('syn-trailing-whitespace', '{"text":"a"} \n\t\r', 'whitespace after the value is fine', ['whitespace'], out('{"text":"a"}')),
  C('syn-trailing-comma-object', '{"text":"a",}', 'a trailing comma in an object', ['syntax'], err('syntax')),
  C('syn-trailing-comma-array', '{"actions":["a",]}', 'a trailing comma in an array', ['syntax'], err('syntax')),
  C('syn-single-quotes', "{'text':'a'}", 'single quotes', ['syntax'], err('syntax')),
  C('syn-unquoted-name', '{text:"a"}', 'an unquoted member name', ['syntax'], err('syntax')),
  C('syn-missing-colon', '{"text" "a"}', 'a missing colon', ['syntax'], err('syntax')),
  C('syn-leading-zero', '{"n":01}', 'a number with a leading zero', ['syntax'], err('syntax')),
  C('syn-plus-sign', '{"n":+1}', 'a number with a plus sign', ['syntax'], err('syntax')),
  C('syn-bare-fraction', '{"n":.5}', 'a number without an integer part', ['syntax'], err('syntax')),
  C('syn-nan', '{"n":NaN}', 'NaN is not JSON', ['syntax'], err('syntax')),
  C('syn-infinity', '{"n":-Infinity}', 'Infinity is not JSON', ['syntax'], err('syntax')),
  C('syn-comment', '{"text":"a" /* c */}', 'comments are not JSON', ['syntax'], err('syntax')),
  C('syn-bom', '\uFEFF{"text":"a"}', 'a leading byte order mark is not JSON whitespace', ['syntax', 'special'], err('syntax')),
  C('syn-unterminated-string', '{"text":"abc}', 'an unterminated string', ['syntax'], err('syntax')),
  C('syn-raw-control', '{"text":"a\tb"}', 'a raw tab inside a string', ['syntax', 'control-chars'], err('syntax')),
  C('syn-bad-escape', '{"text":"\\x41"}', 'an unknown escape', ['syntax', 'escapes'], err('syntax')),
  C('syn-short-unicode-escape', '{"text":"\\u12"}', 'a \\u escape with fewer than 4 hex digits', ['syntax', 'escapes'], err('syntax')),
  C('syn-literal-typo', '{"simple":tru}', 'a misspelt literal', ['syntax'], err('syntax')),
  C('syn-unclosed-object', '{"text":"a"', 'an unclosed object', ['syntax'], err('syntax')),
  hex('Content', 'utf8-invalid-byte', Buffer.from('{"text":"a\xffb"}', 'latin1').toString('hex'), 'a 0xFF byte in a string', ['invalid-utf8', 'bytes-hex', 'ts-utf8-replaced'], err('invalid_utf8')),
  hex('Content', 'utf8-overlong', Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]).toString('hex'), 'an overlong encoding of /', ['invalid-utf8', 'bytes-hex', 'ts-utf8-replaced'], err('invalid_utf8')),
  hex('Content', 'utf8-encoded-surrogate', Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]).toString('hex'), 'a surrogate encoded in UTF-8 (CESU)', ['invalid-utf8', 'bytes-hex', 'ts-utf8-replaced'], err('invalid_utf8')),
  hex('Content', 'utf8-truncated', Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]).toString('hex'), 'a truncated sequence', ['invalid-utf8', 'bytes-hex', 'ts-utf8-replaced'], err('invalid_utf8')),
  hex('Content', 'utf8-invalid-beats-syntax', Buffer.concat([Buffer.from('{"text" '), Buffer.from([0xff])]).toString('hex'), 'invalid UTF-8 (phase 0) wins over a syntax error before it', ['invalid-utf8', 'bytes-hex', 'error-precedence', 'syntax'], err('invalid_utf8')),
  hex('Content', 'utf8-valid-hex', Buffer.from('{"text":"naïve ☕ 🦀"}').toString('hex'), 'valid UTF-8 given as hex', ['bytes-hex', 'astral'], out('{"text":"naïve ☕ 🦀"}')),
];

// Found by interop parity fuzz (issue 14), minimized. Upstream TS (JSON.parse)
// shows the deviations of the closest existing cases; the Python and Rust
// deviations these were found for are in parity/known-failures.
const fuzzFoundCases = [
  C('fuzz-content-extra-number', '{"extra":0}', 'a Content member named extra holding a number is an ordinary unknown member, kept', ['fuzz-found', 'unknown-members'], out('{"extra":0}')),
  PR('fuzz-unknown-member-lone-surrogate', '{"":"\\ud800"}', 'a lone surrogate escape inside an undeclared member fails with invalid_utf8', ['fuzz-found', 'unknown-members', 'invalid-utf8', 'ts-surrogate-escape'], err('invalid_utf8')),
  // The same Rust deviations with a surrogate pair escape in the string, a
  // shape of their own to the fuzzer.
  C('fuzz-content-extra-string-pair-escape', '{"extra":"\\ud83d\\ude00"}', 'a Content member named extra holding a string (an escaped surrogate pair) is an ordinary unknown member, kept', ['fuzz-found', 'unknown-members', 'escapes', 'astral'], out('{"extra":"\u{1f600}"}')),
  AR('fuzz-continue-chain-string-pair-escape', '{"success":true,"continueChain":"\\ud83d\\ude00"}', 'continueChain must be a boolean, not a string (an escaped surrogate pair)', ['fuzz-found', 'wrong-type', 'escapes', 'astral', 'ts-unchecked-type'], err('invalid_type', '/continueChain')),
  PR('fuzz-unknown-member-duplicate-pair-escape', '{"zz":"\\ud83d\\ude00","zz":false}', 'an undeclared member given twice (the first an escaped surrogate pair) fails with duplicate_key', ['fuzz-found', 'unknown-members', 'duplicate-name', 'escapes', 'astral', 'ts-duplicate-key'], err('duplicate_key', '/zz')),
  M('fuzz-content-extra-large-float', memContent('{"zz":[3.5e38]}'), 'a number above 2^53 (an integral float) in an extra member of the content is out of range', ['fuzz-found', 'unsafe-integer', 'nested-extra', 'ts-unsafe-number'], err('out_of_range', '/content/zz/0')),
  hex('ActionResult', 'fuzz-unknown-member-not-utf8', Buffer.concat([Buffer.from('{"success":true,"zz":"a'), Buffer.from([0xff]), Buffer.from('"}')]).toString('hex'), 'a byte that is not UTF-8 inside an undeclared member fails with invalid_utf8', ['fuzz-found', 'unknown-members', 'invalid-utf8', 'hex-input', 'ts-utf8-replaced'], err('invalid_utf8')),
];

export const serializeRoundtrip = {
  name: 'serialize.roundtrip',
  spec: (input) => ref.roundtrip(input),
  observe: (input) => observe(input),
  agrees,
  // Explained for this suite only: redact_text.mjs explains hex-input for its
  // own, lossily decoded, byte input, and manifest.mjs unknown-members for the
  // manifest schema.
  notes: {
    'hex-input': 'The input is given as bytes (hex), to carry text that is not UTF-8.',
    'unknown-members': 'The document has members its type does not declare.',
  },
  files: [
    { name: 'memory', description: 'serialize.roundtrip, Memory: the canonical JSON of Memory (RFC 8785 order, timestamps, embeddings, metadata, extra members), and the located errors of wrong types, missing members and unsafe integers.', cases: memoryCases },
    { name: 'content', description: 'serialize.roundtrip, Content: dynamic keys at the top level, nested extra values, Unicode and escapes, member order by UTF-16 code units, number formatting and range, duplicates, depth and the phase rules that pick the error.', cases: contentCases },
    { name: 'state', description: 'serialize.roundtrip, State: values, data and text with extra keys at each level, working memory, action plans and cached provider results.', cases: stateCases },
    { name: 'results', description: 'serialize.roundtrip, ActionResult and ProviderResult, including the null-filled shapes the Python and WASM bridges send.', cases: resultCases },
    { name: 'manifest', description: 'serialize.roundtrip, PluginManifest: every member, the manifests the live upstream children send, and typed errors (validation against plugin.schema.json is manifest.validate).', cases: manifestCases },
    { name: 'syntax', description: 'serialize.roundtrip, text that is not one JSON value or not UTF-8: syntax errors, trailing data, byte order mark, bad escapes and invalid UTF-8 given as bytes.', cases: syntaxCases },
    { name: 'fuzz-found', description: 'Cases found by differential fuzzing (interop parity fuzz, issue 14): documents an upstream implementation reads differently from the spec. Each case is minimized and built by this generator; see the fuzz-found flag.', cases: fuzzFoundCases },
  ],
};

export const suites = [serializeRoundtrip];
