/**
 * Seeded-bug mutants of the reference pair: each a small named patch of the reference's
 * TypeScript source (one exact text, replaced once), applied to a copy of the source at
 * test time and bundled into a program of its own (harness/selftest/build-mutant.ts); the
 * reference itself never carries a switch for them. Each record says which bug class it
 * plants, in one sentence, the clauses the catalogue must catch it by, and the upstream fix or
 * public report it imitates where there is one.
 *
 * `qfc selftest` certifies every mutant and writes the kill matrix: a mutant certify does not
 * kill through one of its clauses is a blind spot of the catalogue.
 */
import type { ClauseId } from '../../spec/clauses.js';

/** One seeded bug. */
export interface Mutant {
  /** Stable id, also the name of its program. */
  readonly id: string;
  /** The bug class, in one sentence. */
  readonly bugClass: string;
  /** Certify must kill it by a failing case that cites one of these (in its clauses or violations). */
  readonly clauses: readonly ClauseId[];
  /** The upstream commit or public report it imitates, if any. */
  readonly imitates?: string;
  /** Which program carries it: the qubes.Filecopy receiver or sender, or the qubes.OpenInVM server or client. */
  readonly program: 'receiver' | 'sender' | 'editor-server' | 'editor-client';
  /** The source file patched, relative to the package root. */
  readonly file: string;
  /** The exact text replaced (it must occur exactly once in the file) and its replacement. */
  readonly find: string;
  readonly replace: string;
}

const SESSION = 'implementations/reference/receiver/receiver-session.ts';
const NATIVE = 'implementations/reference/receiver/native-filesystem.ts';
const UNPACK = 'implementations/reference/receiver/unpack.ts';
const PACK = 'implementations/reference/sender/pack.ts';
const ENTRIES = 'implementations/reference/sender/source-entries.ts';
const EDITOR_SERVER = 'implementations/reference/open-in-vm/server-cli.ts';
const EDITOR_CLIENT = 'implementations/reference/open-in-vm/client-cli.ts';
const PATH_RULES = 'spec/validator/validate-path.ts';
const LINK_RULES = 'spec/validator/validate-symlink.ts';

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'utime-magic-forwarded',
    bugClass: 'UTIME_NOW and UTIME_OMIT in a nanosecond field are forwarded to utimensat instead of refused.',
    clauses: ['quirk.nsec-range'],
    imitates: 'QubesOS/qubes-linux-utils da18bd6 (before it, both values were let through)',
    program: 'receiver',
    file: SESSION,
    find: 'if (header.atimeNsec > MAX_NSEC || header.mtimeNsec > MAX_NSEC) {',
    replace: 'if ((header.atimeNsec > MAX_NSEC && header.atimeNsec < 2 ** 30 - 2) || (header.mtimeNsec > MAX_NSEC && header.mtimeNsec < 2 ** 30 - 2)) {',
  },
  {
    id: 'nsec-unchecked',
    bugClass: 'Nanosecond fields are not validated at all before the times are applied.',
    clauses: ['quirk.nsec-range'],
    program: 'receiver',
    file: SESSION,
    find: 'if (header.atimeNsec > MAX_NSEC || header.mtimeNsec > MAX_NSEC) {',
    replace: 'if (false) {',
  },
  {
    id: 'set-id-kept',
    bugClass: 'Setuid and setgid bits of a header are applied as sent.',
    clauses: ['quirk.no-set-id'],
    program: 'receiver',
    file: SESSION,
    find: 'permissions: header.mode & PERMISSION_BITS & ~SET_ID_BITS,',
    replace: 'permissions: header.mode & PERMISSION_BITS,',
  },
  {
    id: 'files-limit-off-by-one',
    bugClass: 'The files limit lets one entry more through than it allows.',
    clauses: ['limit.files', 'inv.limits'],
    program: 'receiver',
    file: SESSION,
    find: 'this.#totalFiles > filesLimit)',
    replace: 'this.#totalFiles > filesLimit + 1n)',
  },
  {
    id: 'bytes-limit-off-by-one',
    bugClass: 'The bytes limit lets a file one byte over it through.',
    clauses: ['limit.bytes', 'inv.limits'],
    program: 'receiver',
    file: SESSION,
    find: '(limit !== 0n && this.#totalBytes + header.filelen > limit)',
    replace: '(limit !== 0n && this.#totalBytes + header.filelen > limit + 1n)',
  },
  {
    id: 'link-bytes-not-counted',
    bugClass: 'Symlink targets are not counted against the bytes limit.',
    clauses: ['limit.bytes', 'inv.limits'],
    program: 'receiver',
    file: SESSION,
    find: `    this.#totalBytes += header.filelen;
    const limit = this.#settings.bytesLimit ?? 0n;
    if (limit !== 0n && this.#totalBytes > limit) return this.#end(Errno.EDQUOT, name);`,
    replace: `    const limit = this.#settings.bytesLimit ?? 0n;
    if (limit !== 0n && this.#totalBytes > limit) return this.#end(Errno.EDQUOT, name);`,
  },
  {
    id: 'link-bytes-limit-off-by-one',
    bugClass: 'A symlink target that brings the total to exactly the bytes limit is refused.',
    clauses: ['limit.bytes'],
    program: 'receiver',
    file: SESSION,
    find: `    this.#totalBytes += header.filelen;
    const limit = this.#settings.bytesLimit ?? 0n;
    if (limit !== 0n && this.#totalBytes > limit) return this.#end(Errno.EDQUOT, name);`,
    replace: `    this.#totalBytes += header.filelen;
    const limit = this.#settings.bytesLimit ?? 0n;
    if (limit !== 0n && this.#totalBytes >= limit) return this.#end(Errno.EDQUOT, name);`,
  },
  {
    id: 'walk-leaks-descriptors',
    bugClass: 'The walk never closes the parent directories it opens, one descriptor per entry, until a large tree runs out of them.',
    clauses: ['recv.end-success'],
    program: 'receiver',
    file: SESSION,
    find: 'if (dir !== this.#fs.root) this.#fs.closeDirectory(dir);',
    replace: 'void dir;',
  },
  {
    id: 'namelen-cap-off-by-one',
    bugClass: 'A namelen one above the cap is accepted.',
    clauses: ['name.length-limit'],
    program: 'receiver',
    file: SESSION,
    find: 'if (header.namelen > MAX_NAME_LENGTH) return',
    replace: 'if (header.namelen > MAX_NAME_LENGTH + 1) return',
  },
  {
    id: 'link-target-length-off-by-one',
    bugClass: 'A link target one byte above the cap is accepted.',
    clauses: ['link.target-length'],
    program: 'receiver',
    file: SESSION,
    find: 'if (header.filelen > BigInt(MAX_NAME_LENGTH)) return',
    replace: 'if (header.filelen > BigInt(MAX_NAME_LENGTH) + 1n) return',
  },
  {
    id: 'success-on-cut-header',
    bugClass: 'A stream cut inside a header (no end marker) is reported as a success.',
    clauses: ['inv.end-marker-required', 'recv.missing-end-marker'],
    program: 'receiver',
    file: SESSION,
    find: 'return this.#end(Errno.EREMOTEIO, this.#lastName);',
    replace: 'return this.#end(RESULT_OK, this.#lastName);',
  },
  {
    id: 'success-on-cut-content',
    bugClass: 'A stream cut inside a name or a file\'s content is reported as a success.',
    clauses: ['inv.end-marker-required', 'file.truncated-content', 'recv.truncated-name'],
    program: 'receiver',
    file: SESSION,
    find: "return this.#end(LEGAL_EOF, event.field === 'name' ? null : this.#lastName);",
    replace: "return this.#end(RESULT_OK, event.field === 'name' ? null : this.#lastName);",
  },
  {
    id: 'crc-skips-headers',
    bugClass: 'The CRC sent back leaves the file headers out.',
    clauses: ['crc.consumed-bytes', 'inv.crc-exact'],
    program: 'receiver',
    file: SESSION,
    find: `      case 'header':
        this.crc.update(event.raw);`,
    replace: `      case 'header':`,
  },
  {
    id: 'unsafe-links-always',
    bugClass: 'Symlink targets are validated as if unsafe symlinks were allowed.',
    clauses: ['link.escape-depth', 'link.absolute-target', 'inv.symlink-contained', 'link.validated', 'link.depth'],
    program: 'receiver',
    file: SESSION,
    find: 'const invalid = validateSymlink(name, target, this.#flags);',
    replace: 'const invalid = validateSymlink(name, target, this.#flags | ValidatorFlag.UNSAFE_SYMLINKS);',
  },
  {
    id: 'charset-unchecked',
    bugClass: 'Names are validated as if all characters were allowed.',
    clauses: ['name.charset', 'inv.names-valid'],
    program: 'receiver',
    file: SESSION,
    find: 'if (validateFileName(name, this.#flags) !== 0) {',
    replace: 'if (validateFileName(name, this.#flags | ValidatorFlag.UNSAFE_CHARACTERS) !== 0) {',
  },
  {
    id: 'bad-name-errno',
    bugClass: 'A refused name is answered with EINVAL instead of EILSEQ.',
    clauses: ['errno.values', 'name.dotdot-component', 'name.charset', 'name.absolute'],
    program: 'receiver',
    file: SESSION,
    find: `      this.#end(Errno.EILSEQ, name);
      return null;`,
    replace: `      this.#end(Errno.EINVAL, name);
      return null;`,
  },
  {
    id: 'walk-follows-links',
    bugClass: 'Parent directories are opened following symlinks.',
    clauses: ['walk.no-follow', 'inv.no-escape'],
    program: 'receiver',
    file: NATIVE,
    find: `    const fd = this.#native.openDirectoryAt(fdOf(dir), name, 1);
    return fd < 0 ? -fd : directory(fd);`,
    replace: `    const fd = this.#native.openDirectoryAt(fdOf(dir), name, 0);
    return fd < 0 ? -fd : directory(fd);`,
  },
  {
    id: 'repeated-directory-ignored',
    bugClass: 'A repeated directory header is accepted without applying its mode and times.',
    clauses: ['dir.repeat-applies', 'file.mode-times'],
    program: 'receiver',
    file: SESSION,
    find: 'if (failed === Errno.EEXIST) failed = this.#fs.updateDirectory(dir, last, metadataOf(header));',
    replace: 'if (failed === Errno.EEXIST) failed = 0;',
  },
  {
    id: 'exit-status-not-modulo',
    bugClass: 'The exit status is 1 for every error instead of the error code modulo 256.',
    clauses: ['recv.exit-status'],
    program: 'receiver',
    file: UNPACK,
    find: 'exitStatus: outcome.errorCode % EXIT_STATUS_MODULUS,',
    replace: 'exitStatus: outcome.errorCode === 0 ? 0 : 1,',
  },
  {
    id: 'no-result-extension',
    bugClass: 'The result never carries the last name extension.',
    clauses: ['result.extension'],
    program: 'receiver',
    file: UNPACK,
    find: 'const result = { errorCode: outcome.errorCode, crc32: session.crc.value, lastName: outcome.lastName };',
    replace: 'const result = { errorCode: outcome.errorCode, crc32: session.crc.value, lastName: null };',
  },
  {
    id: 'dotdot-budget-off-by-one',
    bugClass: 'A link target may climb one `..` more than its depth allows.',
    clauses: ['link.escape-depth', 'inv.symlink-contained'],
    program: 'receiver',
    file: LINK_RULES,
    find: 'const targetVerdict = validatePath(target, depth - 2, targetFlags);',
    replace: 'const targetVerdict = validatePath(target, depth - 1, targetFlags);',
  },
  {
    id: 'top-level-links',
    bugClass: 'A symlink at the top level of the target is accepted.',
    clauses: ['link.depth'],
    program: 'receiver',
    file: LINK_RULES,
    find: 'if (depth < 2) return { errno: Errno.ENOLINK, rule: \'link.depth\' };',
    replace: 'if (depth < 1) return { errno: Errno.ENOLINK, rule: \'link.depth\' };',
  },
  {
    id: 'absolute-link-targets',
    bugClass: 'An absolute symlink target is accepted in the default profile.',
    clauses: ['link.absolute-target', 'inv.symlink-contained'],
    program: 'receiver',
    file: LINK_RULES,
    find: 'let targetFlags = flags | ValidatorFlag.TRAILING_SLASH;',
    replace: 'if (target[0] === 0x2f) return { errno: 0, rule: null };\n  let targetFlags = flags | ValidatorFlag.TRAILING_SLASH;',
  },
  {
    id: 'trailing-slash-accepted',
    bugClass: 'A name ending in a slash is accepted.',
    clauses: ['name.trailing-slash'],
    program: 'receiver',
    file: PATH_RULES,
    find: "if ((flags & ValidatorFlag.TRAILING_SLASH) === 0 && s[s.length - 1] === SLASH) return reject(Errno.EILSEQ, 'name.trailing-slash');",
    replace: '',
  },
  {
    id: 'empty-component-accepted',
    bugClass: 'A name with an empty component (`a//b`) is accepted.',
    clauses: ['name.empty-component'],
    program: 'receiver',
    file: PATH_RULES,
    find: "if (!nonCanonical) return reject(Errno.EILSEQ, 'name.empty-component'); // `a//b`",
    replace: '',
  },
  {
    id: 'dot-component-accepted',
    bugClass: 'A name with a `.` component is accepted.',
    clauses: ['name.dot-component'],
    program: 'receiver',
    file: PATH_RULES,
    find: "if (!nonCanonical) return reject(Errno.EILSEQ, 'name.dot-component');",
    replace: '',
  },
  {
    id: 'filelen-unsigned',
    bugClass: 'A filelen with the sign bit set is not refused (sizes are signed elsewhere).',
    clauses: ['file.filelen-signed'],
    program: 'receiver',
    file: SESSION,
    find: 'if (header.filelen > MAX_FILE_LENGTH || (limit',
    replace: 'if (header.filelen > MAX_FILE_LENGTH * 2n + 1n || (limit',
  },
  {
    id: 'new-directory-not-private',
    bugClass: 'A new directory gets a permissive mode at once instead of staying private until its header repeats.',
    clauses: ['dir.create-private'],
    program: 'receiver',
    file: NATIVE,
    find: 'const NEW_DIRECTORY = 0o700;',
    replace: 'const NEW_DIRECTORY = 0o777;',
  },
  {
    id: 'sender-follows-symlinks',
    bugClass: 'The sender sends what a symlink points to instead of the link.',
    clauses: ['sender.types', 'sender.walk'],
    program: 'sender',
    file: ENTRIES,
    find: "import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';",
    replace: "import { statSync as lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';",
  },
  {
    id: 'sender-single-directory-header',
    bugClass: 'The sender sends a directory header only before its children, never after.',
    clauses: ['sender.walk', 'dir.repeat-applies'],
    program: 'sender',
    file: ENTRIES,
    find: "    yield { type: 'directory', name, path, stats, closing: true };",
    replace: '',
  },
  {
    id: 'sender-no-end-marker',
    bugClass: 'The sender ends the stream without its end marker.',
    clauses: ['sender.end-marker'],
    program: 'sender',
    file: PACK,
    find: `      this.#sentEndMarker = true;
      yield this.#count(new Uint8Array(FILE_HEADER_SIZE));`,
    replace: `      this.#sentEndMarker = true;`,
  },
  {
    id: 'sender-name-without-nul',
    bugClass: 'The sender counts the terminating NUL in namelen but does not send it.',
    clauses: ['sender.names', 'wire.name-c-string'],
    program: 'sender',
    file: PACK,
    find: `    const name = new Uint8Array(entry.name.length + 1);
    name.set(entry.name);`,
    replace: `    const name = new Uint8Array(entry.name.length + 1);
    name.set(entry.name);
    name[name.length - 1] = 0x5f;`,
  },
  {
    id: 'special-types-as-files',
    bugClass: 'An entry that is neither a directory nor a symlink is received as a regular file: a device, fifo, socket or undefined type is created as a file instead of refused.',
    clauses: ['type.forbidden', 'inv.no-special-files'],
    program: 'receiver',
    file: SESSION,
    find: 'if (type === S_IFREG) return this.#file(header, name);',
    replace: 'if (type !== S_IFDIR && type !== S_IFLNK) return this.#file(header, name);',
  },
  {
    id: 'editor-name-unsanitized',
    bugClass: 'The OpenInVM server stores the file under the filename field as sent: no refusal of `/`, `.` or `..`, no replacement of other bytes.',
    clauses: ['open.server-name', 'open.server-confined', 'open.server-degenerate-name'],
    program: 'editor-server',
    file: EDITOR_SERVER,
    find: 'const name = sanitizeEditorFileName(field.value.name);',
    replace: "const name = { ok: true as const, name: field.value.name, reason: '' };",
  },
  {
    id: 'copy-back-in-place',
    bugClass: 'The OpenInVM client writes the reply into the original in place instead of renaming a complete temporary file over it.',
    clauses: ['open.client-atomic'],
    program: 'editor-client',
    file: EDITOR_CLIENT,
    find: 'if (takeReply(beside, statSync(file).mode & 0o7777)) renameSync(beside.path, file);',
    // The bundle's banner gives ES modules a require: the patch cannot add an import.
    replace: "if (takeReply(beside, statSync(file).mode & 0o7777)) { const fs = require('node:fs'); fs.writeFileSync(file, fs.readFileSync(beside.path)); fs.unlinkSync(beside.path); }",
  },
];
