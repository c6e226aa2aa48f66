/**
 * Symbolic links (PROTOCOL §2, §3): the depth budget on both sides, absolute and top-level
 * links, non-canonical targets per profile, entries created through a link, and links
 * against existing entries. Escape probes aim at the sandbox's outside area.
 */
import { dir, endMarker, file, link, type StreamPart } from '../../../spec/builder/stream-parts.js';
import type { ClauseId } from '../../../spec/clauses.js';
import { Errno } from '../../../spec/constants.js';
import type { Profile } from '../../adapters/implementation.js';
import type { SandboxPaths } from '../../sandbox/sandbox-root.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

interface LinkCase {
  readonly id: string;
  readonly title: string;
  readonly clauses: readonly ClauseId[];
  readonly stream: (sandbox: SandboxPaths) => StreamPart[];
  readonly errorCode: number;
  readonly lastName?: string;
  readonly profile?: Profile;
}

const linkCase = (spec: LinkCase): ReceiverCase =>
  receiverCase('symlinks', {
    id: spec.id,
    title: spec.title,
    clauses: spec.clauses,
    profile: spec.profile,
    stream: (sandbox) => [...spec.stream(sandbox), endMarker()],
    pinned: { errorCode: spec.errorCode, ...(spec.lastName === undefined ? {} : { lastName: spec.lastName }) },
  });

const D = dir('d');
const DE = [dir('d'), dir('d/e')];
const DEF = [dir('d'), dir('d/e'), dir('d/e/f')];

export const SYMLINK_CASES: readonly ReceiverCase[] = [
  // depth and ../ budget
  linkCase({ id: 'sibling-at-depth-2', title: 'd/l -> x stays in d', stream: () => [D, link('d/l', 'x')], clauses: ['link.validated', 'link.depth'], errorCode: 0 }),
  linkCase({ id: 'climb-1-at-depth-2', title: 'd/l -> ../x would leave d', stream: () => [D, link('d/l', '../x')], clauses: ['link.escape-depth', 'inv.symlink-contained'], errorCode: Errno.ENOLINK, lastName: '../x' }),
  linkCase({ id: 'climb-1-at-depth-3', title: 'd/e/l -> ../x stays in d', stream: () => [...DE, link('d/e/l', '../x')], clauses: ['link.escape-depth'], errorCode: 0 }),
  linkCase({ id: 'climb-2-at-depth-3', title: 'd/e/l -> ../../x would leave d', stream: () => [...DE, link('d/e/l', '../../x')], clauses: ['link.escape-depth'], errorCode: Errno.ENOLINK }),
  linkCase({ id: 'climb-2-at-depth-4', title: 'd/e/f/l -> ../../x stays in d', stream: () => [...DEF, link('d/e/f/l', '../../x')], clauses: ['link.escape-depth'], errorCode: 0 }),
  linkCase({ id: 'climb-3-at-depth-4', title: 'd/e/f/l -> ../../../x would leave d', stream: () => [...DEF, link('d/e/f/l', '../../../x')], clauses: ['link.escape-depth'], errorCode: Errno.ENOLINK }),
  linkCase({ id: 'climb-to-outside-area', title: 'a link climbing to the sandbox\'s outside area', stream: () => [...DE, link('d/e/l', '../../../outside/sentinel.txt')], clauses: ['link.escape-depth', 'inv.no-escape'], errorCode: Errno.ENOLINK }),
  linkCase({ id: 'dotdot-after-normal-in-target', title: 'd/e/l -> x/../../y hides a climb after a normal component', stream: () => [...DE, link('d/e/l', 'x/../../y')], clauses: ['name.dotdot-after-normal'], errorCode: Errno.ENOLINK }),
  linkCase({ id: 'dotdot-alone-at-depth-2', title: 'd/l -> .. is d\'s parent', stream: () => [D, link('d/l', '..')], clauses: ['link.escape-depth'], errorCode: Errno.ENOLINK }),
  linkCase({ id: 'dot-target', title: 'd/l -> . (non-canonical, allowed by default)', stream: () => [D, link('d/l', '.')], clauses: ['link.non-canonical-target'], errorCode: 0 }),
  linkCase({ id: 'empty-target', title: 'an empty target passes the validator and fails in symlinkat', stream: () => [D, link('d/l', '')], clauses: ['name.empty'], errorCode: Errno.ENOENT }),
  // absolute and top level
  linkCase({ id: 'absolute-target', title: 'd/l -> /etc/passwd', stream: () => [D, link('d/l', '/etc/passwd')], clauses: ['link.absolute-target'], errorCode: Errno.ENOLINK, lastName: '/etc/passwd' }),
  linkCase({ id: 'absolute-target-into-sandbox', title: 'a link aimed at the outside area by absolute path', stream: (s) => [D, link('d/l', `${s.outside}/sentinel.txt`)], clauses: ['link.absolute-target', 'inv.no-escape'], errorCode: Errno.ENOLINK }),
  linkCase({ id: 'top-level-link', title: 'a top-level entry is never a link', stream: () => [link('l', 'x')], clauses: ['link.depth'], errorCode: Errno.ENOLINK, lastName: 'x' }),
  linkCase({ id: 'top-level-link-unsafe', title: 'a top-level link with unsafe symlinks allowed', stream: () => [link('l', 'x')], clauses: ['link.unsafe-profile'], errorCode: 0, profile: 'unsafe-symlinks' }),
  linkCase({ id: 'absolute-target-unsafe', title: 'an absolute link with unsafe symlinks allowed', stream: (s) => [D, link('d/l', `${s.outside}`)], clauses: ['link.unsafe-profile'], errorCode: 0, profile: 'unsafe-symlinks' }),
  linkCase({ id: 'bad-link-name', title: 'a link whose own name has a forbidden character reports its target', stream: () => [D, link('d/\u0007', 'x')], clauses: ['link.validated', 'name.charset'], errorCode: Errno.EILSEQ, lastName: 'x' }),
  linkCase({ id: 'bad-target-character', title: 'a target with a forbidden character', stream: () => [D, link('d/l', 'x\u202e')], clauses: ['link.validated', 'name.charset'], errorCode: Errno.EILSEQ }),
  // non-canonical targets per profile
  linkCase({ id: 'non-canonical-target', title: 'd/l -> a//b, allowed by qfile-unpacker\'s default', stream: () => [D, link('d/l', 'a//b')], clauses: ['link.non-canonical-target'], errorCode: 0 }),
  linkCase({ id: 'dot-slash-target', title: 'd/l -> ./a', stream: () => [D, link('d/l', './a')], clauses: ['link.non-canonical-target'], errorCode: 0 }),
  // entries through links
  linkCase({ id: 'file-through-link', title: 'a file created through a link to a directory', stream: () => [...DE, link('d/l', 'e'), file('d/l/x', 'x')], clauses: ['walk.no-follow'], errorCode: Errno.ENOTDIR, lastName: 'l' }),
  linkCase({ id: 'directory-through-link', title: 'a directory created through a link', stream: () => [...DE, link('d/l', 'e'), dir('d/l/sub')], clauses: ['walk.no-follow'], errorCode: Errno.ENOTDIR, lastName: 'l' }),
  linkCase({ id: 'file-through-link-to-outside', title: 'with unsafe links, a file sent through a link to the outside area', stream: (s) => [D, link('d/out', s.outside), file('d/out/planted', 'x')], clauses: ['walk.no-follow', 'inv.no-escape'], errorCode: Errno.ENOTDIR, profile: 'unsafe-symlinks' }),
  linkCase({ id: 'file-over-link-to-outside', title: 'with unsafe links, a file sent over a link to an outside file', stream: (s) => [D, link('d/out', `${s.outside}/sentinel.txt`), file('d/out', 'overwritten')], clauses: ['file.exclusive', 'inv.no-escape'], errorCode: Errno.EEXIST, profile: 'unsafe-symlinks' }),
  linkCase({ id: 'directory-over-link-to-outside', title: 'with unsafe links, a directory header over a link to an outside directory', stream: (s) => [D, link('d/out', `${s.outside}/dir`), dir('d/out', { mode: 0o777 })], clauses: ['dir.repeat-not-directory', 'inv.no-escape'], errorCode: Errno.ENOTDIR, profile: 'unsafe-symlinks' }),
  // against existing entries
  linkCase({ id: 'link-over-directory', title: 'a link over an existing directory', stream: () => [...DE, link('d/e', 'x')], clauses: ['link.exclusive'], errorCode: Errno.EEXIST }),
  linkCase({ id: 'link-over-file', title: 'a link over an existing file', stream: () => [D, file('d/f', 'x'), link('d/f', 'y')], clauses: ['link.exclusive'], errorCode: Errno.EEXIST }),
  linkCase({ id: 'link-over-link', title: 'a link over an existing link', stream: () => [D, link('d/l', 'x'), link('d/l', 'y')], clauses: ['link.exclusive'], errorCode: Errno.EEXIST }),
  // target lengths and NUL
  linkCase({ id: 'target-with-nul', title: 'a target ends at its first NUL', stream: () => [D, link('d/l', new TextEncoder().encode('x\u0000../../../etc'))], clauses: ['wire.symlink-payload', 'wire.name-c-string'], errorCode: 0 }),
  linkCase({ id: 'target-of-4096-bytes', title: 'a target of PATH_MAX bytes fails in the kernel', stream: () => [D, link('d/l', 't'.repeat(4096))], clauses: ['name.kernel-limits'], errorCode: Errno.ENAMETOOLONG }),
  linkCase({ id: 'target-of-16383-bytes', title: 'a target of 16383 bytes is read, then fails in the kernel', stream: () => [D, link('d/l', 't'.repeat(16383))], clauses: ['link.target-length', 'name.kernel-limits'], errorCode: Errno.ENAMETOOLONG }),
  linkCase({ id: 'target-of-16384-bytes', title: 'a target of 16384 bytes is refused before it is read', stream: () => [D, link('d/l', 't'.repeat(16384))], clauses: ['link.target-length'], errorCode: Errno.ENAMETOOLONG, lastName: 'd/l' }),
];
