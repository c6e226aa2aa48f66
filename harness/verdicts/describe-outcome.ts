/**
 * Outcomes as plain JSON for reports: a prediction, or what a receiver did.
 */
import { decodeResult } from '../../spec/codec/result-header.js';
import { encodePathKey } from '../../spec/path-key.js';
import type { Prediction, TreeEntry } from '../../spec/model/prediction.js';
import type { Snapshot } from '../../spec/invariants/snapshot.js';
import { resultCodeName } from '../cli/result-code-name.js';

/** One line per tree entry: `file d/f 0644 5B`, `dir d 0755`, `link d/l -> x`. */
export function treeLines(tree: readonly TreeEntry[]): string[] {
  return tree.map((entry) => {
    const permissions = (entry.mode & 0o7777).toString(8).padStart(4, '0');
    if (entry.type === 'symlink') return `link ${entry.path} -> ${entry.target}`;
    if (entry.type === 'directory') return `dir  ${entry.path} ${permissions}`;
    return `file ${entry.path} ${permissions} ${entry.size}B`;
  });
}

/** Snapshot entries below `target/` as tree lines. */
export function snapshotLines(snapshot: Snapshot, targetPath = 'target'): string[] {
  const prefix = `${targetPath}/`;
  return Object.keys(snapshot)
    .filter((path) => path.startsWith(prefix))
    .sort()
    .map((path) => {
      const entry = snapshot[path]!;
      const relative = path.slice(prefix.length);
      const permissions = (entry.mode & 0o7777).toString(8).padStart(4, '0');
      if (entry.type === 'symlink') return `link ${relative} -> ${entry.linkTarget}`;
      if (entry.type === 'directory') return `dir  ${relative} ${permissions}`;
      if (entry.type === 'file') return `file ${relative} ${permissions} ${entry.size}B`;
      return `${entry.type} ${relative} ${permissions}`;
    });
}

/** A prediction as the report shows it. */
export function describePrediction(prediction: Prediction): Record<string, unknown> {
  const { result } = prediction;
  return {
    result: result.sent ? resultCodeName(result.errorCode) : 'none (the receiver dies)',
    lastName: result.lastName === null ? null : encodePathKey(result.lastName),
    crc32: result.crc32.toString(16).padStart(8, '0'),
    exitStatus: prediction.exitStatus,
    decidedBy: prediction.clause,
    tree: treeLines(prediction.tree),
    ...(prediction.quirks.length > 0 ? { quirks: prediction.quirks } : {}),
  };
}

/** What a receiver printed and left, as the report shows it. */
export function describeReceiverRun(stdout: Uint8Array, status: number | null, signal: string | null, stderr: Uint8Array, after: Snapshot): Record<string, unknown> {
  const decoded = decodeResult(stdout);
  const result = stdout.length === 0 ? 'none' : decoded.ok ? resultCodeName(decoded.value.errorCode) : `malformed (${decoded.error.field} cut short)`;
  return {
    result,
    lastName: decoded.ok && decoded.value.lastName !== null ? encodePathKey(decoded.value.lastName) : null,
    crc32: decoded.ok ? decoded.value.crc32.toString(16).padStart(8, '0') : null,
    exitStatus: status,
    ...(signal === null ? {} : { signal }),
    tree: snapshotLines(after),
    ...(stderr.length === 0 ? {} : { stderr: Buffer.from(stderr.subarray(0, 2048)).toString('utf8') }),
  };
}
