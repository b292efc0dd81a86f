// envelope.open_v2, envelope.open_v1, envelope.malformed, envelope.detect,
// envelope.migrate, envelope.roundtrip
import { isDeepStrictEqual } from 'node:util';
import * as ref from '../ref.mjs';
import * as rng from '../rng.mjs';
import * as up from '../upstream.mjs';

const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

// ------------------------------------------------------------ builders

// A v2 envelope written by upstream encryptStringValue (IV from the seeded source),
// cross-checked byte for byte against the reference writer with the same IV.
function v2Up(label, plaintext, salt) {
  const env = up.encrypt(plaintext, salt, `${label}/build`);
  if (env === plaintext) throw new Error(`${label}: upstream did not seal ${JSON.stringify(plaintext)}`);
  const iv = Buffer.from(env.split(':')[1], 'hex');
  if (!iv.equals(rng.streamPrefix(`${label}/build`, 12))) throw new Error(`${label}: upstream IV did not come from the seeded source`);
  const mine = ref.seal(plaintext, salt, iv);
  if (mine !== env) throw new Error(`${label}: upstream v2 writer disagrees with the reference writer`);
  return env;
}

// A v2 envelope built by the generator (node:crypto) with a derived IV.
function v2Ref(label, plaintext, salt, iv = rng.derivedBytes(`${label}/v2iv`, 12)) {
  const bytes = typeof plaintext === 'string' ? ref.utf8(plaintext) : plaintext;
  return ref.sealV2Bytes(bytes, salt, iv);
}

// A v1 envelope as the historical upstream writer made it.
function v1(label, plaintext, salt) {
  return ref.sealV1(plaintext, salt, rng.derivedBytes(`${label}/v1iv`, 16));
}

function v1Raw(label, raw, salt) {
  return ref.sealV1Raw(raw, salt, rng.derivedBytes(`${label}/v1iv`, 16));
}

function flipByte(hex, index, mask = 0x01) {
  const b = Buffer.from(hex, 'hex');
  const i = index < 0 ? b.length + index : index;
  b[i] ^= mask;
  return b.toString('hex');
}

function withField(env, i, fn) {
  const p = env.split(':');
  p[i] = fn(p[i]);
  return p.join(':');
}

const FIXTURE = '00112233445566778899aabbccddeeff:5f579a151889d90faab895d20ef4b8089d63fe4041167d135225bc8296f664ca89400401ce4958eb3bd6cbc0062b0634';
const HEX24 = '00112233445566778899aabb';
const HEX32 = '00112233445566778899aabbccddeeff';

function mixedText(bytesTarget) {
  const unit = 'Lorem ipsum \u00e9\u00e8 \u4e16\u754c \u{1f511} dolor: sit=amet; ';
  let s = '';
  while (Buffer.byteLength(s, 'utf8') < bytesTarget) s += unit;
  while (Buffer.byteLength(s, 'utf8') > bytesTarget) s = [...s].slice(0, -1).join('');
  return s;
}

// ------------------------------------------------------------ open semantics

function openAgrees(spec, obs) {
  if (has(spec, 'error')) return obs.failed === true;
  return !obs.failed && obs.output === spec.output;
}

const openSuite = (name, files) => ({
  name,
  spec: (input) => ref.open(input.value, input.salt),
  observe: (input) => up.observeOpen(input),
  agrees: openAgrees,
  files,
});

// ------------------------------------------------------------ open_v2

const SALTS = {
  default: 'secretsalt',
  alpha: 'salt-alpha',
  empty: '',
  space: ' ',
  ws: '\t \n',
  unicode: 's\u00e4lz-\u00fcn\u00efc\u00f8d\u00e9',
  emoji: '\u{1f511}\u{1f9c2}',
  long: 'long-salt-'.repeat(100),
  hexlike: '00112233445566778899aabbccddeeff',
  alphaCase: 'Salt-Alpha',
};

function ov2(slug, plaintext, salt, description, flags) {
  const id = `openv2-${slug}`;
  return { id, description, input: { salt, value: v2Up(id, plaintext, salt) }, flags: ['v2', ...flags], want: { output: plaintext } };
}

function openV2Cases() {
  const cases = [
    ov2('ascii-hello', 'hello', SALTS.default, 'ASCII "hello" under the default salt', ['ascii', 'salt-default']),
    ov2('ascii-salt-alpha', 'hello', SALTS.alpha, 'ASCII "hello" under salt-alpha', ['ascii']),
    ov2('empty', '', SALTS.alpha, 'empty plaintext (empty ciphertext field)', ['empty']),
    ov2('empty-salt-empty', '', SALTS.empty, 'empty plaintext under the empty salt', ['empty', 'salt-empty']),
    ov2('single-char', 'a', SALTS.alpha, 'one-byte plaintext', ['ascii']),
    ov2('api-key', 'sk-api-key-do-not-leak-1234567890', SALTS.alpha, 'an API-key-like secret', ['ascii']),
    ov2('len-15', 'a'.repeat(15), SALTS.alpha, '15-byte plaintext', ['ascii', 'block-boundary']),
    ov2('len-16', 'a'.repeat(16), SALTS.alpha, '16-byte plaintext', ['ascii', 'block-boundary']),
    ov2('len-17', 'a'.repeat(17), SALTS.alpha, '17-byte plaintext', ['ascii', 'block-boundary']),
    ov2('true-literal', 'true', SALTS.alpha, 'the text "true" stays a string', ['ascii']),
    ov2('whitespace', '  spaced out  \n', SALTS.alpha, 'plaintext with leading/trailing whitespace, kept exactly', ['whitespace']),
    ov2('control-chars', '\u0000\u0001\u001f\u007f', SALTS.alpha, 'NUL, SOH, US and DEL', ['control-chars']),
    ov2('multiline', 'line one\nline two\r\nline three', SALTS.alpha, 'multi-line plaintext', ['whitespace', 'control-chars']),
    ov2('unicode-nfc', 'Caf\u00e9', SALTS.alpha, 'NFC "Café"', ['unicode-nfc']),
    ov2('unicode-nfd', 'Cafe\u0301', SALTS.alpha, 'NFD "Café" comes back decomposed', ['unicode-nfd', 'combining']),
    ov2('emoji', '\u{1f600}', SALTS.alpha, 'a single emoji', ['emoji', 'astral']),
    ov2('emoji-zwj', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}\u200d\u{1f466} \u{1f1fa}\u{1f1f8}', SALTS.alpha, 'ZWJ family and a flag', ['emoji', 'astral', 'special']),
    ov2('cjk', '\u79d8\u5bc6\u306e\u30ad\u30fc \ube44\ubc00', SALTS.alpha, 'CJK plaintext', ['cjk']),
    ov2('rtl', '\u0645\u0641\u062a\u0627\u062d \u05de\u05e4\u05ea\u05d7', SALTS.alpha, 'Arabic and Hebrew plaintext', ['rtl']),
    ov2('astral', '\u{1d11e}\u{20b9f}\u{10ffff}', SALTS.alpha, 'astral characters up to U+10FFFF', ['astral', 'special']),
    ov2('bom', '\ufeffhello', SALTS.alpha, 'a leading BOM is part of the plaintext', ['special', 'ts-bom-stripped']),
    ov2('bom-only', '\ufeff', SALTS.alpha, 'the plaintext is a single BOM', ['special', 'ts-bom-stripped']),
    ov2('bom-double', '\ufeff\ufeffhello', SALTS.alpha, 'two leading BOMs are both part of the plaintext', ['special', 'ts-bom-stripped']),
    ov2('bom-middle', 'hel\ufefflo', SALTS.alpha, 'a BOM in the middle of the plaintext', ['special']),
    ov2('replacement-char', 'a\ufffdb', SALTS.alpha, 'a literal U+FFFD in the plaintext is fine', ['special']),
    ov2('json', '{"apiKey":"abc:def","nested":{"list":[1,2,3],"ok":true}}', SALTS.alpha, 'JSON plaintext with colons', ['json', 'url-like']),
    ov2('url-colons', 'https://user:p%40ss@example.com:8443/a?b=c#d', SALTS.alpha, 'a URL with several colons', ['url-like', 'reserved']),
    ov2('four-fields', 'a:b:c:d', SALTS.alpha, 'plaintext with four colon-separated fields', ['url-like']),
    ov2('v2-word', 'v2', SALTS.alpha, 'the text "v2"', ['ascii']),
    ov2('uuid-like', '550e8400-e29b-41d4-a716-446655440000', SALTS.alpha, 'plaintext that looks like a UUID', ['uuid-shaped']),
    ov2('long-64k-ascii', 'x'.repeat(65536), SALTS.alpha, '64 KiB ASCII plaintext', ['long', 'ascii']),
    ov2('long-64k-unicode', mixedText(65536), SALTS.alpha, '64 KiB of mixed Unicode plaintext', ['long', 'unicode-nfc', 'cjk', 'emoji', 'astral']),
    ov2('salt-empty', 'secret value', SALTS.empty, 'the empty salt', ['salt-empty', 'ascii']),
    ov2('salt-space', 'secret value', SALTS.space, 'a single-space salt', ['salt-whitespace', 'ascii']),
    ov2('salt-whitespace', 'secret value', SALTS.ws, 'a salt of tab, space and newline', ['salt-whitespace', 'ascii']),
    ov2('salt-unicode', 'secret value', SALTS.unicode, 'a non-ASCII salt (hashed as UTF-8)', ['salt-unicode', 'ascii']),
    ov2('salt-emoji', 'secret value', SALTS.emoji, 'an emoji salt', ['salt-unicode', 'ascii']),
    ov2('salt-long', 'secret value', SALTS.long, 'a 1000-character salt', ['salt-long', 'ascii']),
    ov2('salt-hexlike', 'secret value', SALTS.hexlike, 'a salt that is hex text (used as text, not decoded)', ['ascii']),
    ov2('salt-case', 'secret value', SALTS.alphaCase, 'salt "Salt-Alpha" (case matters for the key)', ['ascii']),
    ov2('salt-default-unicode', '\u00fcber-geheim', SALTS.default, 'Unicode plaintext under the default salt', ['salt-default', 'unicode-nfc']),
  ];
  // Envelopes upstream cannot write.
  const inner1 = v1('openv2-pt-v1-shaped/inner', 'inner', SALTS.alpha);
  cases.push({ id: 'openv2-pt-v1-shaped', description: 'the plaintext is itself a v1 envelope string (opened one level only)', input: { salt: SALTS.alpha, value: v2Ref('openv2-pt-v1-shaped', inner1, SALTS.alpha) }, flags: ['v2', 'envelope-shaped', 'built-by-reference'], want: { output: inner1 } });
  const inner2 = v2Ref('openv2-pt-v2-shaped/inner', 'inner', SALTS.alpha);
  cases.push({ id: 'openv2-pt-v2-shaped', description: 'the plaintext is itself a v2 envelope string (opened one level only)', input: { salt: SALTS.alpha, value: v2Ref('openv2-pt-v2-shaped', inner2, SALTS.alpha) }, flags: ['v2', 'envelope-shaped', 'built-by-reference'], want: { output: inner2 } });
  cases.push({ id: 'openv2-iv-zero', description: 'an all-zero IV is still a valid envelope', input: { salt: SALTS.alpha, value: v2Ref('openv2-iv-zero', 'zero iv', SALTS.alpha, Buffer.alloc(12)) }, flags: ['v2', 'built-by-reference', 'ascii'], want: { output: 'zero iv' } });
  cases.push({ id: 'openv2-iv-ff', description: 'an all-0xff IV is still a valid envelope', input: { salt: SALTS.alpha, value: v2Ref('openv2-iv-ff', 'ff iv', SALTS.alpha, Buffer.alloc(12, 0xff)) }, flags: ['v2', 'built-by-reference', 'ascii'], want: { output: 'ff iv' } });
  {
    const id = 'openv2-upper-hex';
    const env = v2Up(id, 'upper-case hex', SALTS.alpha);
    const upper = env.split(':').map((p, i) => (i === 0 ? p : p.toUpperCase())).join(':');
    cases.push({ id, description: 'upper-case hex in all three fields (prefix stays "v2")', input: { salt: SALTS.alpha, value: upper }, flags: ['v2', 'upper-hex', 'ascii'], want: { output: 'upper-case hex' } });
  }
  {
    const id = 'openv2-mixed-hex';
    const env = v2Up(id, 'mixed-case hex', SALTS.alpha);
    const mixed = env.split(':').map((p, i) => (i === 0 ? p : [...p].map((ch, j) => (j % 2 ? ch.toUpperCase() : ch)).join(''))).join(':');
    cases.push({ id, description: 'mixed-case hex digits', input: { salt: SALTS.alpha, value: mixed }, flags: ['v2', 'upper-hex', 'ascii'], want: { output: 'mixed-case hex' } });
  }
  return cases;
}

// ------------------------------------------------------------ open_v1

function ov1(slug, plaintext, salt, description, flags, extra = {}) {
  const id = `openv1-${slug}`;
  return { id, description, input: { salt, value: v1(id, plaintext, salt) }, flags: ['v1', ...flags], want: { output: plaintext }, ...extra };
}

function openV1Cases() {
  const cases = [
    { id: 'openv1-upstream-fixture', description: 'the upstream test fixture GENUINE_V1_CIPHERTEXT under salt-alpha', input: { salt: 'salt-alpha', value: FIXTURE }, flags: ['v1', 'upstream-fixture', 'ascii'] },
    ov1('ascii-hello', 'hello', SALTS.alpha, 'ASCII "hello"', ['ascii']),
    ov1('ascii-default-salt', 'hello', SALTS.default, 'ASCII "hello" under the default salt', ['ascii', 'salt-default']),
    ov1('empty', '', SALTS.alpha, 'empty plaintext (one block of pure padding)', ['empty', 'block-boundary']),
    ov1('single-char', 'a', SALTS.alpha, 'one-byte plaintext', ['ascii']),
    ov1('len-15', 'a'.repeat(15), SALTS.alpha, '15 bytes: one block with one byte of padding', ['ascii', 'block-boundary']),
    ov1('len-16', 'a'.repeat(16), SALTS.alpha, '16 bytes: a full extra padding block', ['ascii', 'block-boundary']),
    ov1('len-17', 'a'.repeat(17), SALTS.alpha, '17 bytes: two blocks', ['ascii', 'block-boundary']),
    ov1('len-32', 'b'.repeat(32), SALTS.alpha, '32 bytes: three blocks', ['ascii', 'block-boundary']),
    ov1('api-key', 'sk-api-key-do-not-leak-1234567890', SALTS.alpha, 'an API-key-like secret', ['ascii']),
    ov1('json', '{"token":"abc","n":1}', SALTS.alpha, 'JSON plaintext', ['json']),
    ov1('url-colons', 'postgres://user:pass@db:5432/x', SALTS.alpha, 'a URL with colons', ['url-like']),
    ov1('unicode-short', 'Caf\u00e9', SALTS.alpha, 'short NFC text within one block', ['unicode-nfc']),
    ov1('cjk-short', '\u4f60\u597d', SALTS.alpha, 'short CJK text within one block', ['cjk']),
    ov1('emoji-short', '\u{1f511}', SALTS.alpha, 'one emoji within one block', ['emoji', 'astral']),
    ov1('long-4k', 'y'.repeat(4096), SALTS.alpha, '4 KiB ASCII plaintext', ['long', 'ascii']),
    ov1('salt-empty', 'secret value', SALTS.empty, 'the empty salt', ['salt-empty', 'ascii']),
    ov1('salt-space', 'secret value', SALTS.space, 'a single-space salt', ['salt-whitespace', 'ascii']),
    ov1('salt-unicode', 'secret value', SALTS.unicode, 'a non-ASCII salt', ['salt-unicode', 'ascii']),
    ov1('mb-aligned-16', `${'a'.repeat(14)}\u00e9`, SALTS.alpha, 'é ends exactly at the 16-byte boundary (no straddle)', ['unicode-nfc', 'block-boundary']),
    ov1('mb-after-boundary', `${'a'.repeat(16)}\u00e9`, SALTS.alpha, 'é starts exactly at the 16-byte boundary (no straddle)', ['unicode-nfc', 'block-boundary']),
    ov1('mb-even-pairs', '\u00e9'.repeat(9), SALTS.alpha, 'nine é: 18 bytes, no character crosses byte 16', ['unicode-nfc', 'block-boundary']),
    ov1('bom-leading', '\ufeffhello', SALTS.alpha, 'a leading BOM is part of the plaintext', ['special', 'ts-bom-stripped']),
    ov1('bom-last-block', `${'a'.repeat(16)}\ufeffb`, SALTS.alpha, 'a BOM at byte 16, the start of the final block, is part of the plaintext', ['special', 'block-boundary', 'ts-bom-stripped']),
    ov1('bom-middle', 'abc\ufeffdef', SALTS.alpha, 'a BOM in the middle of the first block', ['special']),
    ov1('straddle-e-acute', `${'a'.repeat(15)}\u00e9`, SALTS.alpha, '15 a + é: é straddles the start of the last block', ['unicode-nfc', 'block-boundary', 'multibyte-straddle', 'ts-v1-utf8-chunking']),
    ov1('straddle-e-acute-default-salt', `${'a'.repeat(15)}\u00e9`, SALTS.default, 'the same straddle under the default salt', ['unicode-nfc', 'block-boundary', 'multibyte-straddle', 'salt-default', 'ts-v1-utf8-chunking']),
    ov1('straddle-euro-14', `${'a'.repeat(14)}\u20ac`, SALTS.alpha, '14 a + € (3 bytes 14..16) straddles byte 16', ['unicode-nfc', 'block-boundary', 'multibyte-straddle', 'ts-v1-utf8-chunking']),
    ov1('straddle-euro-15', `${'a'.repeat(15)}\u20ac`, SALTS.alpha, '15 a + € (3 bytes 15..17) straddles byte 16', ['unicode-nfc', 'block-boundary', 'multibyte-straddle', 'ts-v1-utf8-chunking']),
    ov1('straddle-emoji', `${'a'.repeat(13)}\u{1f600}`, SALTS.alpha, '13 a + emoji (4 bytes 13..16) straddles byte 16', ['emoji', 'astral', 'block-boundary', 'multibyte-straddle', 'ts-v1-utf8-chunking']),
    ov1('straddle-second-block', `${'a'.repeat(31)}\u00e9`, SALTS.alpha, '31 a + é straddles byte 32, the start of the last block', ['unicode-nfc', 'block-boundary', 'multibyte-straddle', 'ts-v1-utf8-chunking']),
    ov1('straddle-odd-pairs', `a${'\u00e9'.repeat(8)}`, SALTS.alpha, 'a + eight é: the last é straddles byte 16', ['unicode-nfc', 'block-boundary', 'multibyte-straddle', 'ts-v1-utf8-chunking']),
  ];
  {
    const id = 'openv1-upper-hex';
    const env = v1(id, 'upper-case v1', SALTS.alpha).toUpperCase();
    cases.push({ id, description: 'v1 envelope with upper-case hex', input: { salt: SALTS.alpha, value: env }, flags: ['v1', 'upper-hex', 'ascii'], want: { output: 'upper-case v1' } });
  }
  return cases;
}

// ------------------------------------------------------------ malformed

function malformedCases() {
  const cases = [];
  const add = (slug, salt, value, description, flags, want) => cases.push({ id: `mal-${slug}`, description, input: { salt, value }, flags, ...(want ? { want } : {}) });
  const base = (slug, pt = 'tamper target secret') => v2Up(`mal-${slug}`, pt, SALTS.alpha);
  const A = SALTS.alpha;
  const AUTH = { error: 'auth_failed' };
  const NOT = { error: 'not_envelope' };
  const MAL = { error: 'malformed' };

  // v2 bit flips
  add('v2-flip-iv-first', A, withField(base('v2-flip-iv-first'), 1, (h) => flipByte(h, 0)), 'v2 with the first IV byte flipped', ['v2', 'tampered'], AUTH);
  add('v2-flip-iv-last', A, withField(base('v2-flip-iv-last'), 1, (h) => flipByte(h, -1)), 'v2 with the last IV byte flipped', ['v2', 'tampered'], AUTH);
  add('v2-flip-ct-first', A, withField(base('v2-flip-ct-first'), 2, (h) => flipByte(h, 0)), 'v2 with the first ciphertext byte flipped', ['v2', 'tampered'], AUTH);
  add('v2-flip-ct-last', A, withField(base('v2-flip-ct-last'), 2, (h) => flipByte(h, -1)), 'v2 with the last ciphertext byte flipped', ['v2', 'tampered'], AUTH);
  add('v2-flip-ct-high-bit', A, withField(base('v2-flip-ct-high-bit'), 2, (h) => flipByte(h, 5, 0x80)), 'v2 with the high bit of a middle ciphertext byte flipped', ['v2', 'tampered'], AUTH);
  add('v2-flip-tag-first', A, withField(base('v2-flip-tag-first'), 3, (h) => flipByte(h, 0)), 'v2 with the first tag byte flipped', ['v2', 'tampered'], AUTH);
  add('v2-flip-tag-last', A, withField(base('v2-flip-tag-last'), 3, (h) => flipByte(h, -1)), 'v2 with the last tag byte flipped', ['v2', 'tampered'], AUTH);
  add('v2-empty-flip-tag', A, withField(v2Up('mal-v2-empty-flip-tag', '', A), 3, (h) => flipByte(h, 7)), 'v2 of the empty plaintext with a tag byte flipped', ['v2', 'tampered', 'empty'], AUTH);
  add('v2-iv-tag-zero', A, `v2:${'0'.repeat(24)}:00:${'0'.repeat(32)}`, 'a well-formed v2 with all-zero IV, ciphertext and tag', ['v2', 'tampered'], AUTH);
  add('v2-swap-iv-with-other', A, (() => { const a = base('v2-swap-iv-with-other'); const b = v2Up('mal-v2-swap-iv-with-other/b', 'tamper target secret', A); return withField(a, 1, () => b.split(':')[1]); })(), 'v2 with the IV taken from another envelope of the same plaintext', ['v2', 'tampered'], AUTH);
  // wrong salt
  add('v2-wrong-salt', 'salt-beta', base('v2-wrong-salt'), 'v2 sealed under salt-alpha opened under salt-beta', ['v2', 'wrong-salt'], AUTH);
  add('v2-wrong-salt-case', SALTS.alphaCase, base('v2-wrong-salt-case'), 'opened under "Salt-Alpha" instead of "salt-alpha"', ['v2', 'wrong-salt'], AUTH);
  add('v2-wrong-salt-trailing-space', `${A} `, base('v2-wrong-salt-trailing-space'), 'opened under the salt plus a trailing space', ['v2', 'wrong-salt', 'salt-whitespace'], AUTH);
  add('v2-wrong-salt-empty', SALTS.empty, v2Up('mal-v2-wrong-salt-empty', 'sealed with default', SALTS.default), 'sealed under the default salt, opened under the empty salt', ['v2', 'wrong-salt', 'salt-empty'], AUTH);
  add('v2-wrong-salt-default', SALTS.default, v2Up('mal-v2-wrong-salt-default', 'sealed with empty', SALTS.empty), 'sealed under the empty salt, opened under the default salt', ['v2', 'wrong-salt', 'salt-default'], AUTH);
  // truncations
  add('v2-iv-short-byte', A, withField(base('v2-iv-short-byte'), 1, (h) => h.slice(0, -2)), 'v2 IV truncated to 11 bytes', ['v2', 'truncated', 'bad-length'], NOT);
  add('v2-iv-short-nibble', A, withField(base('v2-iv-short-nibble'), 1, (h) => h.slice(0, -1)), 'v2 IV truncated by one hex digit (23 digits)', ['v2', 'truncated', 'non-hex'], NOT);
  add('v2-ct-short-byte', A, withField(base('v2-ct-short-byte'), 2, (h) => h.slice(0, -2)), 'v2 ciphertext truncated by one byte', ['v2', 'truncated'], AUTH);
  add('v2-ct-short-nibble', A, withField(base('v2-ct-short-nibble'), 2, (h) => h.slice(0, -1)), 'v2 ciphertext truncated by one hex digit (odd length)', ['v2', 'truncated', 'non-hex'], NOT);
  add('v2-ct-removed', A, withField(base('v2-ct-removed'), 2, () => ''), 'v2 ciphertext field emptied', ['v2', 'truncated'], AUTH);
  add('v2-tag-short-byte', A, withField(base('v2-tag-short-byte'), 3, (h) => h.slice(0, -2)), 'v2 tag truncated to 15 bytes', ['v2', 'truncated', 'bad-length'], NOT);
  add('v2-tag-short-nibble', A, withField(base('v2-tag-short-nibble'), 3, (h) => h.slice(0, -1)), 'v2 tag truncated by one hex digit (31 digits)', ['v2', 'truncated', 'non-hex'], NOT);
  add('v2-tag-removed', A, withField(base('v2-tag-removed'), 3, () => ''), 'v2 tag field emptied', ['v2', 'truncated', 'bad-length'], NOT);
  add('v2-whole-truncated', A, base('v2-whole-truncated').slice(0, 40), 'v2 envelope cut off in the middle of the ciphertext', ['v2', 'truncated', 'field-count'], NOT);
  // structure
  add('v2-extra-field', A, `${base('v2-extra-field')}:00`, 'v2 with a fifth field', ['v2', 'field-count'], NOT);
  add('v2-missing-tag-field', A, base('v2-missing-tag-field').split(':').slice(0, 3).join(':'), 'v2 without the tag field (three fields)', ['v2', 'field-count'], NOT);
  add('v2-prefix-upper', A, `V2${base('v2-prefix-upper').slice(2)}`, 'prefix "V2" (capitalised) is not v2', ['v2', 'bad-prefix'], NOT);
  add('v2-prefix-v3', A, `v3${base('v2-prefix-v3').slice(2)}`, 'prefix "v3"', ['v2', 'bad-prefix'], NOT);
  add('v2-prefix-missing', A, base('v2-prefix-missing').slice(3), 'the v2 fields without the "v2:" prefix (three fields)', ['v2', 'bad-prefix', 'field-count'], NOT);
  add('v2-iv-11-bytes', A, `v2:${'ab'.repeat(11)}:00:${'cd'.repeat(16)}`, 'v2 with an 11-byte IV', ['v2', 'bad-length'], NOT);
  add('v2-iv-13-bytes', A, `v2:${'ab'.repeat(13)}:00:${'cd'.repeat(16)}`, 'v2 with a 13-byte IV', ['v2', 'bad-length'], NOT);
  add('v2-iv-16-bytes', A, `v2:${'ab'.repeat(16)}:00:${'cd'.repeat(16)}`, 'v2 with a 16-byte (CBC-sized) IV', ['v2', 'bad-length'], NOT);
  add('v2-tag-15-bytes', A, `v2:${'ab'.repeat(12)}:00:${'cd'.repeat(15)}`, 'v2 with a 15-byte tag', ['v2', 'bad-length'], NOT);
  add('v2-tag-17-bytes', A, `v2:${'ab'.repeat(12)}:00:${'cd'.repeat(17)}`, 'v2 with a 17-byte tag', ['v2', 'bad-length'], NOT);
  add('v2-leading-space', A, ` ${base('v2-leading-space')}`, 'leading space before "v2:"', ['v2', 'whitespace', 'bad-prefix'], NOT);
  add('v2-leading-newline', A, `\n${base('v2-leading-newline')}`, 'leading newline before "v2:"', ['v2', 'whitespace', 'bad-prefix'], NOT);
  add('v2-iv-0x-prefix', A, withField(base('v2-iv-0x-prefix'), 1, (h) => `0x${h}`), 'IV written with a 0x prefix', ['v2', 'non-hex'], NOT);
  add('v2-iv-zz', A, withField(base('v2-iv-zz'), 1, (h) => `zz${h.slice(2)}`), 'IV with its first byte replaced by "zz"', ['v2', 'non-hex'], NOT);
  // lenient-hex: TS treats these as envelopes and even opens them
  add('v2-lenient-trailing-space', A, `${base('v2-lenient-trailing-space')} `, 'trailing space after the tag', ['v2', 'whitespace', 'non-hex', 'ts-lenient-hex'], NOT);
  add('v2-lenient-trailing-newline', A, `${base('v2-lenient-trailing-newline')}\n`, 'trailing newline after the tag', ['v2', 'whitespace', 'non-hex', 'ts-lenient-hex'], NOT);
  add('v2-lenient-iv-x', A, withField(base('v2-lenient-iv-x'), 1, (h) => `${h.slice(0, 6)}X${h.slice(6)}`), 'an "X" inserted into the IV', ['v2', 'non-hex', 'ts-lenient-hex'], NOT);
  add('v2-lenient-iv-spaces', A, withField(base('v2-lenient-iv-spaces'), 1, (h) => h.replace(/(.{8})/g, '$1 ').trim()), 'IV written in space-separated groups', ['v2', 'non-hex', 'whitespace', 'ts-lenient-hex'], NOT);
  add('v2-lenient-iv-extra-nibble', A, withField(base('v2-lenient-iv-extra-nibble'), 1, (h) => `${h}f`), 'IV with a 25th hex digit', ['v2', 'non-hex', 'ts-lenient-hex'], NOT);
  add('v2-lenient-ct-dash', A, withField(base('v2-lenient-ct-dash'), 2, (h) => `${h.slice(0, 8)}-${h.slice(8)}`), 'a "-" inside the ciphertext', ['v2', 'non-hex', 'ts-lenient-hex'], NOT);
  add('v2-lenient-ct-odd-nibble', A, withField(base('v2-lenient-ct-odd-nibble'), 2, (h) => `${h}0`), 'ciphertext with an extra trailing hex digit', ['v2', 'non-hex', 'ts-lenient-hex'], NOT);
  add('v2-lenient-tag-g', A, withField(base('v2-lenient-tag-g'), 3, (h) => `${h.slice(0, 10)}g${h.slice(10)}`), 'a "g" inserted into the tag', ['v2', 'non-hex', 'ts-lenient-hex'], NOT);
  add('v2-lenient-tag-tab', A, withField(base('v2-lenient-tag-tab'), 3, (h) => `\t${h}`), 'tab before the tag', ['v2', 'non-hex', 'whitespace', 'ts-lenient-hex'], NOT);
  // v2 with plaintext bytes that are not UTF-8
  add('v2-plaintext-not-utf8', A, v2Ref('mal-v2-plaintext-not-utf8', Buffer.from('6869ff21', 'hex'), A), 'v2 that authenticates but whose plaintext bytes are not UTF-8', ['v2', 'built-by-reference', 'invalid-utf8', 'ts-utf8-lossy'], MAL);
  add('v2-plaintext-surrogate', A, v2Ref('mal-v2-plaintext-surrogate', Buffer.from('eda080', 'hex'), A), 'v2 whose plaintext is the UTF-8 encoding of a surrogate', ['v2', 'built-by-reference', 'invalid-utf8', 'ts-utf8-lossy'], MAL);

  // v1 failures
  const pad = (fill) => Buffer.concat([Buffer.from('legacy-secret-v1'), Buffer.from(fill)]); // 16 + 16 bytes
  add('v1-pad-zero', A, v1Raw('mal-v1-pad-zero', pad(Array(16).fill(0)), A), 'v1 whose last plaintext byte is 0x00 (invalid padding)', ['v1', 'built-by-reference', 'padding-error'], AUTH);
  add('v1-pad-17', A, v1Raw('mal-v1-pad-17', pad(Array(16).fill(17)), A), 'v1 whose padding byte is 17 (> block size)', ['v1', 'built-by-reference', 'padding-error'], AUTH);
  add('v1-pad-inconsistent', A, v1Raw('mal-v1-pad-inconsistent', pad([...Array(13).fill(0x41), 2, 3, 3]), A), 'v1 padding 03 03 preceded by 02 (inconsistent)', ['v1', 'built-by-reference', 'padding-error'], AUTH);
  add('v1-pad-ff', A, v1Raw('mal-v1-pad-ff', pad(Array(16).fill(0xff)), A), 'v1 whose padding bytes are 0xff', ['v1', 'built-by-reference', 'padding-error'], AUTH);
  add('v1-wrong-salt', 'salt-beta', v1('mal-v1-wrong-salt', 'legacy secret', A), 'v1 sealed under salt-alpha opened under salt-beta', ['v1', 'wrong-salt'], AUTH);
  add('v1-flip-last-ct', A, withField(v1('mal-v1-flip-last-ct', 'legacy secret', A), 1, (h) => flipByte(h, -1)), 'v1 with the last ciphertext byte flipped', ['v1', 'tampered'], AUTH);
  add('v1-ct-empty', A, `${HEX32}:`, 'v1 with an empty ciphertext', ['v1', 'ciphertext-length', 'truncated'], MAL);
  add('v1-ct-15', A, `${HEX32}:${'ab'.repeat(15)}`, 'v1 with a 15-byte ciphertext', ['v1', 'ciphertext-length'], MAL);
  add('v1-ct-17', A, `${HEX32}:${'ab'.repeat(17)}`, 'v1 with a 17-byte ciphertext', ['v1', 'ciphertext-length'], MAL);
  add('v1-ct-truncated-byte', A, withField(v1('mal-v1-ct-truncated-byte', 'legacy secret value!', A), 1, (h) => h.slice(0, -2)), 'v1 ciphertext cut by one byte (31 bytes)', ['v1', 'ciphertext-length', 'truncated'], MAL);
  add('v1-iv-15', A, `${'ab'.repeat(15)}:${'cd'.repeat(16)}`, 'v1 with a 15-byte IV', ['v1', 'bad-length'], NOT);
  add('v1-iv-17', A, `${'ab'.repeat(17)}:${'cd'.repeat(16)}`, 'v1 with a 17-byte IV', ['v1', 'bad-length'], NOT);
  add('v1-three-fields', A, `${v1('mal-v1-three-fields', 'legacy secret', A)}:00`, 'v1 with a third field', ['v1', 'field-count'], NOT);
  add('v1-ct-invalidhex', A, `${HEX32}:invalidhex`, 'v1 IV with the ciphertext "invalidhex"', ['v1', 'non-hex'], NOT);
  add('v1-plaintext-not-utf8', A, ref.sealV1(Buffer.from('c328c328', 'hex'), A, rng.derivedBytes('mal-v1-plaintext-not-utf8', 16)), 'v1 with valid padding whose plaintext bytes are not UTF-8', ['v1', 'built-by-reference', 'invalid-utf8', 'ts-utf8-lossy'], MAL);
  add('v1-lenient-iv-extra-nibble', A, withField(v1('mal-v1-lenient-iv-extra-nibble', 'legacy secret', A), 0, (h) => `${h}a`), 'v1 IV with a 33rd hex digit', ['v1', 'non-hex', 'ts-lenient-hex'], NOT);
  add('v1-lenient-trailing-newline', A, `${v1('mal-v1-lenient-trailing-newline', 'legacy secret', A)}\n`, 'v1 with a trailing newline', ['v1', 'non-hex', 'whitespace', 'ts-lenient-hex'], NOT);
  add('v1-lenient-iv-dashes', A, withField(v1('mal-v1-lenient-iv-dashes', 'legacy secret', A), 0, (h) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12)}`), 'v1 IV with dashes inside', ['v1', 'non-hex', 'ts-lenient-hex'], NOT);
  // not envelopes at all
  add('empty-string', A, '', 'the empty string', ['empty', 'plain-text'], NOT);
  add('plain-text', A, 'just a normal setting value', 'plain text', ['plain-text', 'ascii'], NOT);
  add('colon-only', A, ':', 'a single colon', ['plain-text', 'field-count'], NOT);
  add('three-colons', A, ':::', 'three colons (four empty fields)', ['plain-text', 'field-count'], NOT);
  add('v2-fields-empty', A, 'v2:::', '"v2:::" (empty IV, ciphertext and tag)', ['plain-text', 'bad-length'], NOT);
  add('shortiv', A, 'shortiv:encrypted', '"shortiv:encrypted"', ['plain-text', 'non-hex'], NOT);
  add('colon-encrypted', A, ':encrypted', '":encrypted"', ['plain-text', 'non-hex'], NOT);
  add('uuid', A, '550e8400-e29b-41d4-a716-446655440000', 'a UUID', ['plain-text', 'uuid-shaped'], NOT);
  add('url', A, 'https://example.com:8080', 'a URL with a scheme and a port (three fields)', ['plain-text', 'url-like'], NOT);
  return cases;
}

// ------------------------------------------------------------ detect

function detectCases() {
  const cases = [];
  const add = (slug, value, description, flags, want) => cases.push({ id: `det-${slug}`, description, input: { value }, flags, want: { output: want } });
  const v2e = (slug, pt = 'detect me') => v2Up(`det-${slug}`, pt, SALTS.alpha);
  const v1e = (slug, pt = 'detect me') => v1(`det-${slug}`, pt, SALTS.alpha);
  add('v2-upstream', v2e('v2-upstream'), 'a v2 envelope written by upstream', ['v2'], 'v2');
  add('v2-empty-ct', v2e('v2-empty-ct', ''), 'a v2 envelope with an empty ciphertext field', ['v2', 'empty'], 'v2');
  add('v2-synthetic', `v2:${HEX24}:${'ee'.repeat(5)}:${HEX32}`, 'a synthetic v2-shaped value (detection does not decrypt)', ['v2'], 'v2');
  add('v2-upper-hex', `v2:${HEX24.toUpperCase()}:ABCDEF:${HEX32.toUpperCase()}`, 'upper-case hex fields', ['v2', 'upper-hex'], 'v2');
  add('v2-minimal', `v2:${HEX24}::${HEX32}`, 'the shortest v2 shape (empty ciphertext)', ['v2', 'empty'], 'v2');
  add('v1-upstream-fixture', FIXTURE, 'the upstream v1 fixture', ['v1', 'upstream-fixture'], 'v1');
  add('v1-built', v1e('v1-built'), 'a v1 envelope from the legacy writer', ['v1'], 'v1');
  add('v1-empty-ct', `${HEX32}:`, 'v1 shape with an empty ciphertext (still v1)', ['v1', 'empty'], 'v1');
  add('v1-odd-length-ct-blocks', `${HEX32}:${'ab'.repeat(5)}`, 'v1 shape with a 5-byte ciphertext (length is not checked by detection)', ['v1'], 'v1');
  add('v1-upper-hex', `${HEX32.toUpperCase()}:ABCD`, 'v1 shape with upper-case hex', ['v1', 'upper-hex'], 'v1');
  add('none-empty', '', 'the empty string', ['empty', 'plain-text'], 'none');
  add('none-plain', 'hello world', 'plain text', ['plain-text', 'ascii'], 'none');
  add('none-colon', ':', 'a single colon', ['plain-text', 'field-count'], 'none');
  add('none-uuid', '550e8400-e29b-41d4-a716-446655440000', 'a UUID', ['plain-text', 'uuid-shaped'], 'none');
  add('none-url', 'https://example.com:8443/path', 'a URL', ['plain-text', 'url-like'], 'none');
  add('none-json', '{"a":"b:c"}', 'JSON with a colon', ['plain-text', 'json'], 'none');
  add('none-invalid-value', 'invalid:value', '"invalid:value"', ['plain-text', 'non-hex'], 'none');
  add('none-v2-word', 'v2', 'just "v2"', ['plain-text'], 'none');
  add('none-v2-prefix-upper', `V2:${HEX24}::${HEX32}`, '"V2:" prefix', ['bad-prefix'], 'none');
  add('none-v2-leading-space', ` v2:${HEX24}::${HEX32}`, 'leading space before "v2"', ['bad-prefix', 'whitespace'], 'none');
  add('none-v2-five-fields', `v2:${HEX24}:00:${HEX32}:00`, 'v2 with five fields', ['field-count'], 'none');
  add('none-v2-three-fields', `v2:${HEX24}:${HEX32}`, 'v2 with three fields', ['field-count'], 'none');
  add('none-v2-iv-11', `v2:${'ab'.repeat(11)}::${HEX32}`, 'v2 with an 11-byte IV', ['bad-length'], 'none');
  add('none-v2-tag-15', `v2:${HEX24}::${'cd'.repeat(15)}`, 'v2 with a 15-byte tag', ['bad-length'], 'none');
  add('none-v2-iv-short-nibble', `v2:${HEX24.slice(0, -1)}::${HEX32}`, 'v2 with a 23-digit IV', ['bad-length', 'non-hex'], 'none');
  add('none-v1-iv-15', `${'ab'.repeat(15)}:00`, 'v1 with a 15-byte IV', ['bad-length'], 'none');
  add('none-v1-iv-17', `${'ab'.repeat(17)}:00`, 'v1 with a 17-byte IV', ['bad-length'], 'none');
  add('none-v1-three-fields', `${HEX32}:00:00`, 'v1 with three fields', ['field-count'], 'none');
  add('none-v1-iv-zz', `zz${HEX32.slice(2)}:00`, 'v1 IV with "zz" instead of its first byte', ['non-hex'], 'none');
  // lenient-hex: TS detects these as envelopes
  add('lenient-v2-iv-x', `v2:${HEX24.slice(0, 4)}X${HEX24.slice(4)}::${HEX32}`, 'an "X" inside the v2 IV', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v2-iv-spaces', `v2:${HEX24.replace(/(.{8})/g, '$1 ').trim()}::${HEX32}`, 'v2 IV in space-separated groups', ['non-hex', 'whitespace', 'ts-lenient-hex'], 'none');
  add('lenient-v2-iv-25-digits', `v2:${HEX24}f::${HEX32}`, 'v2 IV with 25 hex digits', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v2-tag-newline', `v2:${HEX24}::${HEX32}\n`, 'v2 with a trailing newline after the tag', ['non-hex', 'whitespace', 'ts-lenient-hex'], 'none');
  add('lenient-v2-ct-not-hex', `v2:${HEX24}:not hex at all:${HEX32}`, 'v2 with a non-hex ciphertext field', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v2-ct-odd', `v2:${HEX24}:abc:${HEX32}`, 'v2 with an odd-length ciphertext', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v2-ct-dash', `v2:${HEX24}:ab-cd:${HEX32}`, 'v2 with a "-" in the ciphertext', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v1-ct-anything', `${HEX32}:anything`, 'v1 IV followed by non-hex text', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v1-ct-odd', `${HEX32}:abc`, 'v1 with an odd-length ciphertext', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v1-iv-33-digits', `${HEX32}a:00`, 'v1 IV with 33 hex digits', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v1-iv-0x', `0x${HEX32}:00`, 'v1 IV with a 0x prefix', ['non-hex', 'ts-lenient-hex'], 'none');
  add('lenient-v1-iv-dashes', `00112233-4455-6677-8899-aabbccddeeff:00`, 'v1 IV written UUID-style with dashes', ['non-hex', 'uuid-shaped', 'ts-lenient-hex'], 'none');
  add('lenient-v1-leading-space', ` ${HEX32}:00`, 'v1 shape with a space before the IV', ['non-hex', 'whitespace', 'ts-lenient-hex'], 'none');
  add('lenient-v1-trailing-space', `${HEX32}:00 `, 'v1 with a trailing space', ['non-hex', 'whitespace', 'ts-lenient-hex'], 'none');
  // envelope-shaped values that are not envelopes (issue 13)
  add('lenient-v1-ct-x', `${HEX32}:x`, 'v1 IV followed by the ciphertext "x"', ['non-hex', 'ts-lenient-hex'], 'none');
  add('none-v1-three-fields-non-hex', `${HEX32}:a:b`, 'a v1 IV and two more non-hex fields (three fields)', ['field-count', 'non-hex'], 'none');
  add('none-v2-prefix-only', 'v2:', '"v2:" alone (two fields)', ['field-count', 'bad-length'], 'none');
  add('none-v2-one-field', 'v2:abc', '"v2:" and one field (two fields)', ['field-count'], 'none');
  add('none-v2-fields-not-hex', 'v2:x:y:z', '"v2:" and three non-hex fields', ['non-hex', 'bad-length'], 'none');
  add('none-colons-three', ':::', 'three colons (four empty fields)', ['plain-text', 'field-count'], 'none');
  add('none-colons-four', '::::', 'four colons (five empty fields)', ['plain-text', 'field-count'], 'none');
  add('none-hex-32', HEX32, '32 hex digits, no colon (a v1 IV alone)', ['plain-text', 'field-count'], 'none');
  add('none-hex-24', HEX24, '24 hex digits, no colon (a v2 IV alone)', ['plain-text', 'field-count'], 'none');
  add('none-hex-64', `${HEX32}${HEX32}`, '64 hex digits, no colon', ['plain-text', 'field-count'], 'none');
  return cases;
}

// ------------------------------------------------------------ migrate

function migrateCases() {
  const cases = [];
  const add = (slug, salt, value, description, flags, want) => cases.push({ id: `mig-${slug}`, description, input: { salt, value }, flags, want });
  const A = SALTS.alpha;
  const U = { output: { status: 'unchanged' } };
  const M = (plaintext) => ({ output: { status: 'migrated', plaintext } });
  add('v2-unchanged', A, v2Up('mig-v2-unchanged', 'already v2', A), 'a v2 envelope is left unchanged', ['v2'], U);
  add('v2-tampered-unchanged', A, withField(v2Up('mig-v2-tampered-unchanged', 'already v2', A), 3, (h) => flipByte(h, 0)), 'a tampered v2 envelope is still left unchanged (not opened)', ['v2', 'tampered'], U);
  add('v2-wrong-salt-unchanged', 'salt-beta', v2Up('mig-v2-wrong-salt-unchanged', 'already v2', A), 'a v2 envelope under another salt is left unchanged', ['v2', 'wrong-salt'], U);
  add('plain-unchanged', A, 'plain setting', 'plain text is left unchanged', ['plain-text', 'ascii'], U);
  add('empty-unchanged', A, '', 'the empty string is left unchanged', ['plain-text', 'empty'], U);
  add('v2-prefix-upper-unchanged', A, `V2:${HEX24}::${HEX32}`, '"V2:"-prefixed value is not an envelope: unchanged', ['bad-prefix'], U);
  cases.push({ id: 'mig-v1-fixture', description: 'the upstream v1 fixture migrates to v2', input: { salt: 'salt-alpha', value: FIXTURE }, flags: ['v1', 'upstream-fixture'] });
  add('v1-ascii', A, v1('mig-v1-ascii', 'legacy secret', A), 'a v1 envelope migrates', ['v1', 'ascii'], M('legacy secret'));
  add('v1-empty', A, v1('mig-v1-empty', '', A), 'a v1 envelope of the empty string migrates', ['v1', 'empty'], M(''));
  add('v1-default-salt', SALTS.default, v1('mig-v1-default-salt', 'legacy secret', SALTS.default), 'a v1 envelope under the default salt', ['v1', 'salt-default'], M('legacy secret'));
  add('v1-empty-salt', SALTS.empty, v1('mig-v1-empty-salt', 'legacy secret', SALTS.empty), 'a v1 envelope under the empty salt', ['v1', 'salt-empty'], M('legacy secret'));
  add('v1-unicode', A, v1('mig-v1-unicode', 'Caf\u00e9 \u4e16\u754c', A), 'a v1 envelope of short Unicode text', ['v1', 'unicode-nfc', 'cjk'], M('Caf\u00e9 \u4e16\u754c'));
  add('v1-emoji', A, v1('mig-v1-emoji', '\u{1f511}', A), 'a v1 envelope of an emoji', ['v1', 'emoji', 'astral'], M('\u{1f511}'));
  add('v1-len-16', A, v1('mig-v1-len-16', 'c'.repeat(16), A), 'a v1 envelope of exactly one block of text', ['v1', 'block-boundary'], M('c'.repeat(16)));
  add('v1-long', A, v1('mig-v1-long', 'z'.repeat(2048), A), 'a 2 KiB v1 envelope', ['v1', 'long', 'ascii'], M('z'.repeat(2048)));
  add('v1-upper-hex', A, v1('mig-v1-upper-hex', 'legacy secret', A).toUpperCase(), 'a v1 envelope in upper-case hex migrates', ['v1', 'upper-hex'], M('legacy secret'));
  add('v1-straddle', A, v1('mig-v1-straddle', `${'a'.repeat(15)}\u00e9`, A), 'v1 with é straddling the last block migrates to the exact text', ['v1', 'multibyte-straddle', 'unicode-nfc', 'ts-v1-utf8-chunking'], M(`${'a'.repeat(15)}\u00e9`));
  add('v1-bom', A, v1('mig-v1-bom', '\ufeffsecret', A), 'v1 plaintext with a leading BOM migrates with the BOM kept', ['v1', 'special', 'ts-bom-stripped'], M('\ufeffsecret'));
  add('v1-wrong-salt', 'salt-beta', v1('mig-v1-wrong-salt', 'legacy secret', A), 'a v1 envelope that fails padding under the wrong salt is an error', ['v1', 'wrong-salt', 'ts-fail-open'], { error: 'auth_failed' });
  add('v1-bad-padding', A, v1Raw('mig-v1-bad-padding', Buffer.concat([Buffer.from('legacy-secret-v1'), Buffer.alloc(16, 0)]), A), 'a v1 envelope with invalid padding is an error', ['v1', 'padding-error', 'built-by-reference', 'ts-fail-open'], { error: 'auth_failed' });
  add('v1-ct-15', A, `${HEX32}:${'ab'.repeat(15)}`, 'a v1 envelope with a 15-byte ciphertext is an error', ['v1', 'ciphertext-length', 'ts-fail-open'], { error: 'malformed' });
  add('v1-ct-empty', A, `${HEX32}:`, 'a v1 envelope with an empty ciphertext is an error', ['v1', 'ciphertext-length', 'empty', 'ts-fail-open'], { error: 'malformed' });
  add('v1-not-utf8', A, ref.sealV1(Buffer.from('c328', 'hex'), A, rng.derivedBytes('mig-v1-not-utf8', 16)), 'a v1 envelope whose plaintext is not UTF-8 is an error', ['v1', 'invalid-utf8', 'built-by-reference', 'ts-utf8-lossy'], { error: 'malformed' });
  {
    const inner = v2Ref('mig-v1-pt-v2-shaped/inner', 'inner secret', A);
    add('v1-pt-v2-shaped', A, v1('mig-v1-pt-v2-shaped', inner, A), 'a v1 envelope whose plaintext is a v2 envelope string migrates to a fresh v2 of that string', ['v1', 'envelope-shaped', 'built-by-reference', 'ts-migrate-no-reseal'], M(inner));
  }
  add('lenient-v1-iv-extra-nibble', A, withField(v1('mig-lenient-v1-iv-extra-nibble', 'legacy secret', A), 0, (h) => `${h}0`), 'v1 with a 33-digit IV is not an envelope: unchanged', ['v1', 'non-hex', 'ts-lenient-hex'], U);
  add('lenient-v1-trailing-newline', A, `${v1('mig-lenient-v1-trailing-newline', 'legacy secret', A)}\n`, 'v1 with a trailing newline is not an envelope: unchanged', ['v1', 'non-hex', 'whitespace', 'ts-lenient-hex'], U);
  return cases;
}

// ------------------------------------------------------------ roundtrip

function roundtripCases() {
  const cases = [];
  const add = (slug, salt, plaintext, description, flags, status) => cases.push({ id: `rt-${slug}`, description, input: { salt, plaintext }, flags, want: { output: { status } } });
  const A = SALTS.alpha;
  add('ascii', A, 'hello', 'ASCII plaintext is sealed', ['ascii'], 'sealed');
  add('empty', A, '', 'the empty plaintext is sealed', ['empty'], 'sealed');
  add('empty-salt', SALTS.empty, 'secret', 'sealed under the empty salt', ['salt-empty', 'ascii'], 'sealed');
  add('default-salt', SALTS.default, 'secret', 'sealed under the default salt', ['salt-default', 'ascii'], 'sealed');
  add('unicode-salt', SALTS.unicode, 'secret', 'sealed under a Unicode salt', ['salt-unicode', 'ascii'], 'sealed');
  add('whitespace-salt', SALTS.ws, 'secret', 'sealed under a whitespace salt', ['salt-whitespace', 'ascii'], 'sealed');
  add('unicode-nfd', A, 'Cafe\u0301', 'NFD plaintext is sealed byte for byte', ['unicode-nfd', 'combining'], 'sealed');
  add('emoji', A, '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', 'ZWJ emoji plaintext', ['emoji', 'astral'], 'sealed');
  add('cjk', A, '\u79d8\u5bc6', 'CJK plaintext', ['cjk'], 'sealed');
  add('control', A, '\u0000\n\u001b[0m', 'control characters', ['control-chars'], 'sealed');
  add('bom', A, '\ufeffhello', 'a plaintext with a leading BOM is sealed and opens with the BOM kept', ['special', 'ts-bom-stripped'], 'sealed');
  add('bom-middle', A, 'hel\ufefflo', 'a plaintext with a BOM in the middle', ['special'], 'sealed');
  add('long-64k', A, 'L'.repeat(65536), '64 KiB plaintext', ['long', 'ascii'], 'sealed');
  add('json', A, '{"key":"value:with:colons"}', 'JSON plaintext with colons', ['json', 'url-like'], 'sealed');
  add('url', A, 'https://user:pass@example.com:8443/', 'URL plaintext', ['url-like'], 'sealed');
  add('invalid-value', A, 'invalid:value', '"invalid:value" is not an envelope and is sealed', ['non-hex', 'plain-text'], 'sealed');
  add('uuid', A, '550e8400-e29b-41d4-a716-446655440000', 'UUID plaintext', ['uuid-shaped'], 'sealed');
  add('v2-word', A, 'v2', 'the text "v2"', ['ascii'], 'sealed');
  add('v2-prefix-upper', A, `V2:${HEX24}::${HEX32}`, '"V2:"-prefixed text is sealed', ['bad-prefix', 'envelope-shaped'], 'sealed');
  add('v2-leading-space', A, ` v2:${HEX24}::${HEX32}`, 'leading-space v2 shape is sealed', ['bad-prefix', 'whitespace', 'envelope-shaped'], 'sealed');
  add('v2-five-fields', A, `v2:${HEX24}:00:${HEX32}:00`, 'five-field v2 shape is sealed', ['field-count', 'envelope-shaped'], 'sealed');
  add('v2-iv-11', A, `v2:${'ab'.repeat(11)}::${HEX32}`, 'v2 shape with an 11-byte IV is sealed', ['bad-length', 'envelope-shaped'], 'sealed');
  add('v1-iv-15', A, `${'ab'.repeat(15)}:00`, 'v1 shape with a 15-byte IV is sealed', ['bad-length', 'envelope-shaped'], 'sealed');
  // envelope-shaped plaintexts come back unchanged
  add('shaped-v2', A, `v2:${HEX24}:00:${HEX32}`, 'a strictly v2-shaped plaintext is returned unchanged', ['envelope-shaped', 'v2'], 'unchanged');
  add('shaped-v2-empty-ct', A, `v2:${HEX24}::${HEX32}`, 'v2 shape with an empty ciphertext is returned unchanged', ['envelope-shaped', 'v2', 'empty'], 'unchanged');
  add('shaped-v2-upper', A, `v2:${HEX24.toUpperCase()}:AB:${HEX32.toUpperCase()}`, 'upper-case v2 shape is returned unchanged', ['envelope-shaped', 'v2', 'upper-hex'], 'unchanged');
  add('shaped-v2-real', A, v2Up('rt-shaped-v2-real', 'real', A), 'a real v2 envelope is returned unchanged (no double encryption)', ['envelope-shaped', 'v2'], 'unchanged');
  add('shaped-v1', A, `${HEX32}:${HEX32}`, 'a strictly v1-shaped plaintext is returned unchanged', ['envelope-shaped', 'v1'], 'unchanged');
  add('shaped-v1-empty-ct', A, `${HEX32}:`, 'v1 shape with an empty ciphertext is returned unchanged', ['envelope-shaped', 'v1', 'empty'], 'unchanged');
  add('shaped-v1-fixture', A, FIXTURE, 'the upstream v1 fixture is returned unchanged', ['envelope-shaped', 'v1', 'upstream-fixture'], 'unchanged');
  // lenient-hex shapes: the spec seals them, TS leaves them as they are
  add('lenient-v1-anything', A, `${HEX32}:anything`, '32 hex digits, a colon and non-hex text is sealed', ['envelope-shaped', 'non-hex', 'ts-lenient-hex'], 'sealed');
  add('lenient-v2-ct-x', A, `v2:${HEX24}:x:${HEX32}`, 'v2 shape with ciphertext "x" is sealed', ['envelope-shaped', 'non-hex', 'ts-lenient-hex'], 'sealed');
  add('lenient-v2-iv-spaces', A, `v2:${HEX24.replace(/(.{6})/g, '$1 ').trim()}::${HEX32}`, 'v2 shape with a spaced IV is sealed', ['envelope-shaped', 'non-hex', 'whitespace', 'ts-lenient-hex'], 'sealed');
  add('lenient-v2-trailing-newline', A, `v2:${HEX24}::${HEX32}\n`, 'v2 shape with a trailing newline is sealed', ['envelope-shaped', 'non-hex', 'whitespace', 'ts-lenient-hex'], 'sealed');
  add('lenient-v1-iv-uuid', A, '00112233-4455-6677-8899-aabbccddeeff:00', 'UUID-like IV with dashes is sealed', ['envelope-shaped', 'non-hex', 'uuid-shaped', 'ts-lenient-hex'], 'sealed');
  add('lenient-v1-iv-odd', A, `${HEX32}f:00`, 'a 33-digit v1 IV is sealed', ['envelope-shaped', 'non-hex', 'ts-lenient-hex'], 'sealed');
  // envelope-shaped plaintexts that are not envelopes are sealed (issue 13)
  add('lenient-v1-ct-x', A, `${HEX32}:x`, 'a v1 IV and the ciphertext "x" is sealed', ['envelope-shaped', 'non-hex', 'ts-lenient-hex'], 'sealed');
  add('v1-three-fields', A, `${HEX32}:00:00`, 'a v1 IV and two hex fields (three fields) is sealed', ['envelope-shaped', 'field-count'], 'sealed');
  add('v1-three-fields-non-hex', A, `${HEX32}:a:b`, 'a v1 IV and two non-hex fields (three fields) is sealed', ['envelope-shaped', 'field-count', 'non-hex'], 'sealed');
  add('v2-prefix-only', A, 'v2:', '"v2:" alone is sealed', ['envelope-shaped', 'field-count', 'bad-length'], 'sealed');
  add('v2-one-field', A, 'v2:abc', '"v2:abc" (two fields) is sealed', ['envelope-shaped', 'field-count'], 'sealed');
  add('v2-fields-not-hex', A, 'v2:x:y:z', '"v2:x:y:z" (four non-hex fields) is sealed', ['envelope-shaped', 'non-hex', 'bad-length'], 'sealed');
  add('colon-one', A, ':', 'a single colon is sealed', ['plain-text', 'field-count'], 'sealed');
  add('colons-three', A, ':::', 'three colons (four empty fields) are sealed', ['plain-text', 'field-count'], 'sealed');
  add('colons-four', A, '::::', 'four colons (five empty fields) are sealed', ['plain-text', 'field-count'], 'sealed');
  add('hex-32', A, HEX32, '32 hex digits without a colon are sealed', ['plain-text', 'field-count'], 'sealed');
  add('hex-24', A, HEX24, '24 hex digits without a colon are sealed', ['plain-text', 'field-count'], 'sealed');
  add('hex-64', A, `${HEX32}${HEX32}`, '64 hex digits without a colon are sealed', ['plain-text', 'field-count'], 'sealed');
  return cases;
}

// ------------------------------------------------------------ fuzz-found
// Cases found by interop parity fuzz (issue 14), minimized, and rebuilt here
// with the generator's own builders: the IVs are derived from the case ids, so
// the ciphertexts differ from the fuzzer's, and each case still shows the
// deviation it was found for.

// A UUID in upper case with one dash missing, then a colon: strict detection
// sees no envelope (two fields, the first not 32 hex digits), upstream TS
// deletes the dash and sees a 16-byte v1 IV and an empty ciphertext.
const LENIENT_UUID = '550E8400E29B41D4A716-446655440000:';

function fuzzFound() {
  const malformed = [];
  {
    const id = 'mal-fuzz-v1-utf8-chunking';
    // 2 + 1 + 4 + 3 + 4 bytes, then a 4-byte character at bytes 14..17.
    const pt = '\u04e9=\u{1f469}\u200d\u{1f4bb}\u{8bf78}';
    malformed.push({ id, description: 'a v1 envelope whose plaintext has a 4-byte character straddling the start of the last block opens to it', input: { salt: SALTS.empty, value: v1(id, pt, SALTS.empty) }, flags: ['fuzz-found', 'unicode', 'ts-v1-utf8-chunking'], want: { output: pt } });
  }
  {
    const id = 'mal-fuzz-v2-lenient-iv-odd-empty-ct';
    // An upstream v2 envelope of the empty plaintext with a 25th hex digit on
    // the IV: upstream drops the odd nibble and opens it.
    const value = withField(v2Up(id, '', 'salt-39'), 1, (h) => `${h}a`);
    malformed.push({ id, description: 'a v2 shape with a 25-digit IV and an empty ciphertext is not an envelope', input: { salt: 'salt-39', value }, flags: ['fuzz-found', 'non-hex', 'ts-lenient-hex'], want: { error: 'not_envelope' } });
  }
  // White space between two hex pairs of a field: upstream TS deletes it
  // (lenient hex), upstream Python's bytes.fromhex skips it; both open.
  const pairGap = (h, at, ws) => `${h.slice(0, at)}${ws}${h.slice(at)}`;
  {
    const id = 'mal-fuzz-v2-ct-inner-newline';
    const value = withField(v2Up(id, 'secret', SALTS.empty), 2, (h) => pairGap(h, 2, '\n'));
    malformed.push({ id, description: 'a v2 envelope with a newline between two bytes of its ciphertext is not an envelope', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'whitespace', 'non-hex', 'ts-lenient-hex'], want: { error: 'not_envelope' } });
  }
  {
    const id = 'mal-fuzz-v1-iv-inner-space';
    const value = withField(v1(id, 'secret', SALTS.empty), 0, (h) => pairGap(h, 10, ' '));
    malformed.push({ id, description: 'a v1 envelope with a space between two bytes of its IV is not an envelope', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'whitespace', 'non-hex', 'ts-lenient-hex'], want: { error: 'not_envelope' } });
  }
  {
    const id = 'mal-fuzz-v2-iv-inner-space-empty-ct';
    const value = withField(v2Up(id, '', SALTS.empty), 1, (h) => pairGap(h, 22, ' '));
    malformed.push({ id, description: 'a v2 envelope of the empty plaintext with a space between two bytes of its IV is not an envelope', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'whitespace', 'non-hex', 'empty', 'ts-lenient-hex'], want: { error: 'not_envelope' } });
  }
  {
    const id = 'mal-fuzz-v2-tag-inner-newline-empty-ct';
    const value = withField(v2Up(id, '', SALTS.empty), 3, (h) => pairGap(h, 24, '\n'));
    malformed.push({ id, description: 'a v2 envelope of the empty plaintext with a newline between two bytes of its tag is not an envelope', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'whitespace', 'non-hex', 'empty', 'ts-lenient-hex'], want: { error: 'not_envelope' } });
  }
  {
    // U+2028 is no ASCII white space: only upstream TS (which deletes every
    // non-hex character) opens this one.
    const id = 'mal-fuzz-v2-tag-line-separator-empty-ct';
    const value = withField(v2Up(id, '', SALTS.empty), 3, (h) => pairGap(h, 1, '\u2028'));
    malformed.push({ id, description: 'a v2 envelope of the empty plaintext with U+2028 inside its tag is not an envelope', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'special', 'non-hex', 'empty', 'ts-lenient-hex'], want: { error: 'not_envelope' } });
  }
  {
    const id = 'mal-fuzz-v1-bom';
    const pt = '\ufeffsecret';
    malformed.push({ id, description: 'a v1 envelope whose plaintext starts with a BOM opens to it, BOM kept', input: { salt: SALTS.empty, value: v1(id, pt, SALTS.empty) }, flags: ['fuzz-found', 'special', 'ts-bom-stripped'], want: { output: pt } });
  }
  {
    const id = 'mal-fuzz-v2-bom-only';
    malformed.push({ id, description: 'a v2 envelope whose plaintext is a single BOM opens to it', input: { salt: SALTS.empty, value: v2Up(id, '\ufeff', SALTS.empty) }, flags: ['fuzz-found', 'special', 'ts-bom-stripped'], want: { output: '\ufeff' } });
  }
  const detect = [
    { id: 'det-fuzz-v1-iv-three-empty-fields', description: 'a v1 IV followed by three colons (four fields, no v2 prefix) is not an envelope', input: { value: `${HEX32}:::` }, flags: ['fuzz-found', 'field-count'], want: { output: 'none' } },
    { id: 'det-fuzz-lenient-uuid-empty-ct', description: 'upper-case UUID with one dash missing, then a colon and nothing: not an envelope (TS deletes the dash and sees a v1 IV)', input: { value: LENIENT_UUID }, flags: ['fuzz-found', 'uuid-shaped', 'non-hex', 'ts-lenient-hex'], want: { output: 'none' } },
  ];
  const migrate = [];
  {
    const id = 'mig-fuzz-v1-iv-inner-newline';
    // A v1 envelope of "=\u00a0" with a newline inside its IV (after 26 digits).
    const value = withField(v1(id, '=\u00a0', SALTS.empty), 0, (h) => `${h.slice(0, 26)}\n${h.slice(26)}`);
    migrate.push({ id, description: "a v1 shape with a newline inside the IV is not an envelope: unchanged (TS deletes the newline; Python's bytes.fromhex skips white space)", input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'whitespace', 'non-hex', 'ts-lenient-hex'], want: { output: { status: 'unchanged' } } });
  }
  {
    const id = 'mig-fuzz-v1-pt-lenient-envelope';
    migrate.push({ id, description: 'a v1 envelope whose plaintext TS reads as a v1 envelope (a UUID with a dash missing and a colon) migrates to a fresh v2 of it', input: { salt: SALTS.empty, value: v1(id, LENIENT_UUID, SALTS.empty) }, flags: ['fuzz-found', 'built-by-reference', 'uuid-shaped', 'ts-migrate-no-reseal'], want: { output: { status: 'migrated', plaintext: LENIENT_UUID } } });
  }
  // Upstream migration hands the text it decrypted to encryptStringValue,
  // which returns envelope-shaped text as is (ts-migrate-no-reseal), here
  // together with upstream's lenient hex reading of the input or its lossy
  // UTF-8 decoding of the plaintext.
  const insertAt = (h, at, ch) => `${h.slice(0, at)}${ch}${h.slice(at)}`;
  {
    const id = 'mig-fuzz-lenient-v1-pt-v1-shaped';
    const value = withField(v1(id, `${HEX32}:`, SALTS.empty), 1, (h) => insertAt(h, 7, 'Z'));
    migrate.push({ id, description: 'a v1 shape with a "Z" inside the ciphertext is not an envelope: unchanged (TS deletes the Z, decrypts a v1-shaped text and returns it)', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'non-hex', 'envelope-shaped', 'built-by-reference', 'ts-lenient-hex', 'ts-migrate-no-reseal'], want: { output: { status: 'unchanged' } } });
  }
  {
    const id = 'mig-fuzz-lenient-v1-pt-lenient-envelope';
    const value = withField(v1(id, LENIENT_UUID, SALTS.empty), 1, (h) => insertAt(h, 22, 'Z'));
    migrate.push({ id, description: 'a v1 shape with a "Z" inside the ciphertext is not an envelope: unchanged (TS deletes the Z, decrypts a text it reads as a v1 envelope and returns it)', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'non-hex', 'uuid-shaped', 'built-by-reference', 'ts-lenient-hex', 'ts-migrate-no-reseal'], want: { output: { status: 'unchanged' } } });
  }
  {
    const id = 'mig-fuzz-lenient-v1-iv-backslash-pt-v2-shaped';
    const value = withField(v1(id, `v2:${HEX24}::${HEX32}`, SALTS.empty), 0, (h) => `${h}\\`);
    migrate.push({ id, description: 'a v1 shape whose IV ends in a backslash is not an envelope: unchanged (TS deletes it, decrypts a v2-shaped text and returns it)', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'non-hex', 'envelope-shaped', 'built-by-reference', 'ts-lenient-hex', 'ts-migrate-no-reseal'], want: { output: { status: 'unchanged' } } });
  }
  {
    const id = 'mig-fuzz-lenient-v1-iv-newline-pt-v2-shaped';
    const value = withField(v1(id, `v2:${HEX24}:d9:${HEX32}`, SALTS.empty), 0, (h) => insertAt(h, 4, '\n'));
    migrate.push({ id, description: "a v1 shape with a newline between two bytes of its IV is not an envelope: unchanged (TS and Python's bytes.fromhex read past it, decrypt a v2-shaped text and return it)", input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'whitespace', 'non-hex', 'envelope-shaped', 'built-by-reference', 'ts-lenient-hex', 'ts-migrate-no-reseal'], want: { output: { status: 'unchanged' } } });
  }
  {
    // Python's bytes.fromhex skips white space between two bytes, TS deletes
    // it: both decrypt the v2-shaped text and return it unsealed.
    const id = 'mig-fuzz-lenient-v1-ct-space-pt-v2-shaped';
    const value = withField(v1(id, `v2:${HEX24}::${HEX32}`, SALTS.empty), 1, (h) => insertAt(h, 36, ' '));
    migrate.push({ id, description: "a v1 shape with a space between two bytes of its ciphertext is not an envelope: unchanged (TS and Python's bytes.fromhex read past it, decrypt a v2-shaped text and return it)", input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'whitespace', 'non-hex', 'envelope-shaped', 'built-by-reference', 'ts-lenient-hex', 'ts-migrate-no-reseal'], want: { output: { status: 'unchanged' } } });
  }
  {
    const id = 'mig-fuzz-lenient-v1-iv-paren-pt-lenient-envelope';
    const value = withField(v1(id, LENIENT_UUID, SALTS.empty), 0, (h) => insertAt(h, 26, ')'));
    migrate.push({ id, description: 'a v1 shape with a ")" inside the IV is not an envelope: unchanged (TS deletes it, decrypts a text it reads as a v1 envelope and returns it)', input: { salt: SALTS.empty, value }, flags: ['fuzz-found', 'non-hex', 'uuid-shaped', 'built-by-reference', 'ts-lenient-hex', 'ts-migrate-no-reseal'], want: { output: { status: 'unchanged' } } });
  }
  {
    // 36 + 2 + 11 bytes: the 4-byte U+1F4BB starts at byte 47 and straddles
    // byte 48, the start of the last block; the text has 33 hex digits before
    // its only colon, so upstream reads it (decoded or not) as a v1 envelope.
    const id = 'mig-fuzz-v1-straddle-pt-lenient-envelope';
    const pt = '550E8400-E29B-41D4-A716-446655440000\u06ba\u{1f469}\u200d\u{1f4bb}v2:\u00e9';
    migrate.push({ id, description: 'a v1 envelope whose plaintext (a UUID, an emoji straddling the last block, "v2:") TS reads as a v1 envelope migrates to a fresh v2 of it', input: { salt: SALTS.empty, value: v1(id, pt, SALTS.empty) }, flags: ['fuzz-found', 'built-by-reference', 'uuid-shaped', 'multibyte-straddle', 'ts-v1-utf8-chunking', 'ts-migrate-no-reseal'], want: { output: { status: 'migrated', plaintext: pt } } });
  }
  {
    const id = 'mig-fuzz-v1-not-utf8-pt-lenient-envelope';
    const raw = Buffer.concat([Buffer.from(`${HEX32}:`), Buffer.from([0xff])]);
    migrate.push({ id, description: 'a v1 envelope whose plaintext bytes are a v1 IV, a colon and 0xFF (not UTF-8) is an error (TS decodes U+FFFD, reads the text as a v1 envelope and returns it)', input: { salt: SALTS.empty, value: ref.sealV1(raw, SALTS.empty, rng.derivedBytes(id, 16)) }, flags: ['fuzz-found', 'invalid-utf8', 'envelope-shaped', 'built-by-reference', 'ts-utf8-lossy', 'ts-migrate-no-reseal'], want: { error: 'malformed' } });
  }
  const roundtrip = [
    { id: 'rt-fuzz-lenient-uuid-empty-ct', description: 'upper-case UUID with one dash missing, then a colon: sealed (TS sees a v1 envelope and leaves it in clear)', input: { salt: SALTS.empty, plaintext: LENIENT_UUID }, flags: ['fuzz-found', 'uuid-shaped', 'non-hex', 'ts-lenient-hex'], want: { output: { status: 'sealed' } } },
    { id: 'rt-fuzz-lenient-uuid-rtl-ct', description: 'upper-case UUID with one dash missing, a colon and a Hebrew letter: sealed (TS sees a v1 envelope, never reads its ciphertext field, and leaves it in clear)', input: { salt: SALTS.empty, plaintext: `${LENIENT_UUID}\u05de` }, flags: ['fuzz-found', 'uuid-shaped', 'non-hex', 'rtl', 'ts-lenient-hex'], want: { output: { status: 'sealed' } } },
  ];
  return { malformed, detect, migrate, roundtrip };
}
const FUZZ = fuzzFound();
const fuzzFile = (what, cases) => ({
  name: 'fuzz-found',
  description: `Cases found by differential fuzzing (interop parity fuzz, issue 14): ${what}. Each case is minimized and built by this generator; see the fuzz-found flag.`,
  cases,
});

// ------------------------------------------------------------ suites

export const openV2 = openSuite('envelope.open_v2', [
  { name: 'open_v2', description: 'Open of well-formed v2 (AES-256-GCM) envelopes: plaintexts of every kind and size, many salts, upper-case hex. Envelopes come from upstream encryptStringValue with a seeded IV source unless flagged built-by-reference.', cases: openV2Cases() },
]);
export const openV1 = openSuite('envelope.open_v1', [
  { name: 'open_v1', description: 'Open of legacy v1 (AES-256-CBC) envelopes built with node:crypto as the historical writer did, plus the upstream fixture; includes multi-byte characters at block boundaries.', cases: openV1Cases() },
]);
export const malformed = openSuite('envelope.malformed', [
  { name: 'malformed', description: 'Open of values that must not open: tampered, wrong salt, truncated, wrong field count or lengths, non-hex, bad padding, bad v1 lengths, non-UTF-8 plaintexts and plain text.', cases: malformedCases() },
  fuzzFile('values an upstream implementation opens differently from the spec', FUZZ.malformed),
]);

export const detectSuite = {
  name: 'envelope.detect',
  spec: (input) => ({ output: ref.detect(input.value) }),
  observe: (input, id) => up.observeDetect(input, `${id}/observe`),
  agrees: (spec, obs) => has(obs, 'output') && obs.output === spec.output,
  files: [{ name: 'detect', description: 'Strict envelope detection: v2, v1 or none, with no decryption. Upstream detection is observed through encryptStringValue leaving the value unchanged.', cases: detectCases() },
    fuzzFile('values whose detection differs between an upstream implementation and the spec', FUZZ.detect)],
};

export const migrateSuite = {
  name: 'envelope.migrate',
  spec: (input) => ref.migrate(input.value, input.salt),
  observe: (input, id) => up.observeMigrate(input, `${id}/observe`),
  agrees: (spec, obs) => !has(spec, 'error') && has(obs, 'output') && isDeepStrictEqual(obs.output, spec.output),
  files: [{ name: 'migrate', description: 'Migration: v2 and non-envelopes stay unchanged, a v1 envelope that opens becomes a fresh v2 envelope of its plaintext, a v1 envelope that does not open is an error.', cases: migrateCases() },
    fuzzFile('v1 values an upstream implementation migrates differently from the spec', FUZZ.migrate)],
};

export const roundtripSuite = {
  name: 'envelope.roundtrip',
  spec: (input) => ref.sealStatus(input.plaintext),
  observe: (input, id) => up.observeRoundtrip(input, `${id}/observe`),
  agrees: (spec, obs) => has(obs, 'output') && isDeepStrictEqual(obs.output, spec.output),
  files: [{ name: 'roundtrip', description: 'Seal then Open: ordinary plaintexts are sealed into a canonical v2 envelope that opens to them; strictly envelope-shaped plaintexts come back unchanged.', cases: roundtripCases() },
    fuzzFile('plaintexts an upstream implementation leaves unsealed', FUZZ.roundtrip)],
};

export const suites = [openV2, openV1, malformed, detectSuite, migrateSuite, roundtripSuite];
