/**
 * The errno number behind a Node fs error (its `code`), for the pure-Node paths.
 */
import { constants } from 'node:os';

const EIO = 5;

/** errno of `error`; EIO when Node gives no recognisable code. */
export function errnoOf(error: unknown): number {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const errno = code === undefined ? undefined : (constants.errno as Record<string, number>)[code];
  return errno ?? EIO;
}
