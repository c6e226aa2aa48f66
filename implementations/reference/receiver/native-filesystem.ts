/**
 * The receiver's filesystem through the qfc_fs addon: every call is relative to a
 * directory descriptor, parents are opened with O_NOFOLLOW one component at a time, a
 * file is written as an O_TMPFILE and linked under its name only when complete (with its
 * mode and nanosecond times already applied, so it appears finished), exactly like the
 * upstream receiver but without its quirks.
 *
 * Where the filesystem has no O_TMPFILE the file is written under a private staging name
 * in the same directory and published with link() (which never replaces: EEXIST), then
 * the staging name is removed.
 */
import { closeSync } from 'node:fs';
import { AT_FDCWD, type NativeFs } from '../native/addon.js';
import type { DirectoryHandle, EntryMetadata, PendingFile, TargetFilesystem } from './target-filesystem.js';
import { stagingName } from './staging-name.js';
import { writeAll } from './write-all.js';

const EEXIST = 17;
const TMPFILE_UNSUPPORTED = new Set([95 /* EOPNOTSUPP */, 21 /* EISDIR: kernel without O_TMPFILE */]);
const PRIVATE = 0o600;
const NEW_DIRECTORY = 0o700;

interface NativeDirectory extends DirectoryHandle {
  readonly fd: number;
}

interface NativePendingFile extends PendingFile {
  readonly fd: number;
  /** Staging name in the directory, when O_TMPFILE is not available. */
  readonly staging: { readonly dirfd: number; readonly name: Uint8Array } | null;
}

const directory = (fd: number): NativeDirectory => ({ kind: 'directory', fd });
const fdOf = (dir: DirectoryHandle): number => (dir as NativeDirectory).fd;
const errno = (result: number): number => (result < 0 ? -result : 0);

/** The addon-backed target filesystem. */
export class NativeTargetFilesystem implements TargetFilesystem {
  readonly backend = 'native';
  readonly root: DirectoryHandle;
  readonly #native: NativeFs;
  #tmpfile: boolean;

  /**
   * Open `targetDir`; an errno when it cannot be opened as a directory. `tmpfile: false`
   * starts on the staging path, as on a filesystem without O_TMPFILE (tests use it).
   */
  static open(native: NativeFs, targetDir: string, tmpfile = true): NativeTargetFilesystem | number {
    const fd = native.openDirectoryAt(AT_FDCWD, Buffer.from(targetDir), 0);
    return fd < 0 ? -fd : new NativeTargetFilesystem(native, fd, tmpfile);
  }

  private constructor(native: NativeFs, rootFd: number, tmpfile: boolean) {
    this.#native = native;
    this.root = directory(rootFd);
    this.#tmpfile = tmpfile;
  }

  openDirectory(dir: DirectoryHandle, name: Uint8Array): DirectoryHandle | number {
    const fd = this.#native.openDirectoryAt(fdOf(dir), name, 1);
    return fd < 0 ? -fd : directory(fd);
  }

  closeDirectory(dir: DirectoryHandle): void {
    closeSync(fdOf(dir));
  }

  makeDirectory(dir: DirectoryHandle, name: Uint8Array): number {
    return errno(this.#native.mkdirAt(fdOf(dir), name, NEW_DIRECTORY));
  }

  updateDirectory(dir: DirectoryHandle, name: Uint8Array, metadata: EntryMetadata): number {
    const fd = this.#native.openDirectoryAt(fdOf(dir), name, 1);
    if (fd < 0) return -fd;
    const failed = this.#apply(fd, metadata);
    closeSync(fd);
    return failed;
  }

  beginFile(dir: DirectoryHandle): PendingFile | number {
    const dirfd = fdOf(dir);
    if (this.#tmpfile) {
      const fd = this.#native.openTmpfileAt(dirfd, PRIVATE);
      if (fd >= 0) return this.#pending(fd, null);
      if (!TMPFILE_UNSUPPORTED.has(-fd)) return -fd;
      this.#tmpfile = false;
    }
    for (;;) {
      const name = stagingName();
      const fd = this.#native.createExclusiveAt(dirfd, name, PRIVATE);
      if (fd >= 0) return this.#pending(fd, { dirfd, name });
      if (-fd !== EEXIST) return -fd;
    }
  }

  writeFile(file: PendingFile, bytes: Uint8Array): number {
    return writeAll((file as NativePendingFile).fd, bytes);
  }

  publishFile(file: PendingFile, dir: DirectoryHandle, name: Uint8Array, metadata: EntryMetadata): number {
    const { fd, staging } = file as NativePendingFile;
    let failed = this.#apply(fd, metadata);
    if (failed === 0) {
      failed = errno(staging === null ? this.#native.linkFdAt(fd, fdOf(dir), name) : this.#native.linkAt(staging.dirfd, staging.name, fdOf(dir), name));
    }
    this.abandonFile(file);
    return failed;
  }

  abandonFile(file: PendingFile): void {
    const { fd, staging } = file as NativePendingFile;
    closeSync(fd);
    if (staging !== null) this.#native.unlinkAt(staging.dirfd, staging.name, 0);
  }

  createSymlink(dir: DirectoryHandle, name: Uint8Array, target: Uint8Array): number {
    return errno(this.#native.symlinkAt(target, fdOf(dir), name));
  }

  flush(): void {
    this.#native.syncfs(fdOf(this.root));
  }

  close(): void {
    closeSync(fdOf(this.root));
  }

  #apply(fd: number, metadata: EntryMetadata): number {
    const chmod = errno(this.#native.fchmod(fd, metadata.permissions));
    if (chmod !== 0) return chmod;
    return errno(this.#native.futimens(fd, metadata.atime, metadata.atimeNsec, metadata.mtime, metadata.mtimeNsec));
  }

  #pending(fd: number, staging: NativePendingFile['staging']): NativePendingFile {
    return { kind: 'pending-file', fd, staging };
  }
}
