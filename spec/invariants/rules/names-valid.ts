/**
 * §7.9: every accepted name and link target obeys §3.
 */
import { Errno } from '../../constants.js';
import { validateFileName } from '../../validator/validate-file-name.js';
import { validateSymlink } from '../../validator/validate-symlink.js';
import { keyBytes } from '../key-bytes.js';
import type { InvariantContext, Snapshot, Violation } from '../snapshot.js';
import { targetEntries } from '../target-entries.js';

/** Violations of `inv.names-valid`. */
export function checkNamesValid(after: Snapshot, context: InvariantContext): Violation[] {
  const violations: Violation[] = [];
  for (const { path, relative, entry } of targetEntries(after, context)) {
    const name = keyBytes(relative);
    if (validateFileName(name, context.validatorFlags) !== 0) {
      violations.push({ clause: 'inv.names-valid', path, detail: `name ${JSON.stringify(relative)} is not a valid name` });
    } else if (entry.type === 'symlink') {
      const target = entry.linkTarget ?? '';
      if (validateSymlink(name, keyBytes(target), context.validatorFlags) === Errno.EILSEQ) {
        violations.push({ clause: 'inv.names-valid', path, detail: `link target ${JSON.stringify(target)} is not a valid target` });
      }
    }
  }
  return violations;
}
