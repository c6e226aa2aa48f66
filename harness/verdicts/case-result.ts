/**
 * The verdict on one case and everything a report shows about it.
 */
import type { CaseExpectation } from './expectations.js';

/** Verdicts, from PROTOCOL-level failure to a harness problem. */
export type Verdict = 'pass' | 'fail' | 'non-strict' | 'info' | 'error' | 'skipped';

/** Every verdict, in the order reports list them. */
export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'non-strict', 'info', 'error', 'skipped'];

/**
 * Verdicts from worst to best, for comparing two runs of a case (expectations, diff, the
 * kill matrix, report order); `skipped` stands outside the order: a case that did not run is
 * neither better nor worse.
 */
export const VERDICT_RANK: Readonly<Record<Exclude<Verdict, 'skipped'>, number>> = { fail: 0, error: 1, 'non-strict': 2, info: 3, pass: 4 };

/** One broken rule, with the clause it breaks. */
export interface CaseViolation {
  readonly clause: string;
  readonly detail: string;
}

/** JSON-ready description of an outcome (expected or observed). */
export type OutcomeDescription = Readonly<Record<string, unknown>>;

/** One case's line in results.json. */
export interface CaseResult {
  readonly id: string;
  readonly kind: 'receiver' | 'sender' | 'editor';
  readonly category: string;
  readonly title: string;
  readonly clauses: readonly string[];
  readonly profile: string;
  readonly verdict: Verdict;
  readonly expected: OutcomeDescription;
  readonly observed: OutcomeDescription;
  readonly violations: readonly CaseViolation[];
  /** Why the verdict is what it is, for a person. */
  readonly notes: readonly string[];
  readonly ms: number;
  /** A program of the case hit its time limit (certify stops after several in a row). */
  readonly timedOut?: boolean;
  /** Peak resident memory of the case's program (the largest, for a pair), KiB. */
  readonly peakMemoryKiB?: number;
  /** The stream fed or captured (hex, at most 64 KiB), for non-pass cases' hex dumps. */
  readonly streamHex?: string;
  readonly streamLength?: number;
  /** With `--expect`: the verdict the project accepts for this case and how this one compares. */
  readonly expectation?: CaseExpectation;
}
