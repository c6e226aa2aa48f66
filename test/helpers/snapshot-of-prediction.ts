/**
 * Snapshots for running the invariant checks against the model's own predictions.
 */
import { treeSnapshot } from '../../spec/invariants/tree-snapshot.js';
import type { Snapshot } from '../../spec/invariants/snapshot.js';
import type { TreeEntry } from '../../spec/model/prediction.js';

export const RECEIVER_UID = 1000;
const OWNER = { uid: RECEIVER_UID, gid: RECEIVER_UID };

/** The empty target directory, before a run. */
export function emptyTarget(): Snapshot {
  return treeSnapshot([], OWNER);
}

/** The target directory holding `tree`. */
export function snapshotOf(tree: readonly TreeEntry[]): Snapshot {
  return treeSnapshot(tree, OWNER);
}
