/**
 * What makes two failures of a campaign the same, for either engine: the property broken
 * and the first violated clause (or the verdict, when no clause was named). A campaign
 * shrinks and reports one failure per signature.
 */
import type { FuzzInput } from './arbitraries/fuzz-input.js';
import type { InputRun } from './run-input.js';

/** The signature of a run that broke a property; null when it broke none. */
export function failureSignature(run: InputRun): string | null {
  return run.property === null ? null : `${run.property}:${run.result.violations[0]?.clause ?? run.result.verdict}`;
}

/** The family a run is counted under in a report: round trips, or the stream's family. */
export function familyOf(input: FuzzInput): string {
  return input.kind === 'tree' ? 'round-trip' : input.family;
}
