// manifest.validate: plugin manifests checked against schemas/plugin.schema.json.
// Expected values come from the spec reference in gen/manifest-ref.mjs (the
// project's strict JSON layer, gen/serialize-ref.mjs, at the manifest limits,
// plus ajv on our schema, with the spec's normalisation).
// @elizaos/core has no manifest validator (nothing upstream validates
// manifests against the schema), so there is nothing to observe: observe
// returns null and no case carries a ts-* flag.
import { isDeepStrictEqual } from 'node:util';
import { MAX_DEPTH, validateDocument } from '../manifest-ref.mjs';

const base = (extra = {}) => ({ name: 'my-plugin', description: 'A plugin', version: '1.0.0', language: 'typescript', ...extra });
const without = (obj, ...keys) => Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));

// m: a manifest given as a JS value, serialised compactly; t: raw text; h: raw bytes in hex.
const m = (id, doc, description, flags, want) => ({ id: `mv-${id}`, description, input: { text: JSON.stringify(doc) }, flags, ...(want ? { want } : {}) });
const t = (id, text, description, flags, want) => ({ id: `mv-${id}`, description, input: { text }, flags, ...(want ? { want } : {}) });
const h = (id, hex, description, flags, want) => ({ id: `mv-${id}`, description, input: { hex }, flags, ...(want ? { want } : {}) });

const VALID = { output: { valid: true } };
const bad = (...errors) => ({ output: { valid: false, errors } });
const e = (pointer, rule, property) => (property === undefined ? { pointer, rule } : { pointer, rule, property });

// ---- what the live upstream children send in their "ready" line
// Python bridge_server.py: language "python", version defaulted, actions without
// examples and with similes None -> null, providers with unset fields as null,
// services as {type, description}, routes as {path, type, public, name}.
const pythonChild = {
  name: 'weather', description: 'Weather lookups', version: '1.0.0', language: 'python',
  actions: [{ name: 'GET_WEATHER', description: 'Look up the weather', similes: null }],
  providers: [{ name: 'FORECAST', description: null, dynamic: null, position: null, private: null }],
  evaluators: [{ name: 'TONE', description: 'Checks the tone', alwaysRun: false, similes: null }],
  services: [{ type: 'weather-api', description: 'Weather API client' }],
  routes: [{ path: '/weather', type: 'GET', public: false, name: 'weather' }],
};
const pythonChildClean = {
  name: 'weather', description: 'Weather lookups', version: '0.3.1', language: 'python',
  actions: [{ name: 'GET_WEATHER', description: 'Look up the weather', similes: ['FORECAST'] }],
  providers: [{ name: 'FORECAST', description: 'Tomorrow', dynamic: true, position: 2, private: false }],
  services: [{ type: 'weather-api', description: 'Weather API client' }],
};
// ts_bridge_runner.mjs: language "typescript", name/description/version defaulted, empty component arrays kept.
const tsChild = {
  name: 'my-ts-plugin', description: 'A TypeScript plugin', version: '1.2.0', language: 'typescript',
  actions: [{ name: 'HELLO', description: 'Say hello', similes: ['HI'] }],
  providers: [], evaluators: [],
};
const tsChildDefaults = { name: 'unknown', description: '', version: '1.0.0', language: 'typescript', actions: [], providers: [], evaluators: [] };
// The Rust host's inline TypeScript script: no language, version `|| '1.0.0'`.
const rustInlineChild = {
  name: 'my-ts-plugin', description: 'A TypeScript plugin', version: '1.0.0',
  actions: [{ name: 'HELLO', description: 'Say hello', similes: ['HI'] }], providers: [], evaluators: [],
};

const complete = {
  name: 'complete-plugin', description: 'Every member the schema knows', version: '2.1.0-beta1', language: 'rust',
  interop: { protocol: 'ipc', wasmPath: 'plugin.wasm', sharedLibPath: 'libplugin.so', ipcCommand: 'plugin --serve', ipcPort: 9000 },
  config: { API_URL: 'https://example.com', RETRIES: 3, RATIO: 0.5, ENABLED: true, TOKEN: null },
  dependencies: ['plugin-sql', 'plugin-bootstrap'],
  actions: [{
    name: 'SEND', description: 'Send a message', similes: ['POST', 'SHOUT'],
    examples: [[
      { name: '{{user}}', content: { text: 'send hi', actions: ['SEND'], source: 'discord', data: { channel: 1 } } },
      { name: '{{agent}}', content: { text: 'sent' } },
    ]],
  }],
  providers: [{ name: 'TIME', description: 'Current time', dynamic: false, position: -1, private: true }],
  evaluators: [{ name: 'FACTS', description: 'Extracts facts', alwaysRun: true, similes: ['REMEMBER'] }],
  services: [{ type: 'cache', description: 'In-memory cache' }],
  routes: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'STATIC'].map((method, i) => ({ path: `/r${i}`, method, name: `r${i}`, public: i % 2 === 0, isMultipart: false })),
  events: { MESSAGE_RECEIVED: ['onMessage', 'log'], WORLD_JOINED: [] },
};

// withBytes puts raw bytes (hex) where "\u0001" is in the manifest text.
const withBytes = (doc, hex) => {
  const [a, b] = JSON.stringify(doc).split('\\u0001');
  return Buffer.concat([Buffer.from(a), Buffer.from(hex, 'hex'), Buffer.from(b)]).toString('hex');
};
const nested = (n) => '['.repeat(n) + ']'.repeat(n);
const withExtra = (raw) => `{"name":"deep","description":"d","version":"1.0.0","language":"python","extra":${raw}}`;

const cases = [
  // ---- valid manifests
  m('minimal-typescript', base(), 'the four required members, language typescript', ['manifest-minimal'], VALID),
  m('minimal-rust', base({ language: 'rust' }), 'the four required members, language rust', ['manifest-minimal'], VALID),
  m('minimal-python', base({ language: 'python' }), 'the four required members, language python', ['manifest-minimal'], VALID),
  m('complete', complete, 'every member the schema declares, each with a valid value', ['manifest-complete'], VALID),
  m('empty-description', base({ description: '' }), 'an empty description is valid (the schema sets no minimum length)', ['empty'], VALID),
  m('empty-components', base({ actions: [], providers: [], evaluators: [], services: [], routes: [], dependencies: [], config: {}, events: {} }), 'empty arrays and objects for every optional member', ['empty-members'], VALID),
  m('unknown-members', base({ interopProtocols: ['ipc', 'ffi'], homepage: 'https://example.com', actions: [{ name: 'A', description: 'a', handler: 'x' }] }), 'members the schema does not declare are allowed at every level (no additionalProperties: false)', ['unknown-members'], VALID),
  m('interop-cwd', base({ interop: { protocol: 'ipc', cwd: '/srv/plugin' } }), 'interop.cwd (declared by upstream types.ts, not by the schema) is an unknown member and allowed', ['unknown-members', 'interop-cwd'], VALID),
  m('interop-cwd-number', base({ interop: { cwd: 5 } }), 'interop.cwd of any type passes the schema, which does not know the member', ['unknown-members', 'interop-cwd'], VALID),
  m('name-one-letter', base({ name: 'a' }), 'a one-letter name matches the name pattern', ['rule-pattern'], VALID),
  m('name-digits-hyphens', base({ name: 'plugin-2fa-' }), 'digits and hyphens after the first letter, including a trailing hyphen', ['rule-pattern'], VALID),
  m('version-prerelease', base({ version: '2.0.0-alpha537' }), 'a single alphanumeric pre-release tag', ['rule-pattern'], VALID),
  m('version-leading-zeros', base({ version: '01.002.0003' }), 'the version pattern allows leading zeros', ['rule-pattern'], VALID),
  m('config-scalars', base({ config: { S: '', N: -0.25, I: 7, B: false, Z: null } }), 'config values of each allowed type: string, number, boolean, null', ['rule-oneof'], VALID),
  t('position-integral-float', JSON.stringify(base({ providers: [{ name: 'P' }] })).replace('"name":"P"', '"name":"P","position":1.0'), 'provider position 1.0 is an integer (numbers are compared by value)', ['rule-type', 'number-edge'], VALID),
  t('position-exponent', JSON.stringify(base({ providers: [{ name: 'P' }] })).replace('"name":"P"', '"name":"P","position":1E2'), 'provider position 1E2 is the integer 100', ['rule-type', 'number-edge'], VALID),
  t('position-underflow', JSON.stringify(base({ providers: [{ name: 'P' }] })).replace('"name":"P"', '"name":"P","position":1e-400'), 'position 1e-400 reads as the double 0, an integer', ['rule-type', 'number-edge'], VALID),
  t('position-max-safe', JSON.stringify(base({ providers: [{ name: 'P' }] })).replace('"name":"P"', '"name":"P","position":9007199254740991'), 'provider position 2^53-1, the largest safe integer, is accepted', ['rule-type', 'integer-edge'], VALID),
  t('position-min-safe', JSON.stringify(base({ providers: [{ name: 'P' }] })).replace('"name":"P"', '"name":"P","position":-9007199254740991'), 'provider position -(2^53-1) is accepted', ['rule-type', 'integer-edge'], VALID),
  t('config-half-below-2-52', JSON.stringify(base()).replace('}', ',"config":{"F":4503599627370495.5}}'), 'a fraction just below 2^52 is a number within the range', ['number-edge'], VALID),
  t('whitespace-around', `\t\r\n ${JSON.stringify(base(), null, 2)} \n`, 'JSON white space (tab, CR, LF, space) around and inside the document', ['whitespace'], VALID),
  m('unicode-text', base({ description: 'Wetter für München: ☀️ 天気 🌦️ مرحبا' }), 'non-ASCII description with emoji, CJK and RTL text', ['unicode-nfc', 'astral'], VALID),
  t('escaped-surrogate-pair', JSON.stringify(base()).replace('"A plugin"', '"sun \\ud83c\\udf1e"'), 'a \\u-escaped surrogate pair is one astral character', ['astral'], VALID),

  // ---- the live upstream children
  m('live-python', pythonChild, 'what upstream bridge_server.py sends: routes with "type" instead of "method", similes and unset provider fields as null', ['live-python-child', 'rule-required', 'rule-type']),
  m('live-python-clean', pythonChildClean, 'a bridge_server.py manifest whose plugin sets every optional field and has no routes: valid', ['live-python-child'], VALID),
  m('live-python-route-only', base({ language: 'python', routes: [{ path: '/health', type: 'GET', public: true, name: 'health' }] }), 'a bridge_server.py route: "type" is not "method", so method is missing', ['live-python-child', 'rule-required'], bad(e('/routes/0', 'required', 'method'))),
  m('live-typescript', tsChild, 'what upstream ts_bridge_runner.mjs sends: valid', ['live-ts-child'], VALID),
  m('live-typescript-defaults', tsChildDefaults, 'ts_bridge_runner.mjs defaults for a plugin with no name, description or version: "unknown", "", "1.0.0" are all valid', ['live-ts-child'], VALID),
  m('live-rust-inline', rustInlineChild, 'what the Rust host\'s inline TypeScript script sends: no language', ['live-rust-child', 'rule-required'], bad(e('', 'required', 'language'))),

  // ---- required
  m('empty-object', {}, 'an empty object misses all four required members', ['rule-required'], bad(e('', 'required', 'description'), e('', 'required', 'language'), e('', 'required', 'name'), e('', 'required', 'version'))),
  m('missing-name', without(base(), 'name'), 'no name', ['rule-required'], bad(e('', 'required', 'name'))),
  m('missing-version', without(base(), 'version'), 'no version (the upstream children default it; the schema requires it)', ['rule-required']),
  m('action-missing-description', base({ actions: [{ name: 'A' }] }), 'an action without a description', ['rule-required'], bad(e('/actions/0', 'required', 'description'))),
  m('provider-missing-name', base({ providers: [{ description: 'no name' }] }), 'a provider without a name', ['rule-required']),
  m('evaluator-missing-both', base({ evaluators: [{ alwaysRun: true }] }), 'an evaluator without name and description', ['rule-required']),
  m('service-missing-type', base({ services: [{ name: 'cache', description: 'x' }] }), 'a service identified by name instead of type', ['rule-required']),
  m('route-missing-path-method', base({ routes: [{ name: 'r' }] }), 'a route without path and method', ['rule-required']),
  m('example-missing-content', base({ actions: [{ name: 'A', description: 'a', examples: [[{ name: 'u' }]] }] }), 'an action example message without content', ['rule-required'], bad(e('/actions/0/examples/0/0', 'required', 'content'))),

  // ---- type
  m('root-array', [], 'the document is an array, not an object', ['rule-type'], bad(e('', 'type'))),
  t('root-null', 'null', 'the document is null', ['rule-type'], bad(e('', 'type'))),
  t('root-string', '"my-plugin"', 'the document is a string', ['rule-type']),
  m('name-number', base({ name: 5 }), 'a numeric name is a type error (the pattern applies only to strings)', ['rule-type'], bad(e('/name', 'type'))),
  m('description-null', base({ description: null }), 'a null description', ['rule-type']),
  m('position-fraction', base({ providers: [{ name: 'P', position: 1.5 }] }), 'provider position 1.5 is not an integer', ['rule-type', 'number-edge'], bad(e('/providers/0/position', 'type'))),
  m('ipc-port-string', base({ interop: { protocol: 'ipc', ipcPort: '9000' } }), 'interop.ipcPort as a string', ['rule-type']),
  m('interop-array', base({ interop: ['ipc'] }), 'interop as an array', ['rule-type']),
  m('dependencies-items', base({ dependencies: ['plugin-sql', 7, null] }), 'dependencies with a number and a null', ['rule-type'], bad(e('/dependencies/1', 'type'), e('/dependencies/2', 'type'))),
  m('dependencies-string', base({ dependencies: 'plugin-sql' }), 'dependencies as a string instead of an array', ['rule-type']),
  m('similes-numbers', base({ actions: [{ name: 'A', description: 'a', similes: ['B', 2] }] }), 'an action simile that is a number', ['rule-type']),
  m('examples-not-nested', base({ actions: [{ name: 'A', description: 'a', examples: [{ name: 'u', content: { text: 'hi' } }] }] }), 'examples as a flat list of messages instead of a list of conversations', ['rule-type'], bad(e('/actions/0/examples/0', 'type'))),
  m('content-text-number', base({ actions: [{ name: 'A', description: 'a', examples: [[{ name: 'u', content: { text: 1, data: [] } }]] }] }), 'example content with a numeric text and an array as data', ['rule-type']),
  m('flags-as-strings', base({ providers: [{ name: 'P', dynamic: 'yes', private: 'no' }], evaluators: [{ name: 'E', description: 'e', alwaysRun: 'true' }], routes: [{ path: '/', method: 'GET', public: 1, isMultipart: 'false' }] }), 'booleans given as strings or numbers', ['rule-type']),
  m('events-shapes', base({ events: { A: 'handler', B: ['h', 1], C: null } }), 'event handler lists that are a string, contain a number, or are null', ['rule-type']),
  m('components-not-arrays', base({ actions: {}, providers: 'P', evaluators: null, services: 1, routes: true }), 'component lists of the wrong type', ['rule-type']),

  // ---- pattern
  m('name-uppercase', base({ name: 'My-Plugin' }), 'upper-case letters in the name', ['rule-pattern'], bad(e('/name', 'pattern'))),
  m('name-scoped', base({ name: '@elizaos/plugin-sql' }), 'an npm-scoped package name does not match the name pattern', ['rule-pattern']),
  m('name-underscore', base({ name: 'my_plugin' }), 'an underscore (Python module style) in the name', ['rule-pattern']),
  m('name-leading-digit', base({ name: '2fa' }), 'a name starting with a digit', ['rule-pattern']),
  m('name-empty', base({ name: '' }), 'an empty name fails the pattern', ['rule-pattern', 'empty']),
  m('name-trailing-newline', base({ name: 'my-plugin\n' }), 'a name with a trailing newline: $ matches only at the very end (unlike Python re, where $ also matches before a final newline)', ['rule-pattern', 'trailing-newline'], bad(e('/name', 'pattern'))),
  m('name-non-ascii', base({ name: 'plügin' }), 'a non-ASCII letter in the name', ['rule-pattern', 'unicode-nfc']),
  m('version-dotted-prerelease', base({ version: '2.0.0-alpha.537' }), 'a dotted pre-release tag (the upstream package versions look like this) does not match', ['rule-pattern'], bad(e('/version', 'pattern'))),
  m('version-short', base({ version: '1.0' }), 'two version components', ['rule-pattern']),
  m('version-v-prefix', base({ version: 'v1.0.0' }), 'a "v" prefix', ['rule-pattern']),
  m('version-build-metadata', base({ version: '1.0.0+build.5' }), 'semver build metadata is not allowed by the pattern', ['rule-pattern']),
  m('version-trailing-newline', base({ version: '1.0.0\n' }), 'a version with a trailing newline', ['rule-pattern', 'trailing-newline']),
  m('version-arabic-indic-digits', base({ version: '١.٠.٠' }), 'Arabic-Indic digits are not \\d (ASCII digits only)', ['rule-pattern', 'rtl']),

  // ---- enum
  m('language-capitalised', base({ language: 'Python' }), 'language values are lower case', ['rule-enum'], bad(e('/language', 'enum'))),
  m('language-javascript', base({ language: 'javascript' }), 'javascript is not a plugin language', ['rule-enum']),
  m('language-number', base({ language: 3 }), 'a number as language fails the enum (the schema declares no type for it)', ['rule-enum']),
  m('language-null', base({ language: null }), 'a null language fails the enum', ['rule-enum']),
  m('protocol-unknown', base({ interop: { protocol: 'grpc' } }), 'an interop protocol outside wasm, ffi, ipc, native', ['rule-enum']),
  m('route-method-lowercase', base({ routes: [{ path: '/', method: 'get' }, { path: '/h', method: 'HEAD' }] }), 'route methods are upper case and HEAD is not one of them', ['rule-enum'], bad(e('/routes/0/method', 'enum'), e('/routes/1/method', 'enum'))),

  // ---- oneOf (config values)
  m('config-object-value', base({ config: { NESTED: { a: 1 } } }), 'a config value that is an object: one oneOf entry, no branch errors', ['rule-oneof'], bad(e('/config/NESTED', 'oneOf'))),
  m('config-array-value', base({ config: { LIST: ['a'], OK: 'x' } }), 'a config value that is an array', ['rule-oneof']),
  m('config-not-object', base({ config: ['a=b'] }), 'config as an array is a type error at /config', ['rule-type']),
  t('config-proto-key', JSON.stringify(base()).replace('}', ',"config":{"__proto__":{"polluted":true},"constructor":"x"}}'), 'config members named __proto__ and constructor are ordinary members', ['rule-oneof', 'pointer-escape'], bad(e('/config/__proto__', 'oneOf'))),
  m('config-pointer-escape', base({ config: { 'a/b': {}, 'c~d': [], '': {} } }), 'member names with "/" and "~" are escaped as ~1 and ~0 in the pointer; the empty name is "/config/"', ['rule-oneof', 'pointer-escape'], bad(e('/config/', 'oneOf'), e('/config/a~1b', 'oneOf'), e('/config/c~0d', 'oneOf'))),
  m('problem-order-code-points', base({ config: { '\u{1F600}': {}, '\uE000': {}, Z: {}, 'é': {} } }), 'problems are sorted by code point (UTF-8 byte) order: U+E000 before U+1F600, unlike UTF-16 order', ['rule-oneof', 'problem-order', 'astral']),

  // ---- many problems at once
  m('many-problems', { name: 'Bad Name', version: 1, language: 'go', actions: [{ name: 'A' }, 'B'], routes: [{ path: '/', method: 'TRACE' }], config: { X: [] } }, 'problems at several levels and of several rules, in pointer order', ['rule-required', 'rule-type', 'rule-pattern', 'rule-enum', 'rule-oneof', 'problem-order']),
  m('index-order', base({ dependencies: Array.from({ length: 12 }, (_, i) => (i === 2 || i === 10 ? i : `d${i}`)) }), 'pointers are compared as text, so /dependencies/10 sorts before /dependencies/2', ['rule-type', 'problem-order'], bad(e('/dependencies/10', 'type'), e('/dependencies/2', 'type'))),

  // ---- the document layer
  t('empty-document', '', 'an empty document is not JSON', ['json-syntax', 'empty'], { error: 'syntax' }),
  t('blank-document', ' \n\t', 'only white space is not JSON', ['json-syntax', 'whitespace']),
  t('truncated', JSON.stringify(base()).slice(0, 30), 'a document cut short', ['json-syntax']),
  t('trailing-comma', '{"name":"x","description":"d","version":"1.0.0","language":"rust",}', 'a trailing comma in an object', ['json-syntax']),
  t('single-quotes', "{'name':'x'}", 'single-quoted strings (a Python repr, not JSON)', ['json-syntax']),
  t('python-nan', '{"name":"x","description":"d","version":"1.0.0","language":"python","config":{"RATIO":NaN}}', 'NaN, which Python json.dumps writes for float("nan"), is not JSON', ['json-syntax', 'live-python-child'], { error: 'syntax' }),
  t('two-documents', `${JSON.stringify(base())}\n${JSON.stringify(base())}`, 'two JSON values (two NDJSON lines) are not one document', ['json-syntax']),
  t('byte-order-mark', `\uFEFF${JSON.stringify(base())}`, 'a leading byte order mark is not JSON white space', ['json-syntax', 'special']),
  t('nbsp-around', `\u00A0${JSON.stringify(base())}`, 'a no-break space is not JSON white space', ['json-syntax', 'whitespace']),
  t('raw-newline-in-string', '{"name":"x","description":"line1\nline2","version":"1.0.0","language":"rust"}', 'an unescaped newline inside a string', ['json-syntax', 'control-chars']),
  t('bad-escape', '{"name":"x","description":"\\x41","version":"1.0.0","language":"rust"}', 'an escape JSON does not have (\\x)', ['json-syntax']),
  t('leading-zero', '{"name":"x","description":"d","version":"1.0.0","language":"rust","config":{"N":012}}', 'a number with a leading zero', ['json-syntax', 'number-edge']),
  t('syntax-after-overflow', '{"config":{"BIG":1e400},', 'a syntax error wins over an earlier out-of-range number (syntax is phase 1, numbers phase 2: spec/types.md)', ['json-syntax', 'number-overflow', 'error-precedence'], { error: 'syntax' }),
  t('duplicate-name', '{"name":"a","description":"d","version":"1.0.0","language":"rust","name":"b"}', 'two members called name: rejected, not last-wins', ['duplicate-member'], { error: 'duplicate_key', errorAt: '/name' }),
  t('duplicate-nested', '{"name":"a","description":"d","version":"1.0.0","language":"rust","actions":[{"name":"A","description":"x","description":"y"}]}', 'a duplicate member inside an action', ['duplicate-member']),
  t('duplicate-escaped-spelling', '{"name":"a","description":"d","version":"1.0.0","language":"rust","n\\u0061me":"b"}', 'member names are compared after unescaping: "n\\u0061me" is "name"', ['duplicate-member']),
  t('duplicate-before-syntax', '{"a":1,"a":2,', 'a syntax error wins over an earlier duplicate member (syntax is phase 1, names phase 2)', ['duplicate-member', 'json-syntax', 'error-precedence'], { error: 'syntax' }),
  t('range-before-duplicate', JSON.stringify(base()).replace('}', ',"config":{"A":1e400,"A":1}}'), 'within phase 2 the first problem in the text wins: the out-of-range value comes before the repeated name', ['duplicate-member', 'number-overflow', 'error-precedence'], { error: 'out_of_range', errorAt: '/config/A' }),
  t('duplicate-before-range', JSON.stringify(base()).replace('}', ',"config":{"A":1,"A":1e400}}'), 'within phase 2 the first problem in the text wins: the repeated name comes before its out-of-range value', ['duplicate-member', 'number-overflow', 'error-precedence'], { error: 'duplicate_key', errorAt: '/config/A' }),
  t('surrogate-after-duplicate', JSON.stringify(base()).replace('}', ',"a":1,"a":2,"b":"\\ud800"}'), 'a lone surrogate escape (phase 1) wins over an earlier duplicate member (phase 2)', ['duplicate-member', 'lone-surrogate', 'error-precedence'], { error: 'invalid_utf8' }),
  t('depth-after-range', withExtra(`[1e400,${nested(MAX_DEPTH)}]`), 'too deep (phase 1) wins over an earlier out-of-range number (phase 2)', ['deep-nesting', 'number-overflow', 'error-precedence'], { error: 'too_deep' }),
  h('utf8-after-syntax', Buffer.concat([Buffer.from('{"name" "x","description":"'), Buffer.from([0xff]), Buffer.from('"}')]).toString('hex'), 'bytes that are not UTF-8 (phase 0) win over an earlier syntax error', ['invalid-utf8', 'json-syntax', 'error-precedence'], { error: 'invalid_utf8' }),
  t('overflow-exponent', JSON.stringify(base()).replace('}', ',"config":{"BIG":1e400}}'), 'a number beyond the double range', ['number-overflow'], { error: 'out_of_range', errorAt: '/config/BIG' }),
  t('overflow-negative', JSON.stringify(base()).replace('}', ',"providers":[{"name":"P","position":-1e309}]}'), 'a negative number beyond the double range, in a provider', ['number-overflow']),
  t('overflow-halfway', JSON.stringify(base()).replace('}', `,"config":{"TIE":${((1n << 1024n) - (1n << 970n)).toString()}}}`), 'the integer halfway between the largest double and 2^1024 rounds to infinity: out of range', ['number-overflow', 'number-edge']),
  t('overflow-before-halfway', JSON.stringify(base()).replace('}', `,"config":{"NEAR":${((1n << 1024n) - (1n << 970n) - 1n).toString()}}}`), 'one less than the halfway integer rounds to the largest finite double, which is out of range too: finite or not does not matter', ['number-edge', 'unsafe-integer'], { error: 'out_of_range', errorAt: '/config/NEAR' }),
  t('position-beyond-2-53', JSON.stringify(base({ providers: [{ name: 'P' }] })).replace('"name":"P"', '"name":"P","position":9007199254740993'), 'an integer beyond 2^53-1 is out of range: JavaScript reads 9007199254740993 as ...992, Python and Rust exactly', ['unsafe-integer'], { error: 'out_of_range', errorAt: '/providers/0/position' }),
  t('config-2-53', JSON.stringify(base()).replace('}', ',"config":{"N":9007199254740992}}'), '2^53 is the first integer out of range', ['unsafe-integer', 'number-edge'], { error: 'out_of_range', errorAt: '/config/N' }),
  t('config-negative-2-53', JSON.stringify(base()).replace('}', ',"config":{"N":-9007199254740992}}'), '-2^53 is out of range', ['unsafe-integer', 'number-edge']),
  t('config-exponent-unsafe', JSON.stringify(base()).replace('}', ',"config":{"N":1e16}}'), 'the range is on the value, not the spelling: 1e16 is an unsafe integer', ['unsafe-integer', 'number-edge'], { error: 'out_of_range', errorAt: '/config/N' }),
  t('config-fraction-rounds-out', JSON.stringify(base()).replace('}', ',"config":{"N":9007199254740991.5}}'), '9007199254740991.5 rounds to the double 2^53: out of range', ['unsafe-integer', 'number-edge']),
  t('config-max-double', JSON.stringify(base()).replace('}', ',"config":{"BIG":1.7976931348623157e308,"NEG":-1.7976931348623157e308}}'), 'the largest finite doubles are integers beyond 2^53-1: out of range', ['unsafe-integer', 'number-edge'], { error: 'out_of_range', errorAt: '/config/BIG' }),
  t('unknown-member-unsafe', JSON.stringify(base()).replace('}', ',"x-build":{"ids":[1,12345678901234567890]}}'), 'the range rule holds anywhere in the document, in members the schema does not declare too', ['unsafe-integer', 'unknown-members'], { error: 'out_of_range', errorAt: '/x-build/ids/1' }),
  t('depth-at-limit', withExtra(nested(MAX_DEPTH - 1)), `nesting of exactly ${MAX_DEPTH} levels is accepted (an unknown member holds the arrays)`, ['deep-nesting', 'unknown-members'], VALID),
  t('depth-over-limit', withExtra(nested(MAX_DEPTH)), `nesting of ${MAX_DEPTH + 1} levels is rejected`, ['deep-nesting'], { error: 'too_deep' }),
  t('lone-high-surrogate', JSON.stringify(base()).replace('"A plugin"', '"\\ud83c alone"'), 'a \\u escape of an unpaired high surrogate', ['lone-surrogate'], { error: 'invalid_utf8' }),
  t('lone-low-surrogate-key', JSON.stringify(base()).replace('}', ',"\\udc00":1}'), 'an unpaired low surrogate in a member name', ['lone-surrogate']),
  t('reversed-surrogates', JSON.stringify(base()).replace('"A plugin"', '"\\udf1e\\ud83c"'), 'a low surrogate followed by a high one', ['lone-surrogate']),
  h('invalid-utf8-byte', withBytes(base({ description: 'A \u0001plugin' }), 'ff'), 'a 0xFF byte inside a string', ['invalid-utf8'], { error: 'invalid_utf8' }),
  h('encoded-surrogate', withBytes(base({ description: 'A \u0001plugin' }), 'eda080'), 'a surrogate encoded in UTF-8 (CESU-8 style)', ['invalid-utf8']),
  h('overlong-quote', withBytes(base({ description: 'A \u0001plugin' }), 'c0a2'), 'an overlong encoding of a quote character', ['invalid-utf8']),
];

export const manifestValidate = {
  name: 'manifest.validate',
  spec: (input) => validateDocument(input),
  observe: () => null,
  agrees: (spec, obs) => isDeepStrictEqual(spec, obs),
  files: [
    {
      name: 'validate',
      description: 'manifest.validate: plugin manifest documents checked against schemas/plugin.schema.json (draft-07): the normalised schema problems, or the document-layer error. Expected values are computed with ajv on the schema (spec/manifest.md); @elizaos/core has no manifest validator to observe.',
      cases,
    },
  ],
};

export const suites = [manifestValidate];

export const notes = {
  'manifest-minimal': 'A manifest with only the four required members (name, description, version, language).',
  'manifest-complete': 'A manifest that uses every member the schema declares.',
  'unknown-members': 'The manifest has members the schema does not declare; the schema allows them everywhere.',
  'interop-cwd': 'interop.cwd: declared by upstream types.ts but not by plugin.schema.json, so the schema accepts any value.',
  'live-python-child': 'The shape that the upstream Python child (bridge_server.py) sends in its ready message, or a value Python\'s json module writes.',
  'live-ts-child': 'The shape that the upstream TypeScript child (ts_bridge_runner.mjs) sends in its ready message.',
  'live-rust-child': 'The shape that the upstream Rust host\'s inline TypeScript bridge script sends in its ready message (no language).',
  'rule-required': 'Exercises the required keyword: one entry per missing property, at the object\'s pointer.',
  'rule-type': 'Exercises the type keyword (integer versus number is decided on the double value).',
  'rule-pattern': 'Exercises a pattern keyword (name or version), ECMA-262 semantics without multiline: ^ and $ anchor at the ends of the string.',
  'rule-enum': 'Exercises an enum keyword (language, interop.protocol, route method).',
  'rule-oneof': 'Exercises the oneOf of config values: one entry at the value, never the failures of its branches.',
  'pointer-escape': 'Member names that need escaping in a JSON pointer ("~" as ~0, "/" as ~1), are empty, or look special to JavaScript.',
  'problem-order': 'Checks the order of the problems: by pointer in Unicode code point order, then rule, then property.',
  'number-edge': 'A number at an edge of IEEE-754 double reading: integral floats, exponents, underflow, the safe-integer range +/-(2^53-1), the largest doubles.',
  'trailing-newline': 'A string value that ends in a newline.',
  'json-syntax': 'The document is not one JSON value (RFC 8259): error syntax.',
  'duplicate-member': 'An object has two members with the same name (after unescaping): error duplicate_key at the second member.',
  'number-overflow': 'A number literal beyond the IEEE-754 double range: error out_of_range at the number, as for every magnitude above 2^53-1 (spec/types.md).',
  'error-precedence': 'The text has more than one problem; the phase rules of spec/types.md pick the error.',
  'integer-edge': 'An integer at the edge of the safe range, +/-(2^53-1), which is accepted.',
  'empty-members': 'Optional arrays and objects that are present but empty.',
  'deep-nesting': `Arrays and objects nested up to or beyond the limit of ${MAX_DEPTH} levels (error too_deep beyond).`,
};
