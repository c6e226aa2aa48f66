/**
 * Removing a sandbox whatever a program left in it: chains deeper than PATH_MAX, names
 * that are not UTF-8, mode-000 entries, immutable and append-only flags. Removal never
 * throws, says what stayed, and never reaches through a link to what lies outside.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { chownTree, createSandbox, removeSandbox, removeTree } from '../../../harness/sandbox/sandbox-root.js';
import { walkSnapshot } from '../../../harness/sandbox/snapshot.js';
import { NOBODY, nobodyRunsNode, removeScratch, removeWithScratch, scratchDir } from '../../helpers/scratch-dir.js';

const asRoot = process.getuid?.() === 0;

afterAll(removeScratch);
const DEEP_NAME = 'd'.repeat(200);

/**
 * A chain of 40 directories of 200-byte names under `parent`, ending in `file`, built by a
 * shell that cd-s down it (each mkdir is one component); `finish` runs at the bottom.
 */
function deepChain(parent: string, finish = 'true'): void {
  const script = `cd "$1" || exit 1; i=0; while [ "$i" -lt 40 ]; do mkdir "$2" && cd -P "$2" || exit 1; i=$((i + 1)); done; printf deep > file && ${finish}`;
  const result = spawnSync('/bin/sh', ['-c', script, 'sh', parent, DEEP_NAME]);
  expect(result.status, result.stderr.toString()).toBe(0);
}
const DEEP_FILE = `${`${DEEP_NAME}/`.repeat(40)}file`;

const chattr = (flags: string, path: string): boolean => spawnSync('chattr', [flags, path]).status === 0;
const attributesOf = (path: string): string => spawnSync('lsattr', ['-d', path], { encoding: 'utf8' }).stdout.split(' ')[0] ?? '';

/**
 * A directory on a filesystem that takes immutable and append-only flags, or null (not
 * root, no chattr, or no such filesystem). tmpfs refuses them on older kernels, so
 * /var/tmp is tried after the temporary directory. Here (the CI image) /tmp is ext4.
 */
const flagDir: string | null = (() => {
  if (!asRoot) return null;
  for (const base of [tmpdir(), '/var/tmp']) {
    let dir: string;
    try {
      dir = mkdtempSync(join(base, 'qfc-flags-'));
    } catch {
      continue;
    }
    removeWithScratch(dir);
    const probe = join(dir, 'probe');
    writeFileSync(probe, '');
    const works = chattr('+i', probe) && chattr('-i', probe);
    if (works) return dir;
  }
  return null;
})();

/** A file outside the tree, linked to from inside it, that removal must leave alone; returns its check. */
function outsideWitness(tree: string): { file: string; untouched: () => void } {
  const outside = scratchDir('qfc-outside-');
  const keep = join(outside, 'keep');
  writeFileSync(keep, 'must survive', { mode: 0o640 });
  chmodSync(keep, 0o640);
  const { uid } = lstatSync(keep);
  symlinkSync(keep, join(tree, 'to-keep'));
  symlinkSync(outside, join(tree, 'to-outside'));
  const untouched = (): void => {
    expect(readFileSync(keep, 'utf8')).toBe('must survive');
    expect(lstatSync(keep).mode & 0o7777).toBe(0o640);
    expect(lstatSync(keep).uid).toBe(uid);
  };
  return { file: keep, untouched };
}

function expectGone(path: string): void {
  expect(existsSync(path)).toBe(false);
  expect(() => lstatSync(path)).toThrow(/ENOENT/);
}

describe('removing a tree', () => {
  it('removes a fresh sandbox', () => {
    const sandbox = createSandbox(scratchDir('qfc-remove-'), 'fresh');
    expect(removeSandbox(sandbox)).toBeNull();
    expectGone(sandbox.root);
  });

  it('is done at once for a path that is not there', () => {
    expect(removeTree(join(scratchDir('qfc-remove-'), 'missing'))).toBeNull();
  });

  it('removes a chain deeper than PATH_MAX', () => {
    const tree = join(scratchDir('qfc-remove-'), 'tree');
    mkdirSync(tree);
    deepChain(tree);
    const { untouched } = outsideWitness(tree);
    expect(removeTree(tree)).toBeNull();
    expectGone(tree);
    untouched();
  });

  it('removes names that are not UTF-8 or hold newlines, FIFOs and links to /', () => {
    const tree = join(scratchDir('qfc-remove-'), 'tree');
    mkdirSync(Buffer.concat([Buffer.from(`${tree}/`), Buffer.from([0xff, 0xfe])]), { recursive: true });
    writeFileSync(Buffer.concat([Buffer.from(`${tree}/`), Buffer.from([0xff, 0xfe]), Buffer.from('/line\nbreak')]), 'x');
    expect(spawnSync('mkfifo', [join(tree, 'pipe')]).status).toBe(0);
    symlinkSync('/', join(tree, 'slash'));
    symlinkSync('loop', join(tree, 'loop'));
    const { untouched } = outsideWitness(tree);
    expect(removeTree(tree)).toBeNull();
    expectGone(tree);
    untouched();
    expect(existsSync('/etc/passwd')).toBe(true);
  });

  it('removes mode-000 and read-only directories and files', () => {
    const tree = join(scratchDir('qfc-remove-'), 'tree');
    mkdirSync(join(tree, 'closed', 'deeper'), { recursive: true });
    mkdirSync(join(tree, 'read-only'));
    writeFileSync(join(tree, 'closed', 'deeper', 'file'), 'x');
    writeFileSync(join(tree, 'read-only', 'file'), 'x', { mode: 0 });
    chmodSync(join(tree, 'closed', 'deeper'), 0);
    chmodSync(join(tree, 'closed'), 0);
    chmodSync(join(tree, 'read-only'), 0o500);
    const { untouched } = outsideWitness(tree);
    expect(removeTree(tree)).toBeNull();
    expectGone(tree);
    untouched();
  });

  it.skipIf(flagDir === null)('removes an immutable file and an append-only directory, deep ones too, and leaves a flagged file outside flagged', () => {
    const tree = mkdtempSync(join(flagDir!, 'tree-'));
    writeFileSync(join(tree, 'immutable'), 'x');
    mkdirSync(join(tree, 'append-only'));
    writeFileSync(join(tree, 'append-only', 'log'), 'x');
    // chattr -R builds full paths, so the flag at the bottom is for the second, find -execdir, pass.
    deepChain(tree, 'chattr +i file');
    const { file: outsideFile, untouched } = outsideWitness(tree);
    try {
      expect(chattr('+i', outsideFile)).toBe(true);
      expect(chattr('+i', join(tree, 'immutable'))).toBe(true);
      expect(chattr('+a', join(tree, 'append-only'))).toBe(true);
      expect(walkSnapshot(tree).snapshot[DEEP_FILE]?.type).toBe('file');
      expect(removeTree(tree)).toBeNull();
      expectGone(tree);
      untouched();
      expect(attributesOf(outsideFile)).toContain('i');
    } finally {
      chattr('-i', outsideFile);
    }
  });

  // The tree's parent is made to refuse the unlink: immutable as root (nothing else stops root), read-only otherwise.
  it.skipIf(asRoot && flagDir === null)('never throws, and says in one line what stayed, when a tree cannot go', () => {
    const parent = asRoot ? mkdtempSync(join(flagDir!, 'parent-')) : scratchDir('qfc-remove-');
    const tree = join(parent, 'tree');
    mkdirSync(join(tree, 'line\nbreak'), { recursive: true });
    if (asRoot) expect(chattr('+i', parent)).toBe(true);
    else chmodSync(parent, 0o555);
    try {
      const note = removeTree(tree);
      expect(note?.startsWith(`${tree} was not fully removed: `)).toBe(true);
      expect(note).not.toMatch(/\n/);
      expect(existsSync(join(tree, 'line\nbreak'))).toBe(false); // what could go, went
    } finally {
      if (asRoot) chattr('-i', parent);
      else chmodSync(parent, 0o755);
    }
    expect(removeTree(tree)).toBeNull();
  });
});

describe.skipIf(!asRoot)('giving a tree to a user', () => {
  it('gives every entry of a deep chain to the user, links themselves and not what they point to', () => {
    const tree = join(scratchDir('qfc-chown-'), 'tree');
    mkdirSync(tree);
    deepChain(tree);
    const { untouched } = outsideWitness(tree);
    expect(chownTree(tree, { uid: NOBODY, gid: NOBODY })).toBeNull();
    const { snapshot, overflow } = walkSnapshot(tree);
    expect(overflow).toBeNull();
    expect(Object.values(snapshot).every((entry) => entry.uid === NOBODY && entry.gid === NOBODY)).toBe(true);
    expect(snapshot[DEEP_FILE]?.uid).toBe(NOBODY);
    untouched();
    expect(removeTree(tree)).toBeNull();
  });

  it('says what failed instead of throwing', () => {
    expect(chownTree(join(scratchDir('qfc-chown-'), 'missing'), { uid: NOBODY, gid: NOBODY })).toMatch(/^chown: /);
  });
});

// Run unprivileged, this whole file already covers that user; as root, nobody does it in a child process.
describe.skipIf(!nobodyRunsNode)('removing a tree as an unprivileged user', () => {
  it('removes the mode-000 and read-only directories a program running as that user left', () => {
    const dir = scratchDir('qfc-remove-nobody-');
    chmodSync(dir, 0o755);
    const module = fileURLToPath(new URL('../../../harness/sandbox/sandbox-root.ts', import.meta.url));
    buildSync({ entryPoints: [module], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: join(dir, 'sandbox-root.mjs'), logLevel: 'error' });
    writeFileSync(join(dir, 'remove.mjs'), "import { removeTree } from './sandbox-root.mjs';\nprocess.stdout.write(JSON.stringify(removeTree(process.argv[2])));\n");
    // The tree sits in a directory of nobody's own: removing it means unlinking from there.
    const home = join(dir, 'home');
    mkdirSync(home);
    const tree = join(home, 'tree');
    mkdirSync(join(tree, 'closed', 'deeper'), { recursive: true });
    writeFileSync(join(tree, 'closed', 'deeper', 'file'), 'x');
    mkdirSync(join(tree, 'read-only'));
    writeFileSync(join(tree, 'read-only', 'file'), 'x');
    deepChain(tree);
    expect(chownTree(home, { uid: NOBODY, gid: NOBODY })).toBeNull();
    const { untouched } = outsideWitness(tree); // owned by root: nobody could not change it anyway, but must not try
    chmodSync(join(tree, 'closed', 'deeper'), 0);
    chmodSync(join(tree, 'closed'), 0);
    chmodSync(join(tree, 'read-only'), 0o500);
    const result = spawnSync(process.execPath, [join(dir, 'remove.mjs'), tree], { uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toBeNull();
    expectGone(tree);
    untouched();
  });
});
