/**
 * Trees a correct sender could send, as data: the stream it would write and the tree a
 * 'spec' receiver must leave behind.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { buildStream } from '../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, type StreamPart } from '../../spec/builder/stream-parts.js';
import { utf8 } from '../../spec/byte-string.js';
import { S_IFDIR, S_IFLNK, S_IFREG } from '../../spec/constants.js';
import type { TreeEntry } from '../../spec/model/prediction.js';
import { encodePathKey } from '../../spec/path-key.js';
import { componentArb } from './arbitraries.js';

interface Times {
  readonly atime: number;
  readonly atimeNsec: number;
  readonly mtime: number;
  readonly mtimeNsec: number;
}

export type SourceNode =
  | { readonly kind: 'file'; readonly name: string; readonly mode: number; readonly times: Times; readonly content: Uint8Array }
  | { readonly kind: 'dir'; readonly name: string; readonly mode: number; readonly times: Times; readonly repeat: boolean; readonly children: readonly SourceNode[] }
  | { readonly kind: 'link'; readonly name: string; readonly climb: number; readonly rest: readonly string[] };

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const nsec = fc.oneof(fc.constantFrom(0, 999_999_999), fc.integer({ min: 0, max: 999_999_999 }));
const timesArb: fc.Arbitrary<Times> = fc.record({ atime: u32, atimeNsec: nsec, mtime: u32, mtimeNsec: nsec });
const modeArb = fc.oneof(fc.constantFrom(0o644, 0o755, 0o555, 0o000, 0o4755, 0o1777, 0o600), fc.integer({ min: 0, max: 0o7777 }));

const fileArb = fc.record({ kind: fc.constant('file' as const), name: componentArb, mode: modeArb, times: timesArb, content: fc.uint8Array({ maxLength: 64 }) });
const linkArb = fc.record({ kind: fc.constant('link' as const), name: componentArb, climb: fc.nat(3), rest: fc.array(componentArb, { minLength: 1, maxLength: 2 }) });

const { tree: treeArb } = fc.letrec<{ tree: SourceNode[]; node: SourceNode; dir: SourceNode }>((tie) => ({
  // Top-level entries are never links (§3: depth ≥ 2).
  tree: fc.uniqueArray(fc.oneof(fileArb, tie('dir')), { selector: (node) => node.name, maxLength: 4 }),
  node: fc.oneof({ depthSize: 'small' }, fileArb, linkArb, tie('dir')),
  dir: fc.record({
    kind: fc.constant('dir' as const),
    name: componentArb,
    mode: modeArb,
    times: timesArb,
    repeat: fc.boolean(),
    children: fc.uniqueArray(tie('node'), { selector: (node) => node.name, maxLength: 4 }),
  }),
}));

/** Source trees (top-level entries). */
export const sourceTreeArb: fc.Arbitrary<readonly SourceNode[]> = treeArb;

function linkTarget(node: Extract<SourceNode, { kind: 'link' }>, depth: number): string {
  return `${'../'.repeat(Math.min(node.climb, depth - 2))}${node.rest.join('/')}`;
}

/** The stream a sender writes for `tree`: depth-first, directory headers repeated after children when `repeat`. */
export function senderStream(tree: readonly SourceNode[]): Uint8Array {
  const parts: StreamPart[] = [];
  const visit = (node: SourceNode, prefix: string, depth: number): void => {
    const path = prefix === '' ? node.name : `${prefix}/${node.name}`;
    if (node.kind === 'file') parts.push(file(path, node.content, { mode: node.mode, ...node.times }));
    else if (node.kind === 'link') parts.push(link(path, linkTarget(node, depth)));
    else {
      parts.push(dir(path, { mode: node.mode, ...node.times }));
      for (const child of node.children) visit(child, path, depth + 1);
      if (node.repeat) parts.push(dir(path, { mode: node.mode, ...node.times }));
    }
  };
  for (const node of tree) visit(node, '', 1);
  return buildStream([...parts, endMarker()]);
}

const ns = (seconds: number, nanoseconds: number): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);

/** The tree a 'spec' receiver leaves for `tree`, sorted by path bytes. */
export function expectedTree(tree: readonly SourceNode[]): TreeEntry[] {
  const entries: { bytes: Uint8Array; entry: TreeEntry }[] = [];
  const visit = (node: SourceNode, prefix: string, depth: number): void => {
    const path = prefix === '' ? node.name : `${prefix}/${node.name}`;
    const bytes = utf8(path);
    const base = { path: encodePathKey(bytes), digest: null, target: null, atimeNs: null, mtimeNs: null };
    if (node.kind === 'link') {
      const target = linkTarget(node, depth);
      entries.push({ bytes, entry: { ...base, type: 'symlink', mode: S_IFLNK | 0o777, size: utf8(target).length, target: encodePathKey(utf8(target)) } });
    } else if (node.kind === 'file') {
      const times = { atimeNs: ns(node.times.atime, node.times.atimeNsec), mtimeNs: ns(node.times.mtime, node.times.mtimeNsec) };
      const digest = createHash('sha256').update(node.content).digest('hex');
      entries.push({ bytes, entry: { ...base, ...times, type: 'file', mode: S_IFREG | (node.mode & 0o1777), size: node.content.length, digest } });
    } else {
      const times = node.repeat ? { atimeNs: ns(node.times.atime, node.times.atimeNsec), mtimeNs: ns(node.times.mtime, node.times.mtimeNsec) } : {};
      entries.push({ bytes, entry: { ...base, ...times, type: 'directory', mode: S_IFDIR | (node.repeat ? node.mode & 0o1777 : 0o700), size: null } });
      for (const child of node.children) visit(child, path, depth + 1);
    }
  };
  for (const node of tree) visit(node, '', 1);
  const compare = (a: Uint8Array, b: Uint8Array): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  return entries.sort((a, b) => compare(a.bytes, b.bytes)).map(({ entry }) => entry);
}

/** Number of headers in the sender's stream (what the file limit counts). */
export function headerCount(tree: readonly SourceNode[]): number {
  const count = (node: SourceNode): number =>
    node.kind === 'dir' ? (node.repeat ? 2 : 1) + node.children.reduce((sum, child) => sum + count(child), 0) : 1;
  return tree.reduce((sum, node) => sum + count(node), 0);
}
