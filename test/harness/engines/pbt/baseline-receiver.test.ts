/**
 * `qfc fuzz --baseline-receiver CMD`: differential fuzzing of two receivers. The same receiver
 * as its own baseline never differs; a receiver that differs observably from its baseline is a
 * finding of the `baseline` property, reported with both outcomes side by side.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../../harness/package-root.js';
import type { ResultsDocument } from '../../../../harness/reports/results-document.js';
import { brokenReceiver, qfc } from '../../../helpers/qfc-cli.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const UNPACKER = `${process.execPath} ${join(PACKAGE_ROOT, 'dist', 'bin', 'qfile-unpacker.js')}`;

describe('qfc fuzz --baseline-receiver', () => {
  it('finds no difference between a receiver and itself', async () => {
    const out = join(tempDir('qfc-baseline-'), 'run');
    const run = await qfc(['fuzz', '--receiver', UNPACKER, '--baseline-receiver', UNPACKER, '--property', 'baseline', '--runs', '25', '--seed', '3', '--jobs', '1', '--corpus', tempDir('qfc-baseline-corpus-'), '--out', out]);
    expect(run.status, run.stderr.slice(-1500)).toBe(0);
  }, 180_000);

  it('reports a receiver that differs from its baseline, with both outcomes', async () => {
    const out = join(tempDir('qfc-baseline-'), 'run');
    // the naive receiver applies no times: a stream with a file shows the difference
    const run = await qfc(['fuzz', '--receiver', UNPACKER, '--baseline-receiver', brokenReceiver('none'), '--property', 'baseline', '--runs', '40', '--seed', '3', '--jobs', '1', '--shrink-seconds', '5', '--corpus', tempDir('qfc-baseline-corpus-'), '--out', out]);
    expect(run.status).toBe(1);
    const document = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    const finding = document.engine!.findings[0]!;
    expect(finding.property).toBe('baseline');
    const result = document.cases.find((item) => item.id === finding.id)!;
    expect(result.violations.some((violation) => violation.clause === 'baseline.same-outcome' && violation.detail.startsWith('differs from the baseline receiver'))).toBe(true);
    expect(result.expected).toHaveProperty('baseline');
  }, 180_000);
});
