/**
 * Deliberately broken receivers (test/fixtures/broken-receivers) are each caught with
 * `fail` for the rule they break; the harness finishes every run, gives every case a
 * verdict, and leaves nothing behind outside its sandbox roots.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../../harness/reports/results-document.js';
import { brokenReceiver, qfc } from '../../helpers/qfc-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

interface Flaw {
  readonly flaw: string;
  /** Cases to run (--only), the first of which must fail with `clause`. */
  readonly only: readonly string[];
  readonly clause: string;
  readonly extra?: readonly string[];
}

const FLAWS: readonly Flaw[] = [
  { flaw: 'escape-dotdot', only: ['dotdot-leading', 'dotdot-in-middle', 'single-file'], clause: 'inv.no-escape' },
  { flaw: 'absolute-names', only: ['absolute-into-sandbox', 'absolute-name', 'single-file'], clause: 'inv.no-escape' },
  { flaw: 'follow-symlinks', only: ['file-through-link-to-outside', 'file-over-link-to-outside'], clause: 'inv.no-escape', extra: ['--profile', 'unsafe-symlinks'] },
  { flaw: 'make-fifo', only: ['fifo', 'socket'], clause: 'inv.no-special-files' },
  { flaw: 'success-on-truncation', only: ['missing-end-marker', 'cut-inside-file-content', 'cut-after-file-name'], clause: 'inv.end-marker-required' },
  { flaw: 'hang', only: ['single-file', 'fifo', 'empty-stream'], clause: 'inv.bounded', extra: ['--time-limit', '1000'] },
  { flaw: 'flood', only: ['single-file', 'dotdot-leading'], clause: 'inv.bounded' },
  { flaw: 'no-result', only: ['single-file', 'dotdot-leading'], clause: 'recv.end-success' },
];


describe('certify catches each broken receiver', () => {
  for (const { flaw, only, clause, extra = [] } of FLAWS) {
    it(`${flaw}: fail for ${clause}`, async () => {
      // qfc's temporary directory of its own: other test files run certify at the same time
      const temporary = tempDir('qfc-broken-tmp-');
      const out = join(tempDir('qfc-broken-'), 'run');
      const run = await qfc(['certify', '--receiver', brokenReceiver(flaw), ...only.flatMap((id) => ['--only', `*/${id}`]), '--out', out, ...extra], { ...process.env, TMPDIR: temporary });
      expect(run.status).toBe(1);
      const document = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
      // every selected case got a verdict (none lost, none an error of the harness)
      expect(document.cases.map((result) => result.id).sort()).toEqual([...new Set(document.cases.map((result) => result.id))].sort());
      expect(document.cases.length).toBeGreaterThanOrEqual(only.length);
      for (const result of document.cases) expect(['pass', 'fail', 'non-strict', 'info', 'skipped']).toContain(result.verdict);
      const signature = document.cases.find((result) => result.id === only[0] && result.kind === 'receiver')!;
      expect(signature.verdict).toBe('fail');
      expect(signature.violations.map((violation) => violation.clause)).toContain(clause);
      // the sandboxes are gone and nothing else appeared in the temporary directory
      expect(readdirSync(temporary)).toEqual([]);
    }, 120_000);
  }
});
