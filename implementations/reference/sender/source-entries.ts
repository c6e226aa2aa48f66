/**
 * The entries a sender sends for its arguments (PROTOCOL §5): each argument's basename,
 * walked depth-first with lstat; a directory's header, its children, then the same header
 * again; regular files, directories and symlinks only (fifos, sockets and devices are
 * skipped without a header); symlinks skipped too with `ignoreSymlinks`.
 *
 * Names are kept as raw bytes: child names come from readdir as Buffers, so a name that is
 * not UTF-8 is sent exactly as the filesystem holds it.
 */
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { basename, resolve } from 'node:path';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../../../spec/constants.js';

/** One entry to send. */
export interface SourceEntry {
  readonly type: 'file' | 'directory' | 'symlink';
  /** Relative name as sent, without NUL. */
  readonly name: Uint8Array;
  /** Where it is on this machine. */
  readonly path: Buffer;
  readonly stats: BigIntStats;
  /** A symlink's target bytes. */
  readonly target?: Uint8Array;
  /** True for the repeated header that closes a directory. */
  readonly closing?: boolean;
}

const SLASH = Buffer.from('/');

function* walk(path: Buffer, name: Uint8Array, ignoreSymlinks: boolean): Generator<SourceEntry> {
  const stats = lstatSync(path, { bigint: true });
  const type = Number(stats.mode) & S_IFMT;
  if (type === S_IFREG) {
    yield { type: 'file', name, path, stats };
  } else if (type === S_IFLNK) {
    if (!ignoreSymlinks) yield { type: 'symlink', name, path, stats, target: readlinkSync(path, { encoding: 'buffer' }) };
  } else if (type === S_IFDIR) {
    yield { type: 'directory', name, path, stats };
    const children = readdirSync(path, { encoding: 'buffer' });
    for (const child of children) {
      yield* walk(Buffer.concat([path, SLASH, child]), Buffer.concat([name, SLASH, child]), ignoreSymlinks);
    }
    // The same header again after the children: the receiver applies mode and times only
    // now, so a read-only directory can still be filled first. Same stats, not a new lstat:
    // listing the directory may have moved its atime.
    yield { type: 'directory', name, path, stats, closing: true };
  }
  // anything else (fifo, socket, device) is not sent
}

/** Thrown for an argument that cannot be sent; the message is one line for the user. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

/** The entries for `paths`, resolved against `cwd`, in sending order. Throws for a path that cannot be read. */
export function* sourceEntries(paths: readonly string[], cwd: string, ignoreSymlinks: boolean): Generator<SourceEntry> {
  for (const path of paths) {
    if (path === '') throw new SourceError('invalid empty argument');
    const absolute = resolve(cwd, path);
    const base = basename(absolute);
    if (base === '') throw new SourceError(`cannot send ${path}: it has no name (the root directory)`);
    try {
      yield* walk(Buffer.from(absolute), Buffer.from(base), ignoreSymlinks);
    } catch (error) {
      if (error instanceof SourceError) throw error;
      throw new SourceError(`cannot read ${path}: ${(error as Error).message}`);
    }
  }
}
