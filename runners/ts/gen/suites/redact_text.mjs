// redact.text and redact.secrets (spec/redact-text.md).
//
// Upstream observation: core.redactSensitiveText(text) with default options
// and core.redactSecrets(text, secrets). Spec reference: gen/textredact/ref.mjs.
// Expected values always come from the reference; a few cases carry a `want`
// cross-check.
import { isDeepStrictEqual } from 'node:util';
import * as core from '@elizaos/core';
import * as ref from '../textredact/ref.mjs';
import * as up from '../upstream.mjs';

const has = (o, k) => o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k);

// The reference's patterns are the spec's; confirm once that they are
// upstream's default patterns, in upstream's order.
if (!isDeepStrictEqual(core.getDefaultRedactPatterns(), ref.PATTERNS)) {
  throw new Error('redact.text: the default patterns of @elizaos/core differ from spec/redact-text.md');
}

// ---------------------------------------------------------------- inputs

// Deterministic token material (never random, never a real credential).
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const tok = (n, from = 0) => Array.from({ length: n }, (_, i) => ALNUM[(from + i * 7) % ALNUM.length]).join('');
const hexOf = (s) => Buffer.from(s, 'utf8').toString('hex');
const PEM_BODY = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu', 'NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ'];
const pemBlock = (label, eol = '\n', body = PEM_BODY) =>
  [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join(eol);

function promptLike() {
  // About 4 KiB of prompt-template text with a few secrets in it.
  const para = 'You are a helpful assistant for {{agentName}}. Answer the user\'s question using the context below. ' +
    'Keep answers short, cite the source document, and never reveal configuration values.\n';
  const parts = [];
  for (let i = 0; parts.join('').length < 3800; i++) {
    parts.push(`# Section ${i}\n`, para);
    if (i === 3) parts.push(`OPENAI_API_KEY=sk-proj-${tok(40, 3)}\n`);
    if (i === 7) parts.push(`{"apiKey": "${tok(32, 11)}", "model": "gpt-4o"}\n`);
    if (i === 11) parts.push(`curl -H "Authorization: Bearer ${tok(48, 5)}" https://api.example.com/v1\n`);
    if (i === 15) parts.push(`${pemBlock('RSA PRIVATE KEY')}\n`);
    if (i === 19) parts.push(`telegram bot 123456789:${tok(35, 9)} ready\n`);
  }
  return parts.join('');
}

const T = (id, text, description, flags, extra = {}) => ({ id: `rtext-${id}`, description, input: { text }, flags, ...extra });
const H = (id, hex, description, flags, extra = {}) => ({ id: `rtext-${id}`, description, input: { hex }, flags: ['hex-input', ...flags], ...extra });
const S = (id, text, secrets, description, flags, extra = {}) => ({ id: `rsecrets-${id}`, description, input: { text, secrets }, flags, ...extra });

const LONG = tok(32, 1); // a 32-character token
const textCases = [
  T('empty', '', 'the empty string is returned unchanged', ['empty'], { want: { output: '' } }),
  T('plain', 'The quick brown fox jumps over the lazy dog.', 'text with nothing to redact is returned unchanged', ['no-match']),

  // ---- pattern 1: environment-style assignments
  T('env-openai', `OPENAI_API_KEY=sk-proj-${LONG}`, 'ENV assignment: the name stays, a long value keeps its first 6 and last 4 characters', ['pattern-env'],
    { want: { output: `OPENAI_API_KEY=sk-pro\u2026${LONG.slice(-4)}` } }),
  T('env-short', 'DB_PASSWORD=hunter2', 'a value shorter than 18 characters becomes ***', ['pattern-env', 'short-token'], { want: { output: 'DB_PASSWORD=***' } }),
  T('env-lower-single-quoted', "openai_api_key: 'short'", 'lower-case name (case-insensitive), colon separator, single-quoted short value: quotes stay', ['pattern-env', 'short-token', 'quote-pairing'],
    { want: { output: "openai_api_key: '***'" } }),
  T('env-double-quoted', `export GITHUB_TOKEN="${LONG}"`, 'double-quoted long value: the quotes stay, the value is masked', ['pattern-env', 'quote-pairing']),
  T('env-mismatched-quotes', `API_TOKEN="${LONG}'`, 'an opening " closed by \' is not an assignment (the backreference \\1 must match the same quote)', ['pattern-env', 'quote-pairing', 'no-match']),
  T('env-unclosed-quote', `SECRET="${LONG}`, 'an opening quote that is never closed: no match', ['pattern-env', 'quote-pairing', 'no-match']),
  T('env-backslash-in-quotes', `SECRET='abc\\${LONG}'`, 'a backslash ends a pattern-1 value, so the closing quote is not reached: no match', ['pattern-env', 'quote-pairing', 'no-match']),
  T('env-bare-then-quote', `TOKEN=${LONG}"rest`, 'an unquoted value ends at a quote, which stays', ['pattern-env', 'quote-pairing']),
  T('env-bare-short-then-quote', "KEY=abc'", "an unquoted short value followed by a stray quote: KEY=***'", ['pattern-env', 'quote-pairing', 'short-token']),
  T('env-spaces', `MY_SECRET  :   ${LONG}  trailing`, 'white space around the separator is kept', ['pattern-env', 'whitespace']),
  T('env-yaml', `anthropic:\n  api_key: ${LONG}\n  model: claude\n`, 'YAML-style key: value inside a document', ['pattern-env', 'multiline']),
  T('env-dotenv', `# .env\nPORT=3000\nDATABASE_PASSWORD=${LONG}\nSESSION_SECRET=${tok(12, 4)}\nDEBUG=true\n`, 'several assignments in a .env file; only the credential names match', ['pattern-env', 'multiline', 'short-token']),
  T('env-monkey', 'MONKEY=banana', 'a name merely ending in KEY matches too (upstream behaviour, kept)', ['pattern-env', 'short-token']),
  T('env-keyboard', 'KEYBOARD=qwerty-layout-value-long', 'KEY must end the name: KEYBOARD is not a credential name', ['pattern-env', 'no-match']),
  T('env-hyphenated', 'x-api-key=abcdef', 'a hyphen is a word boundary: "key" after it is a name', ['pattern-env', 'word-boundary', 'short-token']),
  T('env-value-with-equals', `TOKEN=${tok(20, 2)}==`, 'an = inside the value belongs to the value', ['pattern-env']),
  T('env-json-key-not-env', `{"api_key": "${LONG}"}`, 'a quoted JSON key that is not in the JSON list: the closing quote after the name stops pattern 1', ['pattern-env', 'pattern-json', 'no-match']),
  T('env-exactly-18', `API_KEY=${tok(18, 6)}`, 'an 18-character value is the shortest that is partly shown', ['pattern-env']),
  T('env-17', `API_KEY=${tok(17, 6)}`, 'a 17-character value becomes ***', ['pattern-env', 'short-token']),

  // ---- pattern 2: JSON fields
  T('json-apikey', `{"apiKey": "${LONG}", "model": "gpt-4o"}`, 'JSON apiKey field: the value is masked, the rest of the object stays', ['pattern-json', 'json']),
  T('json-access-token-short', '{"accessToken":"abc123"}', 'JSON accessToken field with a short value', ['pattern-json', 'json', 'short-token']),
  T('json-case', `{"REFRESHTOKEN" : "${LONG}"}`, 'field names are case-insensitive; white space around the colon', ['pattern-json', 'json']),
  T('json-empty-value', '{"token": ""}', 'an empty JSON value does not match', ['pattern-json', 'json', 'no-match']),
  T('json-escaped-quote', `{"password": "ab\\"${LONG}"}`, 'a JSON value ends at the first quote, even an escaped one (upstream behaviour, kept): only ab\\ is masked', ['pattern-json', 'json', 'short-token']),
  T('json-multiline-value', `{"secret": "line one\n${LONG}\nline three"}`, 'a JSON value may span lines', ['pattern-json', 'multiline']),
  T('json-pem-value', `{"password": "${pemBlock('RSA PRIVATE KEY')}"}`, 'a JSON value holding a private key: the whole match is redacted as a key block', ['pattern-json', 'pattern-pem', 'multiline']),
  T('json-pem-one-line', '{"token": "-----BEGIN PRIVATE KEY-----"}', 'a single-line match containing "PRIVATE KEY-----" becomes *** entirely, field name included', ['pattern-json', 'pattern-pem', 'short-token'], { want: { output: '{***}' } }),
  T('json-pretty', `{\n  "user": "alice",\n  "secret": "${LONG}",\n  "passwd": "${tok(8, 2)}"\n}`, 'pretty-printed JSON with two credential fields', ['pattern-json', 'json', 'multiline', 'short-token']),

  // ---- pattern 3: command-line flags
  T('flag-api-key', `run --api-key ${LONG} --verbose`, '--api-key VALUE', ['pattern-flag']),
  T('flag-variants', `--api_key 'abc' --apikey "${LONG}" --PASSWD x`, '--api_key, --apikey, upper-case --PASSWD; quoted values keep their quotes', ['pattern-flag', 'quote-pairing', 'short-token']),
  T('flag-mismatched-quotes', `--token "${LONG}'`, 'mismatched quotes after a flag: no match', ['pattern-flag', 'quote-pairing', 'no-match']),
  T('flag-backslash', `--secret "abc\\${tok(20, 3)}"`, 'a backslash is allowed in a flag value (unlike pattern 1)', ['pattern-flag', 'quote-pairing']),
  T('flag-equals', `--password=${LONG}`, '--flag=value is not a pattern-3 match (it needs white space), but pattern 1 reads password=value as an assignment', ['pattern-flag', 'pattern-env']),
  T('flag-triple-dash', `---token ${LONG}`, 'three dashes: the match starts at the second', ['pattern-flag']),

  // ---- pattern 4 and 5: Authorization and Bearer
  T('auth-header', `Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.${tok(30, 8)}.sig`, 'Authorization header with a JWT', ['pattern-auth']),
  T('auth-short', 'authorization=bearer abc', 'lower case, = separator, short credential', ['pattern-auth', 'short-token'], { want: { output: 'authorization=bearer ***' } }),
  T('auth-basic', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Basic credentials are not matched (near miss)', ['pattern-auth', 'no-match']),
  T('bearer-long', `curl -H "Bearer ${LONG}" https://x.test`, 'Bearer with an 18+ character credential', ['pattern-bearer']),
  T('bearer-short', 'Bearer abcdefghijklmnopq', 'Bearer with a 17-character credential is not matched', ['pattern-bearer', 'no-match']),
  T('bearer-trailing-equals', `Bearer ${tok(24, 4)}== end`, 'the final \\b backtracks before trailing = signs, which stay', ['pattern-bearer', 'word-boundary']),
  T('bearer-no-boundary', `xBearer ${LONG}`, 'no word boundary before Bearer: no match', ['pattern-bearer', 'word-boundary', 'no-match']),

  // ---- pattern 6: private keys
  T('pem-rsa', `deploy with:\n${pemBlock('RSA PRIVATE KEY')}\nend`, 'RSA private key block: first and last lines around …redacted…', ['pattern-pem', 'multiline']),
  T('pem-after-key-label', `key:\n${pemBlock('RSA PRIVATE KEY')}`, 'a "key:" label before the block: pattern 1 masks "-----BEGIN" as its value first, so pattern 6 no longer matches and the body stays (upstream behaviour, kept; spec/redact-text.md, known weaknesses)', ['pattern-pem', 'pattern-env', 'pattern-chain', 'multiline', 'short-token']),
  T('pem-crlf', pemBlock('PRIVATE KEY', '\r\n'), 'CRLF line endings', ['pattern-pem', 'multiline']),
  T('pem-lone-cr', pemBlock('EC PRIVATE KEY', '\r'), 'lone CR does not end a line: one line, so ***', ['pattern-pem', 'multiline', 'short-token']),
  T('pem-blank-lines', pemBlock('OPENSSH PRIVATE KEY', '\n', ['', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ', '', '']), 'empty lines are not counted', ['pattern-pem', 'multiline']),
  T('pem-one-line', '-----BEGIN PRIVATE KEY-----MIIBVQ-----END PRIVATE KEY-----', 'a key block on one line becomes ***', ['pattern-pem', 'short-token']),
  T('pem-lower-case', pemBlock('rsa private key').toLowerCase(), 'a lower-case block matches (flag i) but lacks "PRIVATE KEY-----", so it is masked as one token', ['pattern-pem', 'js-ascii-fold', 'multiline']),
  T('pem-two-blocks', `${pemBlock('PRIVATE KEY')}\nbetween\n${pemBlock('ENCRYPTED PRIVATE KEY')}`, 'two blocks: the lazy match stops at the first END', ['pattern-pem', 'multiline']),
  T('pem-no-end', `-----BEGIN PRIVATE KEY-----\n${PEM_BODY[0]}\n`, 'a block without END line is not matched', ['pattern-pem', 'no-match', 'multiline']),
  T('pem-digits-label', `${pemBlock('RSA2048 PRIVATE KEY')}`, 'the label allows only letters and spaces: no match', ['pattern-pem', 'no-match', 'multiline']),
  T('pem-public', pemBlock('PUBLIC KEY'), 'a public key is not redacted', ['pattern-pem', 'no-match', 'multiline']),

  // ---- patterns 7 to 16: token prefixes
  T('sk-short', 'key sk-abcdefgh here', 'sk- with 8 characters: matched but shorter than 18, so ***', ['pattern-prefix', 'short-token'], { want: { output: 'key *** here' } }),
  T('sk-too-short', 'sk-abcdefg', 'sk- with 7 characters is not matched', ['pattern-prefix', 'no-match']),
  T('sk-upper', `SK-${LONG}`, 'prefixes are case-insensitive', ['pattern-prefix', 'js-ascii-fold']),
  T('sk-trailing-dash', 'sk-abcdefgh- x', 'the final \\b backtracks before a trailing dash', ['pattern-prefix', 'word-boundary', 'short-token']),
  T('sk-inside-word', `xsk-${LONG}`, 'no word boundary before sk-: no match', ['pattern-prefix', 'word-boundary', 'no-match']),
  T('sk-after-accent', `ésk-${LONG}`, 'é is not a word character in JavaScript without the u flag: \\b holds', ['pattern-prefix', 'word-boundary', 'unicode-nfc']),
  T('ghp', `token ghp_${tok(36, 2)}`, 'GitHub classic token', ['pattern-prefix']),
  T('ghp-19', `ghp_${tok(19, 2)}`, 'ghp_ with 19 characters is not matched', ['pattern-prefix', 'no-match']),
  T('github-pat', `github_pat_${tok(22, 5)}_${tok(59, 1)}`, 'GitHub fine-grained token', ['pattern-prefix']),
  T('slack', `xoxb-${tok(12, 1)}-${tok(13, 2)}-${tok(24, 3)} and xoxp-${tok(10, 4)}`, 'Slack tokens', ['pattern-prefix']),
  T('slack-bad-letter', `xoxz-${tok(20, 1)}`, 'xoxz- is not a Slack prefix', ['pattern-prefix', 'no-match']),
  T('slack-app', `xapp-1-${tok(30, 6)}`, 'Slack app token', ['pattern-prefix']),
  T('groq', `gsk_${tok(52, 7)}`, 'Groq key', ['pattern-prefix']),
  T('google', `AIza${tok(35, 8)}`, 'Google API key', ['pattern-prefix']),
  T('perplexity', `pplx-${tok(48, 9)}`, 'Perplexity key', ['pattern-prefix']),
  T('npm', `//registry.npmjs.org/:_authToken=npm_${tok(36, 10)}`, 'npm token (also an assignment: _authToken ends in TOKEN)', ['pattern-prefix', 'pattern-env', 'pattern-chain']),
  T('telegram', `bot 123456789:${tok(35, 11)} ok`, 'Telegram bot token (digits, colon, 20+ characters)', ['pattern-numeric']),
  T('telegram-5-digits', `12345:${tok(35, 11)}`, 'five digits before the colon: not matched', ['pattern-numeric', 'no-match']),

  // ---- several patterns on one text
  T('chain-env-then-prefix', `GITHUB_TOKEN=ghp_${tok(36, 2)}`, 'pattern 1 masks the value first; pattern 8 no longer sees a token', ['pattern-env', 'pattern-prefix', 'pattern-chain']),
  T('chain-auth-then-bearer', `Authorization: Bearer ${LONG}`, 'pattern 4 masks the credential; pattern 5 then finds nothing', ['pattern-auth', 'pattern-bearer', 'pattern-chain']),
  T('chain-json-bearer', `{"token": "Bearer ${LONG}"}`, 'pattern 2 masks the whole value "Bearer …"', ['pattern-json', 'pattern-bearer', 'pattern-chain']),
  T('chain-flag-sk', `--token sk-${LONG}`, 'pattern 3 masks an sk- key before pattern 7 runs', ['pattern-flag', 'pattern-prefix', 'pattern-chain']),
  T('second-pass', `API_KEY=${LONG.slice(0, 6)}\u2026${LONG.slice(-4)}`, 'an already masked value is masked again to *** (Text is not idempotent)', ['pattern-env', 'second-pass', 'short-token']),

  // ---- JavaScript \s: wider than Go's
  ...[
    ['nbsp', '\u00a0', 'U+00A0 NO-BREAK SPACE'], ['bom', '\ufeff', 'U+FEFF BYTE ORDER MARK'], ['ogham', '\u1680', 'U+1680 OGHAM SPACE MARK'],
    ['en-quad', '\u2000', 'U+2000 EN QUAD'], ['hair', '\u200a', 'U+200A HAIR SPACE'], ['line-sep', '\u2028', 'U+2028 LINE SEPARATOR'],
    ['para-sep', '\u2029', 'U+2029 PARAGRAPH SEPARATOR'], ['nnbsp', '\u202f', 'U+202F NARROW NO-BREAK SPACE'], ['mmsp', '\u205f', 'U+205F MEDIUM MATHEMATICAL SPACE'],
    ['ideographic', '\u3000', 'U+3000 IDEOGRAPHIC SPACE'], ['vt', '\u000b', 'U+000B VERTICAL TAB (not in Go\'s \\s)'], ['ff', '\u000c', 'U+000C FORM FEED'],
  ].map(([name, ch, label]) => T(`jsspace-${name}`, `API_KEY=${ch}${LONG}${ch}and more`, `${label} is JavaScript white space: skipped after =, and it ends the value`, ['pattern-env', 'js-space-class', 'whitespace'])),
  T('jsspace-flag-ideographic', `--token\u3000${LONG}`, 'U+3000 separates a flag from its value', ['pattern-flag', 'js-space-class', 'cjk']),
  T('jsspace-bearer-nbsp', `Bearer\u00a0${LONG}`, 'U+00A0 separates Bearer from the credential', ['pattern-bearer', 'js-space-class']),
  ...[
    ['nel', '\u0085', 'U+0085 NEXT LINE'], ['mvs', '\u180e', 'U+180E MONGOLIAN VOWEL SEPARATOR'], ['zwsp', '\u200b', 'U+200B ZERO WIDTH SPACE'],
  ].map(([name, ch, label]) => T(`jsspace-not-${name}`, `API_KEY=${ch}${LONG}`, `${label} is not JavaScript white space: it is part of the value`, ['pattern-env', 'js-space-class'])),

  // ---- JavaScript case folding: ASCII only
  T('fold-long-s', `\u017fk-${LONG}`, 'ſ (U+017F) does not fold to s without the u flag: no match', ['pattern-prefix', 'js-ascii-fold', 'no-match']),
  T('fold-kelvin', `API_\u212aEY=${LONG}`, 'the Kelvin sign (U+212A) does not fold to K: no match', ['pattern-env', 'js-ascii-fold', 'no-match']),
  T('fold-long-s-password', 'DB_PAſſWORD=hunter2', 'ſ inside PASSWORD: no match', ['pattern-env', 'js-ascii-fold', 'no-match']),
  T('fold-dotless-i', `A\u0131za${tok(35, 8)}`, 'dotless ı (U+0131) is not i: no match', ['pattern-prefix', 'js-ascii-fold', 'no-match']),

  // ---- unicode tokens and the UTF-16 masking rule
  T('unicode-value', `SECRET=${'pässwörd-ñ-'.repeat(3)}`, 'a non-ASCII value is masked by UTF-16 code units', ['pattern-env', 'unicode-nfc']),
  T('unicode-nfd', `SECRET=${'pa\u0308sswo\u0308rd-'.repeat(3)}`, 'combining marks count as their own code units', ['pattern-env', 'unicode-nfd']),
  T('emoji-whole', `KEY=${'\u{1f600}'.repeat(10)}`, 'ten emoji are 20 code units: the cuts fall between pairs', ['pattern-env', 'emoji', 'astral']),
  T('emoji-short', `KEY=${'\u{1f600}'.repeat(8)}`, 'eight emoji are 16 code units: ***', ['pattern-env', 'emoji', 'astral', 'short-token']),
  T('surrogate-cut-head', `KEY=abcde\u{1f600}${tok(14, 3)}`, 'the 6-unit cut splits an emoji: its kept half is written as U+FFFD', ['pattern-env', 'emoji', 'astral', 'surrogate-cut', 'ts-lone-surrogate']),
  T('surrogate-cut-tail', `KEY=${tok(16, 3)}\u{1f511}xyz`, 'the 4-unit cut splits an emoji: its kept half is written as U+FFFD', ['pattern-env', 'emoji', 'astral', 'surrogate-cut', 'ts-lone-surrogate']),
  T('cjk-around', `配置如下：API_KEY=${LONG}，请勿泄露。`, 'CJK text around an assignment; the fullwidth comma is not white space and joins the value', ['pattern-env', 'cjk']),

  // ---- replacement patterns: the mask is inserted literally
  T('dollar-amp-leak', `OPENAI_API_KEY=$&${tok(30, 12)}`, 'a value starting with $&: upstream expands it to the whole value and leaks it; the spec inserts the mask literally', ['pattern-env', 'dollar-sequence', 'ts-replacement-pattern-leak']),
  T('dollar-amp-tail-leak', `{"password": "${tok(24, 13)}$&"}`, 'a value ending in $&: same leak from the kept last 4 characters', ['pattern-json', 'dollar-sequence', 'ts-replacement-pattern-leak']),
  T('dollar-dollar', `SECRET_KEY=$$${tok(24, 14)}`, '$$ in the kept part: upstream writes a single $', ['pattern-env', 'dollar-sequence', 'ts-replacement-pattern']),
  T('dollar-backtick', `SECRET_KEY=$\`${tok(24, 15)}`, '$` in the kept part: upstream inserts the text of the match before the token', ['pattern-env', 'dollar-sequence', 'ts-replacement-pattern']),
  T('dollar-quote', `{"token": "${tok(24, 16)}$'"}`, '$\' in the kept part: upstream inserts the text of the match after the token', ['pattern-json', 'dollar-sequence', 'ts-replacement-pattern']),
  T('dollar-one', `SECRET_KEY=$1${tok(24, 17)}`, '$1 stays literal in upstream too (a string search has no groups): no difference', ['pattern-env', 'dollar-sequence']),
  T('dollar-middle', `SECRET_KEY=${tok(10, 18)}$&${tok(12, 19)}`, '$& in the hidden middle of the token: no difference', ['pattern-env', 'dollar-sequence']),
  T('dollar-short', 'KEY=$&', 'a short token becomes *** whatever it holds: no difference', ['pattern-env', 'dollar-sequence', 'short-token']),

  // ---- the token also occurs earlier in the match
  T('token-in-name', `${'A'.repeat(20)}_KEY=${'A'.repeat(20)}`, 'the value also occurs in the name: upstream masks that first occurrence and leaves the value; the spec masks the value', ['pattern-env', 'ts-token-first-occurrence']),
  T('token-is-name', 'KEY=KEY', 'short value equal to the name: upstream writes ***=KEY', ['pattern-env', 'short-token', 'ts-token-first-occurrence']),
  T('token-in-json-name', '{"secret": "secret"}', 'JSON value equal to the field name', ['pattern-json', 'short-token', 'ts-token-first-occurrence']),

  // ---- raw bytes
  H('hex-invalid-in-value', hexOf('API_KEY=abc') + 'ff' + hexOf(`${tok(20, 2)} end`), 'an invalid byte inside a value becomes U+FFFD and counts as one unit', ['pattern-env', 'invalid-utf8']),
  H('hex-truncated', hexOf('note ') + 'e282' + hexOf(' KEY=short'), 'a truncated 3-byte sequence is one U+FFFD', ['pattern-env', 'invalid-utf8', 'short-token']),
  H('hex-surrogate', hexOf('KEY=') + 'eda080' + hexOf(tok(20, 4)), 'an encoded surrogate (ED A0 80) is three U+FFFD', ['pattern-env', 'invalid-utf8']),
  H('hex-overlong', 'c0af' + hexOf(` TOKEN=${LONG}`), 'an overlong form (C0 AF) is two U+FFFD', ['pattern-env', 'invalid-utf8']),
  H('hex-above-max', 'f4908080', 'F4 90 80 80 (above U+10FFFF) is four U+FFFD', ['invalid-utf8', 'no-match'], { want: { output: '\ufffd'.repeat(4) } }),
  H('hex-bom-kept', `efbbbf${hexOf(`KEY=${LONG}`)}`, 'a leading byte order mark is kept (not stripped as a default TextDecoder would)', ['pattern-env', 'special']),

  // ---- a prompt-sized text
  T('prompt-4k', promptLike(), 'a 4 KiB prompt template with an assignment, a JSON field, an Authorization header, a private key and a Telegram token', ['long', 'multiline', 'pattern-env', 'pattern-json', 'pattern-auth', 'pattern-pem', 'pattern-numeric']),
];

const secretsCases = [
  S('basic', 'connect with s3cr3t-value-123 now', { DB_PASS: 's3cr3t-value-123' }, 'a known value is replaced with its name', ['secret-literal'],
    { want: { output: 'connect with [REDACTED:DB_PASS] now' } }),
  S('every-occurrence', 'aaaa1111bbbb / aaaa1111bbbb', { K: 'aaaa1111bbbb' }, 'every occurrence is replaced', ['secret-literal']),
  S('short-ignored', 'pin 1234567 here', { PIN: '1234567' }, 'values shorter than 8 characters are ignored', ['secret-length']),
  S('exactly-8', 'pin 12345678 here', { PIN: '12345678' }, 'an 8-character value is replaced', ['secret-length']),
  S('case-sensitive', 'SuperSecretValue supersecretvalue', { S: 'supersecretvalue' }, 'matching is case-sensitive', ['secret-literal']),
  S('longest-first', 'token abcdefgh-ijkl end', { SHORT: 'abcdefgh', LONG: 'abcdefgh-ijkl' }, 'the longer value is replaced first, so it is replaced whole', ['secret-order']),
  S('utf16-length-order', `0123456789${'é'.repeat(7)}`, { B: '0123456789', A: `89${'é'.repeat(7)}` }, 'length is counted in UTF-16 units (10 > 9), not bytes (10 < 16)', ['secret-order', 'secret-length', 'unicode-nfc']),
  S('emoji-8-units', `x ${'\u{1f511}'.repeat(4)} y ${'\u{1f511}'.repeat(3)}`, { K4: '\u{1f511}'.repeat(4) }, 'four emoji are 8 UTF-16 units: replaced', ['secret-length', 'emoji', 'astral']),
  S('emoji-6-units', `x ${'\u{1f511}'.repeat(3)} y`, { K3: '\u{1f511}'.repeat(3) }, 'three emoji are 6 UTF-16 units (12 bytes): ignored', ['secret-length', 'emoji', 'astral']),
  S('regex-metachars', 'p=.*+?^${}()|[]\\ and more', { RX: '.*+?^${}()|[]\\' }, 'regular-expression metacharacters are matched literally', ['secret-literal']),
  S('newline-value', 'a\nline1\nline2\nb', { ML: 'line1\nline2' }, 'a value spanning lines', ['secret-literal', 'multiline']),
  S('no-overlap', 'aaaaaaaaa', { A: 'aaaaaaaa' }, 'occurrences are found left to right without overlap', ['secret-literal'], { want: { output: '[REDACTED:A]a' } }),
  S('inside-marker', 'value-aaaaaaaaaaaa', { LONGER: 'aaaaaaaaaaaa', M: 'REDACTED' }, 'a shorter value is also replaced inside an earlier marker', ['secret-order', 'secret-name']),
  S('empty-text', '', { K: 'abcdefghij' }, 'empty text stays empty', ['empty']),
  S('no-secrets', 'nothing to hide here', {}, 'no secrets: unchanged', ['secret-literal']),
  S('empty-name', 'x abcdefghij y', { '': 'abcdefghij' }, 'an empty name gives [REDACTED:]', ['secret-name']),
  S('unicode-name', 'x abcdefghij y', { 'clé-🔑': 'abcdefghij' }, 'a non-ASCII name is written as is', ['secret-name', 'emoji']),
  S('whitespace-value', 'a   spaced value   b', { SP: '  spaced value  ' }, 'values are not trimmed', ['secret-literal', 'whitespace']),
  S('tie-same-value', 'use dup-value-1234', { BETA: 'dup-value-1234', ALPHA: 'dup-value-1234' }, 'two names, one value: the name that sorts first wins (ALPHA); upstream takes object member order (BETA)', ['secret-order', 'ts-secrets-member-order']),
  S('tie-overlap', 'abcdefghijkl', { Y: 'efghijkl', X: 'abcdefgh' }, 'equal lengths, overlapping occurrences: X (by name) is replaced first', ['secret-order', 'ts-secrets-member-order']),
  S('tie-numeric-names', 'same-value-here', { 10: 'same-value-here', 9: 'same-value-here' }, 'names "10" and "9": byte order puts "10" first; JavaScript orders integer-like keys numerically', ['secret-order', 'ts-secrets-member-order']),
  S('tie-in-order', 'use dup-value-1234', { ALPHA: 'dup-value-1234', BETA: 'dup-value-1234' }, 'same as tie-same-value with members already in name order: no difference', ['secret-order']),
  S('name-dollar-amp-leak', 'key=supersecretvalue', { 'API$&': 'supersecretvalue' }, 'a name containing $&: upstream expands it and writes the secret back', ['secret-name', 'dollar-sequence', 'ts-replacement-pattern-leak']),
  S('name-dollar-backtick', 'before supersecretvalue after', { 'N$`': 'supersecretvalue' }, 'a name containing $`: upstream inserts the text before the match', ['secret-name', 'dollar-sequence', 'ts-replacement-pattern']),
  S('name-dollar-dollar', 'x supersecretvalue', { 'N$$': 'supersecretvalue' }, 'a name containing $$: upstream writes one $', ['secret-name', 'dollar-sequence', 'ts-replacement-pattern']),
  S('name-dollar-one', 'x supersecretvalue', { N$1: 'supersecretvalue' }, 'a name containing $1: literal in upstream too (no groups)', ['secret-name', 'dollar-sequence']),
  S('whole-text', 'abcdefghijklmnop', { ALL: 'abcdefghijklmnop' }, 'the value is the whole text', ['secret-literal']),
];

// ---------------------------------------------------------------- suites

const inputText = (input) => (has(input, 'hex') ? ref.decodeBytes(input.hex) : input.text);

// An exception upstream threw is recorded by its class (the generator then
// stops on an undeclared deviation; the peer reports it as raised).
function callRedactor(fn) {
  try {
    return { out: fn() };
  } catch (e) {
    return { obs: { raised: up.errorType(e), error: `${e?.name}: ${e?.message}` } };
  }
}

function observeText(input) {
  const text = inputText(input);
  const r = callRedactor(() => core.redactSensitiveText(text));
  if (r.obs) return r.obs;
  const { out } = r;
  if (typeof out !== 'string' || out.isWellFormed()) return { output: out };
  // A JSON string cannot carry a lone surrogate portably (spec/vectors.md):
  // record where it is, and the text with U+FFFD in its place.
  const at = [...out].findIndex((ch) => ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff);
  return {
    failed: true,
    wellFormed: out.toWellFormed(),
    raw: out, // what upstream returned, lone surrogate included (the peer reports it)
    note: `returned a string that is not well-formed Unicode (a lone surrogate where the mask cut a pair, code point index ${at}); with U+FFFD in its place it reads ${JSON.stringify(out.toWellFormed())}`,
  };
}

const agreesOutput = (spec, obs) => has(obs, 'output') && !obs.failed && obs.output === spec.output;

// Candidate secrets of a redact.text input: runs of 18+ characters that a
// replacement pattern could copy back.
const longRuns = (text) => text.match(/[^\s"'=:]{18,}/g) ?? [];
const DOLLAR_EXPANDING = /\$[$&`']/;

export const notes = {
  // ---- deviations
  'ts-replacement-pattern-leak':
    'Deviation, observed: upstream inserts the mask (redact.text) or the "[REDACTED:<name>]" marker (redact.secrets) with String.prototype.replace and a replacement string, so a "$&" in the kept characters of the token or in the secret name is expanded to the matched secret, which appears in clear in the output. The spec inserts the replacement literally.',
  'ts-replacement-pattern':
    'Deviation, observed: as ts-replacement-pattern-leak, upstream expands "$$", "$`" or "$\'" in the mask or the marker (to "$", the text before, or the text after the match), so its output differs from the literal replacement of the spec; the secret itself does not reappear.',
  'ts-token-first-occurrence':
    'Deviation, observed: upstream masks the first occurrence of the token text inside the match (String.prototype.replace with a string), which is earlier than the token when the same text also occurs in the name; the token itself is left in clear. The spec masks the token at its own position.',
  'ts-lone-surrogate':
    'Deviation, observed (tolerated, result "acceptable"): a mask cut falls between the two UTF-16 halves of a character outside the BMP; upstream returns a string holding the lone surrogate, which is not well-formed Unicode and becomes U+FFFD when encoded as UTF-8. The spec writes U+FFFD there. The upstream observation is recorded as text because JSON cannot carry a lone surrogate portably.',
  'ts-secrets-member-order':
    'Deviation, observed (tolerated, result "acceptable"): among secret values of equal length, upstream follows the JavaScript property order of the secrets object (integer-like names in numeric order, then insertion order); the spec takes names in ascending code point order, because JSON object member order carries no meaning. The result differs only when such values are equal or overlap in the text.',
  // ---- categories
  'pattern-env': 'Default pattern 1: environment-style assignment NAME=value or NAME: value, the name ending in KEY, TOKEN, SECRET, PASSWORD or PASSWD.',
  'pattern-json': 'Default pattern 2: a JSON field apiKey, token, secret, password, passwd, accessToken or refreshToken with a string value.',
  'pattern-flag': 'Default pattern 3: a command-line flag --api-key, --api_key, --apikey, --token, --secret, --password or --passwd followed by white space and a value.',
  'pattern-auth': 'Default pattern 4: Authorization: Bearer <credential>.',
  'pattern-bearer': 'Default pattern 5: Bearer followed by a credential of 18 or more characters.',
  'pattern-pem': 'Default pattern 6 and the private-key rule: a -----BEGIN ... PRIVATE KEY----- block, or any match containing "PRIVATE KEY-----".',
  'pattern-prefix': 'Default patterns 7 to 15: tokens with a well-known prefix (sk-, ghp_, github_pat_, xox[baprs]-, xapp-, gsk_, AIza, pplx-, npm_).',
  'pattern-numeric': 'Default pattern 16: six or more digits, a colon and 20 or more token characters (Telegram bot tokens).',
  'pattern-chain': 'Several patterns apply to the same text; each runs over the output of the previous one.',
  'no-match': 'Looks like a secret but no pattern matches it (or nothing is replaced): the text comes back unchanged there.',
  'short-token': 'A matched token shorter than 18 UTF-16 code units, masked completely as ***.',
  'quote-pairing': 'Patterns 1 and 3: an opening quote must be closed by the same quote (upstream\'s backreference \\1), else the quoted form does not match.',
  'word-boundary': '\\b: an ASCII word boundary (word characters are [0-9A-Za-z_] only), including the backtracking of a final \\b.',
  'js-space-class': 'JavaScript \\s: tab, LF, VT, FF, CR, space, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF, and nothing else (not U+0085, U+180E or U+200B). Go\'s \\s is only tab, LF, FF, CR and space.',
  'js-ascii-fold': 'Case-insensitive matching folds ASCII letters only, as JavaScript does without the u flag (ſ is not s, the Kelvin sign is not k, ı is not i); Go\'s (?i) would fold them.',
  multiline: 'The text spans several lines.',
  'second-pass': 'The input is already redacted text: a second pass masks the partly shown token again.',
  'surrogate-cut': 'A mask cut (after 6 or before the last 4 UTF-16 code units) falls inside a surrogate pair.',
  'dollar-sequence': 'The token or the secret name contains a $ sequence that String.prototype.replace treats specially ($&, $$, $`, $\', $1).',
  'hex-input': 'The input is given as bytes in hex (input.hex), which may be invalid UTF-8; it is decoded as a WHATWG UTF-8 decoder does, U+FFFD per maximal ill-formed subpart, a leading BOM kept.',
  'secret-literal': 'redact.secrets: literal, case-sensitive replacement of every occurrence.',
  'secret-length': 'redact.secrets: the 8-code-unit minimum, measured in UTF-16 code units.',
  'secret-order': 'redact.secrets: the order in which values are replaced (longest first, then by name).',
  'secret-name': 'redact.secrets: the name written into the marker.',
};

export const deviationChecks = {
  'ts-replacement-pattern-leak': ({ input, spec, obs }) => {
    if (!has(obs, 'output') || obs.output === spec.output) return false;
    if (has(input, 'secrets')) {
      return Object.keys(input.secrets).some((n) => n.includes('$&')) &&
        Object.values(input.secrets).some((v) => v.length >= 8 && obs.output.includes(v) && !spec.output.includes(v));
    }
    return longRuns(inputText(input)).some((r) => r.includes('$&') && obs.output.includes(r) && !spec.output.includes(r));
  },
  'ts-replacement-pattern': ({ input, spec, obs }) => {
    if (!has(obs, 'output') || obs.output === spec.output) return false;
    const where = has(input, 'secrets') ? Object.keys(input.secrets).join('\n') : inputText(input);
    return DOLLAR_EXPANDING.test(where);
  },
  // Masking an earlier copy of the same text changes neither length nor
  // anything outside the match, and no $ sequence is involved.
  'ts-token-first-occurrence': ({ input, spec, obs }) =>
    has(obs, 'output') && obs.output !== spec.output && obs.output.length === spec.output.length && !inputText(input).includes('$'),
  'ts-lone-surrogate': ({ spec, obs }) => obs.failed === true && obs.wellFormed === spec.output && spec.output.includes('\ufffd'),
  'ts-secrets-member-order': ({ input, spec, obs }) => {
    if (!has(obs, 'output') || obs.output === spec.output) return false;
    const lens = Object.values(input.secrets).filter((v) => v.length >= 8).map((v) => v.length);
    return new Set(lens).size < lens.length;
  },
};

export const tolerated = ['ts-lone-surrogate', 'ts-secrets-member-order'];

export const suites = [
  {
    name: 'redact.text',
    spec: (input) => ({ output: ref.redactText(inputText(input)) }),
    observe: (input) => observeText(input),
    agrees: agreesOutput,
    files: [{
      name: 'text',
      description: 'redact.text: the sixteen default patterns of upstream redactSensitiveText with JavaScript semantics, the masking rule (UTF-16 lengths, private-key blocks), literal insertion of the mask, and invalid UTF-8 input.',
      cases: textCases,
    }, {
      name: 'fuzz-found',
      description: 'Cases found by differential fuzzing (interop parity fuzz, issue 14): texts an upstream redactor masks differently from the spec. Each case is minimized and built by this generator; see the fuzz-found flag.',
      cases: [
        // "Upassword=U": the one-letter token U also starts the match.
        { id: 'rtext-fuzz-token-first-occurrence-hex', description: 'a one-letter token that also starts the match, given as bytes: the token at its own position is masked', input: { hex: hexOf('Upassword=U') }, flags: ['fuzz-found', 'hex-input', 'ts-token-first-occurrence'] },
        // The 18-unit value ends in "=$$\u00a2", kept by the mask: upstream writes one $.
        { id: 'rtext-fuzz-dollar-dollar-astral', description: 'a value holding $&, an astral character and ending in $$: the mask keeps $$ literally', input: { text: 'KEY=wOmT3axL%$&\u{2906d}\u1e56=$$\u00a2' }, flags: ['fuzz-found', 'pattern-env', 'dollar-sequence', 'astral', 'ts-replacement-pattern'] },
        // "password=hp_$`dDKxN9pxBG$&" and 0xFF: the mask keeps "hp_$`d" and
        // "G$&\ufffd"; upstream expands $` and $&, writing the value back in clear.
        { id: 'rtext-fuzz-dollar-amp-leak-ill-formed-hex', description: 'a value holding $` and ending in $& and an invalid byte, given as bytes: the mask is inserted literally', input: { hex: `${hexOf('password=hp_$`dDKxN9pxBG$&')}ff` }, flags: ['fuzz-found', 'hex-input', 'pattern-env', 'dollar-sequence', 'invalid-utf8', 'ts-replacement-pattern-leak'] },
      ],
    }],
  },
  {
    name: 'redact.secrets',
    spec: (input) => ({ output: ref.redactSecrets(input.text, input.secrets) }),
    observe: (input) => {
      const r = callRedactor(() => core.redactSecrets(input.text, input.secrets));
      return r.obs ?? { output: r.out };
    },
    agrees: agreesOutput,
    files: [{
      name: 'secrets',
      description: 'redact.secrets: literal replacement of known secret values of 8 or more UTF-16 code units with [REDACTED:<name>], longest first, equal lengths by name.',
      cases: secretsCases,
    }],
  },
];
