/**
 * The snapshot a target directory would show if a receiver left exactly a predicted tree,
 * so the invariant checks can judge the model's own predictions (fuzz targets and tests).
 */
import type { TreeEntry } from '../model/prediction.js';
import { keyBytes } from './key-bytes.js';
import type { Snapshot, SnapshotEntry } from './snapshot.js';

/** A receiving user and group. */
export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

// What lstat shows for fields the model leaves to the filesystem or the clock.
const DIRECTORY_SIZE = 4096;
const CLOCK_NS = 0n;

function snapshotEntry(entry: TreeEntry, owner: Owner): SnapshotEntry {
  return {
    type: entry.type,
    mode: entry.mode,
    uid: owner.uid,
    gid: owner.gid,
    size: entry.type === 'directory' ? DIRECTORY_SIZE : entry.type === 'symlink' ? keyBytes(entry.target!).length : entry.size!,
    nlink: entry.type === 'directory' ? 2 : 1,
    digest: entry.digest,
    linkTarget: entry.target,
    atimeNs: entry.atimeNs ?? CLOCK_NS,
    mtimeNs: entry.mtimeNs ?? CLOCK_NS,
  };
}

/** Snapshot of a sandbox whose `targetPath` directory (mode 0700, owned by `owner`) holds `tree`. */
export function treeSnapshot(tree: readonly TreeEntry[], owner: Owner, targetPath = 'target'): Snapshot {
  const snapshot: Record<string, SnapshotEntry> = {
    [targetPath]: {
      ...owner,
      type: 'directory',
      mode: 0o40700,
      size: DIRECTORY_SIZE,
      nlink: 2,
      digest: null,
      linkTarget: null,
      atimeNs: CLOCK_NS,
      mtimeNs: CLOCK_NS,
    },
  };
  for (const entry of tree) snapshot[`${targetPath}/${entry.path}`] = snapshotEntry(entry, owner);
  return snapshot;
}
