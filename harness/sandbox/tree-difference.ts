/**
 * Differences between the tree the spec predicts and the tree a receiver left, one line
 * each, empty when they agree.
 *
 * Fields the model leaves to the filesystem are not compared: a directory's size, and a
 * time the receiver's clock set (null in the prediction). A receiver that sets times only
 * to the microsecond is compared at that precision (within two microseconds) when asked.
 */
import { ROOT_KEY, type SnapshotEntry, type Snapshot } from '../../spec/invariants/snapshot.js';
import type { TreeEntry } from '../../spec/model/prediction.js';

/** How strictly times are compared. */
export interface TreeComparison {
  /** Time resolution of the receiver in nanoseconds (1 for nanoseconds, 1000 for microseconds). */
  readonly timeResolutionNs?: bigint;
  /** Skip directory mtimes (a receiver that stages files in the directory moves them). */
  readonly ignoreDirectoryMtimes?: boolean;
}

function sameTime(predicted: bigint, observed: bigint, resolution: bigint): boolean {
  if (resolution === 1n) return predicted === observed;
  // A coarser receiver truncates and its seconds travel as a double: allow two units.
  const difference = predicted > observed ? predicted - observed : observed - predicted;
  return difference < 2n * resolution;
}

function entryDifferences(path: string, predicted: TreeEntry, observed: SnapshotEntry, options: TreeComparison): string[] {
  const differences: string[] = [];
  const differ = (what: string, want: unknown, got: unknown): void => {
    if (want !== got) differences.push(`${path}: ${what} ${String(got)}, expected ${String(want)}`);
  };
  differ('type', predicted.type, observed.type);
  if (predicted.type !== observed.type) return differences;
  differ('mode', `0o${predicted.mode.toString(8)}`, `0o${observed.mode.toString(8)}`);
  if (predicted.type === 'file') {
    differ('size', predicted.size, observed.size);
    differ('content sha256', predicted.digest, observed.digest);
  }
  if (predicted.type === 'symlink') differ('target', predicted.target, observed.linkTarget);
  const resolution = options.timeResolutionNs ?? 1n;
  if (predicted.atimeNs !== null && !sameTime(predicted.atimeNs, observed.atimeNs, resolution)) differ('atime', predicted.atimeNs, observed.atimeNs);
  const skipMtime = predicted.type === 'directory' && options.ignoreDirectoryMtimes === true;
  if (predicted.mtimeNs !== null && !skipMtime && !sameTime(predicted.mtimeNs, observed.mtimeNs, resolution)) {
    differ('mtime', predicted.mtimeNs, observed.mtimeNs);
  }
  return differences;
}

/** How `observed` (a snapshot of the target directory, its own `.` entry ignored) differs from `predicted`. */
export function treeDifferences(predicted: readonly TreeEntry[], observed: Snapshot, options: TreeComparison = {}): string[] {
  const differences: string[] = [];
  const expected = new Set<string>();
  for (const entry of predicted) {
    expected.add(entry.path);
    const found = observed[entry.path];
    if (found === undefined) differences.push(`${entry.path}: missing, expected a ${entry.type}`);
    else differences.push(...entryDifferences(entry.path, entry, found, options));
  }
  for (const path of Object.keys(observed).sort()) {
    // The target directory itself is the caller's, not part of any prediction.
    if (path !== ROOT_KEY && !expected.has(path)) differences.push(`${path}: unexpected ${observed[path]!.type}`);
  }
  return differences;
}
