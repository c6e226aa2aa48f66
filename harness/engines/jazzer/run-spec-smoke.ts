/**
 * `npm run fuzz:spec -- [seconds]`: fuzz the spec's tokenizer and model with Jazzer.js
 * for a bounded time (default 30 s). Exits 0 when nothing was found, 1 on a finding
 * (the input is kept under reports/fuzz-spec/), 2 on bad usage or a missing runtime.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';
import { jazzerNodeLauncher, JazzerRuntimeError } from './compat-runtime.js';
import { specSeeds } from './spec-seeds.js';

const USAGE = 'usage: npm run fuzz:spec -- [seconds]   (a whole number of seconds, default 30)';

function fail(message: string, status: number): never {
  process.stderr.write(`fuzz:spec: ${message}\n`);
  process.exit(status);
}

function parseSeconds(args: readonly string[]): number {
  if (args.length === 0) return 30;
  if (args.length > 1 || !/^[1-9]\d{0,5}$/.test(args[0]!)) fail(USAGE, 2);
  return Number(args[0]);
}

function main(): void {
  const seconds = parseSeconds(process.argv.slice(2));
  let launcher;
  try {
    launcher = jazzerNodeLauncher(undefined, (line) => process.stderr.write(`fuzz:spec: ${line}\n`));
  } catch (error) {
    if (error instanceof JazzerRuntimeError) fail(error.message, 2);
    throw error;
  }
  const corpus = join(PACKAGE_ROOT, '.cache', 'fuzz-spec-corpus');
  mkdirSync(corpus, { recursive: true });
  if (readdirSync(corpus).length === 0) for (const [name, seed] of specSeeds()) writeFileSync(join(corpus, name), seed);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const artifacts = join(PACKAGE_ROOT, 'reports', 'fuzz-spec', stamp);
  mkdirSync(artifacts, { recursive: true });
  const cli = createRequire(import.meta.url).resolve('@jazzer.js/core/dist/cli.js');
  const target = join(PACKAGE_ROOT, 'dist', 'harness', 'engines', 'jazzer', 'spec-target.js');
  if (!existsSync(target)) fail(`${target} is missing: run npm run build first`, 2);
  process.stderr.write(`fuzz:spec: ${seconds} s with the ${launcher.runtime} runtime, corpus ${corpus}\n`);
  const run = spawnSync(
    launcher.command,
    [...launcher.args, cli, target, corpus, '--sync', '--', `-max_total_time=${seconds}`, `-artifact_prefix=${artifacts}/`, '-print_final_stats=1'],
    { cwd: PACKAGE_ROOT, stdio: 'inherit' },
  );
  const findings = readdirSync(artifacts);
  if (run.status === 0 && findings.length === 0) {
    rmSync(artifacts, { recursive: true, force: true });
    process.stderr.write(`fuzz:spec: no finding in ${seconds} s\n`);
    return;
  }
  fail(`finding (exit ${run.status ?? run.signal}); inputs kept in ${artifacts}: ${findings.join(', ') || 'none written'}`, 1);
}

main();
