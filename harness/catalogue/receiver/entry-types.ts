/**
 * Entry types (PROTOCOL §1, §2): only regular files, directories and symlinks exist;
 * devices, fifos, sockets, type 0 and undefined types are refused with EINVAL.
 */
import { endMarker, special } from '../../../spec/builder/stream-parts.js';
import { Errno, S_IFBLK, S_IFCHR, S_IFIFO, S_IFSOCK } from '../../../spec/constants.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

const refused = (id: string, title: string, typeBits: number, payload = ''): ReceiverCase =>
  receiverCase('entry-types', {
    id,
    title,
    clauses: ['type.forbidden', 'inv.no-special-files'],
    stream: [special(typeBits, 'node', payload), endMarker()],
    pinned: { errorCode: Errno.EINVAL, lastName: 'node' },
  });

export const ENTRY_TYPE_CASES: readonly ReceiverCase[] = [
  refused('character-device', 'a character device (S_IFCHR)', S_IFCHR),
  refused('block-device', 'a block device (S_IFBLK)', S_IFBLK),
  refused('fifo', 'a fifo (S_IFIFO)', S_IFIFO),
  refused('socket', 'a socket (S_IFSOCK)', S_IFSOCK),
  refused('type-zero', 'mode 0: no type at all', 0),
  refused('undefined-type-0150000', 'the undefined type 0o150000', 0o150000),
  refused('undefined-type-0170000', 'the undefined type 0o170000', 0o170000),
  refused('fifo-with-payload', 'a fifo header followed by bytes that look like content', S_IFIFO, 'not content'),
  receiverCase('entry-types', {
    id: 'device-with-all-names',
    title: 'a device node is refused with all names allowed too',
    clauses: ['type.forbidden', 'inv.no-special-files'],
    profile: 'allow-all-names',
    stream: [special(S_IFCHR, 'console'), endMarker()],
    pinned: { errorCode: Errno.EINVAL },
  }),
  receiverCase('entry-types', {
    id: 'device-with-unsafe-symlinks',
    title: 'a device node is refused with unsafe symlinks allowed too',
    clauses: ['type.forbidden'],
    profile: 'unsafe-symlinks',
    stream: [special(S_IFBLK, 'disk'), endMarker()],
    pinned: { errorCode: Errno.EINVAL },
  }),
];
