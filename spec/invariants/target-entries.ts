/**
 * The part of a snapshot that lies inside the target directory.
 */
import type { InvariantContext, Snapshot, SnapshotEntry } from './snapshot.js';

/** An entry below the target directory, with its path relative to it. */
export interface TargetEntry {
  /** Path key relative to the sandbox root. */
  readonly path: string;
  /** Path key relative to the target directory (what the stream named it). */
  readonly relative: string;
  readonly entry: SnapshotEntry;
}

/** True when `path` is the target directory or below it. */
export function isInTarget(path: string, context: InvariantContext): boolean {
  return path === context.targetPath || path.startsWith(`${context.targetPath}/`);
}

/** Entries strictly below the target directory, in path order. */
export function targetEntries(snapshot: Snapshot, context: InvariantContext): TargetEntry[] {
  const prefix = `${context.targetPath}/`;
  return Object.keys(snapshot)
    .filter((path) => path.startsWith(prefix))
    .sort()
    .map((path) => ({ path, relative: path.slice(prefix.length), entry: snapshot[path]! }));
}
