/**
 * One passing and one failing snapshot pair per invariant of PROTOCOL §7 that a snapshot can show.
 */
import { describe, expect, it } from 'vitest';
import { ValidatorFlag } from '../../../spec/constants.js';
import { checkInvariants } from '../../../spec/invariants/check-invariants.js';
import { ROOT_KEY, type InvariantContext, type Snapshot, type SnapshotEntry } from '../../../spec/invariants/snapshot.js';

const USER = 1000;
const context: InvariantContext = { targetPath: 'target', uid: USER, gid: USER, validatorFlags: ValidatorFlag.NON_CANONICAL_SYMLINKS, bytesLimit: 0n, filesLimit: 0n };

const base = { uid: USER, gid: USER, nlink: 1, digest: null, linkTarget: null, atimeNs: 0n, mtimeNs: 0n } as const;
const directory = (overrides: Partial<SnapshotEntry> = {}): SnapshotEntry => ({ ...base, type: 'directory', mode: 0o40755, size: 4096, nlink: 2, ...overrides });
const regular = (size: number, overrides: Partial<SnapshotEntry> = {}): SnapshotEntry => ({ ...base, type: 'file', mode: 0o100644, size, digest: `d${size}`, ...overrides });
const symlink = (target: string, overrides: Partial<SnapshotEntry> = {}): SnapshotEntry => ({ ...base, type: 'symlink', mode: 0o120777, size: target.length, linkTarget: target, ...overrides });

/** The sandbox before a run: an empty target and an outside area with a sentinel, a directory and a link. */
const before: Snapshot = {
  target: directory({ mode: 0o40700 }),
  outside: directory(),
  'outside/sentinel': regular(8),
  'outside/dir': directory(),
  'outside/link': symlink('sentinel'),
};
const after = (entries: Record<string, SnapshotEntry>, outside: Record<string, SnapshotEntry> = {}): Snapshot => ({
  ...before,
  target: directory({ mode: 0o40700, mtimeNs: 5n }),
  ...outside,
  ...Object.fromEntries(Object.entries(entries).map(([path, entry]) => [`target/${path}`, entry])),
});
const clauses = (snapshot: Snapshot, ctx: InvariantContext = context) => checkInvariants(before, snapshot, ctx).map((v) => `${v.clause} ${v.path}`);

describe('checkInvariants', () => {
  it('passes a well-received tree (the target\'s own mtime may change)', () => {
    expect(clauses(after({ d: directory(), 'd/f': regular(3), 'd/l': symlink('f'), 'd/e': directory(), 'd/e/up': symlink('../f') }))).toEqual([]);
  });

  describe('inv.no-escape', () => {
    it('passes when the outside area is untouched', () => expect(clauses(after({ a: regular(1) }))).toEqual([]));
    it('fails on a file created outside', () => expect(clauses(after({}, { 'outside/new': regular(1) }))).toEqual(['inv.no-escape outside/new']));
    it('fails on a file created next to the target', () => expect(clauses(after({}, { escaped: regular(1) }))).toEqual(['inv.no-escape escaped']));
    it('fails on a sentinel written through a link', () =>
      expect(clauses(after({}, { 'outside/sentinel': regular(8, { digest: 'changed' }) }))).toEqual(['inv.no-escape outside/sentinel']));
    it('fails on an outside entry removed', () => {
      const snapshot: Record<string, SnapshotEntry> = { ...after({}) };
      delete snapshot['outside/link'];
      expect(clauses(snapshot)).toEqual(['inv.no-escape outside/link']);
    });
    it('fails when the target directory itself is chmod-ed', () =>
      expect(clauses({ ...after({}), target: directory({ mode: 0o40777 }) })).toEqual(['inv.no-escape target']));
    it('fails when the target directory is removed', () => {
      const snapshot: Record<string, SnapshotEntry> = { ...after({}) };
      delete snapshot.target;
      expect(checkInvariants(before, snapshot, context)).toEqual([
        { clause: 'inv.no-escape', path: 'target', detail: 'directory removed the target directory' },
      ]);
    });
    it('fails when the sandbox root itself is chmod-ed (a directory header named ..), not when its mtime moves', () => {
      const withRoot: Snapshot = { ...before, [ROOT_KEY]: directory() };
      expect(checkInvariants(withRoot, { ...after({}), [ROOT_KEY]: directory({ mode: 0o40777 }) }, context)).toEqual([
        { clause: 'inv.no-escape', path: ROOT_KEY, detail: 'directory the sandbox root modified: mode 16877 → 16895' },
      ]);
      expect(checkInvariants(withRoot, { ...after({}), [ROOT_KEY]: directory({ mtimeNs: 9n, nlink: 3 }) }, context)).toEqual([]);
    });
    it('ignores an outside atime (reading is not writing)', () =>
      expect(clauses(after({}, { 'outside/sentinel': regular(8, { atimeNs: 99n }) }))).toEqual([]));
  });

  describe('inv.no-special-files', () => {
    it('passes files, directories and links', () => expect(clauses(after({ d: directory(), f: regular(0), 'd/l': symlink('x') }))).toEqual([]));
    for (const type of ['fifo', 'socket', 'char-device', 'block-device'] as const) {
      it(`fails on a ${type}`, () => expect(clauses(after({ n: { ...regular(0), type, digest: null } }))).toEqual([`inv.no-special-files target/n`]));
    }
    it('fails on a fifo created outside too', () =>
      expect(clauses(after({}, { 'outside/p': { ...regular(0), type: 'fifo', digest: null } }))).toEqual(['inv.no-escape outside/p', 'inv.no-special-files outside/p']));
  });

  describe('inv.no-hard-links', () => {
    it('passes single-link files', () => expect(clauses(after({ f: regular(1) }))).toEqual([]));
    it('fails on a received file with two links (and the outside file it shares)', () =>
      expect(clauses(after({ f: regular(8, { nlink: 2 }) }, { 'outside/sentinel': regular(8, { nlink: 2 }) }))).toEqual([
        'inv.no-escape outside/sentinel',
        'inv.no-hard-links target/f',
      ]));
  });

  describe('inv.owner', () => {
    it('passes entries of the receiving user', () => expect(clauses(after({ f: regular(1) }))).toEqual([]));
    it('fails on an entry owned by root', () => expect(clauses(after({ f: regular(1, { uid: 0 }) }))).toEqual(['inv.owner target/f']));
    it('fails on a foreign group', () => expect(clauses(after({ d: directory({ gid: 5 }) }))).toEqual(['inv.owner target/d']));
  });

  describe('inv.symlink-contained', () => {
    it('passes a link within its top-level directory', () => expect(clauses(after({ d: directory(), 'd/e': directory(), 'd/e/l': symlink('../x') }))).toEqual([]));
    it('fails on a link climbing out', () => expect(clauses(after({ d: directory(), 'd/l': symlink('../x') }))).toEqual(['inv.symlink-contained target/d/l']));
    it('fails on an absolute link', () => expect(clauses(after({ d: directory(), 'd/l': symlink('/etc/passwd') }))).toEqual(['inv.symlink-contained target/d/l']));
    it('fails on a top-level link', () => expect(clauses(after({ l: symlink('x') }))).toEqual(['inv.symlink-contained target/l']));
    it('passes any link when unsafe symlinks were allowed', () =>
      expect(clauses(after({ l: symlink('/etc') }), { ...context, validatorFlags: ValidatorFlag.UNSAFE_SYMLINKS })).toEqual([]));
  });

  describe('inv.limits', () => {
    const limited = { ...context, bytesLimit: 10n, filesLimit: 3n };
    it('passes at the limits (directories count as entries, not bytes)', () =>
      expect(clauses(after({ d: directory(), 'd/f': regular(6), 'd/l': symlink('abcd') }), limited)).toEqual([]));
    it('fails one byte over', () => expect(clauses(after({ f: regular(7), d: directory(), 'd/l': symlink('abcd') }), limited)).toEqual(['inv.limits target']));
    it('fails one entry over', () => expect(clauses(after({ a: regular(0), b: regular(0), c: regular(0), e: regular(0) }), limited)).toEqual(['inv.limits target']));
  });

  describe('inv.names-valid', () => {
    it('passes allowlisted Unicode', () => expect(clauses(after({ 'β.txt': regular(1) }))).toEqual([]));
    it('fails on a control character', () => expect(clauses(after({ 'a\u0001': regular(1) }))).toEqual(['inv.names-valid target/a\u0001']));
    it('fails on invalid UTF-8 (escaped key)', () => expect(clauses(after({ 'a\\xff': regular(1) }))).toEqual(['inv.names-valid target/a\\xff']));
    it('passes the same name when unsafe characters were allowed', () =>
      expect(clauses(after({ 'a\u0001': regular(1) }), { ...context, validatorFlags: ValidatorFlag.UNSAFE_CHARACTERS })).toEqual([]));
    it('fails on a link target with a forbidden character', () =>
      expect(clauses(after({ d: directory(), 'd/l': symlink('\u202e') }))).toEqual(['inv.names-valid target/d/l']));
  });

  it('reads a link whose target could not be read as an empty target', () => {
    const unread = symlink('', { linkTarget: null });
    const limited = { ...context, validatorFlags: 0, bytesLimit: 1n };
    expect(checkInvariants(before, after({ d: directory(), 'd/l': unread }), limited).map((v) => v.clause)).toEqual(['inv.symlink-contained']);
    expect(checkInvariants(before, after({ d: directory(), 'd/l': unread }), context)).toEqual([]);
  });

  it('reads a malformed path key as its literal text', () => {
    const malformed = 'a\\q'; // not a valid escape: read as the bytes a, backslash, q
    expect(clauses(after({ [malformed]: regular(1) }))).toEqual([]);
    const limited = { ...context, bytesLimit: 2n };
    expect(clauses(after({ d: directory(), 'd/l': symlink(malformed) }), limited)).toEqual(['inv.limits target']);
  });

  it('reports each violation with a readable detail', () => {
    const [violation] = checkInvariants(before, after({ f: regular(1, { uid: 0 }) }), context);
    expect(violation).toEqual({ clause: 'inv.owner', path: 'target/f', detail: 'owned by 0:1000, expected 1000:1000' });
  });
});
