/**
 * What the receiver asks of the filesystem under its target directory, in the order and
 * with the errno values of PROTOCOL §2. Two backends implement it: the native addon
 * (descriptor-relative calls, O_TMPFILE, nanosecond times) and a pure-Node fallback.
 *
 * Every method returns 0 (or a handle) on success and a positive errno on failure; a
 * failure is an answer to the stream, never an exception.
 */

/** A directory reached by the walk (a descriptor or a path, depending on the backend). */
export type DirectoryHandle = { readonly kind: 'directory' };

/** A regular file being written, not yet visible under its name. */
export type PendingFile = { readonly kind: 'pending-file' };

/** Permission bits and both times, as the header gives them. */
export interface EntryMetadata {
  readonly permissions: number;
  readonly atime: number;
  readonly atimeNsec: number;
  readonly mtime: number;
  readonly mtimeNsec: number;
}

/** The receiver's view of its target directory. */
export interface TargetFilesystem {
  /** `'native'` or `'fallback'`, reported by `--version` and in certify reports. */
  readonly backend: 'native' | 'fallback';
  /** The target directory itself. */
  readonly root: DirectoryHandle;
  /** Open child directory `name` of `dir` without following a symlink. */
  openDirectory(dir: DirectoryHandle, name: Uint8Array): DirectoryHandle | number;
  /** Let go of a directory the walk opened (never the root). */
  closeDirectory(dir: DirectoryHandle): void;
  /** Create directory `name` with mode 0700. */
  makeDirectory(dir: DirectoryHandle, name: Uint8Array): number;
  /** Apply metadata to the existing directory `name` (opened without following links). */
  updateDirectory(dir: DirectoryHandle, name: Uint8Array, metadata: EntryMetadata): number;
  /** Start a file in `dir` that nobody can see yet. */
  beginFile(dir: DirectoryHandle): PendingFile | number;
  /** Append content. */
  writeFile(file: PendingFile, bytes: Uint8Array): number;
  /** Apply metadata and give the complete file its name, never replacing anything (EEXIST). */
  publishFile(file: PendingFile, dir: DirectoryHandle, name: Uint8Array, metadata: EntryMetadata): number;
  /** Drop an unfinished file: nothing of it stays behind. */
  abandonFile(file: PendingFile): void;
  /** Create symlink `name` → `target`. */
  createSymlink(dir: DirectoryHandle, name: Uint8Array, target: Uint8Array): number;
  /** Flush the target's filesystem before the result is sent. */
  flush(): void;
  /** Free what the backend holds (the root descriptor). */
  close(): void;
}
