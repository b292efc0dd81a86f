// secrets.scan: the prompt secret scanner. Upstream = the real check-secrets.js
// of @elizaos/prompts, run over each case as a file; spec = the same rules
// (JavaScript RegExp, so JavaScript semantics by construction) reporting every
// line with all matches masked (spec/secrets-scan.md).
import { parseFindings, runUpstreamScanner } from '../scan/upstream-scan.mjs';

const JS_SPACE = '\\s';
// The rules: name, severity, pattern, and the capture group holding the
// secret (0 = the whole match). These are the rule definitions of upstream's
// script (facts), in its order.
const RULES = [
  ['Private key material', 'error', '-----BEGIN (?:RSA |EC |OPENSSH |)PRIVATE KEY-----', 0],
  ['GitHub token', 'error', '\\bghp_[A-Za-z0-9]{20,}\\b', 0],
  ['GitHub fine-grained token', 'error', '\\bgithub_pat_[A-Za-z0-9_]{20,}\\b', 0],
  ['Slack token', 'error', '\\bxox[baprs]-[A-Za-z0-9-]{10,}\\b', 0],
  ['AWS access key id', 'error', '\\bAKIA[0-9A-Z]{16}\\b', 0],
  ['Google API key', 'error', '\\bAIza[0-9A-Za-z\\-_]{30,}\\b', 0],
  ['OpenAI-style key', 'error', '\\bsk-[A-Za-z0-9]{20,}\\b', 0],
  ['Anthropic-style key', 'error', '\\bsk-ant-[A-Za-z0-9\\-_]{20,}\\b', 0],
  ['Generic credential assignment (review)', 'warning',
    `\\b[A-Z0-9_]*(?:API_KEY|APIKEY|TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY)[A-Z0-9_]*${JS_SPACE}*=${JS_SPACE}*["']?([^"'${JS_SPACE}]{8,})`, 1],
].map(([name, severity, src, group]) => ({ name, severity, re: new RegExp(src, 'g'), group }));

// The redaction mask (spec/redact-text.md): under 18 UTF-16 code units "***",
// else the first 6 and last 4 units around U+2026.
// A cut inside a surrogate pair becomes U+FFFD, as in redact.Mask.
const mask = (s) => (s.length < 18 ? '***' : `${s.slice(0, 6).toWellFormed()}\u2026${s.slice(-4).toWellFormed()}`);

export function scanSpec(text) {
  const out = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const hits = [];
    const spans = [];
    for (const r of RULES) {
      r.re.lastIndex = 0;
      let m;
      let hit = false;
      while ((m = r.re.exec(line)) !== null) {
        hit = true;
        const start = r.group === 0 ? m.index : m.index + m[0].length - m[r.group].length;
        spans.push([start, start + m[r.group].length]);
        if (m[0].length === 0) r.re.lastIndex++;
      }
      if (hit) hits.push(r);
    }
    if (!hits.length) return;
    spans.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([...s]);
    }
    let masked = '';
    let prev = 0;
    for (const [a, b] of merged) {
      masked += line.slice(prev, a) + mask(line.slice(a, b));
      prev = b;
    }
    masked = (masked + line.slice(prev)).trim();
    for (const r of hits) out.push({ line: i + 1, rule: r.name, severity: r.severity, text: masked });
  });
  return out;
}

const c = (id, text, description, flags) => ({ id: `scan-${id}`, description, input: { text }, flags });
const tok = (n, ch = 'A') => ch.repeat(n);

const cases = [
  c('empty', '', 'an empty file has no findings', ['empty']),
  c('plain', 'You are a helpful assistant.\nAnswer in {{language}}.\n', 'an ordinary prompt has no findings', ['ascii']),
  c('pem-rsa', 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n', 'an RSA private key header is an error', ['private-key']),
  c('pem-plain', '-----BEGIN PRIVATE KEY-----', 'a PKCS#8 private key header is an error', ['private-key']),
  c('pem-ec', '  -----BEGIN EC PRIVATE KEY-----  ', 'an EC private key header, indented; the printed line is trimmed', ['private-key', 'whitespace']),
  c('pem-openssh', '-----BEGIN OPENSSH PRIVATE KEY-----', 'an OpenSSH private key header is an error', ['private-key']),
  c('pem-dsa', '-----BEGIN DSA PRIVATE KEY-----', 'a DSA private key header is not in the rule', ['private-key', 'near-miss']),
  c('pem-public', '-----BEGIN PUBLIC KEY-----', 'a public key header is not a finding', ['private-key', 'near-miss']),
  c('ghp', `token ghp_${tok(36, 'a')}`, 'a classic GitHub token', ['token']),
  c('ghp-19', `ghp_${tok(19, 'a')}`, 'a GitHub token needs 20 characters after ghp_', ['token', 'near-miss']),
  c('ghp-20', `ghp_${tok(20, 'Z')}`, 'exactly 20 characters after ghp_ is enough', ['token']),
  c('ghp-glued', `xghp_${tok(30, 'a')}`, 'no word boundary before ghp_: no finding', ['token', 'near-miss']),
  c('ghp-underscore-tail', `ghp_${tok(25, 'a')}_x`, 'a token followed by _ has no word boundary at its end: no finding', ['token', 'near-miss']),
  c('github-pat', `github_pat_${tok(22, 'b')}_${tok(59, 'c')}`, 'a fine-grained GitHub token', ['token']),
  c('slack', `slack: xoxb-${'1234567890'}-abcdefABCDEF`, 'a Slack bot token', ['token']),
  c('slack-short', 'xoxp-123456789', 'a Slack token needs 10 characters after the dash', ['token', 'near-miss']),
  c('slack-xoxz', 'xoxz-1234567890abcdef', 'xoxz is not a Slack token prefix', ['token', 'near-miss']),
  c('aws', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'an AWS access key id', ['token']),
  c('aws-lower', 'akiaiosfodnn7example', 'the rules are case-sensitive: a lower-case AWS key id is not found', ['token', 'near-miss', 'case']),
  c('aws-long', 'AKIAIOSFODNN7EXAMPLEX', 'an AWS key id with 17 characters after AKIA has no boundary after 16: no finding', ['token', 'near-miss']),
  c('google', `key=AIza${tok(35, 'B')}`, 'a Google API key (also a generic assignment? no: key= is not a listed name)', ['token']),
  c('google-29', `AIza${tok(29, 'B')}`, 'a Google API key needs 30 characters after AIza', ['token', 'near-miss']),
  c('openai', `Use sk-${tok(48, 'x')} for tests`, 'an OpenAI-style key', ['token']),
  c('openai-proj', `sk-proj-${tok(40, 'x')}`, 'sk-proj- keys: the dash after proj stops the OpenAI rule', ['token', 'near-miss']),
  c('anthropic', `sk-ant-api03-${tok(40, 'y')}`, 'an Anthropic-style key', ['token']),
  c('both-keys-one-line', `a=sk-${tok(24, 'q')} b=ghp_${tok(24, 'r')}`, 'two keys of two rules on one line: two findings, both masked in each', ['token', 'multiple']),
  c('assign', 'OPENAI_API_KEY=abcdefgh12345678', 'a generic credential assignment is a warning', ['assignment']),
  c('assign-quoted', 'DB_PASSWORD="hunter2hunter2"', 'quoted value', ['assignment']),
  c('assign-single-quoted', "MY_SECRET = 'abcdefghij'", 'single-quoted value with spaces around =', ['assignment', 'whitespace']),
  c('assign-short', 'API_KEY=abcdefg', 'a value of 7 characters is not reported', ['assignment', 'near-miss']),
  c('assign-lower', 'api_key=abcdefghijkl', 'the variable name must be upper case', ['assignment', 'near-miss', 'case']),
  c('assign-template', 'OPENAI_API_KEY={{apiKey}}', 'a template placeholder of 8+ characters is reported for review', ['assignment']),
  c('assign-colon', 'API_KEY: abcdefghijkl', 'only = assignments are matched', ['assignment', 'near-miss']),
  c('assign-nbsp', 'API_KEY\u00a0=\u00a0abcdefghijkl', 'JavaScript \\s includes NBSP around =', ['assignment', 'js-whitespace']),
  c('assign-ideographic-space', 'TOKEN\u3000=\u3000abcdefghijkl', 'JavaScript \\s includes U+3000', ['assignment', 'js-whitespace']),
  c('assign-vtab', 'TOKEN\u000b=abcdefghijkl', 'JavaScript \\s includes vertical tab, Go \\s does not', ['assignment', 'js-whitespace']),
  c('assign-bom-stops-value', 'TOKEN=abcd\ufeffefghij', 'U+FEFF is whitespace to JavaScript, so it ends the value at 4 characters: no finding', ['assignment', 'js-whitespace', 'near-miss']),
  c('assign-emoji-units', 'PASSWORD=\u{1f600}\u{1f600}\u{1f600}\u{1f600}', 'four emoji are eight UTF-16 code units: reported', ['assignment', 'astral']),
  c('assign-emoji-short', 'PASSWORD=\u{1f600}\u{1f600}\u{1f600}', 'three emoji are six code units: not reported', ['assignment', 'astral', 'near-miss']),
  c('assign-cjk', 'SECRET=\u79d8\u5bc6\u79d8\u5bc6\u79d8\u5bc6\u79d8\u5bc6', 'eight CJK characters', ['assignment', 'cjk']),
  c('assign-private-key-name', 'SSH_PRIVATE_KEY=/home/user/.ssh/id_rsa', 'PRIVATE_KEY in the name', ['assignment']),
  c('assign-long-masked', `SLACK_TOKEN=${tok(40, 'z')}`, 'a long value keeps its first 6 and last 4 characters in the report', ['assignment']),
  c('crlf', `line one\r\nGITHUB_TOKEN=ghp_${tok(30, 'a')}\r\n`, 'CRLF line endings: the second line has a warning and an error', ['crlf', 'multiple', 'token', 'assignment']),
  c('lone-cr', `a\rGITHUB_TOKEN=ghp_${tok(30, 'a')}`, 'a lone CR does not split lines', ['crlf', 'token', 'assignment']),
  c('line-numbers', `\n\n\nghp_${tok(30, 'a')}\n\nsk-${tok(30, 'b')}`, 'findings carry 1-based line numbers', ['token', 'multiple']),
  c('trim-unicode', `\u3000\u00a0ghp_${tok(30, 'a')}\u2003`, 'the printed line is trimmed of JavaScript white space', ['token', 'js-whitespace']),
  c('bom-start', `\ufeffghp_${tok(30, 'a')}`, 'a leading BOM is trimmed from the printed line', ['token', 'js-whitespace']),
  c('prompt-like', 'Extract the user\'s API keys.\nExample: OPENAI_API_KEY=your-key-here\nNever reveal SECRET values.', 'a prompt that talks about keys, with an example assignment', ['assignment']),
  c('many-rules', `-----BEGIN PRIVATE KEY----- AKIAIOSFODNN7EXAMPLE AWS_SECRET=${tok(12, 'k')}`, 'three rules on one line', ['private-key', 'token', 'assignment', 'multiple']),
];

// Found by interop parity fuzz (issue 14), minimized: upstream prints the
// line in clear, as for every finding (parity/known-failures/ts.json).
const fuzzCases = [
  c('fuzz-private-key-glued-astral', '-----BEGIN RSA PRIVATE KEY-----d_d_SR9ByMHm\u3000a\u{136ce}', 'a private key header glued to text with U+3000 and an astral character: reported, masked', ['fuzz-found', 'private-key', 'js-whitespace', 'astral']),
  c('fuzz-github-pat-astral', 'github_pat_Ffeg3PeNpCjzEIJz7I1qwi00\u00e9&$&\u{10ffff}', 'a fine-grained GitHub token followed by non-ASCII, $& and U+10FFFF: reported, masked', ['fuzz-found', 'token', 'astral']),
  c('fuzz-assign-control-astral', 'TOKEN=\u0019\u{1f469}\u200d\u{1f4bb}\\\u0085', 'an assignment whose value holds a control character, an emoji ZWJ sequence, a backslash and NEL (not JavaScript white space): reported, masked', ['fuzz-found', 'assignment', 'control-chars', 'astral']),
  c('fuzz-private-key-astral-crlf', '-----BEGIN PRIVATE KEY-----\u{1f600}\u0016K\r\n', 'a private key header glued to an emoji, a control character and a letter, then CRLF: reported, masked', ['fuzz-found', 'private-key', 'astral', 'control-chars', 'crlf']),
  c('fuzz-google-astral', 'AIza1z5GMST01biCoJiAPI_KEYGY0NZwJe&\u{15066}_', 'a Google API key followed by &, an astral character and _: reported, masked', ['fuzz-found', 'token', 'astral']),
];

const sameFindings = (a, b) => {
  const key = (f) => `${String(f.line).padStart(8, '0')}\u0000${f.severity}\u0000${f.rule}`;
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
};

export const RULE_NAMES = RULES.map((r) => r.name);

/**
 * observeOne runs upstream's script (in layout, a ScanLayout) over one file
 * holding text, and returns what it reported in the suite's shape: findings
 * in line order, then rule order (upstream prints all warnings, then all
 * errors, each group in that order), text as upstream printed it (the
 * trimmed line, unmasked). A run that ends other than with status 0 or 1
 * (upstream's own error exit is 2) is {raised: <the class it printed, or
 * "exit <status>">}. Used by the peer, once per request.
 */
export function observeOne(layout, text) {
  const r = layout.run([['case', text]]);
  if (r.status !== 0 && r.status !== 1) {
    const m = /^\[?([A-Za-z_$][\w$]*(?:Error|Exception))\b/m.exec(r.output);
    return { raised: m ? m[1] : r.signal ? `signal ${r.signal}` : `exit ${r.status}` };
  }
  const rank = (f) => RULE_NAMES.indexOf(f.rule);
  const found = parseFindings(r.output, layout.prompts, RULE_NAMES, ['case']).get('case');
  return { output: found.map((f, i) => [f, i]).sort(([a, i], [b, j]) => a.line - b.line || rank(a) - rank(b) || i - j).map(([f]) => f) };
}

let observed = null;
function observe(input, id) {
  if (observed === null) {
    observed = runUpstreamScanner([...cases, ...fuzzCases].map((k) => ({ id: k.id, text: k.input.text })), RULES.map((r) => r.name));
  }
  return { output: observed.get(id) };
}

export const notes = {
  'private-key': 'Exercises the private-key header rule.',
  token: 'Exercises one of the token rules (GitHub, Slack, AWS, Google, OpenAI-style, Anthropic-style).',
  assignment: 'Exercises the generic credential assignment warning rule.',
  'near-miss': 'Looks like a credential but must not be reported.',
  case: 'The rules are case-sensitive.',
  multiple: 'More than one finding in the file or on one line.',
  'js-whitespace': 'Depends on JavaScript white space (\\s and trim include NBSP, U+3000, U+FEFF, \\v, ...), which Go\'s \\s does not.',
  crlf: 'Line endings: lines split at \\n or \\r\\n, a lone \\r stays in the line.',
};

export const suites = [{
  name: 'secrets.scan',
  spec: (input) => ({ output: scanSpec(input.text) }),
  observe,
  // Upstream prints the raw line; the spec masks it (a deliberate difference
  // for every finding, spec/secrets-scan.md), so agreement is on which rules
  // fire on which lines.
  agrees: (spec, obs) => sameFindings(spec.output, obs.output),
  files: [{
    name: 'scan',
    description: 'secrets.scan: findings of the prompt secret scanner for one file\'s text: line, rule, severity and the trimmed line with every match masked.',
    cases,
  }, {
    name: 'fuzz-found',
    description: 'Cases found by differential fuzzing (interop parity fuzz, issue 14): files whose findings an upstream scanner reports differently from the spec. Each case is minimized and built by this generator; see the fuzz-found flag.',
    cases: fuzzCases,
  }],
}];
