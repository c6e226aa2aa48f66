/**
 * Expectations: the verdicts a project accepts for some cases, each with its reason, so that a
 * CI gate stays green on known, accepted deviations and turns red on anything new
 * (`qfc certify --expect FILE`, `qfc replay --expect FILE`; INTERPRETING.md §4).
 *
 * The file is one JSON object: each key is a case id, `category/id`, or a glob over either
 * (`*` and `?`); each value is `{ "verdict": V, "reason": "…" }`. Keys starting with `$` are
 * comments. A case takes the entry whose key is its exact id or `category/id`, else the
 * first glob (in file order) that matches it.
 *
 * Each case then has one outcome: `expected` (its verdict is the accepted one), `better` (it
 * now does better: the expectation should be updated), `worse` (worse than accepted: a
 * regression), `unexpected` (no entry, and a verdict that fails a plain run: a regression),
 * or `changed` (skipped where a verdict was expected, or the other way round). Parsing is
 * pure: a malformed file gives a typed problem, not an exception.
 */
import { globPattern } from '../certify/select-cases.js';
import { VERDICT_RANK, VERDICTS, type CaseResult, type Verdict } from './case-result.js';

/** What a project accepts for the cases a key matches. */
export interface Expectation {
  readonly key: string;
  readonly verdict: Verdict;
  readonly reason: string;
}

/** How a case's verdict compares with what was accepted. */
export type ExpectationOutcome = 'expected' | 'better' | 'worse' | 'unexpected' | 'changed';

/** A case's expectation and outcome, as results.json records it. */
export interface CaseExpectation {
  /** The accepted verdict and why; absent for a case no entry matches. */
  readonly verdict?: Verdict;
  readonly reason?: string;
  readonly key?: string;
  readonly outcome: ExpectationOutcome;
}


/** The expectations of a file, or why it cannot be used (one line). */
export type ParsedExpectations = { readonly ok: true; readonly entries: readonly Expectation[] } | { readonly ok: false; readonly problem: string };

/** Parse an expectations file's text. */
export function parseExpectations(text: string): ParsedExpectations {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON: ${(error as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, problem: 'the expectations must be one JSON object of case ids' };
  const entries: Expectation[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (key.startsWith('$')) continue;
    if (key === '') return { ok: false, problem: 'an empty case id' };
    if (typeof value !== 'object' || value === null) return { ok: false, problem: `${key}: an entry is { "verdict": …, "reason": … }` };
    const { verdict, reason, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) return { ok: false, problem: `${key}: unknown field '${extra}'` };
    if (typeof verdict !== 'string' || !(VERDICTS as readonly string[]).includes(verdict)) return { ok: false, problem: `${key}: verdict is one of ${VERDICTS.join(', ')}` };
    if (typeof reason !== 'string' || reason.trim() === '') return { ok: false, problem: `${key}: every accepted verdict needs a reason` };
    entries.push({ key, verdict: verdict as Verdict, reason });
  }
  return { ok: true, entries };
}

const isGlob = (key: string): boolean => key.includes('*') || key.includes('?');
const names = (testCase: { readonly id: string; readonly category: string }): string[] => [testCase.id, `${testCase.category}/${testCase.id}`];

/** The entry for a case: its exact id or `category/id`, else the first matching glob. */
export function expectationFor(entries: readonly Expectation[], testCase: { readonly id: string; readonly category: string }): Expectation | null {
  const own = names(testCase);
  const exact = entries.find((entry) => !isGlob(entry.key) && own.includes(entry.key));
  if (exact !== undefined) return exact;
  return entries.find((entry) => isGlob(entry.key) && own.some((name) => globPattern(entry.key).test(name))) ?? null;
}

/** The entries that match none of `cases` (ids that no longer exist, globs that match nothing). */
export function staleExpectations(entries: readonly Expectation[], cases: readonly { readonly id: string; readonly category: string }[]): string[] {
  return entries
    .filter((entry) => {
      const pattern = isGlob(entry.key) ? globPattern(entry.key) : null;
      return !cases.some((testCase) => names(testCase).some((name) => (pattern === null ? name === entry.key : pattern.test(name))));
    })
    .map((entry) => entry.key);
}

/** True when a verdict fails a run with no expectations (`strict`: non-strict fails too). */
export function failsPlainRun(verdict: Verdict, strict: boolean): boolean {
  return verdict === 'fail' || verdict === 'error' || (strict && verdict === 'non-strict');
}

/** How `verdict` compares with `expectation` (null: no entry). */
export function compareWithExpectation(verdict: Verdict, expectation: Expectation | null, strict: boolean): CaseExpectation {
  if (expectation === null) return { outcome: failsPlainRun(verdict, strict) ? 'unexpected' : 'expected' };
  const accepted = { verdict: expectation.verdict, reason: expectation.reason, key: expectation.key };
  if (verdict === expectation.verdict) return { ...accepted, outcome: 'expected' };
  if (verdict === 'skipped' || expectation.verdict === 'skipped') return { ...accepted, outcome: 'changed' };
  return { ...accepted, outcome: VERDICT_RANK[verdict] > VERDICT_RANK[expectation.verdict] ? 'better' : 'worse' };
}

/** An expectations file accepting every case that did not pass, each with a reason to review (`--write-expectations`). */
export function expectationsOf(results: readonly CaseResult[], date: string): Record<string, { verdict: Verdict; reason: string }> {
  const file: Record<string, { verdict: Verdict; reason: string }> = {};
  for (const result of results) {
    if (result.verdict === 'pass' || result.verdict === 'skipped') continue;
    const why = result.violations[0] === undefined ? (result.notes[0] ?? result.verdict) : `${result.violations[0].clause}: ${result.violations[0].detail}`;
    file[`${result.category}/${result.id}`] = { verdict: result.verdict, reason: `accepted as found on ${date} (review): ${why.replace(/\s+/g, ' ').slice(0, 200)}` };
  }
  return file;
}
