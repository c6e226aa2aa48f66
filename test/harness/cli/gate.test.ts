/**
 * The CI gate as a maintainer uses it, against the broken-receiver fixtures: an expectations
 * file written from today's run keeps the gate green on those known failures, turns it red
 * when another failure appears (and says which cases now do better), refuses stale entries;
 * `qfc diff` of the two runs names the regressions and fixed cases and exits 1 on a
 * regression, 0 on none.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsDiff } from '../../../harness/reports/diff-results.js';
import { brokenReceiver, qfc, qfcSync, readReport } from '../../helpers/qfc-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

const SELECTION = ['--only', 'names/dotdot-*', '--only', 'names/absolute-*'];
const certifyFixture = (flaw: string, out: string, extra: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> => qfc(['certify', '--receiver', brokenReceiver(flaw), ...SELECTION, '--out', out, ...extra]);

describe('expectations and qfc diff', () => {
  it('keeps the gate green on accepted failures until another one appears, and diff names it', async () => {
    const work = tempDir('qfc-gate-');
    const expectations = join(work, 'expectations.json');
    const first = await certifyFixture('escape-dotdot', join(work, 'first'), ['--write-expectations', expectations]);
    expect(first.status).toBe(1); // without expectations, its failures fail the run
    const written = JSON.parse(readFileSync(expectations, 'utf8'));
    expect(written['names/dotdot-leading']).toMatchObject({ verdict: 'fail' });

    const accepted = await certifyFixture('escape-dotdot', join(work, 'accepted'), ['--expect', expectations]);
    expect({ status: accepted.status, stdout: accepted.stdout }).toMatchObject({ status: 0 });
    expect(accepted.stdout).toMatch(/^expectations .*: \d+ as expected\n/m);
    expect(readFileSync(join(work, 'accepted', 'summary.md'), 'utf8')).toContain('✅ **as expected**');

    const other = await certifyFixture('absolute-names', join(work, 'other'), ['--expect', expectations]);
    expect(other.status).toBe(1);
    expect(other.stdout).toMatch(/new failures?: .*names\/absolute-into-sandbox/);
    expect(other.stdout).toMatch(/unexpectedly better, update the expectations: .*names\/dotdot-leading/);
    const report = readReport(join(work, 'other'));
    expect(report.expectations).toMatchObject({ file: expectations });
    expect(report.expectations!.unexpected).toContain('names/absolute-into-sandbox');
    expect(report.expectations!.better).toContain('names/dotdot-leading');
    expect(report.cases.find((result) => result.id === 'dotdot-leading')?.expectation).toMatchObject({ verdict: 'fail', outcome: 'better' });
    expect(readFileSync(join(work, 'other', 'index.html'), 'utf8')).toContain('unexpectedly better: update the expectations');

    const diff = qfcSync(['diff', join(work, 'accepted'), join(work, 'other', 'results.json'), '--out', join(work, 'diff')]);
    expect(diff.status).toBe(1);
    expect(diff.stdout).toMatch(/❌ \*\*\d+ regressions?\*\*/);
    expect(diff.stdout).toMatch(/### Regressions[^#]*`names\/absolute-into-sandbox` \| pass \| fail \|/);
    expect(diff.stdout).toMatch(/### Fixed[^#]*`names\/dotdot-leading` \| fail \| pass \|/);
    const json = JSON.parse(readFileSync(join(work, 'diff', 'diff.json'), 'utf8')) as ResultsDiff;
    expect(json.regressions.map((change) => change.id)).toContain('names/absolute-into-sandbox');
    expect(readFileSync(join(work, 'diff', 'diff.md'), 'utf8')).toBe(`${diff.stdout.trimEnd()}\n`);

    const same = qfcSync(['diff', join(work, 'accepted'), join(work, 'first'), '--json']);
    expect(same.status).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ regressions: [], fixed: [], added: [], removed: [] });
  }, 300_000);

  it('refuses stale or malformed expectations, and unreadable results, in one line with exit 2', () => {
    const work = tempDir('qfc-gate-usage-');
    const stale = join(work, 'stale.json');
    writeFileSync(stale, JSON.stringify({ 'names/no-such-case': { verdict: 'fail', reason: 'gone' }, 'nothing/*': { verdict: 'info', reason: 'none' } }));
    const refused = qfcSync(['certify', '--expect', stale]);
    expect({ status: refused.status, stderr: refused.stderr.trim() }).toEqual({ status: 2, stderr: `qfc: --expect ${stale}: 2 entries name no case of this suite (remove or update them): names/no-such-case, nothing/*` });
    const malformed = join(work, 'malformed.json');
    writeFileSync(malformed, '{"names/dotdot-leading": {"verdict": "fail"}}');
    expect(qfcSync(['certify', '--expect', malformed]).stderr.trim()).toBe(`qfc: --expect ${malformed}: names/dotdot-leading: every accepted verdict needs a reason`);
    const notResults = join(work, 'results.json');
    writeFileSync(notResults, '{"cases": [{"id": 1}]}');
    const diff = qfcSync(['diff', notResults, notResults]);
    expect({ status: diff.status, stderr: diff.stderr.trim() }).toEqual({ status: 2, stderr: `qfc: ${notResults} is not a qfc results.json (no suite, implementation, run, summary and cases)` });
    expect(qfcSync(['diff', notResults]).status).toBe(2);
  });
});
