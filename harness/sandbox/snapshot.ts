/**
 * Snapshot a directory tree with an lstat walk, as plain data for spec/invariants.
 *
 * Each entry is lstat-ed before anything reads it, so reading a file's content or a
 * directory's entries cannot change the times recorded for it. Paths are path keys
 * (spec/path-key) relative to the root; the root itself is listed as `.` (ROOT_KEY).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, lstatSync, openSync, readdirSync, readlinkSync, readSync, type BigIntStats } from 'node:fs';
import { encodePathKey } from '../../spec/path-key.js';
import { ROOT_KEY, type Snapshot, type SnapshotEntry, type SnapshotEntryType } from '../../spec/invariants/snapshot.js';

const SLASH = Buffer.from('/');
const CHUNK = 1 << 20;
// One read buffer for every digest: snapshots are taken one at a time (they are synchronous).
const buffer = Buffer.allocUnsafe(CHUNK);

function typeOf(stats: BigIntStats): SnapshotEntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'char-device';
  return stats.isBlockDevice() ? 'block-device' : 'unknown';
}

/** SHA-256 of a file's content, read without following a link; null when it cannot be read. */
function digestOf(path: Buffer): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null; // unreadable (mode 0000 for a non-root snapshot taker)
  }
  try {
    const hash = createHash('sha256');
    for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) hash.update(buffer.subarray(0, n));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

function entryOf(path: Buffer): { entry: SnapshotEntry; type: SnapshotEntryType } {
  const stats = lstatSync(path, { bigint: true });
  const type = typeOf(stats);
  const entry: SnapshotEntry = {
    type,
    mode: Number(stats.mode),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    size: Number(stats.size),
    nlink: Number(stats.nlink),
    atimeNs: stats.atimeNs,
    mtimeNs: stats.mtimeNs,
    digest: type === 'file' ? digestOf(path) : null,
    linkTarget: type === 'symlink' ? encodePathKey(readlinkSync(path, { encoding: 'buffer' })) : null,
  };
  return { entry, type };
}

/** The root and every entry below it. */
export function takeSnapshot(root: string): Snapshot {
  const entries: Record<string, SnapshotEntry> = { [ROOT_KEY]: entryOf(Buffer.from(root)).entry };
  const visit = (path: Buffer, relative: Buffer | null): void => {
    let children: Buffer[];
    try {
      children = readdirSync(path, { encoding: 'buffer' });
    } catch {
      return; // an unreadable directory: its entries cannot be listed
    }
    for (const child of children) {
      const childPath = Buffer.concat([path, SLASH, child]);
      const childRelative = relative === null ? child : Buffer.concat([relative, SLASH, child]);
      const { entry, type } = entryOf(childPath);
      entries[encodePathKey(childRelative)] = entry;
      if (type === 'directory') visit(childPath, childRelative);
    }
  };
  visit(Buffer.from(root), null);
  return entries;
}
