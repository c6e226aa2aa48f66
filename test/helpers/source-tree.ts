/**
 * Trees a correct sender could send (the fuzz engine's generator and walk), and, written
 * independently of the model as the oracle it is checked against, the tree a 'spec'
 * receiver must leave behind.
 */
import { createHash } from 'node:crypto';
import type fc from 'fast-check';
import { sourceTreeArb as harnessSourceTreeArb, linkTarget, type SourceNode } from '../../harness/engines/pbt/arbitraries/source-tree.js';
import { treeStreamParts } from '../../harness/engines/pbt/arbitraries/tree-stream.js';
import { buildStream } from '../../spec/builder/build-stream.js';
import { utf8 } from '../../spec/byte-string.js';
import { S_IFDIR, S_IFLNK, S_IFREG } from '../../spec/constants.js';
import type { TreeEntry } from '../../spec/model/prediction.js';
import { encodePathKey } from '../../spec/path-key.js';

export type { SourceNode };

/** Source trees (top-level entries) without special files: the harness's generator. */
export const sourceTreeArb: fc.Arbitrary<readonly SourceNode[]> = harnessSourceTreeArb();

/** The stream a sender writes for `tree`: depth-first, directory headers repeated after children when `repeat`. */
export function senderStream(tree: readonly SourceNode[]): Uint8Array {
  return buildStream(treeStreamParts(tree));
}

const ns = (seconds: number, nanoseconds: number): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);

/** The tree a 'spec' receiver leaves for `tree`, sorted by path bytes. */
export function expectedTree(tree: readonly SourceNode[]): TreeEntry[] {
  const entries: { bytes: Uint8Array; entry: TreeEntry }[] = [];
  const visit = (node: SourceNode, prefix: string): void => {
    if (node.kind === 'special') return; // a sender skips it
    const path = prefix === '' ? node.name : `${prefix}/${node.name}`;
    const bytes = utf8(path);
    const base = { path: encodePathKey(bytes), digest: null, target: null, atimeNs: null, mtimeNs: null };
    if (node.kind === 'link') {
      const target = linkTarget(node);
      entries.push({ bytes, entry: { ...base, type: 'symlink', mode: S_IFLNK | 0o777, size: utf8(target).length, target: encodePathKey(utf8(target)) } });
    } else if (node.kind === 'file') {
      const times = { atimeNs: ns(node.times.atime, node.times.atimeNsec), mtimeNs: ns(node.times.mtime, node.times.mtimeNsec) };
      const digest = createHash('sha256').update(node.content).digest('hex');
      entries.push({ bytes, entry: { ...base, ...times, type: 'file', mode: S_IFREG | (node.mode & 0o1777), size: node.content.length, digest } });
    } else {
      const times = node.repeat ? { atimeNs: ns(node.times.atime, node.times.atimeNsec), mtimeNs: ns(node.times.mtime, node.times.mtimeNsec) } : {};
      entries.push({ bytes, entry: { ...base, ...times, type: 'directory', mode: S_IFDIR | (node.repeat ? node.mode & 0o1777 : 0o700), size: null } });
      for (const child of node.children) visit(child, path);
    }
  };
  for (const node of tree) visit(node, '');
  const compare = (a: Uint8Array, b: Uint8Array): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  return entries.sort((a, b) => compare(a.bytes, b.bytes)).map(({ entry }) => entry);
}

/** Number of headers in the sender's stream (what the file limit counts). */
export function headerCount(tree: readonly SourceNode[]): number {
  const count = (node: SourceNode): number =>
    node.kind === 'special' ? 0 : node.kind === 'dir' ? (node.repeat ? 2 : 1) + node.children.reduce((sum, child) => sum + count(child), 0) : 1;
  return tree.reduce((sum, node) => sum + count(node), 0);
}
