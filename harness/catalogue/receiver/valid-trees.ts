/**
 * Streams a correct sender writes: the receiver must reproduce each tree exactly.
 */
import { dir, endMarker, file, link, type StreamPart } from '../../../spec/builder/stream-parts.js';
import type { ClauseId } from '../../../spec/clauses.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

const valid = (id: string, title: string, stream: readonly StreamPart[], extra: readonly ClauseId[] = []): ReceiverCase =>
  receiverCase('valid-trees', {
    id,
    title,
    clauses: ['recv.end-success', 'wire.header-layout', 'wire.little-endian', 'crc.algorithm', 'result.header', 'result.extension', 'inv.owner', 'inv.no-hard-links', ...extra],
    stream: [...stream, endMarker()],
    pinned: { errorCode: 0 },
  });

/** A directory sent as the sender does: header, children, the same header again. */
const tree = (name: string, children: readonly StreamPart[], mode = 0o755, mtime = 1_600_000_000, mtimeNsec = 0): StreamPart[] => [
  dir(name, { mode, mtime, mtimeNsec }),
  ...children,
  dir(name, { mode, mtime, mtimeNsec }),
];

const deep = (levels: number): StreamPart[] => {
  const names = Array.from({ length: levels }, (_, i) => Array.from({ length: i + 1 }, (_, j) => `level${j}`).join('/'));
  return [...names.map((name) => dir(name)), file(`${names[names.length - 1]}/leaf`, 'deep'), ...names.reverse().map((name) => dir(name))];
};

export const VALID_TREE_CASES: readonly ReceiverCase[] = [
  valid('single-file', 'one regular file with content', [file('a.txt', 'hello\n')], ['wire.file-payload', 'file.mode-times', 'file.name-valid']),
  valid('empty-file', 'a file of zero bytes', [file('empty', '')], ['wire.file-payload']),
  valid('empty-directory', 'a directory with nothing in it, header repeated', tree('d', []), ['dir.create-private', 'dir.repeat-applies', 'wire.directory-no-payload']),
  valid('directory-sent-once', 'a directory whose header is not repeated stays 0700 with the clock\'s times', [dir('d', { mode: 0o755, mtime: 5 })], ['dir.create-private']),
  valid('nested-tree', 'files in nested directories with relative links', [
    ...tree('top', [file('top/a', 'a'), ...tree('top/sub', [file('top/sub/b', 'b'), link('top/sub/up', '../a')]), link('top/to-b', 'sub/b')]),
  ], ['dir.name-valid', 'walk.no-follow', 'link.validated', 'link.exclusive', 'wire.symlink-payload']),
  valid('deep-nesting', 'a file 24 directories deep', deep(24), ['walk.no-follow']),
  valid('many-files', '64 files in one directory', tree('many', Array.from({ length: 64 }, (_, i) => file(`many/f${i}`, `${i}`)))),
  valid('several-top-level-entries', 'several arguments: files and directories at the top level', [file('one', '1'), ...tree('two', [file('two/x', 'x')]), file('three', '3')]),
  valid('large-file', 'a 4 MiB file', [file('big.bin', new Uint8Array(4 << 20).fill(0x5a))], ['wire.file-payload', 'inv.bounded']),
  valid('read-only-directory-filled-first', 'a 0555 directory gets its mode only after its content', tree('ro', [file('ro/inside', 'x')], 0o555), ['dir.repeat-applies']),
  valid('mode-0000-directory-filled-first', 'a 0000 directory gets its mode only after its content', tree('closed', [file('closed/inside', 'x')], 0o000), ['dir.repeat-applies']),
  valid('times-zero', 'atime and mtime at the epoch', [file('epoch', 'x', { atime: 0, mtime: 0 })], ['file.mode-times']),
  valid('times-maximum', 'atime and mtime at 2^32-1 seconds', [file('max', 'x', { atime: 0xffff_ffff, mtime: 0xffff_ffff, atimeNsec: 999_999_999, mtimeNsec: 999_999_999 })], ['file.mode-times']),
  valid('nanoseconds-extremes', 'nanosecond fields at 0 and 999,999,999 on files and directories', [
    ...tree('ns', [file('ns/low', 'x', { mtimeNsec: 0, atimeNsec: 999_999_999 }), file('ns/high', 'y', { mtimeNsec: 999_999_999, atimeNsec: 1 })], 0o755, 1_700_000_000, 999_999_999),
  ], ['file.mode-times', 'dir.repeat-applies']),
  valid('file-permissions', 'files with modes 0600, 0444, 0000 and 0777', [
    file('private', 'p', { mode: 0o600 }), file('readonly', 'r', { mode: 0o444 }), file('none', 'n', { mode: 0o000 }), file('all', 'a', { mode: 0o777 }),
  ], ['file.mode-times']),
  valid('unicode-names', 'names in Greek, Cyrillic, CJK and accented Latin', [
    file('βήτα.txt', 'greek'), file('кириллица', 'cyrillic'), file('中文名字', 'cjk'), file('Ünïcödé-ñ', 'latin'),
  ], ['name.charset']),
  valid('odd-valid-names', 'names with spaces, leading dots, ..a, a.., dashes and quotes', [
    file('with space', '1'), file('.hidden', '2'), file('..a', '3'), file('a..', '4'), file('-dash', '5'), file('quote\'s "double"', '6'), file('back\\slash', '7'), file('...', '8'),
  ], ['name.dot-component', 'name.dotdot-component']),
  valid('name-without-nul', 'a name sent without its terminating NUL', [file('plain', 'x', { nul: false })], ['wire.name-c-string']),
  valid('link-to-parent-directory', 'a link at depth 3 pointing at ..', [...tree('d', [...tree('d/e', [link('d/e/up', '..')])])], ['link.escape-depth']),
  valid('link-with-trailing-slash', 'a link target may end with /', [...tree('d', [dir('d/e'), link('d/l', 'e/')])], ['name.trailing-slash']),
  valid('repeated-directory-headers', 'a directory header sent three times', [dir('d'), dir('d', { mode: 0o750 }), file('d/f', 'x'), dir('d', { mode: 0o750 })], ['dir.repeat-applies']),
  valid('sticky-directory', 'the sticky bit is kept', tree('shared', [file('shared/f', 'x')], 0o1777), ['quirk.no-set-id']),
];
