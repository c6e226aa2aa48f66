/**
 * One hand-written stream per branch of the receiver algorithm (PROTOCOL §2), each with
 * its exact result and tree: every error code of §4 and every quirk of §6 in both modes.
 */
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, rawBytes, special, type StreamPart } from '../../../spec/builder/stream-parts.js';
import { utf8 } from '../../../spec/byte-string.js';
import { Errno, LEGAL_EOF, S_IFBLK, S_IFCHR, S_IFIFO, S_IFSOCK } from '../../../spec/constants.js';
import { crc32 } from '../../../spec/crc.js';
import type { ReceiverOptions } from '../../../spec/model/options.js';
import { predict } from '../../../spec/model/predict.js';
import { summarizeTree } from '../../helpers/tree-summary.js';

interface Branch {
  /** What the stream exercises. */
  readonly name: string;
  readonly stream: readonly StreamPart[] | Uint8Array;
  readonly options?: ReceiverOptions;
  /** Result code and last name (null: no extension). */
  readonly result: readonly [number, string | null];
  readonly tree: readonly string[];
  readonly clause: string;
  /** Bytes consumed; when given, the CRC must be that of this prefix. */
  readonly consumed?: number;
  readonly exitStatus?: number;
  readonly quirks?: readonly string[];
  readonly sent?: boolean;
}

const H = 32; // header size, to spell consumed lengths out
const UPSTREAM = { mode: 'upstream' } as const;
const FALLBACK = { mode: 'upstream', upstreamTmpfile: false } as const;
const long = (length: number, char = 'a'): string => char.repeat(length);

const BRANCHES: readonly Branch[] = [
  // --- end of stream
  { name: 'empty stream', stream: [], result: [Errno.EREMOTEIO, ''], tree: [], clause: 'recv.missing-end-marker', consumed: 0 },
  { name: 'only an end marker', stream: [endMarker()], result: [0, ''], tree: [], clause: 'recv.end-success', consumed: H },
  {
    name: 'end marker fields other than namelen are ignored (no payload read)',
    stream: [endMarker({ mode: 0o100644, filelen: 5n, mtimeNsec: 2_000_000_000 }), rawBytes('hello')],
    result: [0, ''],
    tree: [],
    clause: 'recv.end-success',
    consumed: H,
  },
  {
    name: 'partial header after an entry is not consumed',
    stream: [file('a', 'x'), rawBytes(new Uint8Array(10))],
    result: [Errno.EREMOTEIO, 'a'],
    tree: ['file a 0644 1B t=0/0'],
    clause: 'recv.missing-end-marker',
    consumed: H + 2 + 1,
  },
  {
    name: 'bytes after the end marker are not consumed',
    stream: [file('a', 'x'), endMarker(), rawBytes('garbage')],
    result: [0, 'a'],
    tree: ['file a 0644 1B t=0/0'],
    clause: 'recv.end-success',
    consumed: H + 3 + H,
  },
  // --- header checks
  {
    name: 'one entry over the file limit reports the previous name',
    stream: [file('a', '1'), file('b', '2'), endMarker()],
    options: { filesLimit: 1 },
    result: [Errno.EDQUOT, 'a'],
    tree: ['file a 0644 1B t=0/0'],
    clause: 'limit.files',
    consumed: H + 3 + H,
  },
  {
    name: 'a repeated directory header counts as a file',
    stream: [dir('d'), dir('d'), endMarker()],
    options: { filesLimit: 1 },
    result: [Errno.EDQUOT, 'd'],
    tree: ['dir d 0700'],
    clause: 'limit.files',
  },
  {
    name: 'namelen 16384 stops before the name',
    stream: [file(long(16383), 'x', { nul: true })],
    result: [Errno.ENAMETOOLONG, null],
    tree: [],
    clause: 'name.length-limit',
    consumed: H,
  },
  {
    name: 'stream ends inside the name',
    stream: buildStream([file('abcdef', 'x')], { truncateAt: H + 3 }),
    result: [LEGAL_EOF, null],
    tree: [],
    clause: 'recv.truncated-name',
    consumed: H,
    exitStatus: 118,
  },
  // --- entry types
  ...(
    [
      ['fifo', S_IFIFO],
      ['char device', S_IFCHR],
      ['block device', S_IFBLK],
      ['socket', S_IFSOCK],
      ['type 0', 0],
      ['undefined type 0o150000', 0o150000],
    ] as const
  ).map(
    ([label, type]): Branch => ({
      name: `${label} is refused with its name`,
      stream: [special(type, 'n'), endMarker()],
      result: [Errno.EINVAL, 'n'],
      tree: [],
      clause: 'type.forbidden',
      consumed: H + 2,
    }),
  ),
  {
    name: 'a directory when directories are not allowed',
    stream: [dir('d'), endMarker()],
    options: { allowDirectories: false },
    result: [Errno.EINVAL, 'd'],
    tree: [],
    clause: 'type.forbidden',
  },
  {
    name: 'a symlink when symlinks are not allowed (its target is not read)',
    stream: [dir('d'), link('d/l', 'x'), endMarker()],
    options: { allowSymlinks: false },
    result: [Errno.EINVAL, 'd/l'],
    tree: ['dir d 0700'],
    clause: 'type.forbidden',
    consumed: H + 2 + H + 4,
  },
  // --- regular files
  {
    name: 'file name with ..',
    stream: [file('a/../b', 'x')],
    result: [Errno.EILSEQ, 'a/../b'],
    tree: [],
    clause: 'file.name-valid',
  },
  {
    name: 'empty file name (the name is only a NUL)',
    stream: [file('', 'x'), endMarker()],
    result: [Errno.EILSEQ, ''],
    tree: [],
    clause: 'file.name-valid',
  },
  {
    name: 'the name ends at its first NUL',
    stream: [file(utf8('a\0../../etc/passwd'), 'x'), endMarker()],
    result: [0, 'a'],
    tree: ['file a 0644 1B t=0/0'],
    clause: 'recv.end-success',
  },
  {
    name: 'file in a missing directory reports the component',
    stream: [file('d/e/f', 'x')],
    result: [Errno.ENOENT, 'd'],
    tree: [],
    clause: 'walk.no-follow',
    consumed: H + 6,
  },
  {
    name: 'file through a symlinked directory reports ENOTDIR for the link',
    stream: [dir('d'), dir('d/e'), link('d/l', 'e'), file('d/l/x', '1'), endMarker()],
    result: [Errno.ENOTDIR, 'l'],
    tree: ['dir d 0700', 'dir d/e 0700', 'link d/l -> e'],
    clause: 'walk.no-follow',
  },
  {
    name: 'file below a regular file',
    stream: [file('a', '1'), file('a/b', '2'), endMarker()],
    result: [Errno.ENOTDIR, 'a'],
    tree: ['file a 0644 1B t=0/0'],
    clause: 'walk.no-follow',
  },
  {
    name: 'file over a file: the content is read, then the name is found taken',
    stream: [file('a', '1'), file('a', '2', { mode: 0o600 }), endMarker()],
    result: [Errno.EEXIST, 'a'],
    tree: ['file a 0644 1B t=0/0'],
    clause: 'file.exclusive',
    consumed: 2 * (H + 3),
  },
  {
    name: 'file over a symlink is not written through it',
    stream: [dir('d'), link('d/l', 'x'), file('d/l', 'evil'), endMarker()],
    result: [Errno.EEXIST, 'd/l'],
    tree: ['dir d 0700', 'link d/l -> x'],
    clause: 'file.exclusive',
  },
  {
    name: 'file over a directory',
    stream: [dir('d'), file('d', 'x'), endMarker()],
    result: [Errno.EEXIST, 'd'],
    tree: ['dir d 0700'],
    clause: 'file.exclusive',
  },
  {
    name: 'filelen 2^63 is refused before its content',
    stream: [file('a', '', { header: { filelen: 2n ** 63n } }), endMarker()],
    result: [Errno.EDQUOT, 'a'],
    tree: [],
    clause: 'file.filelen-signed',
    consumed: H + 2,
  },
  {
    name: 'filelen 2^63-1 is accepted and waits for content',
    stream: [file('a', 'abc', { header: { filelen: 2n ** 63n - 1n } })],
    result: [LEGAL_EOF, 'a'],
    tree: [],
    clause: 'file.truncated-content',
    consumed: H + 2 + 3,
  },
  {
    name: 'a file larger than the byte limit',
    stream: [file('a', '12345'), endMarker()],
    options: { bytesLimit: 4 },
    result: [Errno.EDQUOT, 'a'],
    tree: [],
    clause: 'limit.bytes',
    consumed: H + 2,
  },
  {
    name: 'files exactly at the byte limit pass, one more byte fails',
    stream: [file('a', '12'), file('b', '34'), file('c', '5'), endMarker()],
    options: { bytesLimit: 4 },
    result: [Errno.EDQUOT, 'c'],
    tree: ['file a 0644 2B t=0/0', 'file b 0644 2B t=0/0'],
    clause: 'limit.bytes',
  },
  {
    name: 'stream ends inside the content: partial content is in the CRC, no file is left',
    stream: buildStream([file('a', 'hello')], { truncateAt: H + 2 + 3 }),
    result: [LEGAL_EOF, 'a'],
    tree: [],
    clause: 'file.truncated-content',
    consumed: H + 2 + 3,
  },
  {
    name: 'mode and both times with nanoseconds are applied',
    stream: [file('a', 'x', { mode: 0o640, atime: 1, atimeNsec: 999_999_999, mtime: 0xffff_ffff, mtimeNsec: 7 }), endMarker()],
    result: [0, 'a'],
    tree: ['file a 0640 1B t=1999999999/4294967295000000007'],
    clause: 'recv.end-success',
  },
  {
    name: 'an empty file',
    stream: [file('e', ''), endMarker()],
    result: [0, 'e'],
    tree: ['file e 0644 0B t=0/0'],
    clause: 'recv.end-success',
  },
  // --- directories
  {
    name: 'a new directory is private and keeps the clock\'s times',
    stream: [dir('d', { mode: 0o755, mtime: 5 }), endMarker()],
    result: [0, 'd'],
    tree: ['dir d 0700'],
    clause: 'recv.end-success',
  },
  {
    name: 'the repeated directory header applies mode and times',
    stream: [dir('d'), file('d/f', 'x'), dir('d', { mode: 0o555, atime: 3, mtime: 4, mtimeNsec: 5 }), endMarker()],
    result: [0, 'd'],
    tree: ['dir d 0555 t=3000000000/4000000005', 'file d/f 0644 1B t=0/0'],
    clause: 'recv.end-success',
  },
  {
    name: 'an entry created after the directory\'s times were applied gives its mtime back to the clock',
    stream: [dir('d'), dir('d', { atime: 3, mtime: 4 }), file('d/f', 'x'), endMarker()],
    result: [0, 'd/f'],
    tree: ['dir d 0755 t=3000000000/clock', 'file d/f 0644 1B t=0/0'],
    clause: 'recv.end-success',
  },
  {
    name: 'a directory header over a file',
    stream: [file('f', 'x'), dir('f'), endMarker()],
    result: [Errno.ENOTDIR, 'f'],
    tree: ['file f 0644 1B t=0/0'],
    clause: 'dir.repeat-not-directory',
  },
  {
    name: 'a directory header over a symlink',
    stream: [dir('d'), link('d/l', 'x'), dir('d/l', { mode: 0o777 }), endMarker()],
    result: [Errno.ENOTDIR, 'd/l'],
    tree: ['dir d 0700', 'link d/l -> x'],
    clause: 'dir.repeat-not-directory',
  },
  {
    name: 'a bad directory name reports EILSEQ in spec mode',
    stream: [dir('../x'), endMarker()],
    result: [Errno.EILSEQ, '../x'],
    tree: [],
    clause: 'dir.name-valid',
  },
  {
    name: 'quirk 1: a bad directory name reports the negated value upstream',
    stream: [dir('../x'), endMarker()],
    options: UPSTREAM,
    result: [0xffff_ffac, '../x'],
    tree: [],
    clause: 'dir.name-valid',
    exitStatus: 172,
    quirks: ['directory-name-errno'],
  },
  {
    name: 'a directory made read-only by its repeated header refuses new entries',
    stream: [dir('d'), dir('d', { mode: 0o555 }), file('d/f', 'x'), endMarker()],
    result: [Errno.EACCES, 'd/f'],
    tree: ['dir d 0555 t=0/0'],
    clause: 'recv.user-permissions',
  },
  {
    name: 'root writes into a read-only directory',
    stream: [dir('d'), dir('d', { mode: 0o555 }), file('d/f', 'x'), endMarker()],
    options: { privileged: true },
    result: [0, 'd/f'],
    tree: ['dir d 0555 t=0/clock', 'file d/f 0644 1B t=0/0'],
    clause: 'recv.end-success',
  },
  {
    name: 'a directory without read permission cannot be walked',
    stream: [dir('d'), dir('d', { mode: 0o300 }), dir('d/e'), endMarker()],
    result: [Errno.EACCES, 'd'],
    tree: ['dir d 0300 t=0/0'],
    clause: 'recv.user-permissions',
  },
  {
    name: 'a subdirectory in a read-only directory',
    stream: [dir('d'), dir('d', { mode: 0o500 }), dir('d/e'), endMarker()],
    result: [Errno.EACCES, 'd/e'],
    tree: ['dir d 0500 t=0/0'],
    clause: 'recv.user-permissions',
  },
  {
    name: 'a path component longer than NAME_MAX',
    stream: [file(long(256), 'x'), endMarker()],
    result: [Errno.ENAMETOOLONG, long(256)],
    tree: [],
    clause: 'name.kernel-limits',
  },
  {
    name: 'a parent component longer than NAME_MAX',
    stream: [file(`${long(256)}/f`, 'x'), endMarker()],
    result: [Errno.ENAMETOOLONG, long(256)],
    tree: [],
    clause: 'name.kernel-limits',
  },
  // --- symlinks
  {
    name: 'a symlink target longer than 16383',
    stream: [dir('d'), link('d/l', '', { header: { filelen: 16384n } }), endMarker()],
    result: [Errno.ENAMETOOLONG, 'd/l'],
    tree: ['dir d 0700'],
    clause: 'link.target-length',
    consumed: H + 2 + H + 4,
  },
  {
    name: 'a symlink target of PATH_MAX bytes fails in the kernel',
    stream: [dir('d'), dir('d/e'), link('d/e/l', `../${long(4093)}`), endMarker()],
    result: [Errno.ENAMETOOLONG, 'd/e/l'],
    tree: ['dir d 0700', 'dir d/e 0700'],
    clause: 'name.kernel-limits',
  },
  {
    name: 'a symlink target counts against the byte limit before it is read',
    stream: [dir('d'), link('d/l', 'abcdef'), endMarker()],
    options: { bytesLimit: 3 },
    result: [Errno.EDQUOT, 'd/l'],
    tree: ['dir d 0700'],
    clause: 'limit.bytes',
    consumed: H + 2 + H + 4,
  },
  {
    name: 'stream ends inside a link target',
    stream: buildStream([dir('d'), link('d/l', 'abcdef')], { truncateAt: H + 2 + H + 4 + 2 }),
    result: [LEGAL_EOF, 'd/l'],
    tree: ['dir d 0700'],
    clause: 'link.truncated-target',
    consumed: H + 2 + H + 4,
  },
  {
    name: 'a top-level symlink',
    stream: [link('l', 'x'), endMarker()],
    result: [Errno.ENOLINK, 'x'],
    tree: [],
    clause: 'link.validated',
  },
  {
    name: 'a symlink climbing out of its top-level directory',
    stream: [dir('d'), dir('d/e'), link('d/e/l', '../../x'), endMarker()],
    result: [Errno.ENOLINK, '../../x'],
    tree: ['dir d 0700', 'dir d/e 0700'],
    clause: 'link.validated',
  },
  {
    name: 'a symlink one level up at depth 3',
    stream: [dir('d'), dir('d/e'), link('d/e/l', '../x'), endMarker()],
    result: [0, 'd/e/l'],
    tree: ['dir d 0700', 'dir d/e 0700', 'link d/e/l -> ../x'],
    clause: 'recv.end-success',
  },
  {
    name: 'an absolute symlink target',
    stream: [dir('d'), link('d/l', '/etc/passwd'), endMarker()],
    result: [Errno.ENOLINK, '/etc/passwd'],
    tree: ['dir d 0700'],
    clause: 'link.validated',
  },
  {
    name: 'an absolute symlink target with unsafe symlinks allowed',
    stream: [dir('d'), link('d/l', '/etc/passwd'), endMarker()],
    options: { allowUnsafeSymlinks: true },
    result: [0, 'd/l'],
    tree: ['dir d 0700', 'link d/l -> /etc/passwd'],
    clause: 'recv.end-success',
  },
  {
    name: 'a non-canonical target when non-canonical symlinks are not allowed',
    stream: [dir('d'), link('d/l', 'a//b'), endMarker()],
    options: { allowNonCanonicalSymlinks: false },
    result: [Errno.EILSEQ, 'a//b'],
    tree: ['dir d 0700'],
    clause: 'link.validated',
  },
  {
    name: 'a symlink whose own name is bad reports the target',
    stream: [dir('d'), link('d/\u00ad', 'x'), endMarker()],
    result: [Errno.EILSEQ, 'x'],
    tree: ['dir d 0700'],
    clause: 'link.validated',
  },
  {
    name: 'an empty target passes validation (non-canonical allowed) and fails in symlinkat',
    stream: [dir('d'), link('d/l', ''), endMarker()],
    result: [Errno.ENOENT, 'd/l'],
    tree: ['dir d 0700'],
    clause: 'name.empty',
  },
  {
    name: 'a link target ends at its first NUL',
    stream: [dir('d'), link('d/l', utf8('x\0../../../y')), endMarker()],
    result: [0, 'd/l'],
    tree: ['dir d 0700', 'link d/l -> x'],
    clause: 'recv.end-success',
  },
  {
    name: 'a symlink over an existing directory',
    stream: [dir('d'), dir('d/e'), link('d/e', 'x'), endMarker()],
    result: [Errno.EEXIST, 'd/e'],
    tree: ['dir d 0700', 'dir d/e 0700'],
    clause: 'link.exclusive',
  },
  // --- names
  {
    name: 'a control character with all names allowed',
    stream: [file(utf8('a\u0001b'), 'x'), endMarker()],
    options: { allowUnsafeCharacters: true },
    result: [0, 'a\u0001b'],
    tree: ['file a\u0001b 0644 1B t=0/0'],
    clause: 'recv.end-success',
  },
  {
    name: 'invalid UTF-8 with all names allowed keeps the raw bytes',
    stream: [file(new Uint8Array([0x61, 0xff]), 'x'), endMarker()],
    options: { allowUnsafeCharacters: true },
    result: [0, 'a\ufffd'],
    tree: ['file a\\xff 0644 1B t=0/0'],
    clause: 'recv.end-success',
  },
  // --- quirk 2: nanoseconds
  {
    name: 'quirk 2 (spec): an mtime nsec of 10^9 is refused before the file exists',
    stream: [file('a', 'hi', { mtimeNsec: 1_000_000_000 }), endMarker()],
    result: [Errno.EINVAL, 'a'],
    tree: [],
    clause: 'quirk.nsec-range',
    consumed: H + 2,
  },
  {
    name: 'quirk 2 (upstream): the receiver dies without a result after linking the file',
    stream: [file('a', 'hi', { atimeNsec: 0xffff_ffff }), endMarker()],
    options: UPSTREAM,
    result: [1, 'a'],
    sent: false,
    exitStatus: 1,
    tree: ['file a 0700 2B'],
    clause: 'quirk.nsec-range',
    quirks: ['nsec-fatal'],
  },
  {
    name: 'quirk 2 (spec): a bad nsec in a directory header',
    stream: [dir('d', { atimeNsec: 1_000_000_000 }), endMarker()],
    result: [Errno.EINVAL, 'd'],
    tree: [],
    clause: 'quirk.nsec-range',
  },
  {
    name: 'quirk 2 (upstream): a new directory ignores a bad nsec (quirk 6), its repeat dies',
    stream: [dir('d', { atimeNsec: 1_000_000_000 }), dir('d', { mode: 0o555, atimeNsec: 1_000_000_000 }), endMarker()],
    options: UPSTREAM,
    result: [1, 'd'],
    sent: false,
    tree: ['dir d 0700'],
    clause: 'quirk.nsec-range',
    quirks: ['directory-times-deferred', 'nsec-fatal'],
  },
  {
    name: 'symlink headers are exempt from the nsec rule (their times are never applied)',
    stream: [dir('d'), link('d/l', 'x', { mtimeNsec: 0xffff_ffff }), endMarker()],
    result: [0, 'd/l'],
    tree: ['dir d 0700', 'link d/l -> x'],
    clause: 'recv.end-success',
  },
  // --- quirk 6: a directory's times on its first header
  {
    name: 'quirk 6 (spec): a directory sent once with a bad nsec is refused before it exists',
    stream: [dir('d', { mtimeNsec: 1_000_000_000 }), file('d/f', 'x'), endMarker()],
    result: [Errno.EINVAL, 'd'],
    tree: [],
    clause: 'quirk.nsec-range',
    consumed: H + 2,
  },
  {
    name: 'quirk 6 (upstream): a directory sent once with a bad nsec is created 0700 and the stream succeeds',
    stream: [dir('d', { mtimeNsec: 1_000_000_000 }), file('d/f', 'x'), endMarker()],
    options: UPSTREAM,
    result: [0, 'd/f'],
    tree: ['dir d 0700', 'file d/f 0644 1B t=0/0'],
    clause: 'recv.end-success',
    quirks: ['directory-times-deferred'],
  },
  // --- quirk 3: leftovers without O_TMPFILE
  {
    name: 'quirk 3 (upstream, no O_TMPFILE): EDQUOT leaves an empty mode-0000 file',
    stream: [file('a', '12345'), endMarker()],
    options: { ...FALLBACK, bytesLimit: 4 },
    result: [Errno.EDQUOT, 'a'],
    tree: ['file a 0000 0B'],
    clause: 'limit.bytes',
    quirks: ['leftover-file'],
  },
  {
    name: 'quirk 3 (upstream, no O_TMPFILE): a short stream leaves a partial file',
    stream: buildStream([file('a', 'hello')], { truncateAt: H + 2 + 3 }),
    options: FALLBACK,
    result: [LEGAL_EOF, 'a'],
    tree: ['file a 0000 3B'],
    clause: 'file.truncated-content',
    quirks: ['leftover-file'],
  },
  {
    name: 'quirk 3 (upstream, no O_TMPFILE): a taken name is found before the content',
    stream: [file('a', '1'), file('a', '2'), endMarker()],
    options: FALLBACK,
    result: [Errno.EEXIST, 'a'],
    tree: ['file a 0644 1B t=0/0'],
    clause: 'file.exclusive',
    consumed: H + 3 + H + 2,
  },
  {
    name: 'quirk 3 (upstream, no O_TMPFILE): the fatal time error leaves the file with mode 0000',
    stream: [file('a', 'hi', { mtimeNsec: 1_000_000_000 }), endMarker()],
    options: FALLBACK,
    result: [1, 'a'],
    sent: false,
    tree: ['file a 0000 2B'],
    clause: 'quirk.nsec-range',
    quirks: ['leftover-file', 'nsec-fatal'],
  },
  {
    name: 'quirk 3 (upstream, no O_TMPFILE): a complete file gets its mode',
    stream: [file('a', 'hi', { mode: 0o604 }), endMarker()],
    options: FALLBACK,
    result: [0, 'a'],
    tree: ['file a 0604 2B t=0/0'],
    clause: 'recv.end-success',
  },
  // --- quirk 4: set-id bits
  {
    name: 'quirk 4 (spec): setuid and setgid are cleared, sticky kept',
    stream: [dir('d'), file('d/s', 'x', { mode: 0o6755 }), dir('d', { mode: 0o1777 }), endMarker()],
    result: [0, 'd'],
    tree: ['dir d 1777 t=0/0', 'file d/s 0755 1B t=0/0'],
    clause: 'recv.end-success',
  },
  {
    name: 'quirk 4 (upstream): set-id bits are applied as sent',
    stream: [dir('d'), file('d/s', 'x', { mode: 0o6755 }), dir('d', { mode: 0o2755 }), endMarker()],
    options: UPSTREAM,
    result: [0, 'd'],
    tree: ['dir d 2755 t=0/0', 'file d/s 6755 1B t=0/0'],
    clause: 'recv.end-success',
    quirks: ['set-id-applied'],
  },
  // --- quirk 5: directory sizes
  {
    name: 'quirk 5 (spec): directory sizes never count against the byte limit',
    stream: [dir('d'), file('d/f', '12345'), dir('d'), file('g', 'x'), endMarker()],
    options: { bytesLimit: 4100 },
    result: [0, 'g'],
    tree: ['dir d 0755 t=0/0', 'file d/f 0644 5B t=0/0', 'file g 0644 1B t=0/0'],
    clause: 'recv.end-success',
  },
  {
    name: 'quirk 5 (upstream): a repeated directory adds its size and trips the next check',
    stream: [dir('d'), file('d/f', '12345'), dir('d'), file('g', 'x'), endMarker()],
    options: { ...UPSTREAM, bytesLimit: 4100 },
    result: [Errno.EDQUOT, 'g'],
    tree: ['dir d 0755 t=0/0', 'file d/f 0644 5B t=0/0'],
    clause: 'limit.bytes',
    quirks: ['directory-size-counted'],
  },
];

const decoder = new TextDecoder();

describe('every branch of the receiver algorithm', () => {
  it('has at least 40 streams', () => expect(BRANCHES.length).toBeGreaterThanOrEqual(40));

  for (const branch of BRANCHES) {
    it(branch.name, () => {
      const bytes = branch.stream instanceof Uint8Array ? branch.stream : buildStream(branch.stream);
      const prediction = predict(bytes, branch.options);
      const [errorCode, lastName] = branch.result;
      expect(prediction.result.errorCode).toBe(errorCode);
      expect(prediction.result.sent).toBe(branch.sent ?? true);
      expect(prediction.result.lastName === null ? null : decoder.decode(prediction.result.lastName)).toBe(lastName);
      expect(prediction.exitStatus).toBe(branch.exitStatus ?? (branch.sent === false ? 1 : errorCode % 256));
      expect(summarizeTree(prediction.tree)).toEqual(branch.tree);
      expect(prediction.clause).toBe(branch.clause);
      expect(prediction.quirks).toEqual(branch.quirks ?? []);
      expect(prediction.result.crc32).toBe(crc32(bytes.subarray(0, prediction.bytesConsumed)));
      if (branch.consumed !== undefined) expect(prediction.bytesConsumed).toBe(branch.consumed);
    });
  }
});

describe('permission branches of the parent walk', () => {
  const run = (parts: readonly StreamPart[]) => {
    const prediction = predict(buildStream(parts));
    return [prediction.result.errorCode, decoder.decode(prediction.result.lastName!), prediction.clause];
  };
  it('a directory without search permission cannot be walked through', () => {
    expect(run([dir('d'), dir('d/e'), dir('d', { mode: 0o600 }), file('d/e/f', 'x'), endMarker()])).toEqual([Errno.EACCES, 'e', 'recv.user-permissions']);
  });
  it('nothing can be created in a directory without search permission', () => {
    expect(run([dir('d'), dir('d', { mode: 0o600 }), file('d/f', 'x'), endMarker()])).toEqual([Errno.EACCES, 'd/f', 'recv.user-permissions']);
  });
  it('a repeated header cannot open a directory it made unreadable', () => {
    expect(run([dir('d'), dir('d', { mode: 0o300 }), dir('d'), endMarker()])).toEqual([Errno.EACCES, 'd', 'recv.user-permissions']);
  });
});
