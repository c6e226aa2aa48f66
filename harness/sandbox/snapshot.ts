/**
 * Snapshot a directory tree with an lstat walk, as plain data for spec/invariants.
 *
 * Each entry is lstat-ed before anything reads it, so reading a file's content or a
 * directory's entries cannot change the times recorded for it. Paths are path keys
 * (spec/path-key) relative to the root; the root itself is listed as `.` (ROOT_KEY).
 *
 * The tree was shaped by a possibly hostile program, so the walk never throws on what it
 * finds and never builds a full path: a chain of directories can be far deeper than
 * PATH_MAX. Each directory is held open and its children are reached as
 * `/proc/self/fd/<fd>/<name>`; the kernel resolves that magic link straight to the open
 * directory, so every lookup is one component long. Node has no openat, hence the trick.
 * A walk holds one descriptor per level, and stops at limits on entries, content read and
 * path bytes (keys repeat every ancestor's name, so a deep chain costs depth² bytes).
 *
 * A walker that is not root owns what the programs (run as itself) left, but may be denied
 * it: a mode-0000 file cannot be read, a mode-0000 directory neither listed nor searched. It
 * grants itself what it needs as the owner, for the time of the read, and sets the mode back.
 */
import { createHash } from 'node:crypto';
import { accessSync, chmodSync, closeSync, constants, existsSync, fstatSync, lstatSync, opendirSync, openSync, readlinkSync, readSync, type BigIntStats } from 'node:fs';
import { encodePathKey } from '../../spec/path-key.js';
import { ROOT_KEY, type Snapshot, type SnapshotEntry, type SnapshotEntryType } from '../../spec/invariants/snapshot.js';

/** How much of a tree a walk takes in before it gives up. */
export interface SnapshotLimits {
  /** Entries listed, the root included. */
  readonly entries: number;
  /** Bytes of regular-file content read for digests. */
  readonly contentBytes: number;
  /** Characters of all path keys together; {@link DEFAULT_SNAPSHOT_LIMITS} when absent. */
  readonly pathBytes?: number;
}

/** A snapshot and, when a limit stopped the walk early, why (the snapshot is then partial). */
export interface SnapshotWalk {
  readonly snapshot: Snapshot;
  readonly overflow: string | null;
}

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/** Far beyond any tree a case leaves, well short of what would exhaust the harness. */
export const DEFAULT_SNAPSHOT_LIMITS: Required<SnapshotLimits> = { entries: 200_000, contentBytes: 2 * GIB, pathBytes: 64 * MIB };

const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
// O_NONBLOCK: a file swapped for a FIFO after its lstat must not block the open.
const CONTENT_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
// Linux's O_PATH (asm-generic and x86): names an inode without opening it. Node does not export it.
const O_PATH = 0o1000_0000;
const OWNER_READ = 0o400;
const OWNER_READ_SEARCH = 0o500;
// Who takes snapshots: qfc's own effective user, fixed for its life (read once, not per entry).
const WALKER = process.geteuid?.() ?? 0;
const CHUNK = 1 << 20;
// One read buffer for every digest: snapshots are taken one at a time (they are synchronous).
const buffer = Buffer.allocUnsafe(CHUNK);

/** Unwinds the walk when a limit is reached; never leaves this module. */
class LimitReached {
  constructor(readonly reason: string) {}
}

function sizeText(bytes: number): string {
  for (const [unit, size] of [['GiB', GIB], ['MiB', MIB], ['KiB', KIB]] as const) if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  return `${bytes} bytes`;
}

/** Running out of descriptors is the one failure that says nothing about the entry at hand. */
function checkDescriptors(error: unknown, depth: number): void {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EMFILE' || code === 'ENFILE') throw new LimitReached(`the tree nests directories deeper than the open-file limit allows (${depth} levels)`);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing to do: the descriptor is gone either way
  }
}

function typeOf(stats: BigIntStats): SnapshotEntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'char-device';
  return stats.isBlockDevice() ? 'block-device' : 'unknown';
}

const sameInode = (a: BigIntStats, b: BigIntStats): boolean => a.ino === b.ino && a.dev === b.dev;

function lstatQuietly(path: Buffer): BigIntStats | null {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return null; // gone since it was listed, or unreachable: skipped
  }
}

function linkTargetOf(path: Buffer): string | null {
  try {
    return encodePathKey(readlinkSync(path, { encoding: 'buffer' }));
  } catch {
    return null;
  }
}

/** Where a child of an open directory is reached without its full path. */
/** Takes back what {@link grantOwner} gave. */
type Revoke = () => void;

/**
 * For a walker that is not root, on an entry it owns whose owner bits lack some of `bits`:
 * add them, and return how to set the mode back. The chmod goes through an O_PATH descriptor
 * of the very inode the walk lstat-ed, so a name swapped for a link since cannot redirect it,
 * and never on a file with a second name (a hard link, which the invariants fail anyway).
 * Null when there is nothing to grant or it cannot be granted (the entry is then left unread).
 */
function grantOwner(path: Buffer, stats: BigIntStats, bits: number): Revoke | null {
  const mode = Number(stats.mode) & 0o7777;
  if (WALKER === 0 || Number(stats.uid) !== WALKER || (mode & bits) === bits) return null;
  // A file with another name may have it outside the tree: its mode is not the walk's to touch.
  if (!stats.isDirectory() && stats.nlink !== 1n) return null;
  let fd: number;
  try {
    fd = openSync(path, O_PATH | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  const inode = `/proc/self/fd/${fd}`;
  try {
    if (!sameInode(fstatSync(fd, { bigint: true }), stats)) throw new Error('replaced since its lstat');
    chmodSync(inode, mode | bits);
  } catch {
    closeQuietly(fd);
    return null;
  }
  return () => {
    try {
      chmodSync(inode, mode);
    } catch {
      // the entry is the walker's own and it is done with it: nothing else depends on the mode
    } finally {
      closeQuietly(fd);
    }
  };
}

function childPath(fd: number, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${fd}/`), name]);
}

/** One open directory whose children are being taken in, in the bytewise order readdirSync gave. */
interface Frame {
  readonly fd: number;
  readonly key: string | null;
  /** Sets back the mode of a directory the walker granted itself entry to, once its children are in. */
  readonly revoke: Revoke | null;
  names: Buffer[];
  next: number;
}

class TreeWalk {
  readonly entries: Record<string, SnapshotEntry> = {};
  readonly stack: Frame[] = [];
  private listed = 0;
  private pending = 0; // names read but not yet taken in: they count against the entry limit
  private contentRead = 0;
  private keyCharacters = 0;

  constructor(
    private readonly limits: Required<SnapshotLimits>,
    private readonly rootDevice: bigint,
  ) {}

  add(key: string, path: Buffer, stats: BigIntStats): void {
    if (this.listed + 1 > this.limits.entries) throw new LimitReached(`the tree holds more than ${this.limits.entries} entries`);
    this.keyCharacters += key.length;
    if (this.keyCharacters > this.limits.pathBytes) throw new LimitReached(`the tree's paths add up to more than ${sizeText(this.limits.pathBytes)}`);
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
      digest: type === 'file' ? this.digestOf(path, stats) : null,
      linkTarget: type === 'symlink' ? linkTargetOf(path) : null,
    };
    // defineProperty, not assignment: a program may well name a file `__proto__`.
    Object.defineProperty(this.entries, key, { value: entry, enumerable: true, writable: true, configurable: true });
    this.listed += 1;
  }

  private spend(bytes: number): void {
    this.contentRead += bytes;
    if (this.contentRead > this.limits.contentBytes) throw new LimitReached(`the tree holds more than ${sizeText(this.limits.contentBytes)} of file content`);
  }

  /** SHA-256 of a file's content, read without following a link; null when it cannot be read. */
  private digestOf(path: Buffer, stats: BigIntStats): string | null {
    // Stop before reading a file that cannot fit, rather than part-way through it.
    if (this.contentRead + Number(stats.size) > this.limits.contentBytes) this.spend(Number(stats.size));
    const revoke = grantOwner(path, stats, OWNER_READ);
    let fd: number;
    try {
      fd = openSync(path, CONTENT_FLAGS);
    } catch (error) {
      revoke?.();
      checkDescriptors(error, this.stack.length);
      return null; // unreadable, and not the walker's own to make readable
    }
    try {
      if (!sameInode(fstatSync(fd, { bigint: true }), stats)) return null; // replaced since its lstat
      const hash = createHash('sha256');
      for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) {
        this.spend(n); // the size lstat gave may lie: a file can grow while being read
        hash.update(buffer.subarray(0, n));
      }
      return hash.digest('hex');
    } catch (error) {
      if (error instanceof LimitReached) throw error;
      return null;
    } finally {
      closeQuietly(fd);
      revoke?.();
    }
  }

  /**
   * Open a directory for listing, or null when it is not to be listed: unreadable or not
   * searchable by the walker (its own entry stays), replaced since its lstat, or on
   * another filesystem (a mount point is not the program's tree).
   */
  private open(path: Buffer, stats: BigIntStats): { fd: number; revoke: Revoke | null } | null {
    if (stats.dev !== this.rootDevice) return null;
    const revoke = grantOwner(path, stats, OWNER_READ_SEARCH);
    let fd: number;
    try {
      fd = openSync(path, DIRECTORY_FLAGS);
    } catch (error) {
      revoke?.();
      checkDescriptors(error, this.stack.length);
      return null;
    }
    try {
      accessSync(`/proc/self/fd/${fd}`, constants.X_OK);
      if (sameInode(fstatSync(fd, { bigint: true }), stats)) return { fd, revoke };
    } catch {
      // a directory that can be read but not searched lists names nothing can be learnt of
    }
    closeQuietly(fd);
    revoke?.();
    return null;
  }

  /** Descend into a directory: list its names, at most as many as the entry limit leaves. */
  enter(path: Buffer, stats: BigIntStats, key: string | null): void {
    const opened = this.open(path, stats);
    if (opened === null) return;
    const { fd, revoke } = opened;
    const frame: Frame = { fd, key, revoke, names: [], next: 0 };
    this.stack.push(frame); // pushed first so that a limit reached while listing still closes it
    const room = this.limits.entries - this.listed - this.pending;
    let directory;
    try {
      // Node honours 'buffer' here (names as raw bytes) though @types/node only lists string encodings.
      // 128 entries a read, not the default 32: a walk costs a few reads fewer per directory.
      directory = opendirSync(`/proc/self/fd/${fd}`, { encoding: 'buffer' as BufferEncoding, bufferSize: 128 });
    } catch (error) {
      checkDescriptors(error, this.stack.length);
      return;
    }
    try {
      for (let dirent = directory.readSync(); dirent !== null; dirent = directory.readSync()) {
        if (frame.names.length === room) throw new LimitReached(`the tree holds more than ${this.limits.entries} entries`);
        frame.names.push(dirent.name as unknown as Buffer);
      }
    } catch (error) {
      if (error instanceof LimitReached) throw error;
      // a read error part-way: the names read so far are listed
    } finally {
      try {
        directory.closeSync();
      } catch {
        // already closed
      }
    }
    // readdirSync (libuv's scandir) sorted names bytewise; snapshots keep that order.
    frame.names.sort(Buffer.compare);
    this.pending += frame.names.length;
  }

  /** Take in the next child of the deepest open directory; false when the walk is done. */
  step(): boolean {
    const frame = this.stack.at(-1);
    if (frame === undefined) return false;
    const name = frame.names[frame.next];
    if (name === undefined) {
      this.stack.pop();
      closeQuietly(frame.fd);
      frame.revoke?.();
      return true;
    }
    frame.next += 1;
    this.pending -= 1;
    const path = childPath(frame.fd, name);
    const stats = lstatQuietly(path);
    if (stats === null) return true;
    // Keys compose over `/` (spec/path-key), so a child's key extends its parent's.
    const key = frame.key === null ? encodePathKey(name) : `${frame.key}/${encodePathKey(name)}`;
    this.add(key, path, stats);
    if (stats.isDirectory()) this.enter(path, stats, key);
    return true;
  }
}

/**
 * Snapshot the tree at `root` without ever throwing on what a program left in it. When
 * a limit is reached the walk stops and `overflow` says which; a root that is gone
 * gives an empty snapshot.
 */
export function walkSnapshot(root: string, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): SnapshotWalk {
  // Not the tree's doing but the host's: without /proc no child could be reached.
  if (!existsSync('/proc/self/fd')) throw new Error('qfc snapshots need /proc mounted (they reach entries through /proc/self/fd)');
  const rootPath = Buffer.from(root);
  const rootStats = lstatQuietly(rootPath);
  if (rootStats === null) return { snapshot: {}, overflow: null };
  const walk = new TreeWalk({ ...limits, pathBytes: limits.pathBytes ?? DEFAULT_SNAPSHOT_LIMITS.pathBytes }, rootStats.dev);
  let overflow: string | null = null;
  try {
    walk.add(ROOT_KEY, rootPath, rootStats);
    if (rootStats.isDirectory()) walk.enter(rootPath, rootStats, null);
    while (walk.step());
  } catch (error) {
    if (!(error instanceof LimitReached)) throw error;
    overflow = error.reason;
  } finally {
    // Deepest first: a granted parent stays searchable until its children are set back.
    for (const frame of walk.stack.reverse()) {
      closeQuietly(frame.fd);
      frame.revoke?.();
    }
  }
  return { snapshot: walk.entries, overflow };
}

/** The root and every entry below it (see {@link walkSnapshot}; a partial snapshot past its limits). */
export function takeSnapshot(root: string): Snapshot {
  return walkSnapshot(root).snapshot;
}
