/**
 * Byte and file limits (PROTOCOL §2, quirk 5): exactly at a limit passes, one over fails
 * before anything of the entry is written; link targets count, directory sizes never do.
 */
import { dir, endMarker, file, link } from '../../../spec/builder/stream-parts.js';
import { Errno } from '../../../spec/constants.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

export const LIMIT_CASES: readonly ReceiverCase[] = [
  receiverCase('limits', { id: 'bytes-at-limit', title: 'files adding up to exactly the byte limit', clauses: ['limit.bytes', 'inv.limits'], limits: { bytes: 6n }, stream: [file('a', '123'), file('b', '456'), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('limits', { id: 'bytes-one-over', title: 'one byte over the byte limit, refused before the content', clauses: ['limit.bytes', 'inv.limits', 'quirk.no-leftover'], limits: { bytes: 6n }, stream: [file('a', '123'), file('b', '4567'), endMarker()], pinned: { errorCode: Errno.EDQUOT, lastName: 'b' } }),
  receiverCase('limits', { id: 'single-file-over-limit', title: 'one file larger than the byte limit', clauses: ['limit.bytes'], limits: { bytes: 10n }, stream: [file('big', 'x'.repeat(11)), endMarker()], pinned: { errorCode: Errno.EDQUOT } }),
  receiverCase('limits', { id: 'link-target-counts', title: 'a link target counts against the byte limit', clauses: ['limit.bytes'], limits: { bytes: 3n }, stream: [dir('d'), link('d/l', 'abcdef'), endMarker()], pinned: { errorCode: Errno.EDQUOT, lastName: 'd/l' } }),
  receiverCase('limits', { id: 'link-target-at-byte-limit', title: 'a link target that brings the total to exactly the byte limit', clauses: ['limit.bytes', 'inv.limits'], limits: { bytes: 6n }, stream: [file('a', '123'), dir('d'), link('d/l', 'abc'), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('limits', { id: 'link-target-one-over-byte-limit', title: 'a link target one byte over the byte limit', clauses: ['limit.bytes', 'inv.limits'], limits: { bytes: 6n }, stream: [file('a', '123'), dir('d'), link('d/l', 'abcd'), endMarker()], pinned: { errorCode: Errno.EDQUOT, lastName: 'd/l' } }),
  receiverCase('limits', { id: 'bytes-limit-overflow', title: 'a filelen that would overflow the running total', clauses: ['limit.bytes', 'file.filelen-signed'], limits: { bytes: 100n }, stream: [file('a', '1'), file('b', '', { header: { filelen: 2n ** 64n - 1n } }), endMarker()], pinned: { errorCode: Errno.EDQUOT, lastName: 'b' } }),
  receiverCase('limits', { id: 'directory-sizes-not-counted', title: 'repeated directory headers do not count their size (quirk 5)', clauses: ['quirk.directory-size', 'limit.bytes'], limits: { bytes: 10n }, stream: [dir('d'), file('d/f', '12345'), dir('d'), dir('e'), dir('e'), file('g', '12345'), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('limits', { id: 'files-at-limit', title: 'exactly as many headers as the file limit', clauses: ['limit.files', 'inv.limits'], limits: { files: 3n }, stream: [file('a', '1'), file('b', '2'), file('c', '3'), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('limits', { id: 'files-one-over', title: 'one header over the file limit reports the previous name', clauses: ['limit.files', 'inv.limits'], limits: { files: 2n }, stream: [file('a', '1'), file('b', '2'), file('c', '3'), endMarker()], pinned: { errorCode: Errno.EDQUOT, lastName: 'b' } }),
  receiverCase('limits', { id: 'directory-headers-count-as-files', title: 'both headers of a directory count as files', clauses: ['limit.files'], limits: { files: 2n }, stream: [dir('d'), dir('d'), file('x', '1'), endMarker()], pinned: { errorCode: Errno.EDQUOT, lastName: 'd' } }),
  receiverCase('limits', { id: 'both-limits', title: 'a byte and a file limit together, the byte limit hit first', clauses: ['limit.bytes', 'limit.files'], limits: { bytes: 4n, files: 10n }, stream: [file('a', '123'), file('b', '45'), endMarker()], pinned: { errorCode: Errno.EDQUOT, lastName: 'b' } }),
];
