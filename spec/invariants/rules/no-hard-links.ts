/**
 * §7.2: no hard link is created. A received file is linked once; a second link would
 * mean the receiver linked to something it did not write (an outside file's count
 * rising is reported by the escape check).
 */
import type { InvariantContext, Snapshot, Violation } from '../snapshot.js';
import { targetEntries } from '../target-entries.js';

/** Violations of `inv.no-hard-links`. */
export function checkNoHardLinks(after: Snapshot, context: InvariantContext): Violation[] {
  return targetEntries(after, context)
    .filter(({ entry }) => entry.type === 'file' && entry.nlink !== 1)
    .map(({ path, entry }) => ({ clause: 'inv.no-hard-links', path, detail: `regular file with ${entry.nlink} links` }));
}
