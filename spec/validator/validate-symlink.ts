/**
 * Symbolic links (PROTOCOL §3): the link's own name must be valid; then, unless unsafe
 * symlinks are allowed, the link must sit at depth ≥ 2 and its target may climb at most
 * depth − 2 levels, so a link inside `top/` can never resolve outside `top/`.
 */
import type { ClauseId } from '../clauses.js';
import { ALL_VALIDATOR_FLAGS, Errno, ValidatorFlag } from '../constants.js';
import { validatePath, type PathRule } from './validate-path.js';

/** The rule that refused a link: one of its name, or one of the link rules on its target. */
export type SymlinkRule =
  | PathRule
  | Extract<ClauseId, 'link.depth' | 'link.escape-depth' | 'link.absolute-target' | 'link.non-canonical-target'>;

/** Outcome of {@link explainSymlink}: 0 or the errno, and the rule behind a refusal. */
export interface SymlinkVerdict {
  readonly errno: number;
  readonly rule: SymlinkRule | null;
}

/** Which link rule a refusal of the target is (the target is a path with a `..` budget). */
const TARGET_RULES: Partial<Record<PathRule, SymlinkRule>> = {
  'name.absolute': 'link.absolute-target',
  'name.dotdot-component': 'link.escape-depth',
  'name.dotdot-after-normal': 'link.escape-depth',
  'name.empty-component': 'link.non-canonical-target',
  'name.dot-component': 'link.non-canonical-target',
};

/** Whether the link `name → target` is acceptable, and if not, why. EINVAL for bad flags. */
export function explainSymlink(name: Uint8Array, target: Uint8Array, flags: number): SymlinkVerdict {
  if ((flags & ~ALL_VALIDATOR_FLAGS) !== 0) return { errno: Errno.EINVAL, rule: null };
  const nameVerdict = validatePath(name, 0, flags);
  if (!nameVerdict.ok) return { errno: Errno.EILSEQ, rule: nameVerdict.rule };
  const depth = nameVerdict.components;
  if ((flags & ValidatorFlag.UNSAFE_SYMLINKS) !== 0) return depth > 0 ? { errno: 0, rule: null } : { errno: Errno.ENOLINK, rule: 'link.depth' };
  if (depth < 2) return { errno: Errno.ENOLINK, rule: 'link.depth' }; // a top-level entry is never a link
  let targetFlags = flags | ValidatorFlag.TRAILING_SLASH;
  if ((flags & ValidatorFlag.NON_CANONICAL_SYMLINKS) !== 0) targetFlags |= ValidatorFlag.NON_CANONICAL_PATHS;
  const targetVerdict = validatePath(target, depth - 2, targetFlags);
  if (targetVerdict.ok) return { errno: 0, rule: null };
  return { errno: targetVerdict.errno, rule: TARGET_RULES[targetVerdict.rule] ?? targetVerdict.rule };
}

/** 0 when the link `name → target` is acceptable, else EILSEQ, ENOLINK or EINVAL (bad flags). */
export function validateSymlink(name: Uint8Array, target: Uint8Array, flags: number): number {
  return explainSymlink(name, target, flags).errno;
}
