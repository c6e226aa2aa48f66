/**
 * File and directory names (PROTOCOL §3): a valid name has at least one component that is
 * not `..` and no `..` at all (the budget is 0); every failure is EILSEQ.
 */
import { ALL_VALIDATOR_FLAGS, Errno } from '../constants.js';
import { validatePath } from './validate-path.js';

/** 0 when `name` may be created under the target directory, else a positive errno. */
export function validateFileName(name: Uint8Array, flags: number): number {
  if ((flags & ~ALL_VALIDATOR_FLAGS) !== 0) return Errno.EINVAL;
  const verdict = validatePath(name, 0, flags);
  return verdict.ok && verdict.components > 0 ? 0 : Errno.EILSEQ;
}
