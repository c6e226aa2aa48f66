/**
 * Certify's reports lead with what matters: the cases that are not a pass come fail, error,
 * non-strict, info (catalogue order within each), in the HTML and in summary.md; and the HTML
 * has a clause view listing every clause with the cases that cite it, worst verdict first.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../harness/reports/render-html.js';
import { renderSummary } from '../../../harness/reports/render-summary.js';
import { summarize, type ResultsDocument } from '../../../harness/reports/results-document.js';
import type { CaseResult, Verdict } from '../../../harness/verdicts/case-result.js';

const result = (id: string, verdict: Verdict, clauses: string[]): CaseResult => ({ id, kind: 'receiver', category: 'names', title: id, clauses, profile: 'default', verdict, expected: {}, observed: {}, violations: verdict === 'fail' ? [{ clause: clauses[0]!, detail: 'broken' }] : [], notes: [], ms: 1 });
const cases = [result('info-1', 'info', ['quirk.a']), result('pass-1', 'pass', ['name.x']), result('ns-1', 'non-strict', ['name.x']), result('fail-1', 'fail', ['inv.no-escape', 'name.x']), result('err-1', 'error', ['name.y']), result('fail-2', 'fail', ['name.y']), result('info-2', 'info', ['quirk.a'])];
const document: ResultsDocument = {
  suite: { name: 'qfc', version: '0', corpusDigest: 'sha256:0', contract: 1 },
  implementation: { name: 'x', receiver: 'x', sender: null, openInVm: null, profile: 'all', sandbox: 'none' },
  summary: summarize(cases),
  run: { startedAt: '2026-12-02T00:00:00.000Z', ms: 1, strict: false, jobs: 1, uid: 0, command: 'qfc certify' },
  cases,
};

const order = (text: string, ids: readonly string[]): number[] => ids.map((id) => text.indexOf(id));

describe('report order', () => {
  it('puts fail, error, non-strict, info first in the HTML detail, catalogue order within each', () => {
    const html = renderHtml(document);
    const details = html.slice(html.indexOf('Cases that are not a pass'), html.indexOf('<h2>By clause'));
    const at = order(details, ['id="case-fail-1"', 'id="case-fail-2"', 'id="case-err-1"', 'id="case-ns-1"', 'id="case-info-1"', 'id="case-info-2"']);
    expect(at.every((position) => position >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('lists fail, error, non-strict in summary.md, in that order', () => {
    const summary = renderSummary(document);
    const at = order(summary, ['`names/fail-1`', '`names/fail-2`', '`names/err-1`', '`names/ns-1`']);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(at[0]).toBeGreaterThan(0);
  });

  it('has a clause view: each clause, its cases, worst first', () => {
    const html = renderHtml(document);
    const view = html.slice(html.indexOf('<h2>By clause'), html.indexOf('<h2>All cases'));
    expect(view).toMatch(/<tr data-worst="fail"><td><code>name\.x<\/code><\/td><td>3<\/td>/);
    expect(view).toMatch(/<tr data-worst="info"><td><code>quirk\.a<\/code><\/td><td>2<\/td>/);
    const row = view.slice(view.indexOf('name.x'), view.indexOf('</tr>', view.indexOf('name.x')));
    const at = order(row, ['fail-1', 'ns-1', 'pass-1']);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
