/**
 * Differential fuzzing of two receivers (`--baseline-receiver`): this pull request's build
 * against the last release's. What each observably did with the same stream — result code,
 * last name, CRC, exit status, the tree it left (entries, types, modes, sizes; not times, which
 * a receiver's clock sets) — is compared; any difference is a finding of
 * the `baseline` property, reported with both outcomes side by side, whatever the spec says of
 * either (a maintainer sees every change of behaviour, intended or not).
 */
import type { CaseResult } from '../../verdicts/case-result.js';

/** The observable outcome of a run: what a user of the receiver could see. */
const OBSERVABLE = ['result', 'lastName', 'crc32', 'exitStatus', 'tree'] as const;

/** The clause a difference from the baseline is reported under. */
export const BASELINE_CLAUSE = 'baseline.same-outcome';

function render(value: unknown): string {
  return JSON.stringify(value) ?? 'nothing';
}

/** `result` judged again against the baseline receiver's run of the same stream. */
export function againstBaseline(result: CaseResult, baseline: CaseResult): CaseResult {
  if (result.verdict === 'error' || result.verdict === 'skipped' || baseline.verdict === 'error' || baseline.verdict === 'skipped') return result;
  const differences = OBSERVABLE.filter((field) => render(result.observed[field]) !== render(baseline.observed[field])).map(
    (field) => `${field}: ${render(result.observed[field])}, the baseline ${render(baseline.observed[field])}`,
  );
  const side = { observed: result.observed, baseline: baseline.observed, baselineVerdict: baseline.verdict };
  if (differences.length === 0) return { ...result, expected: { ...result.expected, baseline: side.baseline } };
  return {
    ...result,
    verdict: 'fail',
    expected: { ...result.expected, baseline: side.baseline, baselineVerdict: side.baselineVerdict },
    violations: [...result.violations, ...differences.map((detail) => ({ clause: BASELINE_CLAUSE, detail: `differs from the baseline receiver: ${detail}` }))],
    notes: [`the baseline receiver's verdict: ${baseline.verdict}; this receiver's: ${result.verdict}`, ...result.notes],
  };
}
