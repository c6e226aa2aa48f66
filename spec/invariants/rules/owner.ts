/**
 * §7.3: every created entry belongs to the receiving user and group.
 */
import type { InvariantContext, Snapshot, Violation } from '../snapshot.js';
import { targetEntries } from '../target-entries.js';

/** Violations of `inv.owner`. */
export function checkOwner(after: Snapshot, context: InvariantContext): Violation[] {
  return targetEntries(after, context)
    .filter(({ entry }) => entry.uid !== context.uid || entry.gid !== context.gid)
    .map(({ path, entry }) => ({
      clause: 'inv.owner',
      path,
      detail: `owned by ${entry.uid}:${entry.gid}, expected ${context.uid}:${context.gid}`,
    }));
}
