/**
 * qfile-agent | qfile-unpacker as real processes: the received tree equals the source
 * (content, mode & 0o7777 without set-id bits, atime and mtime with nanoseconds, link targets).
 */
import { randomBytes } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { takeSnapshot } from '../../../harness/sandbox/snapshot.js';
import { ROOT_KEY, type Snapshot } from '../../../spec/invariants/snapshot.js';
import { runPair } from '../../helpers/pipe-pair.js';
import { QFILE_AGENT, QFILE_UNPACKER } from '../../helpers/reference-programs.js';
import { materializeTree } from '../../../harness/engines/pbt/arbitraries/materialize-tree.js';
import { sourceTreeArb, type SourceNode } from '../../helpers/source-tree.js';
import { removeDir, tempDir } from '../../helpers/temp-dir.js';

const root = process.getuid?.() === 0;
const times = (mtime: number, mtimeNsec: number) => ({ atime: 0, atimeNsec: 123_456_789, mtime, mtimeNsec });
const file = (name: string, content: string | Uint8Array, mode = 0o644, mtimeNsec = 1): SourceNode => ({
  kind: 'file', name, mode, times: times(1_600_000_000, mtimeNsec), content: typeof content === 'string' ? Buffer.from(content) : content,
});
const dir = (name: string, children: SourceNode[], mode = 0o755): SourceNode => ({
  kind: 'dir', name, mode, times: times(1_500_000_000, 999_999_999), repeat: true, children,
});
const link = (name: string, target: string): SourceNode => {
  const parts = target.split('/');
  const climb = parts.filter((part) => part === '..').length;
  return { kind: 'link', name, climb, rest: parts.slice(climb) };
};

/** Shapes the issue names: nested and read-only directories, empty files, links, Unicode and odd names. */
const SHAPES: SourceNode[] = [
  dir('top', [
    file('empty', ''),
    file('hello.txt', 'hello\n', 0o600, 999_999_999),
    file('with space and \'quote\'', 'x', 0o640),
    file('.hidden', 'h'),
    file('..a', 'dots'),
    file('a..', 'dots'),
    file('back\\slash', 'b'),
    file('βήτα-中文-Ωmega-Ünïcödé.txt', 'unicode'),
    dir('nested', [dir('deeper', [file('leaf', 'leaf', 0o444)]), link('to-leaf', 'deeper/leaf'), link('up', '../hello.txt')]),
    dir('readonly', [file('inside', 'filled before the mode')], 0o555),
    dir('sticky', [], 0o1777),
    dir('private-empty', [], 0o700),
  ]),
  file('second-argument', 'also sent'),
];

function expectSameTree(sourceWithRoot: Snapshot, receivedWithRoot: Snapshot, resolutionNs: bigint): void {
  // The two roots are the test's own directories; only what lies below them was copied.
  const { [ROOT_KEY]: _sourceRoot, ...source } = sourceWithRoot;
  const { [ROOT_KEY]: _receivedRoot, ...received } = receivedWithRoot;
  expect(Object.keys(received).sort()).toEqual(Object.keys(source).sort());
  const close = (a: bigint, b: bigint) => (resolutionNs === 1n ? a === b : (a > b ? a - b : b - a) < 2n * resolutionNs);
  for (const [path, sent] of Object.entries(source)) {
    const got = received[path]!;
    expect({ path, type: got.type }).toEqual({ path, type: sent.type });
    if (sent.type === 'symlink') {
      expect({ path, target: got.linkTarget }).toEqual({ path, target: sent.linkTarget });
      continue;
    }
    // set-id bits are cleared on purpose (the 'spec' position on quirk 4)
    expect({ path, mode: (got.mode & 0o7777).toString(8) }).toEqual({ path, mode: (sent.mode & 0o7777 & ~0o6000).toString(8) });
    if (sent.type === 'file') expect({ path, digest: got.digest }).toEqual({ path, digest: sent.digest });
    expect({ path, mtime: close(got.mtimeNs, sent.mtimeNs), atime: close(got.atimeNs, sent.atimeNs) }).toEqual({ path, mtime: true, atime: true });
  }
}

async function roundTrip(tree: readonly SourceNode[], backend: 'native' | 'fallback'): Promise<void> {
  const source = tempDir('qfc-src-');
  const target = tempDir('qfc-dst-');
  try {
    await materializeTree(source, tree);
    const before = takeSnapshot(source);
    const run = await runPair(
      { command: process.execPath, args: [QFILE_AGENT, '--', ...tree.map((node) => node.name)], cwd: source },
      { command: process.execPath, args: [QFILE_UNPACKER], cwd: target, env: { ...process.env, QFC_RECEIVER_BACKEND: backend } },
    );
    expect(run).toEqual({ sender: { status: 0, stderr: '' }, receiver: { status: 0, stderr: '' } });
    expectSameTree(before, takeSnapshot(target), backend === 'native' ? 1n : 1000n);
  } finally {
    removeDir(source);
    removeDir(target);
  }
}

describe('round trip through qfile-agent | qfile-unpacker', () => {
  it('reproduces every shape exactly (native backend)', () => roundTrip(SHAPES, 'native'));
  it('reproduces every shape, times to the microsecond (pure-Node fallback)', () => roundTrip(SHAPES, 'fallback'));

  it('streams a 64 MiB file', () => roundTrip([dir('big', [file('blob', randomBytes(64 << 20), 0o600)])], 'native'), 120_000);

  // mtimes before now (a later mtime would let relatime move the atime when the tree is read),
  // and trees a non-root sender can read.
  const past = Math.floor(Date.now() / 1000) - 86_400;
  const fit = (tree: readonly SourceNode[]): SourceNode[] =>
    tree.map((node) => {
      if (node.kind === 'link' || node.kind === 'special') return node;
      const times = { ...node.times, mtime: node.times.mtime % past };
      if (node.kind === 'file') return { ...node, times, mode: node.mode | (root ? 0 : 0o400) };
      return { ...node, times, mode: node.mode | (root ? 0 : 0o700), children: fit(node.children) };
    });
  test.prop([sourceTreeArb.map(fit)], { numRuns: 12 })(
    'reproduces generated trees',
    (tree) => roundTrip(tree, 'native'),
  );
});
