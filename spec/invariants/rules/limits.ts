/**
 * §7.6: never more files or bytes than allowed. Bytes are file contents and link
 * targets, the payloads the stream carries (see the 'spec' position on quirk 5).
 */
import { keyBytes } from '../key-bytes.js';
import type { InvariantContext, Snapshot, Violation } from '../snapshot.js';
import { targetEntries } from '../target-entries.js';

/** Violations of `inv.limits`. */
export function checkLimits(after: Snapshot, context: InvariantContext): Violation[] {
  const entries = targetEntries(after, context);
  const violations: Violation[] = [];
  const files = BigInt(entries.length);
  if (context.filesLimit !== 0n && files > context.filesLimit) {
    violations.push({ clause: 'inv.limits', path: context.targetPath, detail: `${files} entries created, file limit ${context.filesLimit}` });
  }
  let bytes = 0n;
  for (const { entry } of entries) {
    if (entry.type === 'file') bytes += BigInt(entry.size);
    if (entry.type === 'symlink') bytes += BigInt(keyBytes(entry.linkTarget ?? '').length);
  }
  if (context.bytesLimit !== 0n && bytes > context.bytesLimit) {
    violations.push({ clause: 'inv.limits', path: context.targetPath, detail: `${bytes} bytes received, byte limit ${context.bytesLimit}` });
  }
  return violations;
}
