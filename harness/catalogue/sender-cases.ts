/**
 * Sender cases (PROTOCOL §4, §5): source trees the sender must walk and send exactly, and
 * receivers that answer badly, which it must survive with a clean failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { ClauseId } from '../../spec/clauses.js';
import { Errno, LEGAL_EOF } from '../../spec/constants.js';
import type { ScriptedAnswer, SenderCase } from './catalogue-case.js';

type Node = { file: string | Uint8Array; mode?: number } | { dir: Record<string, Node>; mode?: number } | { link: string } | { fifo: true };

/** Build `tree` in `dir`; directory modes are set after their content. */
function build(dir: string, tree: Record<string, Node>): void {
  for (const [name, node] of Object.entries(tree)) {
    const path = join(dir, name);
    if ('file' in node) {
      writeFileSync(path, node.file);
      if (node.mode !== undefined) chmodSync(path, node.mode);
    } else if ('dir' in node) {
      mkdirSync(path);
      build(path, node.dir);
      if (node.mode !== undefined) chmodSync(path, node.mode);
    } else if ('link' in node) {
      symlinkSync(node.link, path);
    } else {
      execFileSync('mkfifo', [path]);
    }
  }
}

const HOSTILE_NAME = Uint8Array.from([0x65, 0x76, 0x69, 0x6c, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x07, 0x22, 0x7f, 0x9b, 0x0a, 0x78]);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

interface SenderSpec {
  readonly id: string;
  readonly title: string;
  readonly clauses: readonly ClauseId[];
  readonly tree: Record<string, Node>;
  readonly paths?: readonly string[];
  readonly ignoreSymlinks?: boolean;
  readonly answer?: SenderCase['answer'];
  readonly exitStatus?: 0 | 1;
  readonly unsafeRemoteName?: Uint8Array;
  readonly upstream?: SenderCase['upstream'];
}

const senderCase = (spec: SenderSpec): SenderCase => ({
  kind: 'sender',
  category: 'sender',
  id: `send-${spec.id}`,
  title: spec.title,
  clauses: spec.clauses,
  build: (dir) => build(dir, spec.tree),
  paths: spec.paths ?? Object.keys(spec.tree),
  ignoreSymlinks: spec.ignoreSymlinks ?? false,
  answer: spec.answer ?? 'receiver',
  exitStatus: spec.exitStatus ?? 0,
  ...(spec.unsafeRemoteName === undefined ? {} : { unsafeRemoteName: spec.unsafeRemoteName }),
  ...(spec.upstream === undefined ? {} : { upstream: spec.upstream }),
});

const SMALL = { doc: { dir: { 'a.txt': { file: 'hello\n' }, 'b.bin': { file: new Uint8Array(300_000).fill(7) } } } };
const bad = (id: string, title: string, answer: ScriptedAnswer, clauses: readonly ClauseId[], extra: Partial<SenderSpec> = {}): SenderCase =>
  senderCase({ id, title, clauses: ['sender.exit-status', 'sender.hostile-result', ...clauses], tree: SMALL, answer, exitStatus: 1, ...extra });

export const SENDER_CASES: readonly SenderCase[] = [
  senderCase({ id: 'single-file', title: 'one file', tree: { 'one.txt': { file: 'content\n' } }, clauses: ['sender.names', 'sender.end-marker', 'sender.exit-status', 'crc.sender-check'] }),
  senderCase({ id: 'empty-file', title: 'an empty file', tree: { empty: { file: '' } }, clauses: ['sender.names'] }),
  senderCase({ id: 'nested-directories', title: 'nested directories: each header repeated after its children', tree: { top: { dir: { sub: { dir: { leaf: { file: 'x' } } }, f: { file: 'y' } } } }, clauses: ['sender.walk'] }),
  senderCase({ id: 'empty-directory', title: 'an empty directory', tree: { nothing: { dir: {} } }, clauses: ['sender.walk'] }),
  senderCase({ id: 'read-only-directory', title: 'a 0555 directory with content', tree: { ro: { dir: { inside: { file: 'x' } }, mode: 0o555 } }, clauses: ['sender.walk'] }),
  senderCase({ id: 'file-modes', title: 'files with modes 0600, 0444 and 0755', tree: { modes: { dir: { p: { file: '1', mode: 0o600 }, r: { file: '2', mode: 0o444 }, x: { file: '3', mode: 0o755 } } } }, clauses: ['sender.walk'] }),
  senderCase({ id: 'relative-symlinks', title: 'links inside the tree, sent as links without NUL', tree: { top: { dir: { target: { file: 'x' }, l: { link: 'target' }, sub: { dir: { up: { link: '../target' } } } } } }, clauses: ['sender.types', 'wire.symlink-payload'] }),
  senderCase({ id: 'ignore-symlinks', title: '--ignore-symlinks leaves links out', tree: { top: { dir: { f: { file: 'x' }, l: { link: 'f' } } } }, ignoreSymlinks: true, clauses: ['sender.types'] }),
  senderCase({ id: 'fifo-skipped', title: 'a fifo is skipped without a header', tree: { top: { dir: { pipe: { fifo: true }, f: { file: 'x' } } } }, clauses: ['sender.types'] }),
  senderCase({ id: 'several-arguments', title: 'several arguments, each sent under its basename', tree: { one: { file: '1' }, two: { dir: { x: { file: '2' } } } }, paths: ['one', './two/'], clauses: ['sender.names'] }),
  senderCase({ id: 'argument-with-directories', title: 'an argument with parent directories is sent under its basename', tree: { outer: { dir: { inner: { dir: { f: { file: 'x' } } } } } }, paths: ['outer/inner'], clauses: ['sender.names'] }),
  senderCase({ id: 'unicode-and-odd-names', title: 'allowlisted Unicode, spaces, leading dots and ..a', tree: { 'βήτα dir': { dir: { '.hidden': { file: '1' }, '..a': { file: '2' }, 'with space': { file: '3' }, '中文': { file: '4' } } } }, clauses: ['sender.names'] }),
  senderCase({ id: 'large-file', title: 'a 16 MiB file', tree: { big: { file: new Uint8Array(16 << 20).fill(1) } }, clauses: ['sender.exit-status', 'crc.sender-check'] }),
  senderCase({ id: 'name-with-newline', title: 'a name with a newline is sent; the receiver refuses it and the sender says so', tree: { 'line\nbreak': { file: 'x' } }, exitStatus: 1, clauses: ['sender.names', 'sender.messages', 'sender.sanitize-name'] }),
  senderCase({ id: 'escaping-symlink', title: 'a link the receiver refuses (ENOLINK): the sender reports it and stops', tree: { top: { dir: { evil: { link: '../../etc/passwd' }, later: { file: 'x' } } } }, exitStatus: 1, clauses: ['sender.messages', 'sender.early-error'] }),
  bad('garbage-result', 'the receiver answers with garbage', 'garbage', ['result.extension-optional']),
  bad('short-result', 'the receiver answers with 10 bytes', 'short-result', []),
  // Upstream's qfile-agent warns that it failed to get the last name and goes by the code and
  // the CRC, which are right: the transfer did succeed, and the name only decorates a message.
  bad('lying-extension-length', 'an extension longer than what follows', 'lying-extension', ['result.extension-optional'], {
    upstream: { exitStatus: 0, why: "upstream's sender ignores an extension that lies about its length: a success code with the right CRC decides, the name only serves messages" },
  }),
  bad('wrong-crc', 'success with the wrong CRC', 'wrong-crc', ['crc.sender-check']),
  bad('crc-high-bits', 'success with the right CRC but high bits set in its 64-bit field', 'crc-high-bits', ['crc.sender-check', 'result.header']),
  bad('silent-receiver', 'the receiver reads everything and answers nothing', 'silence', []),
  bad('success-before-end', 'the receiver claims success before the end marker', 'success-before-end', ['sender.early-error']),
  bad('early-error-mid-stream', 'the receiver answers EEXIST after 100 bytes and stops reading', { errorCode: Errno.EEXIST, lastNameHex: hex(Buffer.from('doc/a.txt')), afterBytes: 100 }, ['sender.early-error', 'sender.messages']),
  bad('unsanitary-remote-name', 'the receiver reports a name full of terminal escapes', { errorCode: Errno.EILSEQ, lastNameHex: hex(HOSTILE_NAME), afterBytes: 40 }, ['sender.sanitize-name'], { unsafeRemoteName: HOSTILE_NAME }),
  bad('legal-eof-answer', 'the receiver reports LEGAL_EOF', { errorCode: LEGAL_EOF, lastNameHex: '', afterBytes: 1 }, ['sender.messages', 'errno.values']),
  bad('unknown-error-code', 'the receiver reports an error code no errno has', { errorCode: 0x7fff_ffff, lastNameHex: hex(Buffer.from('doc')), afterBytes: 0 }, ['sender.messages']),
];
