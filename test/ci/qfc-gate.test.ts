/**
 * The CI templates' shell steps (ci/qfc-gate.sh), run here as a runner would run them: a
 * change that breaks the receiver fails the gate with a diff naming the regressions, junit.xml
 * and the reports in place for the artifacts; an unchanged receiver passes, fuzzing included;
 * an expectations file accepting the known failures keeps the gate green; a misconfigured gate
 * exits 2 rather than pass.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brokenReceiver, qfc, QFC } from '../helpers/qfc-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const GATE = fileURLToPath(new URL('../../ci/qfc-gate.sh', import.meta.url));
const REFERENCE_RECEIVER = fileURLToPath(new URL('../../dist/bin/qfile-unpacker.js', import.meta.url));
const ONLY = 'names/dotdot-* names/absolute-*';

function gate(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [GATE], { env: { ...process.env, QFC: `${process.execPath} ${QFC}`, QFC_ONLY: ONLY, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('ci/qfc-gate.sh', () => {
  it('fails a change that breaks the receiver, with the diff for the pull request and the reports for the artifacts', async () => {
    const out = tempDir('qfc-gate-red-');
    const run = await gate({ QFC_RECEIVER: brokenReceiver('escape-dotdot'), QFC_BASE_RECEIVER: `${process.execPath} ${REFERENCE_RECEIVER}`, QFC_OUT: out, QFC_FUZZ_RUNS: '30', QFC_FUZZ_SEED: '8' });
    expect({ status: run.status, stderr: run.stderr.slice(-1500) }).toMatchObject({ status: 1 });
    expect(run.stderr).toContain('qfc-gate: certify: failed (exit 1)');
    expect(run.stderr).toContain('qfc-gate: diff: failed (exit 1)');
    const diff = readFileSync(join(out, 'diff', 'diff.md'), 'utf8');
    expect(diff).toMatch(/❌ \*\*\d+ regressions?\*\*/);
    expect(diff).toContain('`names/dotdot-leading` | pass | fail |');
    for (const file of ['certify/junit.xml', 'certify/index.html', 'base/results.json', 'diff/diff.json', 'fuzz/index.html']) expect(existsSync(join(out, file)), file).toBe(true);
  }, 300_000);

  it('passes an unchanged receiver, fuzzing included', async () => {
    const out = tempDir('qfc-gate-green-');
    const receiver = `${process.execPath} ${REFERENCE_RECEIVER}`;
    const run = await gate({ QFC_RECEIVER: receiver, QFC_BASE_RECEIVER: receiver, QFC_OUT: out, QFC_FUZZ_RUNS: '30', QFC_FUZZ_SEED: '1' });
    expect({ status: run.status, stderr: run.stderr.slice(-1500) }).toMatchObject({ status: 0 });
    expect(readFileSync(join(out, 'diff', 'diff.md'), 'utf8')).toContain('✅ **no regression**');
    expect(existsSync(join(out, 'fuzz', 'results.json'))).toBe(true);
  }, 300_000);

  it('stays green on failures the expectations accept', async () => {
    const out = tempDir('qfc-gate-expected-');
    const expectations = join(out, 'expectations.json');
    const written = await qfc(['certify', '--receiver', brokenReceiver('escape-dotdot'), ...ONLY.split(' ').flatMap((id) => ['--only', id]), '--out', join(out, 'first'), '--write-expectations', expectations]);
    expect(written.status).toBe(1);
    const run = await gate({ QFC_RECEIVER: brokenReceiver('escape-dotdot'), QFC_EXPECT: expectations, QFC_OUT: out, QFC_FUZZ_SECONDS: '0' });
    expect({ status: run.status, stderr: run.stderr.slice(-1500) }).toMatchObject({ status: 0 });
    expect(existsSync(join(out, 'fuzz'))).toBe(false);
  }, 300_000);

  it('exits 2, not 0, when misconfigured', async () => {
    const out = tempDir('qfc-gate-bad-');
    expect((await gate({ QFC_OUT: out })).status).toBe(2);
    expect((await gate({ QFC_RECEIVER: '/bin/true', QFC_EXPECT: join(out, 'missing.json'), QFC_OUT: out })).status).toBe(2);
    // qfc's own bad usage (an unknown case glob) stops the gate too.
    const run = await gate({ QFC_RECEIVER: '/bin/true', QFC_ONLY: 'no-such-case', QFC_OUT: out, QFC_FUZZ_SECONDS: '0' });
    expect({ status: run.status, stderr: run.stderr.trim().split('\n').at(-1) }).toEqual({ status: 2, stderr: 'qfc-gate: certify: bad usage (exit 2)' });
  }, 120_000);
});
