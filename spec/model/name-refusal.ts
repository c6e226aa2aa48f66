/**
 * The rules behind a refused file or directory name, for the clauses a run exercised.
 */
import type { ClauseId } from '../clauses.js';
import { validatePath } from '../validator/validate-path.js';

/**
 * The path rule that refused `name`, and `name.non-dotdot-component`, whose second half
 * (every refusal of a name is EILSEQ, whatever the path rule's own errno) every refusal applies.
 */
export function nameRefusalRules(name: Uint8Array, validatorFlags: number): ClauseId[] {
  const verdict = validatePath(name, 0, validatorFlags);
  return verdict.ok ? ['name.non-dotdot-component'] : ['name.non-dotdot-component', verdict.rule];
}
