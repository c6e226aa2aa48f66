/**
 * The properties a campaign checks, as data: each with its statement and the clauses it
 * stands for. Every run is judged by certify's judges; the property a failing run breaks
 * is named from its violations (see {@link brokenProperty}).
 */
import type { ClauseId } from '../../../spec/clauses.js';
import type { CaseResult } from '../../verdicts/case-result.js';
import { BASELINE_CLAUSE } from './against-baseline.js';

/** Property ids. */
export type PropertyId = 'round-trip' | 'differential' | 'invariants' | 'baseline';

/** One property. */
export interface FuzzProperty {
  readonly id: PropertyId;
  readonly statement: string;
  readonly clauses: readonly ClauseId[];
}

/** The three properties. */
export const PROPERTIES: readonly FuzzProperty[] = [
  {
    id: 'round-trip',
    statement: 'sender(tree) → receiver reproduces the tree exactly (content, mode & 0o7777 without set-id bits, times, link targets), with success and a matching CRC',
    clauses: ['sender.walk', 'sender.names', 'sender.types', 'sender.end-marker', 'sender.exit-status', 'crc.sender-check', 'recv.end-success', 'file.mode-times', 'dir.repeat-applies', 'link.exclusive'],
  },
  {
    id: 'differential',
    statement: "the receiver's result, exit status and tree are those predict() gives the stream (non-strict differences count, and break it with --strict)",
    clauses: ['result.header', 'result.extension', 'crc.consumed-bytes', 'recv.exit-status', 'recv.stop-at-error', 'errno.values'],
  },
  {
    id: 'invariants',
    statement: 'whatever the input, nothing escapes the target, no special file or hard link is made, everything belongs to the receiving user, links stay inside, a cut stream never succeeds, limits hold, the receiver ends',
    clauses: ['inv.no-escape', 'inv.no-special-files', 'inv.no-hard-links', 'inv.owner', 'inv.symlink-contained', 'inv.end-marker-required', 'inv.crc-exact', 'inv.limits', 'inv.bounded', 'inv.names-valid'],
  },
  {
    id: 'baseline',
    statement: 'with --baseline-receiver: the receiver and the baseline receiver do the same with every stream (result, last name, CRC, exit status, tree)',
    clauses: [],
  },
];

/** The clauses property `id` stands for. */
export function propertyClauses(id: PropertyId): readonly ClauseId[] {
  return PROPERTIES.find((property) => property.id === id)!.clauses;
}

/**
 * The property a judged run breaks, or null when it holds: a violated invariant first;
 * then for a round trip any other failure; for a stream a failure, or a non-strict
 * difference in a strict campaign.
 */
export function brokenProperty(result: CaseResult, strict: boolean): PropertyId | null {
  const failed = result.verdict === 'fail' || (strict && result.verdict === 'non-strict');
  if (!failed) return null;
  if (result.violations.some((violation) => violation.clause.startsWith('inv.'))) return 'invariants';
  if (result.violations.some((violation) => violation.clause === BASELINE_CLAUSE)) return 'baseline';
  return result.kind === 'sender' ? 'round-trip' : 'differential';
}
