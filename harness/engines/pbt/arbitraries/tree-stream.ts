/**
 * A source tree and the stream a correct sender writes for it, both ways:
 * {@link treeStreamParts} walks the tree depth-first as PROTOCOL §5 says (a directory's
 * header, its children, the header again when `repeat`; special files skipped; the end
 * marker), and {@link treeOfStream} reads such a stream back into the tree. Together they
 * are the mapper and unmapper of the valid-stream arbitrary, and their round trip is a
 * property under test.
 */
import { dir, endMarker, file, link, type StreamPart } from '../../../../spec/builder/stream-parts.js';
import { concatBytes } from '../../../../spec/byte-string.js';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../../../../spec/constants.js';
import { tokenize } from '../../../../spec/tokenizer/tokenize.js';
import { linkTarget, type SourceNode, type SourceTimes } from './source-tree.js';

/** The parts of the stream a sender writes for `tree`. */
export function treeStreamParts(tree: readonly SourceNode[]): StreamPart[] {
  const parts: StreamPart[] = [];
  const visit = (node: SourceNode, prefix: string): void => {
    const path = prefix === '' ? node.name : `${prefix}/${node.name}`;
    if (node.kind === 'file') parts.push(file(path, node.content, { mode: node.mode, ...node.times }));
    else if (node.kind === 'link') parts.push(link(path, linkTarget(node)));
    else if (node.kind === 'dir') {
      parts.push(dir(path, { mode: node.mode, ...node.times }));
      for (const child of node.children) visit(child, path);
      if (node.repeat) parts.push(dir(path, { mode: node.mode, ...node.times }));
    }
  };
  for (const node of tree) visit(node, '');
  return [...parts, endMarker()];
}

/** A stream that is not one a sender writes for a source tree. */
export class NotATreeStream extends Error {
  override readonly name = 'NotATreeStream';
}

type MutableNode =
  | { kind: 'file'; name: string; mode: number; times: SourceTimes; content: Uint8Array }
  | { kind: 'dir'; name: string; mode: number; times: SourceTimes; repeat: boolean; children: MutableNode[] }
  | { kind: 'link'; name: string; climb: number; rest: string[] };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // ignoreBOM keeps a leading U+FEFF: it is part of the name

/** The source tree a sender-shaped stream describes; throws {@link NotATreeStream} otherwise. */
export function treeOfStream(stream: Uint8Array): SourceNode[] {
  const events = tokenize(stream);
  const top: MutableNode[] = [];
  // The open directories, outermost first, each with its path.
  const open: { path: string; node: Extract<MutableNode, { kind: 'dir' }> }[] = [];
  const fail = (why: string): never => {
    throw new NotATreeStream(why);
  };
  let i = 0;
  for (;;) {
    const event = events[i++];
    if (event === undefined) fail('no end marker');
    if (event!.kind === 'end-marker') break;
    if (event!.kind !== 'header') fail(`unexpected ${event!.kind}`);
    const { header } = event as Extract<typeof event, { kind: 'header' }>;
    const nameEvent = events[i++];
    if (nameEvent?.kind !== 'name' || nameEvent.raw.length !== nameEvent.name.length + 1) fail('a name without exactly one NUL');
    const path = decoder.decode((nameEvent as Extract<typeof nameEvent, { kind: 'name' }>).name);
    const slash = path.lastIndexOf('/');
    const parentPath = slash < 0 ? '' : path.slice(0, slash);
    const name = path.slice(slash + 1);
    const times = { atime: header.atime, atimeNsec: header.atimeNsec, mtime: header.mtime, mtimeNsec: header.mtimeNsec };
    const type = header.mode & S_IFMT;
    const mode = header.mode & 0o7777;
    // A repeated header closes its directory (and any inner one left without its own).
    if (type === S_IFDIR && open.some((entry) => entry.path === path)) {
      while (open[open.length - 1]!.path !== path) open.pop();
      const closing = open.pop()!.node;
      if (closing.mode !== mode || JSON.stringify(closing.times) !== JSON.stringify(times)) fail('a repeated header differs');
      closing.repeat = true;
      continue;
    }
    while (open.length > 0 && open[open.length - 1]!.path !== parentPath) open.pop();
    if (parentPath !== (open[open.length - 1]?.path ?? '')) fail(`${path} is not inside the directory before it`);
    const siblings = open.length === 0 ? top : open[open.length - 1]!.node.children;
    let node: MutableNode;
    if (type === S_IFREG) {
      const chunks: Uint8Array[] = [];
      while (events[i]?.kind === 'file-content') chunks.push((events[i++] as Extract<(typeof events)[number], { kind: 'file-content' }>).bytes);
      const content = concatBytes(chunks);
      if (BigInt(content.length) !== header.filelen) fail('file content cut short');
      node = { kind: 'file', name, mode, times, content };
    } else if (type === S_IFLNK) {
      const target = events[i++];
      if (target?.kind !== 'link-target' || target.raw.includes(0)) fail('a link without its target');
      const parts = decoder.decode((target as Extract<typeof target, { kind: 'link-target' }>).target).split('/');
      const climb = parts.findIndex((part) => part !== '..');
      node = { kind: 'link', name, climb: climb < 0 ? parts.length : climb, rest: parts.slice(climb < 0 ? parts.length : climb) };
    } else if (type === S_IFDIR) {
      node = { kind: 'dir', name, mode, times, repeat: false, children: [] };
      open.push({ path, node });
    } else fail(`an entry of type 0o${type.toString(8)}`);
    siblings.push(node!);
  }
  if (i !== events.length) fail('bytes after the end marker');
  return top;
}
