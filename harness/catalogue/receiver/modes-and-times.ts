/**
 * Mode bits and times (PROTOCOL §2, quirks 2 and 4): set-id bits are cleared, the sticky
 * bit kept, nanosecond fields over 999,999,999 refused with a result (UTIME_NOW and
 * UTIME_OMIT included), and a directory made read-only by its repeated header refuses new
 * entries for an ordinary user.
 */
import { dir, endMarker, file, link } from '../../../spec/builder/stream-parts.js';
import { Errno, UTIME_NOW, UTIME_OMIT } from '../../../spec/constants.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

/**
 * UTIME_NOW and UTIME_OMIT in either nanosecond field, for a file, a directory sent once and a
 * repeated directory header: above 999,999,999 like any refused value, but a receiver that
 * forwards header times to utimensat unchecked sets "now" or keeps the old time for them and
 * succeeds (upstream did before qubes-linux-utils da18bd6). Their expectations come from the
 * spec's and upstream's models, as every case's do.
 */
function utimeMagicCases(): ReceiverCase[] {
  const values = [
    ['utime-now', 'UTIME_NOW (2^30-1)', UTIME_NOW],
    ['utime-omit', 'UTIME_OMIT (2^30-2)', UTIME_OMIT],
  ] as const;
  const fields = [
    ['atime', 'atimeNsec'],
    ['mtime', 'mtimeNsec'],
  ] as const;
  return values.flatMap(([slug, named, value]) =>
    fields.flatMap(([time, field]) => [
      receiverCase('modes-and-times', { id: `file-${time}-${slug}`, title: `a file whose ${time} nanoseconds are ${named}`, clauses: ['quirk.nsec-range', 'quirk.no-leftover'], stream: [file('a', 'hi', { [field]: value }), endMarker()], pinned: { errorCode: Errno.EINVAL, lastName: 'a' } }),
      receiverCase('modes-and-times', { id: `directory-${time}-${slug}`, title: `a directory sent once whose ${time} nanoseconds are ${named}`, clauses: ['quirk.nsec-range', 'quirk.directory-times'], stream: [dir('d', { [field]: value }), endMarker()], pinned: { errorCode: Errno.EINVAL } }),
      receiverCase('modes-and-times', { id: `repeated-directory-${time}-${slug}`, title: `a repeated directory header whose ${time} nanoseconds are ${named}`, clauses: ['quirk.nsec-range', 'dir.repeat-applies'], stream: [dir('d'), file('d/f', 'x'), dir('d', { [field]: value }), endMarker()], pinned: { errorCode: Errno.EINVAL } }),
    ]),
  );
}

export const MODE_AND_TIME_CASES: readonly ReceiverCase[] = [
  receiverCase('modes-and-times', { id: 'setuid-file', title: 'a setuid executable loses the setuid bit (quirk 4)', clauses: ['quirk.no-set-id', 'file.mode-times'], stream: [file('tool', '#!/bin/sh\n', { mode: 0o4755 }), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('modes-and-times', { id: 'setgid-file', title: 'a setgid file loses the setgid bit', clauses: ['quirk.no-set-id'], stream: [file('tool', 'x', { mode: 0o2755 }), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('modes-and-times', { id: 'setgid-directory', title: 'a setgid directory loses the setgid bit', clauses: ['quirk.no-set-id', 'dir.repeat-applies'], stream: [dir('d'), dir('d', { mode: 0o2775 }), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('modes-and-times', { id: 'sticky-file', title: 'the sticky bit on a file is kept', clauses: ['quirk.no-set-id'], stream: [file('f', 'x', { mode: 0o1644 }), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('modes-and-times', { id: 'mode-bits-above-07777', title: 'mode bits above the permission bits are ignored', clauses: ['file.mode-times'], stream: [file('f', 'x', { header: { mode: 0o100644 | 0x10000000 } }), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('modes-and-times', { id: 'mtime-nsec-1e9', title: 'an mtime nanosecond field of 10^9 (quirk 2)', clauses: ['quirk.nsec-range', 'quirk.no-leftover'], stream: [file('a', 'hi', { mtimeNsec: 1_000_000_000 }), endMarker()], pinned: { errorCode: Errno.EINVAL, lastName: 'a' } }),
  receiverCase('modes-and-times', { id: 'atime-nsec-max', title: 'an atime nanosecond field of 2^32-1 (quirk 2)', clauses: ['quirk.nsec-range'], stream: [file('a', 'hi', { atimeNsec: 0xffff_ffff }), endMarker()], pinned: { errorCode: Errno.EINVAL } }),
  receiverCase('modes-and-times', { id: 'directory-nsec-1e9', title: 'a directory header with a nanosecond field of 10^9, sent once (quirks 2 and 6)', clauses: ['quirk.nsec-range', 'quirk.directory-times'], stream: [dir('d', { mtimeNsec: 1_000_000_000 }), endMarker()], pinned: { errorCode: Errno.EINVAL } }),
  receiverCase('modes-and-times', { id: 'repeated-directory-nsec-1e9', title: 'a repeated directory header with a bad nanosecond field', clauses: ['quirk.nsec-range'], stream: [dir('d'), dir('d', { atimeNsec: 1_500_000_000 }), endMarker()], pinned: { errorCode: Errno.EINVAL } }),
  ...utimeMagicCases(),
  receiverCase('modes-and-times', { id: 'link-nsec-ignored', title: 'a link header\'s times are never applied, so a bad nanosecond field is harmless', clauses: ['link.exclusive'], stream: [dir('d'), link('d/l', 'x', { mtimeNsec: 0xffff_ffff }), endMarker()], pinned: { errorCode: 0 } }),
  receiverCase('modes-and-times', { id: 'entry-in-read-only-directory', title: 'a new entry in a directory made read-only earlier (EACCES for an ordinary user)', clauses: ['recv.user-permissions'], stream: [dir('d'), dir('d', { mode: 0o555 }), file('d/late', 'x'), endMarker()] }),
  receiverCase('modes-and-times', { id: 'walk-into-unreadable-directory', title: 'a path through a directory made 0000 earlier', clauses: ['recv.user-permissions', 'walk.no-follow'], stream: [dir('d'), dir('d/e'), dir('d', { mode: 0o000 }), file('d/e/late', 'x'), endMarker()] }),
  receiverCase('modes-and-times', { id: 'mtime-after-late-entry', title: 'a directory whose times were applied gets a new entry: its mtime is the clock\'s', clauses: ['dir.repeat-applies'], stream: [dir('d'), dir('d', { mtime: 5 }), file('d/late', 'x'), endMarker()], pinned: { errorCode: 0 } }),
];
