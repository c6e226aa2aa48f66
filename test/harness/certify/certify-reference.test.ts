/**
 * The reference pair certifies with zero fail, and the report has every part.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../harness/catalogue/index.js';
import { readCorpus } from '../../../harness/corpus/read-corpus.js';
import type { ResultsDocument } from '../../../harness/reports/results-document.js';
import { QFC, qfc, readReport } from '../../helpers/qfc-cli.js';
import { NOBODY } from '../../helpers/scratch-dir.js';
import { tempDir } from '../../helpers/temp-dir.js';

const CORPUS = new URL('../../../corpus', import.meta.url).pathname;

describe('qfc certify on the bundled reference pair', () => {
  it('passes every case it runs, with a complete report', async () => {
    const out = join(tempDir('qfc-report-'), 'run');
    const run = await qfc(['certify', '--out', out, '--jobs', '2']);
    expect(run.stderr).not.toContain('WARNING'); // confined by bubblewrap
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^qfc certify: qfc reference \(native addon\): \d+ cases: \d+ pass, 0 fail, 0 non-strict, 0 info, 0 error, \d+ skipped/);
    expect(run.stdout).toContain(`report: ${join(out, 'index.html')}`);
    const document = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    const corpus = readCorpus([CORPUS], CORPUS);
    expect(document.summary.total).toBe(CATALOGUE.length + corpus.cases.length);
    expect(document.summary).toMatchObject({ fail: 0, nonStrict: 0, info: 0, error: 0 });
    // skipped only where root cannot check (an unwritable directory needs --uid)
    expect(document.cases.filter((result) => result.verdict === 'skipped').map((result) => result.id)).toEqual(process.getuid?.() === 0 ? ['unwritable-directory'] : []);
    expect(document.implementation.sandbox).toMatch(/^bubblewrap \(uid \d+ gid \d+, capabilities /);
    expect(document.run.containment).toMatchObject({ confinement: 'bwrap', noNewPrivs: true, seccomp: 2, memoryLimitMiB: 512 });
    expect(document.suite.corpusDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const file of ['junit.xml', 'summary.md', 'index.html']) expect(existsSync(join(out, file))).toBe(true);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<testsuites name="qfc certify: qfc reference \(native addon\)" tests="\d+" failures="0" errors="0">/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('✅ **conforming**');
  }, 300_000);
});

// qfc run by a user who is not root runs the programs as that user (no --uid): what they leave
// is the user's own, mode 000 included, and the walk must read it as its owner may. Before, a
// mode-000 file or directory of a valid tree was a false failure of the reference.
const nobodyRunsQfc = process.getuid?.() === 0 && spawnSync(process.execPath, [QFC, '--version'], { uid: NOBODY, gid: NOBODY }).status === 0;

describe.skipIf(!nobodyRunsQfc)('qfc certify run by an unprivileged user', () => {
  it('passes the reference on the cases that leave entries their owner may not read', () => {
    const out = join(tempDir('qfc-report-nobody-'), 'run');
    chmodSync(join(out, '..'), 0o777);
    const cases = ['valid-trees/file-permissions', 'valid-trees/mode-0000-directory-filled-first', 'valid-trees/read-only-directory-filled-first', 'modes-and-times/walk-into-unreadable-directory', 'open-in-vm/unwritable-directory'];
    const run = spawnSync(process.execPath, [QFC, 'certify', ...cases.flatMap((id) => ['--only', id]), '--out', out], { uid: NOBODY, gid: NOBODY, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' }, encoding: 'utf8', timeout: 300_000 });
    expect(run.stderr).not.toMatch(/^(fail|error|non-strict|skipped) /m);
    expect(run.stdout).toMatch(/: 5 cases: 5 pass, 0 fail, 0 non-strict, 0 info, 0 error, 0 skipped/);
    expect(run.status).toBe(0);
    expect(readReport(out).implementation.sandbox).toMatch(/^bubblewrap \(uid 65534 gid 65534,/);
  }, 300_000);
});
