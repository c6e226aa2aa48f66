/**
 * What changed between two runs (`qfc diff OLD NEW`): cases matched by `category/id`, and
 * for each one whose verdict changed, whether it got worse (a regression), better (fixed),
 * or only different; cases a newer suite added or removed; a case added by NEW that fails is
 * a regression too. Verdicts rank fail < error < non-strict < info < pass; a case skipped in
 * either run has only changed.
 */
import { VERDICT_RANK, type CaseResult, type Verdict } from '../verdicts/case-result.js';
import type { ResultsDocument } from './results-document.js';

/** One case's change. */
export interface CaseChange {
  readonly id: string;
  readonly title: string;
  readonly old: Verdict | null;
  readonly new: Verdict | null;
  /** The first violated clause and its detail in NEW (or OLD for a removed case), for a reader. */
  readonly why: string;
}

/** The difference of two runs. */
export interface ResultsDiff {
  readonly old: { readonly implementation: string; readonly suite: string; readonly startedAt: string; readonly summary: ResultsDocument['summary'] };
  readonly new: { readonly implementation: string; readonly suite: string; readonly startedAt: string; readonly summary: ResultsDocument['summary'] };
  /** Worse than before, or added and failing. */
  readonly regressions: readonly CaseChange[];
  /** Failing before (fail or error), better now. */
  readonly fixed: readonly CaseChange[];
  /** Any other change of verdict (better without having failed, or to or from skipped). */
  readonly changed: readonly CaseChange[];
  readonly added: readonly CaseChange[];
  readonly removed: readonly CaseChange[];
  readonly unchanged: number;
}

const failing = (verdict: Verdict): boolean => verdict === 'fail' || verdict === 'error';
const key = (result: CaseResult): string => `${result.category}/${result.id}`;

function why(result: CaseResult): string {
  const first = result.violations[0];
  return (first === undefined ? (result.notes[0] ?? '') : `${first.clause}: ${first.detail}`).replace(/\s+/g, ' ').slice(0, 240);
}

/** The difference from `before` to `after`. */
export function diffResults(before: ResultsDocument, after: ResultsDocument): ResultsDiff {
  const olds = new Map(before.cases.map((result) => [key(result), result]));
  const news = new Map(after.cases.map((result) => [key(result), result]));
  const regressions: CaseChange[] = [];
  const fixed: CaseChange[] = [];
  const changed: CaseChange[] = [];
  const added: CaseChange[] = [];
  let unchanged = 0;
  for (const [id, now] of news) {
    const then = olds.get(id);
    const change: CaseChange = { id, title: now.title, old: then?.verdict ?? null, new: now.verdict, why: why(now) };
    if (then === undefined) {
      added.push(change);
      if (failing(now.verdict)) regressions.push(change);
    } else if (then.verdict === now.verdict) unchanged += 1;
    else if (then.verdict === 'skipped' || now.verdict === 'skipped') changed.push(change);
    else if (VERDICT_RANK[now.verdict] < VERDICT_RANK[then.verdict]) regressions.push(change);
    else if (failing(then.verdict)) fixed.push(change);
    else changed.push(change);
  }
  const removed = [...olds].filter(([id]) => !news.has(id)).map(([id, then]): CaseChange => ({ id, title: then.title, old: then.verdict, new: null, why: why(then) }));
  const side = (document: ResultsDocument): ResultsDiff['old'] => ({ implementation: document.implementation.name, suite: `${document.suite.name} ${document.suite.version}`, startedAt: document.run.startedAt, summary: document.summary });
  return { old: side(before), new: side(after), regressions, fixed, changed, added, removed, unchanged };
}
