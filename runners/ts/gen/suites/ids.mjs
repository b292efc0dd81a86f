// ids.string_to_uuid and ids.create_unique_uuid
import { isDeepStrictEqual } from 'node:util';
import * as ref from '../ref.mjs';
import * as up from '../upstream.mjs';

const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

function idsAgree(spec, obs) {
  if (has(spec, 'error')) return has(obs, 'error') && obs.kind === spec.error;
  return has(obs, 'output') && isDeepStrictEqual(obs.output, spec.output);
}

// ------------------------------------------------------------ string_to_uuid

const str = (id, value, description, flags, extra = {}) => ({ id: `s2u-${id}`, description, input: { kind: 'string', value }, flags, ...extra });
const num = (kind, id, value, description, flags, extra = {}) => ({ id: `s2u-${id}`, description, input: { kind, value }, flags, ...extra });
const hexIn = (kind, id, hex, description, flags, extra = {}) => ({ id: `s2u-${id}`, description, input: { kind, hex }, flags, ...extra });

const canonical = [
  str('canonical-test', 'test', 'canonical vector "test"', ['canonical', 'ascii'], { want: { output: 'a94a8fe5-ccb1-0ba6-9c4c-0873d391e987' } }),
  str('canonical-hello-world', 'hello world', 'canonical vector "hello world" (space escaped as %20)', ['canonical', 'ascii', 'whitespace'], { want: { output: 'f0355dd5-2823-054c-ae66-a0b12842c215' } }),
  str('canonical-empty', '', 'canonical vector: the empty string (SHA-1 of nothing)', ['canonical', 'empty'], { want: { output: 'da39a3ee-5e6b-0b0d-b255-bfef95601890' } }),
  str('canonical-123', '123', 'canonical vector: the string "123"', ['canonical', 'ascii'], { want: { output: '40bd0015-6308-0fc3-9165-329ea1ff5c5e' } }),
  str('canonical-user-agent', 'user:agent', 'canonical vector "user:agent" (colon escaped as %3A)', ['canonical', 'ascii', 'reserved'], { want: { output: 'a49810ce-da30-0d3b-97ee-d4d47774d8af' } }),
];

const UNRESERVED_PUNCT = [['hyphen', '-'], ['underscore', '_'], ['dot', '.'], ['bang', '!'], ['tilde', '~'], ['star', '*'], ['apostrophe', "'"], ['lparen', '('], ['rparen', ')']];
const RESERVED = [
  ['percent', '%'], ['plus', '+'], ['colon', ':'], ['slash', '/'], ['question', '?'], ['hash', '#'], ['amp', '&'],
  ['equals', '='], ['at', '@'], ['dollar', '$'], ['comma', ','], ['semicolon', ';'], ['lbracket', '['], ['rbracket', ']'],
  ['quote', '"'], ['lt', '<'], ['gt', '>'], ['backslash', '\\'], ['caret', '^'], ['backtick', '`'], ['lbrace', '{'],
  ['rbrace', '}'], ['pipe', '|'],
];

const text = [
  str('ascii-lower', 'abcdefghijklmnopqrstuvwxyz', 'lower-case ASCII letters (all unreserved)', ['ascii', 'unreserved']),
  str('ascii-upper', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'upper-case ASCII letters (all unreserved)', ['ascii', 'unreserved']),
  str('ascii-digits', '0123456789', 'ASCII digits as a string', ['ascii', 'unreserved']),
  str('ascii-case-differs', 'Test', 'letter case matters: "Test" differs from "test"', ['ascii']),
  str('ascii-single-a', 'a', 'a single ASCII letter', ['ascii']),
  str('ascii-name', 'agent-alpha', 'an agent name as used for character ids', ['ascii', 'unreserved']),
  str('ascii-sentence', 'The quick brown fox jumps over the lazy dog.', 'an ASCII sentence with spaces', ['ascii', 'whitespace']),
  str('ascii-email', 'user.name+tag@example.com', 'an e-mail address (plus and at-sign escaped)', ['ascii', 'reserved']),
  str('ascii-url', 'https://example.com:8080/path?q=1&r=a%20b#frag', 'a URL with every reserved URL delimiter', ['ascii', 'reserved', 'url-like']),
  str('ascii-json', '{"id":1,"name":"x","tags":["a","b"]}', 'JSON text', ['ascii', 'reserved', 'json']),
  str('ascii-printable-all', Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join(''), 'all 95 printable ASCII characters U+0020..U+007E in order', ['ascii', 'reserved', 'unreserved', 'whitespace']),
  str('unreserved-all', "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()", 'the whole unreserved set: nothing is escaped', ['ascii', 'unreserved']),
  ...UNRESERVED_PUNCT.map(([n, c]) => str(`unreserved-${n}`, c, `unreserved character ${JSON.stringify(c)} alone (kept as is)`, ['ascii', 'unreserved'])),
  str('unreserved-punct-run', "-_.!~*'()", 'the nine unreserved punctuation characters together', ['ascii', 'unreserved']),
  ...RESERVED.map(([n, c]) => str(`reserved-${n}`, c, `character ${JSON.stringify(c)} alone (percent-encoded)`, ['ascii', 'reserved'])),
  str('reserved-percent-encoded-literal', '%20', 'the literal text "%20" (the percent sign is escaped again, giving %2520)', ['ascii', 'reserved']),
  str('ws-space', ' ', 'a single space', ['whitespace']),
  str('ws-tab', '\t', 'a single tab', ['whitespace', 'control-chars']),
  str('ws-newline', '\n', 'a single line feed', ['whitespace', 'control-chars']),
  str('ws-cr', '\r', 'a single carriage return', ['whitespace', 'control-chars']),
  str('ws-crlf', 'a\r\nb', 'CRLF between letters', ['whitespace', 'control-chars']),
  str('ws-leading-space', ' test', 'leading space is not trimmed', ['whitespace', 'ascii']),
  str('ws-trailing-space', 'test ', 'trailing space is not trimmed', ['whitespace', 'ascii']),
  str('ws-trailing-newline', 'test\n', 'trailing newline is not trimmed', ['whitespace', 'control-chars']),
  str('ws-nbsp', 'a\u00a0b', 'no-break space U+00A0 (two UTF-8 bytes)', ['whitespace', 'unicode-nfc']),
  str('ws-ideographic-space', 'a\u3000b', 'ideographic space U+3000', ['whitespace', 'cjk']),
  ...Array.from({ length: 32 }, (_, i) => {
    const hex = i.toString(16).padStart(2, '0');
    return str(`control-u00${hex}`, `x${String.fromCharCode(i)}y`, `control character U+00${hex.toUpperCase()} between two letters`, ['control-chars']);
  }),
  str('control-del', 'x\u007fy', 'DEL U+007F between two letters', ['control-chars']),
  str('control-nul-only', '\u0000', 'a lone NUL character', ['control-chars']),
  str('unicode-cafe-nfc', 'Caf\u00e9', 'NFC "Café" (precomposed é)', ['unicode-nfc']),
  str('unicode-cafe-nfd', 'Cafe\u0301', 'NFD "Café" (e + combining acute): differs from the NFC id', ['unicode-nfd', 'combining']),
  str('unicode-e-acute-nfc', '\u00e9', 'precomposed é alone', ['unicode-nfc']),
  str('unicode-e-acute-nfd', 'e\u0301', 'decomposed é alone', ['unicode-nfd', 'combining']),
  str('unicode-angstrom-sign', '\u212b', 'ANGSTROM SIGN U+212B (not normalised to U+00C5)', ['unicode-nfc']),
  str('unicode-a-ring', '\u00c5', 'LATIN CAPITAL A WITH RING U+00C5', ['unicode-nfc']),
  str('unicode-ohm-sign', '\u2126', 'OHM SIGN U+2126 (not normalised to Greek Omega)', ['unicode-nfc']),
  str('unicode-stacked-combining', 'a\u0301\u0302\u0303\u0304', 'a letter with four stacked combining marks', ['unicode-nfd', 'combining']),
  str('unicode-german', 'Stra\u00dfe \u00fcber \u00c4rger', 'German with ß and umlauts', ['unicode-nfc', 'whitespace']),
  str('unicode-greek', '\u0391\u03b8\u03ae\u03bd\u03b1', 'Greek text', ['unicode-nfc']),
  str('unicode-cyrillic', '\u041f\u0440\u0438\u0432\u0435\u0442', 'Cyrillic text', ['unicode-nfc']),
  str('unicode-fullwidth', '\uff21\uff22\uff23', 'fullwidth Latin letters (not folded to ASCII)', ['unicode-nfc', 'cjk']),
  str('emoji-grinning', '\u{1f600}', 'a single emoji U+1F600 (4-byte UTF-8)', ['emoji', 'astral']),
  str('emoji-zwj-family', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}\u200d\u{1f466}', 'ZWJ family sequence (man, woman, girl, boy)', ['emoji', 'astral', 'special']),
  str('emoji-flag-us', '\u{1f1fa}\u{1f1f8}', 'regional-indicator flag US', ['emoji', 'astral']),
  str('emoji-flag-jp', '\u{1f1ef}\u{1f1f5}', 'regional-indicator flag JP', ['emoji', 'astral']),
  str('emoji-skin-tone', '\u{1f44d}\u{1f3fd}', 'thumbs up with a skin-tone modifier', ['emoji', 'astral']),
  str('emoji-keycap', '1\ufe0f\u20e3', 'keycap 1 (digit, VS16, combining enclosing keycap)', ['emoji', 'combining']),
  str('emoji-in-text', 'hello \u{1f44b} world \u{1f30d}', 'emoji mixed with ASCII text', ['emoji', 'astral', 'whitespace']),
  str('cjk-chinese', '\u4f60\u597d\u4e16\u754c', 'Chinese "你好世界"', ['cjk']),
  str('cjk-japanese', '\u3053\u3093\u306b\u3061\u306f\u4e16\u754c', 'Japanese hiragana and kanji', ['cjk']),
  str('cjk-korean', '\uc548\ub155\ud558\uc138\uc694', 'Korean hangul', ['cjk']),
  str('cjk-ext-b', '\u{20b9f}', 'CJK extension B character U+20B9F (astral)', ['cjk', 'astral']),
  str('rtl-arabic', '\u0645\u0631\u062d\u0628\u0627', 'Arabic text', ['rtl']),
  str('rtl-hebrew', '\u05e9\u05dc\u05d5\u05dd', 'Hebrew text', ['rtl']),
  str('rtl-mixed', 'abc \u05e9\u05dc\u05d5\u05dd 123', 'mixed LTR, Hebrew and digits', ['rtl', 'whitespace']),
  str('rtl-rlm', 'a\u200fb', 'RIGHT-TO-LEFT MARK U+200F between letters', ['rtl', 'special']),
  str('astral-gclef', '\u{1d11e}', 'MUSICAL SYMBOL G CLEF U+1D11E', ['astral']),
  str('astral-max', '\u{10ffff}', 'the highest code point U+10FFFF', ['astral', 'special']),
  str('special-bom', '\ufeffabc', 'a leading BOM U+FEFF is kept and escaped', ['special']),
  str('special-zwsp', 'a\u200bb', 'zero-width space U+200B', ['special']),
  str('special-replacement', '\ufffd', 'the replacement character U+FFFD itself', ['special']),
  str('special-private-use', '\ue000', 'private use U+E000', ['special']),
  str('special-noncharacter', '\uffff', 'noncharacter U+FFFF (well-formed, hashed)', ['special']),
  str('special-line-separator', 'a\u2028b', 'LINE SEPARATOR U+2028', ['special', 'whitespace']),
];

function mixedLong(n) {
  const unit = 'The quick brown fox \u00e9\u4e16\u{1f600} jumps; ';
  let s = '';
  while (s.length < n) s += unit;
  s = s.slice(0, n);
  if (!ref.isWellFormed(s)) throw new Error('mixedLong: the cut split a surrogate pair');
  return s;
}

const long = [
  str('long-a-10000', 'a'.repeat(10000), '10 000 ASCII letters', ['long', 'ascii']),
  str('long-a-100000', 'a'.repeat(100000), '100 000 ASCII letters', ['long', 'ascii']),
  str('long-space-10000', ' '.repeat(10000), '10 000 spaces (each escaped to %20)', ['long', 'whitespace']),
  str('long-e-acute-10000', '\u00e9'.repeat(10000), '10 000 precomposed é (20 000 UTF-8 bytes)', ['long', 'unicode-nfc']),
  str('long-emoji-10000', '\u{1f600}'.repeat(10000), '10 000 emoji code points (40 000 UTF-8 bytes)', ['long', 'emoji', 'astral']),
  str('long-mixed-100000', mixedLong(100000), '100 000 UTF-16 code units of mixed ASCII, accented, CJK and emoji text', ['long', 'unicode-nfc', 'cjk', 'emoji', 'astral', 'whitespace']),
];

const U = '550e8400-e29b-41d4-a716-446655440000';
const uuid = [
  str('uuid-lower', U, 'lower-case UUID: returned unchanged', ['uuid-shaped'], { want: { output: U } }),
  str('uuid-upper', U.toUpperCase(), 'upper-case UUID: returned unchanged, case preserved', ['uuid-shaped'], { want: { output: U.toUpperCase() } }),
  str('uuid-mixed', '550E8400-e29b-41D4-a716-446655440000', 'mixed-case UUID: returned unchanged', ['uuid-shaped']),
  str('uuid-nil', '00000000-0000-0000-0000-000000000000', 'the nil UUID is a UUID', ['uuid-shaped']),
  str('uuid-max-lower', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'the max UUID, lower case', ['uuid-shaped']),
  str('uuid-max-upper', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 'the max UUID, upper case', ['uuid-shaped']),
  str('uuid-version0', 'a94a8fe5-ccb1-0ba6-9c4c-0873d391e987', 'an id produced by string_to_uuid (version 0) is passed through', ['uuid-shaped']),
  str('uuid-any-variant', '12345678-1234-f234-7234-123456789abc', 'arbitrary version and variant digits are accepted', ['uuid-shaped']),
  str('uuid-trailing-newline', `${U}\n`, 'UUID + trailing newline is hashed (no end-of-line anchoring)', ['uuid-shaped', 'whitespace', 'control-chars']),
  str('uuid-trailing-crlf', `${U}\r\n`, 'UUID + trailing CRLF is hashed', ['uuid-shaped', 'whitespace', 'control-chars']),
  str('uuid-leading-newline', `\n${U}`, 'leading newline + UUID is hashed', ['uuid-shaped', 'whitespace', 'control-chars']),
  str('uuid-leading-space', ` ${U}`, 'leading space + UUID is hashed (no trimming)', ['uuid-shaped', 'whitespace']),
  str('uuid-trailing-space', `${U} `, 'UUID + trailing space is hashed', ['uuid-shaped', 'whitespace']),
  str('uuid-trailing-tab', `${U}\t`, 'UUID + trailing tab is hashed', ['uuid-shaped', 'whitespace', 'control-chars']),
  str('uuid-no-hyphens', U.replace(/-/g, ''), '32 hex digits without hyphens is hashed', ['uuid-shaped']),
  str('uuid-missing-hyphen', '550e8400e29b-41d4-a716-446655440000', 'one hyphen missing: hashed', ['uuid-shaped']),
  str('uuid-misplaced-hyphen', '550e840-0e29b-41d4-a716-446655440000', 'a hyphen in the wrong place: hashed', ['uuid-shaped']),
  str('uuid-braces', `{${U}}`, 'braced UUID is hashed', ['uuid-shaped', 'reserved']),
  str('uuid-urn', `urn:uuid:${U}`, 'urn:uuid: prefix is hashed', ['uuid-shaped', 'reserved']),
  str('uuid-short-last-group', '550e8400-e29b-41d4-a716-44665544000', 'last group one digit short: hashed', ['uuid-shaped']),
  str('uuid-long-last-group', '550e8400-e29b-41d4-a716-4466554400000', 'last group one digit long: hashed', ['uuid-shaped']),
  str('uuid-non-hex', '550e8400-e29b-41d4-a716-44665544000g', 'a non-hex letter g: hashed', ['uuid-shaped']),
  str('uuid-fullwidth-digit', '550e8400-e29b-41d4-a716-44665544000\uff10', 'a fullwidth digit in place of 0: hashed', ['uuid-shaped', 'unicode-nfc']),
  str('uuid-underscores', U.replace(/-/g, '_'), 'underscores instead of hyphens: hashed', ['uuid-shaped']),
];

const numbers = [
  num('integer', 'int-0', '0', 'integer 0 hashes like the string "0"', ['integer']),
  num('integer', 'int-minus-0', '-0', 'integer literal -0 is zero, formatted "0"', ['integer']),
  num('integer', 'int-1', '1', 'integer 1', ['integer']),
  num('integer', 'int-123', '123', 'integer 123 equals the canonical string "123"', ['integer'], { want: { output: '40bd0015-6308-0fc3-9165-329ea1ff5c5e' } }),
  num('integer', 'int-minus-1', '-1', 'integer -1 (leading minus)', ['integer']),
  num('integer', 'int-1e6', '1000000', 'integer one million', ['integer']),
  num('integer', 'int-max-safe', '9007199254740991', 'integer 2^53-1, the largest accepted', ['integer']),
  num('integer', 'int-min-safe', '-9007199254740991', 'integer -(2^53-1), the smallest accepted', ['integer']),
  num('integer', 'int-2p53', '9007199254740992', 'integer 2^53 is out of range', ['integer', 'unsafe-integer', 'ts-number-coercion']),
  num('integer', 'int-minus-2p53', '-9007199254740992', 'integer -2^53 is out of range', ['integer', 'unsafe-integer', 'ts-number-coercion']),
  num('integer', 'int-2p53-plus-1', '9007199254740993', 'integer 2^53+1 is out of range (a double rounds it to 2^53)', ['integer', 'unsafe-integer', 'ts-number-coercion']),
  num('integer', 'int-123456789012345678', '123456789012345678', 'an 18-digit integer is out of range (a double rounds it)', ['integer', 'unsafe-integer', 'ts-number-coercion']),
  num('integer', 'int-2p63', '9223372036854775808', 'integer 2^63 is out of range', ['integer', 'unsafe-integer', 'ts-number-coercion']),
  num('integer', 'int-2p64', '18446744073709551616', 'integer 2^64 is out of range', ['integer', 'unsafe-integer', 'ts-number-coercion']),
  num('integer', 'int-1e21', '1000000000000000000000', 'integer 10^21 is out of range (a JS number would print it as 1e+21)', ['integer', 'unsafe-integer', 'ts-number-coercion']),
  num('float', 'float-1.5', '1.5', 'float 1.5 is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-minus-1.5', '-1.5', 'float -1.5 is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-1.0', '1.0', 'an integral float 1.0 is still a float and is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-0.1-plus-0.2', '0.30000000000000004', 'float 0.30000000000000004 is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-1e21', '1e+21', 'float 1e+21 is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-1e-7', '1e-7', 'float 1e-7 is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-nan', 'NaN', 'NaN is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-infinity', 'Infinity', 'Infinity is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-minus-infinity', '-Infinity', '-Infinity is rejected', ['float', 'ts-number-coercion']),
  num('float', 'float-minus-0', '-0', 'float -0 is rejected', ['float', 'ts-number-coercion']),
  num('boolean', 'bool-true', true, 'boolean true is rejected', ['boolean']),
  num('boolean', 'bool-false', false, 'boolean false is rejected', ['boolean']),
  { id: 's2u-null', description: 'null is rejected', input: { kind: 'null' }, flags: ['null'] },
];

const illFormed = [
  hexIn('bytes', 'bytes-ff', 'ff', 'byte 0xFF never occurs in UTF-8', ['bytes', 'invalid-utf8']),
  hexIn('bytes', 'bytes-c3-28', 'c328', 'lead byte C3 followed by a non-continuation byte', ['bytes', 'invalid-utf8']),
  hexIn('bytes', 'bytes-overlong-slash', 'c0af', 'overlong two-byte encoding of "/" (C0 AF)', ['bytes', 'invalid-utf8']),
  hexIn('bytes', 'bytes-overlong-nul', 'c080', 'overlong two-byte encoding of NUL (C0 80)', ['bytes', 'invalid-utf8']),
  hexIn('bytes', 'bytes-surrogate-d800', 'eda080', 'UTF-8 encoding of the surrogate U+D800 (ED A0 80)', ['bytes', 'invalid-utf8']),
  hexIn('bytes', 'bytes-above-max', 'f4908080', 'four-byte sequence above U+10FFFF (F4 90 80 80)', ['bytes', 'invalid-utf8']),
  hexIn('bytes', 'bytes-lone-continuation', '80', 'a lone continuation byte', ['bytes', 'invalid-utf8']),
  hexIn('bytes', 'bytes-truncated', '61e282', 'a truncated three-byte sequence at the end', ['bytes', 'invalid-utf8']),
  hexIn('bytes', 'bytes-valid-test', '74657374', 'valid UTF-8 bytes of "test" hash like the string', ['bytes', 'ascii'], { want: { output: 'a94a8fe5-ccb1-0ba6-9c4c-0873d391e987' } }),
  hexIn('bytes', 'bytes-valid-e-acute', 'c3a9', 'valid UTF-8 bytes of é', ['bytes', 'unicode-nfc']),
  hexIn('bytes', 'bytes-valid-emoji', 'f09f9880', 'valid UTF-8 bytes of U+1F600', ['bytes', 'emoji', 'astral']),
  hexIn('bytes', 'bytes-valid-bom', 'efbbbf61', 'valid UTF-8 BOM then "a": the BOM is part of the text', ['bytes', 'special']),
  hexIn('bytes', 'bytes-empty', '', 'no bytes at all: the empty string', ['bytes', 'empty'], { want: { output: 'da39a3ee-5e6b-0b0d-b255-bfef95601890' } }),
  hexIn('utf16', 'utf16-lone-high', 'd800', 'a lone high surrogate D800', ['utf16', 'lone-surrogate']),
  hexIn('utf16', 'utf16-lone-low', 'dc00', 'a lone low surrogate DC00', ['utf16', 'lone-surrogate']),
  hexIn('utf16', 'utf16-reversed-pair', 'dc00d800', 'a reversed surrogate pair (low then high)', ['utf16', 'lone-surrogate']),
  hexIn('utf16', 'utf16-text-then-high', '0061d800', '"a" then a lone high surrogate at the end', ['utf16', 'lone-surrogate']),
  hexIn('utf16', 'utf16-high-then-text', 'd8000061', 'a lone high surrogate followed by "a"', ['utf16', 'lone-surrogate']),
  hexIn('utf16', 'utf16-valid-pair', 'd83dde00', 'a valid surrogate pair (U+1F600)', ['utf16', 'emoji', 'astral']),
  hexIn('utf16', 'utf16-valid-max', 'dbffdfff', 'a valid surrogate pair for U+10FFFF', ['utf16', 'astral', 'special']),
  hexIn('utf16', 'utf16-valid-ascii', '0074006500730074', 'UTF-16 of "test"', ['utf16', 'ascii'], { want: { output: 'a94a8fe5-ccb1-0ba6-9c4c-0873d391e987' } }),
];

export const stringToUuid = {
  name: 'ids.string_to_uuid',
  spec: ref.s2uSpec,
  observe: (input) => up.observeStringToUuid(input),
  agrees: idsAgree,
  files: [
    { name: 'canonical', description: 'string_to_uuid: the five canonical vectors shared by the upstream TS, Python and Rust tests.', cases: canonical },
    { name: 'text', description: 'string_to_uuid over text: ASCII, the unreserved and reserved sets, whitespace, control characters, Unicode normalisation forms, combining marks, emoji, CJK, right-to-left and astral text.', cases: text },
    { name: 'long', description: 'string_to_uuid over long inputs (10 000 to 100 000 characters).', cases: long },
    { name: 'uuid-shaped', description: 'string_to_uuid passthrough: exact UUIDs come back unchanged (case preserved); anything else UUID-like is hashed.', cases: uuid },
    { name: 'non-string', description: 'string_to_uuid over non-string inputs: exactly representable integers are hashed as base-10 text; unsafe integers, floats, booleans and null are rejected.', cases: numbers },
    { name: 'ill-formed', description: 'string_to_uuid over raw bytes and UTF-16 code units: well-formed input hashes like the string, ill-formed input is rejected with invalid_utf8.', cases: illFormed },
    {
      name: 'fuzz-found',
      description: 'Cases found by differential fuzzing (interop parity fuzz, issue 14): inputs an upstream implementation maps differently from the spec. Each case is minimized and built by this generator; see the fuzz-found flag.',
      cases: [
        hexIn('bytes', 'fuzz-uuid-trailing-newline-bytes', Buffer.from('550e8400-e29b-41d4-a716-446655440000\n').toString('hex'), 'a UUID and a newline given as bytes: not a UUID, hashed', ['fuzz-found', 'bytes', 'uuid-shaped', 'whitespace']),
        hexIn('bytes', 'fuzz-uuid-upper-bytes', Buffer.from('550E8400-E29B-41D4-A716-446655440000').toString('hex'), 'an upper-case UUID given as bytes: returned unchanged, case preserved', ['fuzz-found', 'bytes', 'uuid-shaped']),
      ],
    },
  ],
};

// ------------------------------------------------------------ create_unique_uuid

const AGENT = ref.stringToUuid('agent-alpha').output; // b8265c19-4c0c-00e1-90b5-c580a1ac9d45
const AGENT2 = '550e8400-e29b-41d4-a716-446655440000';
const cuu = (id, agentId, base, description, flags, extra = {}) => ({ id: `cuu-${id}`, description, input: { agentId, base }, flags, ...extra });

const cuuCases = [
  cuu('basic', AGENT, 'user-123', 'agent stringToUuid("agent-alpha"), base "user-123" (documented upstream example)', ['ascii'], { want: { output: '4c5decb4-22cf-03e1-abc5-afee86c4fc6b' } }),
  cuu('base-empty', AGENT, '', 'empty base: hashes ":" + agentId', ['empty']),
  cuu('base-equals-agent', AGENT, AGENT, 'base equal to the agent id returns the agent id', ['base-equals-agent', 'uuid-shaped'], { want: { output: AGENT } }),
  cuu('base-equals-agent-upper', AGENT.toUpperCase(), AGENT.toUpperCase(), 'upper-case agent id and equal base: the agent id is returned as given', ['base-equals-agent', 'agent-id-case', 'uuid-shaped'], { want: { output: AGENT.toUpperCase() } }),
  cuu('base-lower-of-upper-agent', AGENT.toUpperCase(), AGENT, 'base is the lower-case spelling of an upper-case agent id: not equal, so hashed', ['base-equals-agent', 'agent-id-case', 'uuid-shaped']),
  cuu('base-upper-of-lower-agent', AGENT, AGENT.toUpperCase(), 'base is the upper-case spelling of a lower-case agent id: not equal, so hashed', ['base-equals-agent', 'uuid-shaped']),
  cuu('base-agent-trailing-space', AGENT, `${AGENT} `, 'base is the agent id plus a space: not equal, so hashed', ['base-equals-agent', 'whitespace', 'uuid-shaped']),
  cuu('base-other-uuid', AGENT, AGENT2, 'base is a different UUID: hashed', ['uuid-shaped']),
  cuu('agent-mixed-case', '550E8400-e29b-41D4-a716-446655440000', 'user-123', 'mixed-case agent id is accepted and used as given', ['agent-id-case', 'uuid-shaped']),
  cuu('agent-upper', AGENT2.toUpperCase(), 'user-123', 'upper-case agent id is accepted and used as given (differs from lower-case)', ['agent-id-case', 'uuid-shaped']),
  cuu('agent-lower-same', AGENT2, 'user-123', 'lower-case spelling of the previous agent id gives a different id', ['uuid-shaped']),
  cuu('agent-nil', '00000000-0000-0000-0000-000000000000', 'user-123', 'the nil UUID as agent id', ['uuid-shaped']),
  cuu('agent-max', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'user-123', 'the max UUID as agent id', ['uuid-shaped']),
  cuu('base-with-colon', AGENT, 'discord:1234567890', 'a base that itself contains a colon', ['ascii', 'reserved']),
  cuu('base-server-id', AGENT, '1098765432109876543', 'a numeric server id as base (world ids)', ['ascii']),
  cuu('base-unicode-nfc', AGENT, 'Caf\u00e9', 'NFC base', ['unicode-nfc']),
  cuu('base-unicode-nfd', AGENT, 'Cafe\u0301', 'NFD base differs from NFC', ['unicode-nfd', 'combining']),
  cuu('base-emoji', AGENT, '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', 'ZWJ emoji base', ['emoji', 'astral']),
  cuu('base-cjk', AGENT, '\u7528\u6237', 'CJK base', ['cjk']),
  cuu('base-whitespace', AGENT, ' user 123 \n', 'base with spaces and a newline, not trimmed', ['whitespace', 'control-chars']),
  cuu('base-long', AGENT, 'u'.repeat(10000), '10 000-character base', ['long']),
  cuu('agent-invalid-name', 'agent-alpha', 'user-123', 'agent id that is a name, not a UUID', ['agent-id-invalid', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-empty', '', 'user-123', 'empty agent id', ['agent-id-invalid', 'empty', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-empty-base-empty', '', '', 'empty agent id and empty base (equal strings)', ['agent-id-invalid', 'empty', 'base-equals-agent', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-equal-base', 'not-a-uuid', 'not-a-uuid', 'non-UUID agent id equal to base', ['agent-id-invalid', 'base-equals-agent', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-trailing-newline', `${AGENT}\n`, 'user-123', 'agent id with a trailing newline is not a UUID', ['agent-id-invalid', 'uuid-shaped', 'whitespace', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-braces', `{${AGENT}}`, 'user-123', 'braced agent id is not a UUID', ['agent-id-invalid', 'uuid-shaped', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-urn', `urn:uuid:${AGENT}`, 'user-123', 'urn:uuid: agent id is not a UUID', ['agent-id-invalid', 'uuid-shaped', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-no-hyphens', AGENT.replace(/-/g, ''), 'user-123', 'agent id without hyphens is not a UUID', ['agent-id-invalid', 'uuid-shaped', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-non-hex', 'g8265c19-4c0c-00e1-90b5-c580a1ac9d45', 'user-123', 'agent id with a non-hex letter', ['agent-id-invalid', 'uuid-shaped', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-short', 'b8265c19-4c0c-00e1-90b5-c580a1ac9d4', 'user-123', 'agent id one digit short', ['agent-id-invalid', 'uuid-shaped', 'ts-unvalidated-agent-id']),
  cuu('agent-invalid-leading-space', ` ${AGENT}`, 'user-123', 'agent id with a leading space', ['agent-id-invalid', 'uuid-shaped', 'whitespace', 'ts-unvalidated-agent-id']),
];

export const createUniqueUuid = {
  name: 'ids.create_unique_uuid',
  spec: ref.createUniqueUuidSpec,
  observe: (input) => up.observeCreateUniqueUuid(input),
  agrees: idsAgree,
  files: [
    { name: 'create_unique_uuid', description: 'create_unique_uuid: agent-scoped ids, the base == agentId shortcut (exact, case-sensitive) and agent id validation.', cases: cuuCases },
  ],
};

export const suites = [stringToUuid, createUniqueUuid];
