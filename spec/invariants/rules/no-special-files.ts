/**
 * §7.2: only regular files, directories and symlinks are created.
 */
import type { Snapshot, Violation } from '../snapshot.js';

const ALLOWED = new Set(['file', 'directory', 'symlink']);

/** Violations of `inv.no-special-files`: any new entry, anywhere in the sandbox, of another type. */
export function checkNoSpecialFiles(before: Snapshot, after: Snapshot): Violation[] {
  return Object.keys(after)
    .sort()
    .filter((path) => !ALLOWED.has(after[path]!.type) && before[path]?.type !== after[path]!.type)
    .map((path) => ({ clause: 'inv.no-special-files', path, detail: `${after[path]!.type} created` }));
}
