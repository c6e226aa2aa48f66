/**
 * §7.1: nothing outside the target directory is created, modified, removed or written
 * through a link; the target directory and the sandbox root keep their type, mode and
 * owner (their times and sizes move with the entries they legitimately gain).
 */
import { ROOT_KEY, type InvariantContext, type Snapshot, type SnapshotEntry, type Violation } from '../snapshot.js';
import { isInTarget } from '../target-entries.js';

// atime is left out: reading an outside file (through a followed link, say) is not a change.
const WATCHED = ['type', 'mode', 'uid', 'gid', 'size', 'nlink', 'digest', 'linkTarget', 'mtimeNs'] as const;
const TARGET_WATCHED = ['type', 'mode', 'uid', 'gid'] as const;

function changes(before: SnapshotEntry, after: SnapshotEntry, fields: readonly (keyof SnapshotEntry)[]): string[] {
  return fields
    .filter((field) => before[field] !== after[field])
    .map((field) => `${field} ${String(before[field])} → ${String(after[field])}`);
}

/** Violations of `inv.no-escape`. */
export function checkNoEscape(before: Snapshot, after: Snapshot, context: InvariantContext): Violation[] {
  const violations: Violation[] = [];
  const paths = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const path of [...paths].sort()) {
    const inTarget = isInTarget(path, context);
    if (inTarget && path !== context.targetPath) continue;
    const was = before[path];
    const is = after[path];
    const what = path === context.targetPath ? 'the target directory' : path === ROOT_KEY ? 'the sandbox root' : 'outside the target';
    if (was === undefined && is !== undefined) {
      violations.push({ clause: 'inv.no-escape', path, detail: `${is.type} created ${what}` });
    } else if (was !== undefined && is === undefined) {
      violations.push({ clause: 'inv.no-escape', path, detail: `${was.type} removed ${what}` });
    } else if (was !== undefined && is !== undefined) {
      const changed = changes(was, is, path === context.targetPath || path === ROOT_KEY ? TARGET_WATCHED : WATCHED);
      if (changed.length > 0) {
        violations.push({ clause: 'inv.no-escape', path, detail: `${was.type} ${what} modified: ${changed.join(', ')}` });
      }
    }
  }
  return violations;
}
