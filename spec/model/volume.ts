/**
 * The target directory of the modelled receiver: a map from each entry's path to what a
 * receiver's system calls depend on: its type (and a symlink's target), permission bits,
 * content size and digest (content itself is not stored, so memory does not grow with
 * `filelen`) and nanosecond times.
 *
 * It was a memfs volume with this map beside it; but the receiver never resolves a path
 * (it walks one component at a time, each refused if it is `.`, `..`, empty or holds a
 * slash, before it gets here), so all memfs added was a second map, permission checks
 * against the host's uid on every lookup, and most of the model's time.
 *
 * Each operation reproduces the errno order of the Linux call the receiver makes:
 * search permission on the parent, then the filesystem's lookup (ENAMETOOLONG for a
 * component over NAME_MAX), then an existing name (EEXIST), then write permission.
 */
import {
  Errno,
  NAME_MAX,
  NEW_DIRECTORY_PERMISSIONS,
  PATH_MAX,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
  SYMLINK_PERMISSIONS,
} from '../constants.js';
import { concatBytes, copyBytes } from '../byte-string.js';
import { encodePathKey } from '../path-key.js';
import type { TreeEntry, TreeEntryType } from './prediction.js';

/** What a name in a directory is. */
export type Lookup = 'missing' | TreeEntryType;

/** A directory reached by the parent walk: its volume path ('' is the target directory). */
export type WalkOutcome =
  | { readonly ok: true; readonly parent: string }
  | { readonly ok: false; readonly errno: number; readonly component: Uint8Array };

interface EntryMeta {
  readonly type: TreeEntryType;
  /** A symlink's target as a path key. */
  readonly target: string | null;
  readonly pathBytes: Uint8Array;
  permissions: number;
  size: number | null;
  digest: string | null;
  atimeNs: bigint | null;
  mtimeNs: bigint | null;
}

/**
 * The setgid bit alone. mkdir(2) copies it from a parent directory to the new one (so a
 * shared group directory stays shared all the way down); files do not take it.
 */
const S_ISGID = 0o2000;
const READ = 0o400;
const WRITE = 0o200;
const SEARCH = 0o100;
const SLASH = new Uint8Array([0x2f]);

/** The modelled target directory. */
export class ReceiverVolume {
  readonly #meta = new Map<string, EntryMeta>();
  readonly #privileged: boolean;
  #bypassed = false;

  /** `privileged`: the receiving user is root and bypasses permission bits. */
  constructor(privileged: boolean) {
    this.#privileged = privileged;
  }

  /** Walk `components` from the target directory, never following a symlink (O_RDONLY|O_DIRECTORY|O_NOFOLLOW). */
  walkParents(components: readonly Uint8Array[]): WalkOutcome {
    let parent = '';
    for (const component of components) {
      if (!this.#allows(parent, SEARCH)) return { ok: false, errno: Errno.EACCES, component };
      if (component.length > NAME_MAX) return { ok: false, errno: Errno.ENAMETOOLONG, component };
      const path = childPath(parent, component);
      const found = this.#lookupPath(path);
      if (found === 'missing') return { ok: false, errno: Errno.ENOENT, component };
      // O_DIRECTORY is checked before O_NOFOLLOW's ELOOP, so a symlink fails as ENOTDIR.
      if (found !== 'directory') return { ok: false, errno: Errno.ENOTDIR, component };
      if (!this.#allows(path, READ)) return { ok: false, errno: Errno.EACCES, component };
      parent = path;
    }
    return { ok: true, parent };
  }

  /**
   * `mkdirat(parent, name, 0700)`: 0, EACCES or EEXIST. As in Linux, the new directory is
   * setgid when its parent is, whatever mode was asked for.
   */
  makeDirectory(parent: string, name: Uint8Array): number {
    const path = childPath(parent, name);
    const refused = this.#refuseCreate(parent, path, name);
    if (refused !== 0) return refused;
    // The target directory itself is the receiving user's plain directory, never setgid.
    const inherited = parent === '' ? 0 : this.#meta.get(parent)!.permissions & S_ISGID;
    this.#record(parent, name, path, 'directory', null, NEW_DIRECTORY_PERMISSIONS | inherited);
    return 0;
  }

  /** Open an existing directory for a repeated header: 0, ENOTDIR (not a directory) or EACCES (unreadable). */
  openDirectory(parent: string, name: Uint8Array): number {
    const path = childPath(parent, name);
    if (this.#lookupPath(path) !== 'directory') return Errno.ENOTDIR;
    return this.#allows(path, READ) ? 0 : Errno.EACCES;
  }

  /** Whether an anonymous file may be created in `parent` (`O_TMPFILE` needs search and write): 0 or EACCES. */
  checkCreate(parent: string): number {
    return this.#allows(parent, SEARCH) && this.#allows(parent, WRITE) ? 0 : Errno.EACCES;
  }

  /** Create a regular file exclusively (open O_CREAT|O_EXCL, or linkat): 0, EACCES or EEXIST. */
  createFile(parent: string, name: Uint8Array, permissions: number): number {
    const path = childPath(parent, name);
    const refused = this.#refuseCreate(parent, path, name);
    if (refused !== 0) return refused;
    this.#record(parent, name, path, 'file', null, permissions).size = 0;
    return 0;
  }

  /** `symlinkat(target, parent, name)`: 0, ENOENT (empty target), ENAMETOOLONG, EACCES or EEXIST. */
  createSymlink(parent: string, name: Uint8Array, target: Uint8Array): number {
    // The kernel copies the target in before any lookup: empty or too long fails first.
    if (target.length === 0) return Errno.ENOENT;
    if (target.length >= PATH_MAX) return Errno.ENAMETOOLONG;
    const path = childPath(parent, name);
    const refused = this.#refuseCreate(parent, path, name);
    if (refused !== 0) return refused;
    this.#record(parent, name, path, 'symlink', encodePathKey(target), SYMLINK_PERMISSIONS).size = target.length;
    return 0;
  }

  /** Record the content written to a file. */
  setContent(parent: string, name: Uint8Array, size: number, digest: string): void {
    const meta = this.#metaOf(parent, name);
    meta.size = size;
    meta.digest = digest;
  }

  /** `fchmod`: the entry's permission bits. */
  setPermissions(parent: string, name: Uint8Array, permissions: number): void {
    this.#metaOf(parent, name).permissions = permissions;
  }

  /** `futimens` with nanoseconds. */
  setTimes(parent: string, name: Uint8Array, atimeNs: bigint, mtimeNs: bigint): void {
    const meta = this.#metaOf(parent, name);
    meta.atimeNs = atimeNs;
    meta.mtimeNs = mtimeNs;
  }

  /** Every entry of the target directory, sorted by path bytes. */
  tree(): TreeEntry[] {
    const entries = [...this.#meta.entries()].map(([path, meta]) => this.#treeEntry(path, meta));
    return entries.sort((a, b) => compareBytes(a.pathBytes, b.pathBytes)).map(({ entry }) => entry);
  }

  #treeEntry(_path: string, meta: EntryMeta): { pathBytes: Uint8Array; entry: TreeEntry } {
    const { type, target } = meta;
    const typeBits = type === 'file' ? S_IFREG : type === 'directory' ? S_IFDIR : S_IFLNK;
    const entry: TreeEntry = {
      path: encodePathKey(meta.pathBytes),
      type,
      mode: typeBits | meta.permissions,
      size: meta.size,
      digest: meta.digest,
      target,
      atimeNs: meta.atimeNs,
      mtimeNs: meta.mtimeNs,
    };
    return { pathBytes: meta.pathBytes, entry };
  }

  #refuseCreate(parent: string, path: string, name: Uint8Array): number {
    if (!this.#allows(parent, SEARCH)) return Errno.EACCES;
    if (name.length > NAME_MAX) return Errno.ENAMETOOLONG;
    if (this.#lookupPath(path) !== 'missing') return Errno.EEXIST;
    if (!this.#allows(parent, WRITE)) return Errno.EACCES;
    return 0;
  }

  #record(parent: string, name: Uint8Array, path: string, type: TreeEntryType, target: string | null, permissions: number): EntryMeta {
    const parentMeta = parent === '' ? null : this.#meta.get(parent)!;
    // A new entry changes its directory: the clock now owns that directory's mtime.
    if (parentMeta !== null) parentMeta.mtimeNs = null;
    const parentBytes = parentMeta === null ? null : parentMeta.pathBytes;
    const pathBytes = parentBytes === null ? copyBytes(name) : concatBytes([parentBytes, SLASH, name]);
    const meta: EntryMeta = { type, target, pathBytes, permissions, size: null, digest: null, atimeNs: null, mtimeNs: null };
    this.#meta.set(path, meta);
    return meta;
  }

  #metaOf(parent: string, name: Uint8Array): EntryMeta {
    return this.#meta.get(childPath(parent, name))!;
  }

  #allows(path: string, bit: number): boolean {
    // The target directory itself is the receiving user's own, writable directory.
    if (path === '') return true;
    const allowed = (this.#meta.get(path)!.permissions & bit) !== 0;
    if (!allowed && this.#privileged) this.#bypassed = true;
    return allowed || this.#privileged;
  }

  /** True once a permission bit would have refused an ordinary user (root went through). */
  get bypassedPermissions(): boolean {
    return this.#bypassed;
  }

  #lookupPath(path: string): Lookup {
    return this.#meta.get(path)?.type ?? 'missing';
  }
}

function childPath(parent: string, name: Uint8Array): string {
  return `${parent}/${encodePathKey(name)}`;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
