/**
 * The selftest's parts: every mutant's patch applies to today's reference exactly once (a
 * patch that no longer matches is an error, never a silent no-op); the kill rule counts a
 * case worse than the reference's own verdict, info included, and checks the expected clause;
 * and `qfc selftest` on a mutant writes the kill matrix, the runs' reports and the matrix.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../../implementations/mutants/mutants.js';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';
import { patchedSource, StaleMutant } from '../../../harness/selftest/build-mutant.js';
import { killMatrix, mutantKill } from '../../../harness/selftest/kill-matrix.js';
import type { CaseResult, Verdict } from '../../../harness/verdicts/case-result.js';
import { qfc } from '../../helpers/qfc-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('mutants', () => {
  it('have unique ids, a bug class, clauses, and patches that apply once and change something', () => {
    expect(new Set(MUTANTS.map((mutant) => mutant.id)).size).toBe(MUTANTS.length);
    for (const mutant of MUTANTS) {
      expect(mutant.bugClass, mutant.id).toMatch(/\.$/);
      expect(mutant.clauses.length, mutant.id).toBeGreaterThan(0);
      const source = readFileSync(join(PACKAGE_ROOT, mutant.file), 'utf8');
      const patched = patchedSource(mutant, source);
      expect(patched, mutant.id).not.toBe(source);
    }
  });

  it('seed bugs in all four programs: both of qubes.Filecopy and both of qubes.OpenInVM', () => {
    expect(new Set(MUTANTS.map((mutant) => mutant.program))).toEqual(new Set(['receiver', 'sender', 'editor-server', 'editor-client']));
  });

  it('refuse a patch whose text is gone or ambiguous', () => {
    const mutant = MUTANTS[0]!;
    expect(() => patchedSource(mutant, 'nothing here')).toThrow(StaleMutant);
    expect(() => patchedSource(mutant, `${mutant.find}\n${mutant.find}`)).toThrow(/more than once/);
  });
});

describe('the kill rule', () => {
  const result = (id: string, verdict: Verdict, clauses: string[]): CaseResult => ({ id, kind: 'receiver', category: 'c', title: id, clauses, profile: 'default', verdict, expected: {}, observed: {}, violations: [], notes: [], ms: 1 });
  const mutant = MUTANTS.find((entry) => entry.id === 'set-id-kept')!;
  const reference = [result('a', 'pass', ['quirk.no-set-id']), result('b', 'info', ['x']), result('c', 'pass', ['y'])];

  it('kills by a case worse than the reference, info included, and names the expected clause', () => {
    const row = mutantKill(mutant, [result('a', 'info', ['quirk.no-set-id']), result('b', 'info', ['x']), result('c', 'pass', ['y'])], reference, 'r');
    expect(row).toMatchObject({ killed: true, forExpectedClause: true, cases: [{ id: 'c/a', verdict: 'info' }] });
  });

  it('does not count a case the reference already had, nor a skipped one; another clause is not the expected one', () => {
    const survived = mutantKill(mutant, [result('a', 'skipped', ['quirk.no-set-id']), result('b', 'info', ['x']), result('c', 'pass', ['y'])], reference, 'r');
    expect(survived).toMatchObject({ killed: false, forExpectedClause: false });
    const other = mutantKill(mutant, [result('a', 'pass', ['quirk.no-set-id']), result('b', 'info', ['x']), result('c', 'fail', ['y'])], reference, 'r');
    expect(other).toMatchObject({ killed: true, forExpectedClause: false });
    expect(killMatrix([survived, other]).score).toEqual({ killed: 1, forExpectedClause: 0, total: 2 });
  });
});

describe('qfc selftest', () => {
  // An OpenInVM client writing the reply into the original in place leaves the right content:
  // only the inode the reply arrives in (a new one, renamed over the original) tells it apart.
  it('judges an OpenInVM mutant by the editor cases, beside the reference\'s own', async () => {
    const out = join(tempDir('qfc-selftest-editor-'), 'report');
    const run = await qfc(['selftest', '--only', 'copy-back-in-place', '--out', out]);
    expect({ status: run.status, stderr: run.stderr.slice(-800) }).toMatchObject({ status: 0 });
    const row = JSON.parse(readFileSync(join(out, 'kill-matrix.json'), 'utf8')).mutants[0];
    expect(row).toMatchObject({ id: 'copy-back-in-place', program: 'editor-client', killed: true, forExpectedClause: true });
    expect(row.cases.map((entry: { id: string }) => entry.id)).toContain('open-in-vm/edited-file-copied-back');
    expect(readFileSync(join(out, 'reference-editor', 'results.json'), 'utf8')).toContain('"edited-file-copied-back"');
  }, 300_000);

  // One sender mutant here, whose cases are few (the whole set runs in CI, .ci/run).
  it('kills a mutant for its clause and writes the kill matrix and the matrix of runs', async () => {
    const out = join(tempDir('qfc-selftest-'), 'report');
    const run = await qfc(['selftest', '--only', 'sender-no-end-marker', '--out', out]);
    expect({ status: run.status, stderr: run.stderr.slice(-800) }).toMatchObject({ status: 0 });
    expect(run.stdout).toMatch(/^qfc selftest: 1 of 1 mutants killed for their clause, 1 killed at all$/m);
    const matrix = JSON.parse(readFileSync(join(out, 'kill-matrix.json'), 'utf8'));
    expect(matrix.score).toEqual({ killed: 1, forExpectedClause: 1, total: 1 });
    const row = matrix.mutants.find((entry: { id: string }) => entry.id === 'sender-no-end-marker');
    expect(row.cases.length).toBeGreaterThan(0);
    expect(row.clausesSeen).toContain('sender.end-marker');
    expect(readFileSync(join(out, 'kill-matrix.md'), 'utf8')).toMatch(/^## qfc selftest: 1 of 1 mutants killed/);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('href="sender-no-end-marker/index.html"');
    expect(readFileSync(join(out, 'matrix.md'), 'utf8')).toMatch(/^## qfc matrix: 2 runs/);
    // The kill matrix page in Chromium: its score, and a mutant's link to its certify report.
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      expect(await page.locator('#score').innerText()).toMatch(/^1 of 1 mutants killed for their clause \(100\.0 %\); 1 killed at all: mutation score 100\.0 %\.$/);
      expect(await page.locator('tr[data-mutant="sender-no-end-marker"] td.outcome').innerText()).toBe('killed');
      await page.locator('tr[data-mutant="sender-no-end-marker"] a').first().click();
      await page.waitForLoadState();
      expect(page.url()).toMatch(/sender-no-end-marker\/index\.html$/);
      expect(await page.locator('h1').innerText()).toContain('mutant sender-no-end-marker');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    const unknown = await qfc(['selftest', '--only', 'no-such-mutant']);
    expect(unknown.status).toBe(2);
  }, 600_000);
});
