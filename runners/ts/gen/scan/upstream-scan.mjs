// Runs the real upstream prompt secret scanner (@elizaos/prompts
// scripts/check-secrets.js, unmodified) over case texts. The script scans the
// prompts/ directory next to its own scripts/ directory, so it is copied into
// a temporary package layout with one .txt file per case and run as a node
// child process. The generator runs it once over every case
// (runUpstreamScanner); the peer keeps one layout and runs it once per
// request (ScanLayout.scanOne).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PINNED = '2.0.0-alpha.537';

// The package's exports map hides package.json, so it is found on disk.
export function promptsPackageDir() {
  const pkg = fileURLToPath(new URL('../../node_modules/@elizaos/prompts/package.json', import.meta.url));
  const { version } = JSON.parse(readFileSync(pkg, 'utf8'));
  if (version !== PINNED) throw new Error(`@elizaos/prompts ${version} is installed; the generator requires exactly ${PINNED}`);
  return dirname(pkg);
}

/**
 * ScanLayout is a temporary packages/prompts layout holding an unmodified
 * copy of upstream's check-secrets.js; dispose removes it.
 */
export class ScanLayout {
  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'interop-scan-'));
    this.pkg = join(this.root, 'packages', 'prompts');
    this.prompts = join(this.pkg, 'prompts');
    this.script = join(this.pkg, 'scripts', 'check-secrets.js');
    mkdirSync(join(this.pkg, 'scripts'), { recursive: true });
    mkdirSync(this.prompts, { recursive: true });
    copyFileSync(join(promptsPackageDir(), 'scripts', 'check-secrets.js'), this.script);
    writeFileSync(join(this.pkg, 'package.json'), '{"type":"module"}\n');
  }

  // run replaces the prompt files with files (name -> text, written as UTF-8)
  // and runs the script: {status, output} where output is its stdout and
  // stderr (upstream prints warnings and errors with console.warn/error).
  run(files) {
    for (const f of readdirSync(this.prompts)) rmSync(join(this.prompts, f), { recursive: true, force: true });
    for (const [name, text] of files) writeFileSync(join(this.prompts, `${name}.txt`), text, 'utf8');
    const r = spawnSync(process.execPath, [this.script], { encoding: 'utf8', cwd: this.root, maxBuffer: 256 << 20 });
    if (r.error) throw r.error;
    return { status: r.status, signal: r.signal, output: `${r.stdout}${r.stderr}` };
  }

  dispose() {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * parseFindings reads the script's printed report: a Map from file name
 * (without .txt) to [{line, rule, severity, text}] in upstream's printed
 * order (all warnings, then all errors). text is what upstream printed: the
 * trimmed line.
 */
export function parseFindings(output, promptsDir, ruleNames, names) {
  const out = new Map(names.map((n) => [n, []]));
  let severity = null;
  const prefix = `${promptsDir}/`;
  for (const line of output.split('\n')) {
    if (line.startsWith('Prompt secret scan warnings')) severity = 'warning';
    else if (line.startsWith('Prompt secret scan errors')) severity = 'error';
    if (!line.startsWith(`- ${prefix}`)) continue;
    const rest = line.slice(2 + prefix.length);
    const m = /^(.+?)\.txt:(\d+) {2}/.exec(rest);
    if (!m) throw new Error('cannot parse an upstream scanner line');
    const after = rest.slice(m[0].length);
    const rule = ruleNames.find((n) => after.startsWith(`${n}: `));
    if (!rule) throw new Error('unknown rule in an upstream scanner line');
    if (!out.has(m[1])) throw new Error('upstream scanner reported a file that was not written');
    out.get(m[1]).push({ line: Number(m[2]), rule, severity, text: after.slice(rule.length + 2) });
  }
  return out;
}

/**
 * runUpstreamScanner scans every {id, text} and returns a Map from id to the
 * findings upstream printed: [{line, rule, severity, text}] in upstream's order
 * within each severity.
 */
export function runUpstreamScanner(cases, ruleNames) {
  const layout = new ScanLayout();
  try {
    const r = layout.run(cases.map((c) => [c.id, c.text]));
    if (r.status !== 0 && r.status !== 1) throw new Error(`upstream scanner exited ${r.status}: ${r.output}`);
    return parseFindings(r.output, layout.prompts, ruleNames, cases.map((c) => c.id));
  } finally {
    layout.dispose();
  }
}
