// Reference implementation of spec/redact-text.md (redact.text and
// redact.secrets), written from the spec. It is allowed to use JavaScript
// regular expressions with the upstream patterns because the spec defines the
// patterns by their JavaScript meaning; what it does differently from upstream
// is what the spec does differently: it puts each mask at the token's own
// position and inserts it literally (no "$&" expansion), writes U+FFFD for a
// cut surrogate pair, and orders equal-length secrets by name.

// The sixteen default patterns (spec/redact-text.md, "Patterns"), compiled
// with "gi" as upstream does plus "d" for the capture positions.
export const PATTERNS = [
  String.raw`\b[A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)\b\s*[=:]\s*(["']?)([^\s"'\\]+)\1`,
  String.raw`"(?:apiKey|token|secret|password|passwd|accessToken|refreshToken)"\s*:\s*"([^"]+)"`,
  String.raw`--(?:api[-_]?key|token|secret|password|passwd)\s+(["']?)([^\s"']+)\1`,
  String.raw`Authorization\s*[:=]\s*Bearer\s+([A-Za-z0-9._\-+=]+)`,
  String.raw`\bBearer\s+([A-Za-z0-9._\-+=]{18,})\b`,
  String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----`,
  String.raw`\b(sk-[A-Za-z0-9_-]{8,})\b`,
  String.raw`\b(ghp_[A-Za-z0-9]{20,})\b`,
  String.raw`\b(github_pat_[A-Za-z0-9_]{20,})\b`,
  String.raw`\b(xox[baprs]-[A-Za-z0-9-]{10,})\b`,
  String.raw`\b(xapp-[A-Za-z0-9-]{10,})\b`,
  String.raw`\b(gsk_[A-Za-z0-9_-]{10,})\b`,
  String.raw`\b(AIza[0-9A-Za-z\-_]{20,})\b`,
  String.raw`\b(pplx-[A-Za-z0-9_-]{10,})\b`,
  String.raw`\b(npm_[A-Za-z0-9]{10,})\b`,
  String.raw`\b(\d{6,}:[A-Za-z0-9_-]{20,})\b`,
];
const REGEXPS = PATTERNS.map((p) => new RegExp(p, 'dgi'));

// mask: < 18 UTF-16 units -> "***"; else 6 units + U+2026 + 4 units, with a
// cut surrogate pair written as U+FFFD.
export function mask(token) {
  if (token.length < 18) return '***';
  return `${token.slice(0, 6).toWellFormed()}\u2026${token.slice(-4).toWellFormed()}`;
}

function pem(block) {
  const lines = block.split(/\r?\n/).filter((l) => l !== '');
  if (lines.length < 2) return '***';
  return `${lines[0]}\n\u2026redacted\u2026\n${lines[lines.length - 1]}`;
}

function redactMatch(m) {
  const whole = m[0];
  if (whole.includes('PRIVATE KEY-----')) return pem(whole);
  for (let g = m.length - 1; g >= 1; g--) {
    if (typeof m[g] === 'string' && m[g].length > 0) {
      const [s, e] = m.indices[g];
      const off = m.index;
      return whole.slice(0, s - off) + mask(m[g]) + whole.slice(e - off);
    }
  }
  return mask(whole);
}

// text: a well-formed JS string.
export function redactText(text) {
  let next = text;
  for (const re of REGEXPS) {
    let out = '';
    let last = 0;
    for (const m of next.matchAll(re)) {
      out += next.slice(last, m.index) + redactMatch(m);
      last = m.index + m[0].length;
    }
    next = out + next.slice(last);
  }
  return next;
}

function utf16Units(s) {
  return s.length;
}

// Code point order of two well-formed strings (UTF-8 byte order).
export function compareCodePoints(a, b) {
  const A = Array.from(a, (c) => c.codePointAt(0));
  const B = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(A.length, B.length); i++) if (A[i] !== B[i]) return A[i] - B[i];
  return A.length - B.length;
}

export function redactSecrets(text, secrets) {
  const list = Object.entries(secrets)
    .filter(([, v]) => utf16Units(v) >= 8)
    .sort(([na, a], [nb, b]) => utf16Units(b) - utf16Units(a) || compareCodePoints(na, nb));
  let out = text;
  for (const [name, value] of list) out = out.split(value).join(`[REDACTED:${name}]`);
  return out;
}

// The text a JS peer holds for raw bytes: WHATWG UTF-8 decoding, U+FFFD per
// maximal subpart, a leading BOM kept.
export function decodeBytes(hex) {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.from(hex, 'hex'));
}
