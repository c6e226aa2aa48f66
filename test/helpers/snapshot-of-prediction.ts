/**
 * A sandbox snapshot shaped like the tree a prediction says the receiver leaves, so the
 * invariant checks can be run against the model's own output.
 */
import { decodePathKey } from '../../spec/path-key.js';
import type { TreeEntry } from '../../spec/model/prediction.js';
import type { Snapshot, SnapshotEntry } from '../../spec/invariants/snapshot.js';

export const RECEIVER_UID = 1000;
const TARGET: SnapshotEntry = {
  type: 'directory', mode: 0o40700, uid: RECEIVER_UID, gid: RECEIVER_UID, size: 4096, nlink: 2,
  digest: null, linkTarget: null, atimeNs: 0n, mtimeNs: 0n,
};

/** The empty target directory, before a run. */
export function emptyTarget(): Snapshot {
  return { target: TARGET };
}

/** The target directory holding `tree`. */
export function snapshotOf(tree: readonly TreeEntry[]): Snapshot {
  const snapshot: Record<string, SnapshotEntry> = { target: TARGET };
  for (const entry of tree) {
    snapshot[`target/${entry.path}`] = {
      type: entry.type,
      mode: entry.mode,
      uid: RECEIVER_UID,
      gid: RECEIVER_UID,
      size: entry.type === 'directory' ? 4096 : entry.type === 'symlink' ? decodePathKey(entry.target!)!.length : entry.size!,
      nlink: entry.type === 'directory' ? 2 : 1,
      digest: entry.digest,
      linkTarget: entry.target,
      atimeNs: entry.atimeNs ?? 0n,
      mtimeNs: entry.mtimeNs ?? 0n,
    };
  }
  return snapshot;
}
