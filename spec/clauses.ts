/**
 * Every requirement of PROTOCOL.md §1–§8 as a data record with a stable id.
 *
 * Ids are kebab-case, grouped by a dotted prefix, and never depend on a position in this
 * list: the model, the invariant checks, the catalogue and reports cite them. A clause
 * whose section is `6` is the 'spec' position on an upstream quirk (see model/positions):
 * upstream does otherwise, and certification reports that difference as a known quirk.
 */

/** How binding a clause is; SHOULD clauses only count in strict runs. */
export type ClauseLevel = 'MUST' | 'SHOULD';

/** Which program a clause binds. */
export type ClauseSubject = 'stream' | 'receiver' | 'sender' | 'editor-server' | 'editor-client';

/** One requirement. */
export interface Clause {
  readonly id: string;
  /** Section of PROTOCOL.md, e.g. `2` or `7.4`. */
  readonly section: string;
  readonly level: ClauseLevel;
  readonly subject: ClauseSubject;
  /** The requirement as one sentence. */
  readonly requirement: string;
}

const clause = <const Id extends string>(id: Id, section: string, level: ClauseLevel, subject: ClauseSubject, requirement: string) =>
  ({ id, section, level, subject, requirement }) as const;

/** All clauses, in document order. */
export const CLAUSES = [
  // §1 wire format
  clause('wire.little-endian', '1', 'MUST', 'stream', 'Every integer of the stream and of the result is little-endian.'),
  clause('wire.header-layout', '1', 'MUST', 'stream', 'A file header is 32 bytes: namelen, mode, filelen (64-bit), atime, atime_nsec, mtime, mtime_nsec.'),
  clause('wire.end-marker', '1', 'MUST', 'stream', 'A header whose namelen is 0 ends the transfer; the receiver ignores its other fields.'),
  clause('wire.name-c-string', '1', 'MUST', 'receiver', 'The receiver reads exactly namelen bytes of name and uses the bytes before the first NUL as the name.'),
  clause('wire.file-payload', '1', 'MUST', 'stream', 'A regular file entry is followed by exactly filelen bytes of content.'),
  clause('wire.directory-no-payload', '1', 'MUST', 'receiver', 'A directory entry carries no payload; the receiver ignores its filelen.'),
  clause('wire.symlink-payload', '1', 'MUST', 'stream', 'A symlink entry is followed by filelen bytes of link target, without a terminating NUL.'),
  clause('result.header', '1', 'MUST', 'receiver', 'The receiver sends one 16-byte result header (error code, zero pad, CRC zero-extended to 64 bits), at the end or at its first error.'),
  clause('result.extension', '1', 'MUST', 'receiver', 'When a last processed name is known the result header is followed by last_namelen and that many bytes of the name, without NUL.'),
  clause('result.extension-optional', '1', 'MUST', 'sender', 'A sender accepts a result with or without the extension.'),
  clause('crc.algorithm', '1', 'MUST', 'receiver', 'The CRC is the standard zlib CRC-32 (reflected polynomial 0xEDB88320, initial and final xor 0xFFFFFFFF).'),
  clause('crc.consumed-bytes', '1', 'MUST', 'receiver', 'The CRC covers every byte consumed successfully: headers with the end marker, names, file contents (even a partial one) and link targets; a partial header, name or target is not counted.'),
  clause('crc.sender-check', '1', 'MUST', 'sender', 'The sender accumulates the CRC over every byte it wrote and fails the transfer when the result carries another value.'),

  // §2 receiver
  clause('recv.missing-end-marker', '2', 'MUST', 'receiver', 'End of stream or a short read where a header is expected ends the transfer with EREMOTEIO (121) and the last processed name.'),
  clause('recv.end-success', '2', 'MUST', 'receiver', 'An end marker ends the transfer with result 0 and the last processed name.'),
  clause('limit.files', '2', 'MUST', 'receiver', 'Every entry header counts as one file; one over the file limit ends the transfer with EDQUOT (122) and the previous entry\'s name.'),
  clause('name.length-limit', '2', 'MUST', 'receiver', 'A namelen above 16383 ends the transfer with ENAMETOOLONG (36) and no last name, before any name byte is read.'),
  clause('recv.truncated-name', '2', 'MUST', 'receiver', 'A stream that ends inside a name ends the transfer with LEGAL_EOF (31415926) and no last name.'),
  clause('type.forbidden', '2', 'MUST', 'receiver', 'An entry whose type is not a regular file, an allowed directory or an allowed symlink ends the transfer with EINVAL (22) and its name; nothing is created.'),
  clause('file.name-valid', '2', 'MUST', 'receiver', 'A regular file\'s name is validated as a file name (§3); a failure ends the transfer with EILSEQ (84) and the name.'),
  clause('walk.no-follow', '2', 'MUST', 'receiver', 'Parent directories are walked one component at a time from the target directory without following any symlink; a missing or unusable component ends the transfer with its errno (ENOENT, ENOTDIR, ELOOP, EACCES) and that component as last name.'),
  clause('file.exclusive', '2', 'MUST', 'receiver', 'A regular file is created exclusively, never replacing or following an existing entry; a taken name ends the transfer with EEXIST (17) and the name.'),
  clause('file.filelen-signed', '2', 'MUST', 'receiver', 'A filelen above 2^63-1 ends the transfer with EDQUOT (122) and the name, before any content is read.'),
  clause('limit.bytes', '2', 'MUST', 'receiver', 'A file content or link target that would take the running total of bytes over the byte limit ends the transfer with EDQUOT (122) and the name, before its payload is read.'),
  clause('file.truncated-content', '2', 'MUST', 'receiver', 'A stream that ends inside a file\'s content ends the transfer with LEGAL_EOF (31415926) and the name.'),
  clause('file.mode-times', '2', 'MUST', 'receiver', 'A complete file gets the header\'s permission bits and both timestamps, with nanoseconds.'),
  clause('dir.name-valid', '2', 'MUST', 'receiver', 'A directory\'s name is validated as a file name (§3) and its parents walked like a file\'s.'),
  clause('dir.create-private', '2', 'MUST', 'receiver', 'A new directory is created with mode 0700; its header\'s mode and times are not applied yet.'),
  clause('dir.repeat-applies', '2', 'MUST', 'receiver', 'When the directory already exists it is opened without following symlinks and the header\'s mode and both timestamps are applied.'),
  clause('dir.repeat-not-directory', '2', 'MUST', 'receiver', 'A directory header whose name holds a non-directory (a file or a symlink) ends the transfer with ENOTDIR (20) and the name.'),
  clause('link.target-length', '2', 'MUST', 'receiver', 'A symlink filelen above 16383 ends the transfer with ENAMETOOLONG (36) and the name.'),
  clause('link.truncated-target', '2', 'MUST', 'receiver', 'A stream that ends inside a link target ends the transfer with LEGAL_EOF (31415926) and the name.'),
  clause('link.validated', '2', 'MUST', 'receiver', 'A symlink\'s name and target are validated together (§3) after the target is read; a failure ends the transfer with EILSEQ or ENOLINK and the target as last name.'),
  clause('link.exclusive', '2', 'MUST', 'receiver', 'A symlink is created exclusively (EEXIST when the name is taken) and gets no mode or times.'),
  clause('recv.stop-at-error', '2', 'MUST', 'receiver', 'At the first error the receiver stops reading, sends the result with the extension where a last name is known, and exits.'),
  clause('recv.exit-status', '2', 'MUST', 'receiver', 'The receiver\'s exit status is its result code modulo 256.'),
  clause('recv.user-permissions', '2', 'MUST', 'receiver', 'The receiver works as the receiving user: creating or opening an entry where that user lacks permission (a directory made read-only by its repeated header) ends the transfer with EACCES (13) and the name.'),
  clause('name.kernel-limits', '2', 'MUST', 'receiver', 'A path component longer than 255 bytes (NAME_MAX) or a link target of 4096 bytes or more (PATH_MAX) fails in the kernel with ENAMETOOLONG (36) and the component or name.'),
  clause('recv.verbose', '2', 'SHOULD', 'receiver', 'With -v the receiver prints the name of each non-directory entry on stderr.'),

  // §3 validation
  clause('name.empty', '3', 'MUST', 'receiver', 'An empty name or link target is rejected unless non-canonical paths are allowed.'),
  clause('name.absolute', '3', 'MUST', 'receiver', 'A name or link target that starts with / is rejected.'),
  clause('name.empty-component', '3', 'MUST', 'receiver', 'An empty component (a//b) is rejected unless non-canonical paths are allowed.'),
  clause('name.dot-component', '3', 'MUST', 'receiver', 'A . component is rejected unless non-canonical paths are allowed.'),
  clause('name.dotdot-component', '3', 'MUST', 'receiver', 'A .. component is accepted only as a leading component within the budget (0 for names); otherwise it is rejected.'),
  clause('name.dotdot-after-normal', '3', 'MUST', 'receiver', 'No .. component may follow a normal component.'),
  clause('name.charset', '3', 'MUST', 'receiver', 'Bytes outside 0x20..0x7E must form an allowed UTF-8 character (upstream grammar, code point in the allowlist) unless unsafe characters are allowed.'),
  clause('name.trailing-slash', '3', 'MUST', 'receiver', 'A trailing / is rejected in names; link targets may end with /.'),
  clause('name.non-dotdot-component', '3', 'MUST', 'receiver', 'A file or directory name has at least one component that is not ..; every failure of a name is EILSEQ.'),
  clause('link.depth', '3', 'MUST', 'receiver', 'Unless unsafe symlinks are allowed, a symlink\'s name has at least two components: a top-level entry is never a symlink (ENOLINK).'),
  clause('link.escape-depth', '3', 'MUST', 'receiver', 'Unless unsafe symlinks are allowed, a link target starts with at most depth-2 ../ components and has no .. after a normal component (ENOLINK).'),
  clause('link.absolute-target', '3', 'MUST', 'receiver', 'Unless unsafe symlinks are allowed, an absolute link target is rejected (ENOLINK).'),
  clause('link.non-canonical-target', '3', 'MUST', 'receiver', 'A non-canonical link target (a//b, ./a, empty) is accepted only when non-canonical symlinks are allowed (the qfile-unpacker default).'),
  clause('link.unsafe-profile', '3', 'MUST', 'receiver', 'With unsafe symlinks allowed only the link\'s name is validated.'),

  // §4 error codes and the sender's messages
  clause('errno.values', '4', 'MUST', 'receiver', 'A failure reports the Linux errno value of §4 that names it, or LEGAL_EOF for a stream that ended inside an entry.'),
  clause('sender.messages', '4', 'MUST', 'sender', 'The sender maps each error code to its message (EEXIST, EINVAL, EILSEQ, ENOLINK by name; others by strerror).'),
  clause('sender.sanitize-name', '4', 'MUST', 'sender', 'The sender shows the remote last name with every byte outside 0x20..0x7E and every " replaced by _.'),
  clause('sender.ignore-edquot', '4', 'SHOULD', 'sender', 'The sender can be told to treat EDQUOT as success.'),

  // §5 sender
  clause('sender.walk', '5', 'MUST', 'sender', 'The sender walks each argument depth-first with lstat: a directory header, its children, then the same directory header again.'),
  clause('sender.names', '5', 'MUST', 'sender', 'Entry names are relative paths whose first component is the basename of the command-line argument, written with a terminating NUL.'),
  clause('sender.types', '5', 'MUST', 'sender', 'Only regular files, directories and symlinks are sent; fifos, sockets and devices are skipped without a header, and --ignore-symlinks skips links.'),
  clause('sender.early-error', '5', 'MUST', 'sender', 'After each entry the sender checks without blocking for an early error result and, if one came, reports it and exits 1.'),
  clause('sender.end-marker', '5', 'MUST', 'sender', 'After the last entry the sender writes an end marker of 32 zero bytes and waits for the result.'),
  clause('sender.exit-status', '5', 'MUST', 'sender', 'The sender exits 0 only when the result is success with a matching CRC.'),
  clause('sender.hostile-result', '5', 'MUST', 'sender', 'A malformed, truncated or lying result never crashes the sender: it reports a failure.'),

  // §6 the 'spec' positions on upstream's quirks
  clause('quirk.directory-name-errno', '6.1', 'MUST', 'receiver', 'A rejected directory name reports EILSEQ (84), exactly like a rejected file name.'),
  clause('quirk.nsec-range', '6.2', 'MUST', 'receiver', 'A nanosecond field above 999,999,999 in a file or directory header is rejected with EINVAL (22) and a result header, before anything is created.'),
  clause('quirk.no-leftover', '6.3', 'MUST', 'receiver', 'A regular file that fails (limit, short content, taken name, bad time) leaves nothing behind under any name.'),
  clause('quirk.no-set-id', '6.4', 'MUST', 'receiver', 'The setuid and setgid bits are never applied; the other permission bits and the sticky bit are.'),
  clause('quirk.directory-size', '6.5', 'MUST', 'receiver', 'Only file contents and link targets count against the byte limit, never a directory\'s size.'),
  clause('quirk.directory-times', '6.6', 'MUST', 'receiver', 'A directory\'s nanosecond fields are checked on its first header too: a directory header with a field above 999,999,999 is rejected with EINVAL (22) before the directory is created, even when the header is never repeated.'),

  // §7 invariants
  clause('inv.no-escape', '7.1', 'MUST', 'receiver', 'Nothing outside the target directory is created, modified, removed, or written through a link.'),
  clause('inv.no-special-files', '7.2', 'MUST', 'receiver', 'Only regular files, directories and symlinks are created: no device node, fifo or socket.'),
  clause('inv.no-hard-links', '7.2', 'MUST', 'receiver', 'No hard link is created: every received regular file has exactly one link.'),
  clause('inv.owner', '7.3', 'MUST', 'receiver', 'Every created entry belongs to the receiving user and group.'),
  clause('inv.symlink-contained', '7.4', 'MUST', 'receiver', 'Every created symlink obeys §3 (it cannot resolve outside its top-level directory) unless unsafe symlinks were allowed.'),
  clause('inv.end-marker-required', '7.5', 'MUST', 'receiver', 'A stream without its end marker never ends in success.'),
  clause('inv.crc-exact', '7.5', 'MUST', 'receiver', 'A success result carries the CRC of exactly the bytes up to and including the end marker.'),
  clause('inv.limits', '7.6', 'MUST', 'receiver', 'Never more files or bytes are created than the limits allow.'),
  clause('inv.atomic-appearance', '7.7', 'SHOULD', 'receiver', 'A file never appears under its final name before its content is complete.'),
  clause('inv.bounded', '7.8', 'MUST', 'receiver', 'The receiver ends within bounded time once its input ends, and its memory does not grow with filelen.'),
  clause('inv.names-valid', '7.9', 'MUST', 'receiver', 'Every accepted name and link target obeys §3.'),

  // §8 qubes.OpenInVM
  clause('open.field-layout', '8', 'MUST', 'editor-client', 'The client sends a 256-byte filename field: an optional view-only- prefix, then the basename, NUL-padded, with the last byte NUL.'),
  clause('open.left-truncation', '8', 'MUST', 'editor-client', 'A basename too long for the field is cut from the left; the prefix is kept.'),
  clause('open.content', '8', 'MUST', 'editor-client', 'After the field the client sends the file content until it closes its output.'),
  clause('open.server-name', '8', 'MUST', 'editor-server', 'The server strips the prefix, refuses a name containing /, and replaces every byte outside [0-9A-Za-z._+@-] by _.'),
  clause('open.server-degenerate-name', '8', 'MUST', 'editor-server', 'The server refuses a name that is empty, . or .. after sanitization.'),
  clause('open.private-directory', '8', 'MUST', 'editor-server', 'The server stores the file in a fresh private directory /tmp/<remote-vm>-XXXXXX; the remote VM name must be non-empty, without /, and not . or ...'),
  clause('open.exclusive-file', '8', 'MUST', 'editor-server', 'The server writes the file exclusively with mode 0600, or 0400 when viewing only.'),
  clause('open.send-back', '8', 'MUST', 'editor-server', 'The server runs the opener, waits for it, and sends the whole new content back only if the file\'s mtime changed.'),
  clause('open.cleanup', '8', 'MUST', 'editor-server', 'The server removes the file and its private directory at exit.'),
  clause('open.server-confined', '8', 'MUST', 'editor-server', 'The server writes nowhere but its private directory.'),
  clause('open.client-empty-reply', '8', 'MUST', 'editor-client', 'An empty or missing reply never changes or truncates the original.'),
  clause('open.client-atomic', '8', 'MUST', 'editor-client', 'A non-empty reply replaces the original atomically, from a temporary file beside it; the original is never half-written.'),
  clause('open.client-unwritable', '8', 'MUST', 'editor-client', 'If the original\'s directory is not writable the reply is saved under /tmp/file_edited_in_dvm.XXXXXX and the user is told.'),
  clause('open.client-view-only', '8', 'MUST', 'editor-client', 'When viewing only the client discards the reply.'),
] as const satisfies readonly Clause[];

/** Id of a clause; the type system rejects a citation of an id that does not exist. */
export type ClauseId = (typeof CLAUSES)[number]['id'];

const byId = new Map<string, Clause>(CLAUSES.map((c) => [c.id, c]));

/** The clause with `id`, or undefined for an unknown id (input from a corpus file may be wrong). */
export function findClause(id: string): Clause | undefined {
  return byId.get(id);
}
