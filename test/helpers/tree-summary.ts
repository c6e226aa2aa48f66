/**
 * One line per predicted tree entry, so tests can state a whole tree exactly and briefly:
 * `dir d 0700`, `file d/f 0644 2B t=5/7`, `link d/l -> x` (times in nanoseconds, shown
 * when the stream set one of them; `clock` for the other).
 */
import type { TreeEntry } from '../../spec/model/prediction.js';

export function summarizeEntry(entry: TreeEntry): string {
  if (entry.type === 'symlink') return `link ${entry.path} -> ${entry.target}`;
  const permissions = (entry.mode & 0o7777).toString(8).padStart(4, '0');
  const times = entry.atimeNs === null && entry.mtimeNs === null ? '' : ` t=${entry.atimeNs ?? 'clock'}/${entry.mtimeNs ?? 'clock'}`;
  const size = entry.type === 'file' ? ` ${entry.size}B` : '';
  return `${entry.type === 'file' ? 'file' : 'dir'} ${entry.path} ${permissions}${size}${times}`;
}

export function summarizeTree(tree: readonly TreeEntry[]): string[] {
  return tree.map(summarizeEntry);
}
