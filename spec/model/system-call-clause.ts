/**
 * The clause behind an errno that a filesystem call returned to the receiver.
 */
import type { ClauseId } from '../clauses.js';
import { Errno } from '../constants.js';

/** `taken` is the clause of the call's own exclusivity rule (file, directory or link). */
export function systemCallClause(errno: number, taken: ClauseId): ClauseId {
  switch (errno) {
    case Errno.EEXIST:
      return taken;
    case Errno.EACCES:
      return 'recv.user-permissions';
    case Errno.ENAMETOOLONG:
      return 'name.kernel-limits';
    case Errno.ENOENT:
      return taken === 'link.exclusive' ? 'name.empty' : 'walk.no-follow';
    default:
      return 'walk.no-follow'; // ENOTDIR
  }
}
