/**
 * Names that are already taken (PROTOCOL §2): nothing is ever replaced or written through.
 */
import { dir, endMarker, file, link, type StreamPart } from '../../../spec/builder/stream-parts.js';
import type { ClauseId } from '../../../spec/clauses.js';
import { Errno } from '../../../spec/constants.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

const collision = (id: string, title: string, stream: readonly StreamPart[], clauses: readonly ClauseId[], errorCode: number): ReceiverCase =>
  receiverCase('collisions', { id, title, clauses, stream: [...stream, endMarker()], pinned: { errorCode } });

export const COLLISION_CASES: readonly ReceiverCase[] = [
  collision('file-over-file', 'a file over a file: the first one stays', [file('a', 'first'), file('a', 'second')], ['file.exclusive'], Errno.EEXIST),
  collision('file-over-directory', 'a file over a directory', [dir('d'), file('d', 'x')], ['file.exclusive'], Errno.EEXIST),
  collision('file-over-link', 'a file over a link is not written through it', [dir('d'), file('d/target', 'original'), link('d/l', 'target'), file('d/l', 'through the link')], ['file.exclusive'], Errno.EEXIST),
  collision('file-over-dangling-link', 'a file over a dangling link is not created at its target', [dir('d'), link('d/l', 'missing'), file('d/l', 'x')], ['file.exclusive'], Errno.EEXIST),
  collision('directory-over-file', 'a directory header over a file', [file('f', 'x'), dir('f')], ['dir.repeat-not-directory'], Errno.ENOTDIR),
  collision('directory-over-link', 'a directory header over a link to a directory', [dir('d'), dir('d/e'), link('d/l', 'e'), dir('d/l', { mode: 0o777 })], ['dir.repeat-not-directory'], Errno.ENOTDIR),
  collision('file-under-file', 'a file whose parent is a file', [file('a', 'x'), file('a/b', 'y')], ['walk.no-follow'], Errno.ENOTDIR),
  collision('file-in-missing-directory', 'a file whose parent was never sent', [file('missing/f', 'x')], ['walk.no-follow'], Errno.ENOENT),
];
