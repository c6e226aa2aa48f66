/**
 * Build a source tree on disk (for sender tests), with exact modes and nanosecond times.
 *
 * Times are set through the qfc_fs addon (Node's own calls stop at microseconds), bottom
 * up so that creating children does not move a directory's mtime afterwards, and atimes
 * are put one day in the future: with relatime, reading a file or listing a directory
 * whose atime is later than its ctime does not touch it, so the sender and snapshots can
 * read the tree without changing what they compare.
 */
import { closeSync, constants, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNativeFs } from '../../implementations/reference/native/addon.js';
import type { SourceNode } from './source-tree.js';

const native = (() => {
  const loaded = loadNativeFs();
  if (!loaded.ok) throw new Error(`source fixtures need the qfc_fs addon: ${loaded.reason}`);
  return loaded.fs;
})();

/** One day from now, in whole seconds: the atime every fixture entry gets. */
export const FUTURE_ATIME = Math.floor(Date.now() / 1000) + 86_400;

function setMetadata(path: string, mode: number, mtime: number, mtimeNsec: number, atimeNsec: number, directory: boolean): void {
  const fd = openSync(path, constants.O_RDONLY | (directory ? constants.O_DIRECTORY : 0));
  try {
    if (native.fchmod(fd, mode) < 0) throw new Error(`fchmod ${path}`);
    if (native.futimens(fd, FUTURE_ATIME, atimeNsec, mtime, mtimeNsec) < 0) throw new Error(`futimens ${path}`);
  } finally {
    closeSync(fd);
  }
}

function depthTarget(node: Extract<SourceNode, { kind: 'link' }>, depth: number): string {
  return `${'../'.repeat(Math.min(node.climb, depth - 2))}${node.rest.join('/')}`;
}

/** Create `tree` inside `root` (which must exist). */
export function materialize(root: string, tree: readonly SourceNode[]): void {
  const visit = (parent: string, node: SourceNode, depth: number): void => {
    const path = join(parent, node.name);
    if (node.kind === 'link') {
      symlinkSync(depthTarget(node, depth), path);
    } else if (node.kind === 'file') {
      writeFileSync(path, node.content);
      setMetadata(path, node.mode, node.times.mtime, node.times.mtimeNsec, node.times.atimeNsec, false);
    } else {
      mkdirSync(path);
      for (const child of node.children) visit(path, child, depth + 1);
      setMetadata(path, node.mode, node.times.mtime, node.times.mtimeNsec, node.times.atimeNsec, true);
    }
  };
  for (const node of tree) visit(root, node, 1);
}
