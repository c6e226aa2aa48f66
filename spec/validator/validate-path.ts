/**
 * `validate_path` of PROTOCOL §3: the path grammar under which nothing can climb out of
 * the directory it is resolved in.
 *
 * A path is read as a C string. At the start of each component: `/` (an empty component)
 * and `.` are non-canonical; `..` spends one unit of the leading-`..` budget; anything
 * else is a normal component, counted, and it zeroes the budget so no `..` may follow.
 * Printable ASCII is always fine; any other byte must start an allowed UTF-8 character
 * unless unsafe characters are allowed.
 */
import { Errno, PRINTABLE_ASCII_FIRST, PRINTABLE_ASCII_LAST, ValidatorFlag } from '../constants.js';
import { cString } from '../byte-string.js';
import type { ClauseId } from '../clauses.js';
import { allowedSequenceLength } from './allowed-sequence.js';

const SLASH = 0x2f;
const DOT = 0x2e;

/** The path rules of §3 a rejection names (the clause of the rule that refused the path). */
export type PathRule = Extract<
  ClauseId,
  'name.empty' | 'name.absolute' | 'name.empty-component' | 'name.dot-component' | 'name.dotdot-component' | 'name.dotdot-after-normal' | 'name.charset' | 'name.trailing-slash'
>;

/**
 * Outcome of {@link validatePath}: the number of non-`..` components, or an errno with
 * the rule that refused the path (reports and the fuzz engine's clause counts cite it).
 */
export type PathVerdict =
  | { readonly ok: true; readonly components: number }
  | { readonly ok: false; readonly errno: number; readonly rule: PathRule };

const reject = (errno: number, rule: PathRule): PathVerdict => ({ ok: false, errno, rule });

/**
 * Validate `path` allowing at most `dotdotBudget` leading `..` components.
 * Returns the count of components that are not `..` (which may be 0), or the errno:
 * ENOLINK for an empty or absolute path or a `..` over budget, EILSEQ for everything else.
 */
export function validatePath(path: Uint8Array, dotdotBudget: number, flags: number): PathVerdict {
  const s = cString(path);
  const nonCanonical = (flags & ValidatorFlag.NON_CANONICAL_PATHS) !== 0;
  const unsafeCharacters = (flags & ValidatorFlag.UNSAFE_CHARACTERS) !== 0;
  if (s.length === 0) return nonCanonical ? { ok: true, components: 0 } : reject(Errno.ENOLINK, 'name.empty');
  if (s[0] === SLASH) return reject(Errno.ENOLINK, 'name.absolute');
  let budget = dotdotBudget;
  let components = 0;
  let i = 0;
  while (i < s.length) {
    if (i === 0 || s[i - 1] === SLASH) {
      const first = s[i];
      const second = s[i + 1];
      const endsAfter = (at: number): boolean => at >= s.length || s[at] === SLASH;
      if (first === SLASH) {
        if (!nonCanonical) return reject(Errno.EILSEQ, 'name.empty-component'); // `a//b`
        i += 1;
        continue;
      }
      if (first === DOT && endsAfter(i + 1)) {
        if (!nonCanonical) return reject(Errno.EILSEQ, 'name.dot-component');
        i += 1;
        continue;
      }
      if (first === DOT && second === DOT && endsAfter(i + 2)) {
        if (budget < 1) return reject(Errno.ENOLINK, components > 0 ? 'name.dotdot-after-normal' : 'name.dotdot-component');
        budget -= 1;
        i += 2;
        continue;
      }
      budget = 0;
      components += 1;
    }
    const byte = s[i]!;
    if ((byte >= PRINTABLE_ASCII_FIRST && byte <= PRINTABLE_ASCII_LAST) || unsafeCharacters) {
      i += 1;
      continue;
    }
    const length = allowedSequenceLength(s, i);
    if (length === 0) return reject(Errno.EILSEQ, 'name.charset');
    i += length;
  }
  if ((flags & ValidatorFlag.TRAILING_SLASH) === 0 && s[s.length - 1] === SLASH) return reject(Errno.EILSEQ, 'name.trailing-slash');
  return { ok: true, components };
}
