/**
 * The invariants of PROTOCOL §7 that two snapshots can show (items 1–4, 6 and 9).
 * Items 5 (result vs end marker), 7 (atomic appearance) and 8 (bounded time and memory)
 * need the run itself and are judged by the harness.
 */
import { checkLimits } from './rules/limits.js';
import { checkNamesValid } from './rules/names-valid.js';
import { checkNoEscape } from './rules/no-escape.js';
import { checkNoHardLinks } from './rules/no-hard-links.js';
import { checkNoSpecialFiles } from './rules/no-special-files.js';
import { checkOwner } from './rules/owner.js';
import { checkSymlinkContained } from './rules/symlink-contained.js';
import type { InvariantContext, Snapshot, Violation } from './snapshot.js';

/** Every broken invariant between `before` and `after`; empty when all hold. */
export function checkInvariants(before: Snapshot, after: Snapshot, context: InvariantContext): Violation[] {
  return [
    ...checkNoEscape(before, after, context),
    ...checkNoSpecialFiles(before, after),
    ...checkNoHardLinks(after, context),
    ...checkOwner(after, context),
    ...checkSymlinkContained(after, context),
    ...checkLimits(after, context),
    ...checkNamesValid(after, context),
  ];
}
