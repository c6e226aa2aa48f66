/**
 * The snapshot walk over trees a hostile program can leave behind: deeper than PATH_MAX,
 * names that are not UTF-8, unreadable entries, symlink loops, FIFOs, and trees too big
 * to take in. The walk never throws on them and never follows a link out of the tree.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lchownSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTree } from '../../../harness/sandbox/sandbox-root.js';
import { takeSnapshot, walkSnapshot } from '../../../harness/sandbox/snapshot.js';
import { encodePathKey } from '../../../spec/path-key.js';
import { ROOT_KEY, type SnapshotEntry } from '../../../spec/invariants/snapshot.js';
import { NOBODY, nobodyRunsNode, removeScratch, scratchDir } from '../../helpers/scratch-dir.js';

const sha256 = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');
const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
const asRoot = process.getuid?.() === 0;

afterAll(removeScratch);

/** A chain of `depth` directories named `name` under `parent`, built by a shell that cd-s down it (each mkdir is one component). */
function deepChain(parent: string, name: string, depth: number, content: string): void {
  const script = 'cd "$1" || exit 1; i=0; while [ "$i" -lt "$2" ]; do mkdir "$3" && cd -P "$3" || exit 1; i=$((i + 1)); done; printf %s "$4" > file';
  const result = spawnSync('/bin/sh', ['-c', script, 'sh', parent, String(depth), name, content]);
  expect(result.status, result.stderr.toString()).toBe(0);
}

/** Today's walk over full paths, the oracle for trees short and tame enough for it. */
function fullPathSnapshot(root: string): Record<string, SnapshotEntry> {
  const entryOf = (path: Buffer): SnapshotEntry => {
    const stats = lstatSync(path, { bigint: true });
    const type = stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : stats.isSymbolicLink() ? 'symlink' : stats.isFIFO() ? 'fifo' : 'unknown';
    return {
      type,
      mode: Number(stats.mode), uid: Number(stats.uid), gid: Number(stats.gid), size: Number(stats.size), nlink: Number(stats.nlink),
      atimeNs: stats.atimeNs, mtimeNs: stats.mtimeNs,
      digest: type === 'file' ? sha256(readFileSync(path)) : null,
      linkTarget: type === 'symlink' ? encodePathKey(readlinkSync(path, { encoding: 'buffer' })) : null,
    };
  };
  const entries: Record<string, SnapshotEntry> = { [ROOT_KEY]: entryOf(Buffer.from(root)) };
  const visit = (path: Buffer, relative: Buffer | null): void => {
    for (const child of readdirSync(path, { encoding: 'buffer' })) {
      const childPath = Buffer.concat([path, Buffer.from('/'), child]);
      const childRelative = relative === null ? child : Buffer.concat([relative, Buffer.from('/'), child]);
      entries[encodePathKey(childRelative)] = entryOf(childPath);
      if (lstatSync(childPath).isDirectory()) visit(childPath, childRelative);
    }
  };
  visit(Buffer.from(root), null);
  return entries;
}

describe('a snapshot walk', () => {
  it('gives what the full-path walk gives on a tame tree, names that are not UTF-8 included, in the same order', () => {
    const root = scratchDir('qfc-snapshot-');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'a', 'b', 'file'), 'content');
    writeFileSync(bytes(root, '/a/', [0xff, 0xfe]), 'not utf-8');
    mkdirSync(bytes(root, '/', [0xc3, 0x28], 'dir'));
    writeFileSync(bytes(root, '/', [0xc3, 0x28], 'dir/\u00e9t\u00e9'), 'utf-8 below a name that is not');
    writeFileSync(join(root, 'line\nbreak'), '');
    writeFileSync(join(root, 'back\\slash'), 'x');
    symlinkSync('a/b', join(root, 'link'));
    walkSnapshot(root); // reads bump atimes once (relatime); the two walks below then see the same times
    const expected = fullPathSnapshot(root);
    const { snapshot, overflow } = walkSnapshot(root);
    expect(overflow).toBeNull();
    expect(snapshot).toEqual(expected);
    expect(Object.keys(snapshot)).toEqual(Object.keys(expected));
    expect(snapshot['\\xc3(dir/\u00e9t\u00e9']?.digest).toBe(sha256('utf-8 below a name that is not'));
    expect(takeSnapshot(root)).toEqual(snapshot);
  });

  it('walks a chain deeper than PATH_MAX (40 directories of 200-byte names) and digests the file at its bottom', () => {
    const root = scratchDir('qfc-snapshot-deep-');
    const name = 'd'.repeat(200);
    deepChain(root, name, 40, 'at the bottom');
    const { snapshot, overflow } = walkSnapshot(root);
    expect(overflow).toBeNull();
    expect(Object.keys(snapshot)).toHaveLength(1 + 40 + 1);
    const deepest = snapshot[`${`${name}/`.repeat(40)}file`];
    expect(deepest?.type).toBe('file');
    expect(deepest?.digest).toBe(sha256('at the bottom'));
    expect(removeTree(root)).toBeNull();
  });

  it('walks a chain of 2000 directories without recursion or a descriptor leak', () => {
    const root = scratchDir('qfc-snapshot-long-');
    mkdirSync(join(root, ...Array<string>(2000).fill('a')), { recursive: true });
    const before = readdirSync('/proc/self/fd').length;
    const { snapshot, overflow } = walkSnapshot(root);
    expect(overflow).toBeNull();
    expect(Object.keys(snapshot)).toHaveLength(2001);
    expect(readdirSync('/proc/self/fd').length).toBe(before);
    expect(removeTree(root)).toBeNull();
  });

  it('keeps a mode-000 directory and file; as root it still lists and reads them', () => {
    const root = scratchDir('qfc-snapshot-closed-');
    mkdirSync(join(root, 'closed'));
    writeFileSync(join(root, 'closed', 'inside'), 'in');
    writeFileSync(join(root, 'secret'), 'hidden');
    chmodSync(join(root, 'closed'), 0);
    chmodSync(join(root, 'secret'), 0);
    const { snapshot, overflow } = walkSnapshot(root);
    expect(overflow).toBeNull();
    expect(snapshot.closed?.mode).toBe(0o040000);
    expect(snapshot.secret?.mode).toBe(0o100000);
    // Only root gets past mode 000; an unprivileged walker is checked in a child process below.
    expect(snapshot.secret?.digest).toBe(asRoot ? sha256('hidden') : null);
    expect('closed/inside' in snapshot).toBe(asRoot);
  });

  it('records symlinks, a loop and one to /, without following them', () => {
    const root = scratchDir('qfc-snapshot-links-');
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    symlinkSync('/', join(root, 'slash'));
    symlinkSync('.', join(root, 'self'));
    const { snapshot, overflow } = walkSnapshot(root);
    expect(overflow).toBeNull();
    expect(Object.keys(snapshot).sort()).toEqual(['.', 'loop-a', 'loop-b', 'self', 'slash']);
    expect(snapshot.slash).toMatchObject({ type: 'symlink', linkTarget: '/', digest: null });
    expect(snapshot['loop-a']?.linkTarget).toBe('loop-b');
  });

  it('records a FIFO without opening it (an open would block)', () => {
    const root = scratchDir('qfc-snapshot-fifo-');
    expect(spawnSync('mkfifo', [join(root, 'pipe')]).status).toBe(0);
    const { snapshot } = walkSnapshot(root);
    expect(snapshot.pipe).toMatchObject({ type: 'fifo', digest: null });
  });

  it('lists a file named __proto__ like any other', () => {
    const root = scratchDir('qfc-snapshot-proto-');
    writeFileSync(join(root, '__proto__'), 'x');
    const { snapshot } = walkSnapshot(root);
    expect(Object.keys(snapshot)).toContain('__proto__');
    expect(Object.getPrototypeOf(snapshot)).toBe(Object.prototype);
  });

  it('stops past the entry limit with a partial snapshot and says why', () => {
    const root = scratchDir('qfc-snapshot-wide-');
    for (let i = 0; i < 5000; i++) writeFileSync(join(root, `f${i}`), '');
    const { snapshot, overflow } = walkSnapshot(root, { entries: 1000, contentBytes: 1 << 30 });
    expect(overflow).toBe('the tree holds more than 1000 entries');
    expect(Object.keys(snapshot).length).toBeLessThanOrEqual(1000);
    expect(walkSnapshot(root, { entries: 5001, contentBytes: 1 << 30 }).overflow).toBeNull();
  });

  it('stops past the content limit, before reading the file that does not fit', () => {
    const root = scratchDir('qfc-snapshot-content-');
    for (const name of ['a', 'b', 'c']) writeFileSync(join(root, name), 'x'.repeat(1000));
    expect(walkSnapshot(root, { entries: 10, contentBytes: 2500 }).overflow).toBe('the tree holds more than 2500 bytes of file content');
    expect(walkSnapshot(root, { entries: 10, contentBytes: 3000 }).overflow).toBeNull();
    expect(walkSnapshot(root, { entries: 10, contentBytes: 3 * 1024 * 1024, pathBytes: 3 }).overflow).toBe("the tree's paths add up to more than 3 bytes");
  });

  it('gives an empty snapshot for a root that is gone', () => {
    expect(walkSnapshot(join(scratchDir('qfc-snapshot-gone-'), 'missing'))).toEqual({ snapshot: {}, overflow: null });
  });
});

/** The walk as a stand-alone script, for runs as another user or under another descriptor limit. */
function walkScript(dir: string): string {
  const snapshotModule = fileURLToPath(new URL('../../../harness/sandbox/snapshot.ts', import.meta.url));
  buildSync({ entryPoints: [snapshotModule], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: join(dir, 'snapshot.mjs'), logLevel: 'error' });
  const script = join(dir, 'walk.mjs');
  writeFileSync(script, `import { walkSnapshot } from './snapshot.mjs';
const { snapshot, overflow } = walkSnapshot(process.argv[2]);
const entries = Object.fromEntries(Object.entries(snapshot).map(([key, entry]) => [key, { mode: entry.mode, digest: entry.digest }]));
process.stdout.write(JSON.stringify({ entries, overflow }));\n`);
  return script;
}

describe('a snapshot walk in a child process', () => {
  // Without a nobody who can run node, root still covers mode 000 in-process above; an unprivileged test run walks as itself.
  it.skipIf(asRoot && !nobodyRunsNode)('does not throw on mode-000 and unsearchable directories as an unprivileged walker', () => {
    const dir = scratchDir('qfc-snapshot-nobody-');
    chmodSync(dir, 0o755);
    const script = walkScript(dir);
    // As root the walk runs as nobody; a test run that is already unprivileged runs it as itself.
    const user = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
    const root = join(dir, 'tree');
    mkdirSync(root);
    for (const [name, mode] of [['closed', 0], ['unsearchable', 0o600], ['unreadable', 0o300]] as const) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'inside'), 'in');
      chmodSync(join(root, name), mode);
    }
    writeFileSync(join(root, 'secret'), 'hidden', { mode: 0 });
    writeFileSync(join(root, 'open.txt'), 'open');
    if (asRoot) chownSync(root, NOBODY, NOBODY);
    const result = spawnSync(process.execPath, [script, root], { ...user, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const { entries, overflow } = JSON.parse(result.stdout) as { entries: Record<string, { mode: number; digest: string | null }>; overflow: string | null };
    expect(overflow).toBeNull();
    expect(Object.keys(entries).sort()).toEqual(['.', 'closed', 'open.txt', 'secret', 'unreadable', 'unsearchable']);
    expect(entries.secret).toEqual({ mode: 0o100000, digest: null });
    expect(entries['open.txt']?.digest).toBe(sha256('open'));
  });

  // What the programs left is the walker's own when they ran as its user (qfc unprivileged, no
  // --uid): a mode-000 file or directory is then read as its owner may, and set back after.
  it.skipIf(asRoot && !nobodyRunsNode)('reads what it owns but may not read, sets every mode back, and chmods nothing through a link', () => {
    const dir = scratchDir('qfc-snapshot-owned-');
    chmodSync(dir, 0o755);
    const script = walkScript(dir);
    const user = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
    const root = join(dir, 'tree');
    const outside = join(dir, 'outside');
    mkdirSync(join(root, 'closed', 'deeper'), { recursive: true });
    writeFileSync(join(root, 'closed', 'deeper', 'inside'), 'in');
    mkdirSync(join(root, 'unreadable'));
    writeFileSync(join(root, 'unreadable', 'listed'), 'l');
    writeFileSync(join(root, 'secret'), 'hidden');
    writeFileSync(outside, 'not the tree\'s');
    symlinkSync(outside, join(root, 'link-out'));
    linkSync(outside, join(root, 'hard-link-out'));
    const owned = [root, join(root, 'closed'), join(root, 'closed', 'deeper'), join(root, 'closed', 'deeper', 'inside'), join(root, 'unreadable'), join(root, 'unreadable', 'listed'), join(root, 'secret'), outside];
    if (asRoot) for (const path of [...owned, join(root, 'link-out')]) lchownSync(path, NOBODY, NOBODY);
    const modes: [string, number][] = [[join(root, 'closed', 'deeper', 'inside'), 0], [join(root, 'closed', 'deeper'), 0], [join(root, 'closed'), 0], [join(root, 'unreadable'), 0o300], [join(root, 'secret'), 0o4000], [outside, 0]];
    for (const [path, mode] of modes) chmodSync(path, mode);
    const result = spawnSync(process.execPath, [script, root], { ...user, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const { entries, overflow } = JSON.parse(result.stdout) as { entries: Record<string, { mode: number; digest: string | null }>; overflow: string | null };
    expect(overflow).toBeNull();
    expect(entries).toMatchObject({
      closed: { mode: 0o040000 },
      'closed/deeper': { mode: 0o040000 },
      'closed/deeper/inside': { mode: 0o100000, digest: sha256('in') },
      unreadable: { mode: 0o040300 },
      'unreadable/listed': { digest: sha256('l') },
      secret: { mode: 0o104000, digest: sha256('hidden') },
      'link-out': { mode: 0o120777, digest: null },
      'hard-link-out': { mode: 0o100000, digest: null },
    });
    // Every mode is as the tree had it, the set-uid bit included; the links' target was left alone.
    for (const [path, mode] of modes) expect((lstatSync(path).mode & 0o7777).toString(8), path).toBe(mode.toString(8));
  });

  it('stops, without throwing, at a chain deeper than the descriptors it may hold', () => {
    const dir = scratchDir('qfc-snapshot-descriptors-');
    const script = walkScript(dir);
    const root = join(dir, 'tree');
    mkdirSync(join(root, ...Array<string>(100).fill('a')), { recursive: true });
    const result = spawnSync('/bin/sh', ['-c', 'ulimit -n 64 && exec "$0" "$@"', process.execPath, script, root], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const { entries, overflow } = JSON.parse(result.stdout) as { entries: Record<string, unknown>; overflow: string | null };
    expect(overflow).toMatch(/^the tree nests directories deeper than the open-file limit allows \(\d+ levels\)$/);
    expect(Object.keys(entries).length).toBeGreaterThan(10);
  });
});
