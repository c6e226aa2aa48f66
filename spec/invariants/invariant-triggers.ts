/**
 * When a run puts each invariant of §7 to the test: the model's clauses whose situation
 * could break it. A receiver cannot escape on a stream that never tries to climb out, so a
 * run exercises `inv.no-escape` only when it exercised one of the rules that stop a climb;
 * the fuzz engine counts these to show which invariants its generators really challenge.
 */
import type { ClauseId } from '../clauses.js';

/** An invariant clause of §7. */
export type InvariantClause = Extract<ClauseId, `inv.${string}`>;

/** Each invariant with the clauses that challenge it. */
export const INVARIANT_TRIGGERS: Readonly<Record<InvariantClause, readonly ClauseId[]>> = {
  // a name or target that climbs, starts at /, or walks through a link
  'inv.no-escape': ['name.absolute', 'name.dotdot-component', 'name.dotdot-after-normal', 'link.escape-depth', 'link.absolute-target', 'link.depth', 'link.unsafe-profile', 'walk.no-follow'],
  // an entry of a type other than file, directory or link
  'inv.no-special-files': ['type.forbidden'],
  // a received file, which a receiver could link instead of writing
  'inv.no-hard-links': ['file.mode-times'],
  // any entry created
  'inv.owner': ['file.mode-times', 'dir.create-private', 'link.exclusive'],
  // any link looked at
  'inv.symlink-contained': ['link.validated', 'link.unsafe-profile'],
  // a stream cut short
  'inv.end-marker-required': ['recv.missing-end-marker', 'recv.truncated-name', 'file.truncated-content', 'link.truncated-target'],
  // a success
  'inv.crc-exact': ['recv.end-success'],
  // a limit reached
  'inv.limits': ['limit.files', 'limit.bytes', 'quirk.directory-size'],
  // a file whose content arrives
  'inv.atomic-appearance': ['wire.file-payload'],
  // every run ends
  'inv.bounded': ['recv.exit-status'],
  // a name or target refused
  'inv.names-valid': ['file.name-valid', 'dir.name-valid', 'link.validated'],
};

/** The invariants a run challenged, given the other clauses it exercised. */
export function challengedInvariants(exercised: ReadonlySet<ClauseId>): InvariantClause[] {
  return (Object.entries(INVARIANT_TRIGGERS) as [InvariantClause, readonly ClauseId[]][])
    .filter(([, triggers]) => triggers.some((clause) => exercised.has(clause)))
    .map(([invariant]) => invariant);
}
