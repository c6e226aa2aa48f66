/**
 * Symbolic links (PROTOCOL §3): the link's own name must be valid; then, unless unsafe
 * symlinks are allowed, the link must sit at depth ≥ 2 and its target may climb at most
 * depth − 2 levels, so a link inside `top/` can never resolve outside `top/`.
 */
import { ALL_VALIDATOR_FLAGS, Errno, ValidatorFlag } from '../constants.js';
import { validatePath } from './validate-path.js';

/** 0 when the link `name → target` is acceptable, else EILSEQ, ENOLINK or EINVAL (bad flags). */
export function validateSymlink(name: Uint8Array, target: Uint8Array, flags: number): number {
  if ((flags & ~ALL_VALIDATOR_FLAGS) !== 0) return Errno.EINVAL;
  const nameVerdict = validatePath(name, 0, flags);
  if (!nameVerdict.ok) return Errno.EILSEQ;
  const depth = nameVerdict.components;
  if ((flags & ValidatorFlag.UNSAFE_SYMLINKS) !== 0) return depth > 0 ? 0 : Errno.ENOLINK;
  if (depth < 2) return Errno.ENOLINK; // a top-level entry is never a link
  let targetFlags = flags | ValidatorFlag.TRAILING_SLASH;
  if ((flags & ValidatorFlag.NON_CANONICAL_SYMLINKS) !== 0) targetFlags |= ValidatorFlag.NON_CANONICAL_PATHS;
  const targetVerdict = validatePath(target, depth - 2, targetFlags);
  return targetVerdict.ok ? 0 : targetVerdict.errno;
}
