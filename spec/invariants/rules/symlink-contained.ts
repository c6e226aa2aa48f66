/**
 * §7.4: every created symlink obeys §3 (it cannot resolve outside its top-level
 * directory) unless unsafe symlinks were allowed. Character-set problems are left to
 * the name check: here only the structure of name and target counts.
 */
import { Errno, ValidatorFlag } from '../../constants.js';
import { validateSymlink } from '../../validator/validate-symlink.js';
import { keyBytes } from '../key-bytes.js';
import type { InvariantContext, Snapshot, Violation } from '../snapshot.js';
import { targetEntries } from '../target-entries.js';

/** Violations of `inv.symlink-contained`. */
export function checkSymlinkContained(after: Snapshot, context: InvariantContext): Violation[] {
  if ((context.validatorFlags & ValidatorFlag.UNSAFE_SYMLINKS) !== 0) return [];
  const structural = context.validatorFlags | ValidatorFlag.UNSAFE_CHARACTERS;
  return targetEntries(after, context)
    .filter(({ entry }) => entry.type === 'symlink')
    .filter(({ relative, entry }) => validateSymlink(keyBytes(relative), keyBytes(entry.linkTarget ?? ''), structural) === Errno.ENOLINK)
    .map(({ path, relative, entry }) => ({
      clause: 'inv.symlink-contained',
      path,
      detail: `symlink ${relative} → ${entry.linkTarget ?? ''} can resolve outside its top-level directory`,
    }));
}
