/**
 * `qfc certify --coverage` measures how much of the implementation the catalogue and corpus
 * exercise: for the bundled reference pair (V8 coverage through c8, per source file through
 * the bundles' source maps) it must stay at or above the threshold the README quotes; for a
 * C receiver built with --coverage, gcov's counters from inside the sandbox are summarised;
 * an implementation that leaves no coverage says why instead of showing 0 %.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { qfc, readReport } from '../../helpers/qfc-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

/**
 * The least share of the reference pair's branches the whole suite must exercise. Measured
 * at 84.18 % (500 of 594 branches, 2026-12-02); the margin takes a new branch or two.
 */
const REFERENCE_BRANCH_THRESHOLD = 80;
const TRIVIAL_RECEIVER = fileURLToPath(new URL('../../../harness/bench/native/trivial-receiver.c', import.meta.url));

describe('qfc certify --coverage', () => {
  it(`exercises at least ${REFERENCE_BRANCH_THRESHOLD} % of the reference pair's branches, with a per-file view`, async () => {
    const out = join(tempDir('qfc-coverage-reference-'), 'report');
    const run = await qfc(['certify', '--coverage', '--out', out]);
    expect({ status: run.status, stderr: run.stderr.slice(-500) }).toMatchObject({ status: 0 });
    const coverage = readReport(out).coverage!;
    expect(coverage).toMatchObject({ tool: 'c8', problem: null, html: 'coverage/index.html' });
    expect(coverage.branches.pct).toBeGreaterThanOrEqual(REFERENCE_BRANCH_THRESHOLD);
    expect(coverage.files.map((file) => file.file)).toContain(fileURLToPath(new URL('../../../implementations/reference/receiver/unpack.ts', import.meta.url)));
    expect(existsSync(join(out, 'coverage', 'index.html'))).toBe(true);
    expect(run.stdout).not.toBe('');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/coverage \(c8\): the cases exercise \*\*[\d.]+ %\*\* of the branches of the implementation/);
  }, 600_000);

  it('summarises the gcov counters of a C receiver built with --coverage, written from inside the sandbox', async () => {
    const work = tempDir('qfc-coverage-gcov-');
    const build = join(work, 'build');
    spawnSync('mkdir', ['-p', build]);
    const compiled = spawnSync('cc', ['--coverage', '-O0', '-o', join(build, 'receiver'), TRIVIAL_RECEIVER], { cwd: build, encoding: 'utf8' });
    expect(compiled.status, compiled.stderr).toBe(0);
    const manifest = join(work, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ contract: 1, name: 'trivial C receiver', receiver: { command: [join(build, 'receiver')] }, coverage: { gcov: './build' } }));
    const out = join(work, 'report');
    const run = await qfc(['certify', '--impl', manifest, '--coverage', '--only', 'valid-trees/*', '--out', out]);
    expect(run.status).not.toBe(2);
    const coverage = readReport(out).coverage!;
    expect(coverage).toMatchObject({ tool: 'gcov', problem: null });
    const file = coverage.files.find((entry) => entry.file.endsWith('trivial-receiver.c'));
    expect(file).toBeDefined();
    expect(file!.lines.covered).toBeGreaterThan(0);
    expect(file!.branches.total).toBeGreaterThan(0);
    expect(file!.functions).toMatchObject({ covered: file!.functions.total });
    // The counters are this run's: a second run reports the same, not twice as much.
    const again = await qfc(['certify', '--impl', manifest, '--coverage', '--only', 'valid-trees/*', '--out', join(work, 'again')]);
    expect(again.status).toBe(run.status);
    expect(readReport(join(work, 'again')).coverage!.lines).toEqual(coverage.lines);
  }, 300_000);

  it('says why when the implementation left no coverage', async () => {
    const work = tempDir('qfc-coverage-none-');
    const run = await qfc(['certify', '--receiver', '/bin/true', '--coverage', '--only', 'valid-trees/single-file', '--out', join(work, 'report')]);
    expect(run.status).toBe(1);
    expect(readReport(join(work, 'report')).coverage!.problem).toMatch(/^no V8 coverage of the implementation's scripts was written/);
    const missing = await qfc(['certify', '--impl', join(work, 'nothing.json'), '--coverage']);
    expect(missing.status).toBe(2);
  }, 120_000);
});
