/**
 * Expectations as data: parsing refuses what a gate could misread, an exact id beats a glob,
 * stale entries are named, and each verdict compares with the accepted one as better,
 * worse, expected, unexpected or changed.
 */
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../../harness/verdicts/case-result.js';
import { compareWithExpectation, expectationFor, expectationsOf, parseExpectations, staleExpectations, type Expectation } from '../../../harness/verdicts/expectations.js';

const entries = (text: object): readonly Expectation[] => {
  const parsed = parseExpectations(JSON.stringify(text));
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.entries;
};

describe('parseExpectations', () => {
  it.each([
    ['not JSON', '{', /^not JSON/],
    ['an array', '[]', /one JSON object/],
    ['an unknown verdict', '{"a": {"verdict": "ok", "reason": "r"}}', /^a: verdict is one of pass, fail/],
    ['no reason', '{"a": {"verdict": "fail"}}', /^a: every accepted verdict needs a reason$/],
    ['a blank reason', '{"a": {"verdict": "fail", "reason": "  "}}', /needs a reason/],
    ['an unknown field', '{"a": {"verdict": "fail", "reason": "r", "until": 3}}', /^a: unknown field 'until'$/],
    ['an empty id', '{"": {"verdict": "fail", "reason": "r"}}', /^an empty case id$/],
  ])('refuses %s', (_what, text, problem) => {
    const parsed = parseExpectations(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('keeps entries in file order and skips $ keys', () => {
    expect(entries({ $comment: 'x', 'b/*': { verdict: 'info', reason: 'r1' }, a: { verdict: 'fail', reason: 'r2' } }).map((entry) => entry.key)).toEqual(['b/*', 'a']);
  });
});

describe('matching', () => {
  const list = entries({ 'names/*': { verdict: 'non-strict', reason: 'glob' }, 'names/dot-*': { verdict: 'fail', reason: 'later glob' }, 'dot-alone': { verdict: 'info', reason: 'exact' } });

  it('takes the exact id or category/id first, then the first glob in file order', () => {
    expect(expectationFor(list, { id: 'dot-alone', category: 'names' })?.reason).toBe('exact');
    expect(expectationFor(list, { id: 'dot-leading', category: 'names' })?.reason).toBe('glob');
    expect(expectationFor(list, { id: 'x', category: 'links' })).toBeNull();
  });

  it('names the entries that match no case of the suite', () => {
    expect(staleExpectations(list, [{ id: 'dot-alone', category: 'names' }])).toEqual([]);
    expect(staleExpectations(list, [{ id: 'other', category: 'links' }])).toEqual(['names/*', 'names/dot-*', 'dot-alone']);
  });
});

describe('compareWithExpectation', () => {
  const accepted = (verdict: Expectation['verdict']): Expectation => ({ key: 'k', verdict, reason: 'why' });
  it.each([
    ['fail', 'fail', 'expected'],
    ['non-strict', 'fail', 'better'],
    ['pass', 'info', 'better'],
    ['fail', 'non-strict', 'worse'],
    ['error', 'info', 'worse'],
    ['skipped', 'fail', 'changed'],
    ['pass', 'skipped', 'changed'],
  ] as const)('%s against an accepted %s is %s', (verdict, expected, outcome) => {
    expect(compareWithExpectation(verdict, accepted(expected), false)).toEqual({ verdict: expected, reason: 'why', key: 'k', outcome });
  });

  it('without an entry, only what fails a plain run is unexpected (non-strict too under --strict)', () => {
    expect(compareWithExpectation('fail', null, false).outcome).toBe('unexpected');
    expect(compareWithExpectation('error', null, false).outcome).toBe('unexpected');
    expect(compareWithExpectation('non-strict', null, false).outcome).toBe('expected');
    expect(compareWithExpectation('non-strict', null, true).outcome).toBe('unexpected');
    expect(compareWithExpectation('info', null, true).outcome).toBe('expected');
  });
});

describe('expectationsOf', () => {
  it('accepts every case that did not pass (skipped ones aside), keyed category/id, with a reason to review', () => {
    const result = (id: string, verdict: CaseResult['verdict']): CaseResult => ({ id, kind: 'receiver', category: 'names', title: id, clauses: [], profile: 'default', verdict, expected: {}, observed: {}, violations: verdict === 'fail' ? [{ clause: 'inv.no-escape', detail: 'x escaped' }] : [], notes: ['a note'], ms: 1 });
    const file = expectationsOf([result('a', 'pass'), result('b', 'fail'), result('c', 'skipped'), result('d', 'info')], '2026-12-02');
    expect(Object.keys(file)).toEqual(['names/b', 'names/d']);
    expect(file['names/b']).toEqual({ verdict: 'fail', reason: 'accepted as found on 2026-12-02 (review): inv.no-escape: x escaped' });
    const again = parseExpectations(JSON.stringify(file));
    expect(again.ok).toBe(true);
  });
});
