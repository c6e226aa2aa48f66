import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { jazzerNodeLauncher } from '../../../harness/engines/jazzer/compat-runtime.js';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';

interface FuzzTarget {
  readonly name: string;
  readonly module: string;
  readonly entry: string;
  readonly sync: boolean;
}

const TARGET_LINE = /^target ([a-z0-9-]+) (\/\S+) ([A-Za-z_$][\w$]*)( sync)?$/;

/** The script's targets, as its local check prints them (no npm, no OSS-Fuzz helper needed). */
function listTargets(script: string): { readonly targets: FuzzTarget[]; readonly stdout: string; readonly problem: string | null } {
  const run = spawnSync('bash', [script], { cwd: PACKAGE_ROOT, env: { ...process.env, QFC_OSS_FUZZ_LOCAL_CHECK: '1' }, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) return { targets: [], stdout: run.stdout, problem: `exit ${run.status ?? run.signal}: ${run.stderr}` };
  const targets: FuzzTarget[] = [];
  for (const line of run.stdout.split('\n').filter(Boolean)) {
    const match = TARGET_LINE.exec(line);
    if (match === null) return { targets: [], stdout: run.stdout, problem: `not a target line: ${line}` };
    targets.push({ name: match[1]!, module: match[2]!, entry: match[3]!, sync: match[4] !== undefined });
  }
  return { targets, stdout: run.stdout, problem: null };
}

const listing = listTargets(join(PACKAGE_ROOT, 'fuzz', 'oss-fuzz', 'build.sh'));

describe('the OSS-Fuzz build script', () => {
  it('lists its targets in local-check mode, each under its own name', () => {
    expect(listing.problem).toBeNull();
    expect(listing.targets.length).toBeGreaterThan(0);
    expect(new Set(listing.targets.map((target) => target.name)).size).toBe(listing.targets.length);
  });

  it('is what ClusterFuzzLite runs too (one list of targets)', () => {
    const viaClusterFuzzLite = listTargets(join(PACKAGE_ROOT, '.clusterfuzzlite', 'build.sh'));
    expect(viaClusterFuzzLite.problem).toBeNull();
    expect(viaClusterFuzzLite.stdout).toBe(listing.stdout);
  });
});

describe.each(listing.targets)('the $name fuzz target', (target) => {
  const scratch = mkdtempSync(join(tmpdir(), `qfc-oss-fuzz-${target.name}-`));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is a compiled module under dist/ that exports its entry point', async () => {
    expect(target.module.startsWith(join(PACKAGE_ROOT, 'dist') + '/')).toBe(true);
    expect(existsSync(target.module), `${target.module} is missing: run npm run build`).toBe(true);
    const exported = (await import(pathToFileURL(target.module).href)) as Record<string, unknown>;
    expect(typeof exported[target.entry]).toBe('function');
  });

  it('runs 1,000 inputs under Jazzer.js as the OSS-Fuzz wrapper would start it', { timeout: 300_000 }, () => {
    const launcher = jazzerNodeLauncher();
    const cli = createRequire(import.meta.url).resolve('@jazzer.js/core/dist/cli.js');
    const corpus = mkdtempSync(join(scratch, 'corpus-'));
    // The same Jazzer.js options build.sh hands compile_javascript_fuzzer for this target.
    const options = [`--fuzz_entry_point=${target.entry}`, ...(target.sync ? ['--sync'] : [])];
    const run = spawnSync(launcher.command, [...launcher.args, cli, target.module, corpus, ...options, '--', '-runs=1000', `-artifact_prefix=${scratch}/`], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      timeout: 280_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output.slice(-4000)).toBe(0);
    expect(output).toMatch(/^Done 1000 runs\b/m);
  });
});
