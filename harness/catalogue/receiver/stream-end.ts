/**
 * How a stream ends (PROTOCOL §1, §2): the end marker, its absence, what follows it, and
 * `filelen` values at and around the limits.
 */
import { dir, endMarker, file, rawBytes } from '../../../spec/builder/stream-parts.js';
import { Errno, LEGAL_EOF } from '../../../spec/constants.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

const end = (spec: Omit<Parameters<typeof receiverCase>[1], 'clauses'> & { clauses?: Parameters<typeof receiverCase>[1]['clauses'] }): ReceiverCase =>
  receiverCase('stream-end', { clauses: ['wire.end-marker'], ...spec });

export const STREAM_END_CASES: readonly ReceiverCase[] = [
  end({ id: 'empty-stream', title: 'nothing at all', stream: [], clauses: ['recv.missing-end-marker', 'inv.end-marker-required'], pinned: { errorCode: Errno.EREMOTEIO, lastName: '' } }),
  end({ id: 'only-end-marker', title: 'only the end marker', stream: [endMarker()], clauses: ['wire.end-marker', 'recv.end-success', 'inv.crc-exact'], pinned: { errorCode: 0, lastName: '' } }),
  end({ id: 'missing-end-marker', title: 'complete entries without the end marker', stream: [file('a', 'x'), file('b', 'y')], clauses: ['recv.missing-end-marker', 'inv.end-marker-required'], pinned: { errorCode: Errno.EREMOTEIO, lastName: 'b' } }),
  end({ id: 'bytes-after-end-marker', title: 'bytes after the end marker are not read', stream: [file('a', 'x'), endMarker(), rawBytes('trailing garbage')], clauses: ['wire.end-marker', 'inv.crc-exact'], pinned: { errorCode: 0 } }),
  end({ id: 'second-end-marker', title: 'a second end marker after the first', stream: [file('a', 'x'), endMarker(), endMarker()], pinned: { errorCode: 0 } }),
  end({ id: 'end-marker-with-fields', title: 'an end marker whose other fields are not zero', stream: [file('a', 'x'), endMarker({ mode: 0o100644, filelen: 5n, mtimeNsec: 0xffff_ffff }), rawBytes('hello')], clauses: ['wire.end-marker'], pinned: { errorCode: 0 } }),
  end({ id: 'entry-after-end-marker', title: 'an entry after the end marker is never created', stream: [endMarker(), file('late', 'x')], clauses: ['wire.end-marker'], pinned: { errorCode: 0 } }),
  // filelen
  end({ id: 'filelen-2-pow-63', title: 'filelen 2^63 is refused before content', stream: [file('a', '', { header: { filelen: 2n ** 63n } }), endMarker()], clauses: ['file.filelen-signed'], pinned: { errorCode: Errno.EDQUOT, lastName: 'a' } }),
  end({ id: 'filelen-2-pow-64-minus-1', title: 'filelen 2^64-1 is refused before content', stream: [file('a', '', { header: { filelen: 2n ** 64n - 1n } }), endMarker()], clauses: ['file.filelen-signed'], pinned: { errorCode: Errno.EDQUOT } }),
  end({ id: 'filelen-2-pow-63-minus-1', title: 'filelen 2^63-1 is accepted and waits for content that never comes', stream: [file('a', 'abc', { header: { filelen: 2n ** 63n - 1n } })], clauses: ['file.truncated-content'], pinned: { errorCode: LEGAL_EOF, lastName: 'a' } }),
  end({ id: 'filelen-beyond-stream', title: 'filelen larger than what follows', stream: [file('a', 'abc', { header: { filelen: 100n } })], clauses: ['file.truncated-content', 'quirk.no-leftover'], pinned: { errorCode: LEGAL_EOF } }),
  end({ id: 'directory-filelen-ignored', title: 'a directory\'s filelen is ignored: what follows is the next header', stream: [dir('d', { header: { filelen: 1000n } }), file('d/f', 'x'), endMarker()], clauses: ['wire.directory-no-payload'], pinned: { errorCode: 0 } }),
  end({ id: 'filelen-covers-end-marker', title: 'content that swallows what looks like an end marker', stream: [file('a', new Uint8Array(32)), endMarker()], clauses: ['wire.file-payload'], pinned: { errorCode: 0 } }),
];
