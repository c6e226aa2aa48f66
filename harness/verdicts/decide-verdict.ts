/**
 * The one verdict rule (INTERPRETING.md §4), shared by certify's judges and every fuzz
 * property: what is observed, set against what the oracle predicts and what upstream does.
 *
 *   1. a §7 invariant or the containment broken                        → fail
 *   2. exactly the oracle's prediction                                 → pass
 *   3. exactly upstream's prediction, which shows documented quirks    → info
 *   4. a success where the oracle demands a failure, and upstream
 *      does not predict that success either                           → fail
 *   5. a success whose CRC is not that of the stream                   → fail
 *   6. a valid stream (the oracle predicts success) not reproduced     → fail
 *   7. anything else: safe, but not the predicted outcome              → non-strict
 *
 * With the upstream oracle (`--oracle upstream`) the upstream prediction is the oracle and
 * there is no step 3: every difference from what upstream does is reported.
 */
import type { CaseViolation, Verdict } from './case-result.js';

/** What the rule looks at, already reduced to facts. */
export interface VerdictEvidence {
  /** Invariant and containment breaks (always `fail`). */
  readonly broken: readonly CaseViolation[];
  /** How the observation differs from the oracle's prediction; empty when it is exactly that. */
  readonly fromOracle: readonly string[];
  /**
   * How it differs from upstream's prediction when that shows documented quirks; null when
   * upstream offers no other outcome (no quirk, or upstream is the oracle).
   */
  readonly fromUpstream: readonly string[] | null;
  /** The quirks (PROTOCOL §6) upstream's prediction shows, or another reason it is documented. */
  readonly upstreamQuirks: readonly string[];
  readonly observedSuccess: boolean;
  /** The observed success carries the CRC the oracle computes. */
  readonly crcMatches: boolean;
  readonly oraclePredictsSuccess: boolean;
  readonly upstreamPredictsSuccess: boolean;
  /** The clause that decides the oracle's outcome, and whether the stream was cut short. */
  readonly decidingClause: string;
  readonly cutShort: boolean;
  /** The CRC the oracle expects, for the message. */
  readonly expectedCrc?: string;
  readonly observedCrc?: string;
  /** What the oracle predicts instead of success, for the message. */
  readonly oracleOutcome?: string;
}

/** The verdict, with the violations behind a `fail` and notes for a person. */
export interface VerdictDecision {
  readonly verdict: Verdict;
  readonly violations: CaseViolation[];
  readonly notes: string[];
}

/** The violation of a success the rule refuses (steps 4 and 5), or null. */
function successViolation(evidence: VerdictEvidence): CaseViolation | null {
  if (!evidence.observedSuccess) return null;
  if (!evidence.oraclePredictsSuccess && !evidence.upstreamPredictsSuccess) {
    const clause = evidence.cutShort ? 'inv.end-marker-required' : evidence.decidingClause;
    return { clause, detail: `reported success where the spec demands ${evidence.oracleOutcome ?? 'a failure'} (${evidence.decidingClause})` };
  }
  if (evidence.oraclePredictsSuccess && !evidence.crcMatches) {
    return { clause: 'inv.crc-exact', detail: `success with CRC ${evidence.observedCrc ?? '?'}, not that of the stream through its end marker (${evidence.expectedCrc ?? '?'})` };
  }
  return null;
}

/** Apply the rule. */
export function decideVerdict(evidence: VerdictEvidence): VerdictDecision {
  const { fromOracle } = evidence;
  const refused = successViolation(evidence);
  if (evidence.broken.length > 0) return { verdict: 'fail', violations: [...evidence.broken, ...(refused === null ? [] : [refused])], notes: [...fromOracle] };
  if (fromOracle.length === 0) return { verdict: 'pass', violations: [], notes: [] };
  if (evidence.fromUpstream !== null && evidence.fromUpstream.length === 0 && evidence.upstreamQuirks.length > 0) {
    return { verdict: 'info', violations: [], notes: [`behaves like upstream, with its quirk(s): ${evidence.upstreamQuirks.join(', ')}`, ...fromOracle] };
  }
  if (refused !== null) return { verdict: 'fail', violations: [refused], notes: [...fromOracle] };
  if (evidence.oraclePredictsSuccess) {
    return { verdict: 'fail', violations: [{ clause: evidence.decidingClause, detail: `a valid stream was not reproduced exactly: ${fromOracle.join('; ')}` }], notes: [...fromOracle] };
  }
  return { verdict: 'non-strict', violations: [], notes: [...fromOracle] };
}
