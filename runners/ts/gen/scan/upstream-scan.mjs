// Runs the real upstream prompt secret scanner (@elizaos/prompts
// scripts/check-secrets.js, unmodified) over case texts. The script scans the
// prompts/ directory next to its own scripts/ directory, so it is copied into
// a temporary package layout with one <case id>.txt per case and run once.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PINNED = '2.0.0-alpha.537';

// The package's exports map hides package.json, so it is found on disk.
function promptsPackageDir() {
  const pkg = fileURLToPath(new URL('../../node_modules/@elizaos/prompts/package.json', import.meta.url));
  const { version } = JSON.parse(readFileSync(pkg, 'utf8'));
  if (version !== PINNED) throw new Error(`@elizaos/prompts ${version} is installed; the generator requires exactly ${PINNED}`);
  return dirname(pkg);
}

/**
 * runUpstreamScanner scans every {id, text} and returns a Map from id to the
 * findings upstream printed: [{line, rule, severity, text}] in upstream's order
 * within each severity.
 */
export function runUpstreamScanner(cases, ruleNames) {
  const root = mkdtempSync(join(tmpdir(), 'interop-scan-'));
  try {
    const pkg = join(root, 'packages', 'prompts');
    mkdirSync(join(pkg, 'scripts'), { recursive: true });
    mkdirSync(join(pkg, 'prompts'), { recursive: true });
    copyFileSync(join(promptsPackageDir(), 'scripts', 'check-secrets.js'), join(pkg, 'scripts', 'check-secrets.js'));
    writeFileSync(join(pkg, 'package.json'), '{"type":"module"}\n');
    for (const c of cases) writeFileSync(join(pkg, 'prompts', `${c.id}.txt`), c.text, 'utf8');
    const r = spawnSync(process.execPath, [join(pkg, 'scripts', 'check-secrets.js')], { encoding: 'utf8', cwd: root });
    if (r.status !== 0 && r.status !== 1) throw new Error(`upstream scanner exited ${r.status}: ${r.stderr}`);
    const out = new Map(cases.map((c) => [c.id, []]));
    let severity = null;
    const prefix = `${join(pkg, 'prompts')}/`;
    for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
      if (line.startsWith('Prompt secret scan warnings')) severity = 'warning';
      else if (line.startsWith('Prompt secret scan errors')) severity = 'error';
      if (!line.startsWith(`- ${prefix}`)) continue;
      const rest = line.slice(2 + prefix.length);
      const m = /^(.+?)\.txt:(\d+) {2}/.exec(rest);
      if (!m) throw new Error(`cannot parse upstream scanner line ${JSON.stringify(line)}`);
      const after = rest.slice(m[0].length);
      const rule = ruleNames.find((n) => after.startsWith(`${n}: `));
      if (!rule) throw new Error(`unknown rule in upstream scanner line ${JSON.stringify(line)}`);
      out.get(m[1]).push({ line: Number(m[2]), rule, severity, text: after.slice(rule.length + 2) });
    }
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
