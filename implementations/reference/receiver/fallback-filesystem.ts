/**
 * The receiver's filesystem in pure Node, for hosts where the qfc_fs addon cannot build.
 *
 * Node has no descriptor-relative calls, so this backend works with paths under the
 * target directory. It keeps the receiver's rules all the same: each parent component is
 * opened with O_RDONLY|O_DIRECTORY|O_NOFOLLOW (the same errno as the addon's walk), files
 * are created with O_EXCL|O_NOFOLLOW under a private staging name and published with
 * link() (EEXIST if the name is taken) before the staging name is removed, so no partial
 * file ever appears under its final name and nothing is left behind on failure.
 *
 * What it cannot do, and says so in `--version` and in reports:
 *  - times are set with futimes(), to the microsecond (Node passes seconds as a double);
 *  - a path of PATH_MAX bytes or more from the target directory fails with ENAMETOOLONG;
 *  - between the walk and the creation a local process could swap a directory for a link
 *    (the stream cannot: it is processed in order), which the addon's descriptors exclude;
 *  - a staging file briefly changes the parent directory, so that directory's mtime moves
 *    even when the file then fails;
 *  - the filesystem is flushed with fsync() of the target directory, not syncfs().
 */
import { closeSync, constants, fchmodSync, fsyncSync, futimesSync, linkSync, mkdirSync, openSync, symlinkSync, unlinkSync } from 'node:fs';
import { errnoOf } from './errno-of.js';
import { stagingName } from './staging-name.js';
import type { DirectoryHandle, EntryMetadata, PendingFile, TargetFilesystem } from './target-filesystem.js';
import { writeAll } from './write-all.js';

const EEXIST = 17;
const SLASH = Buffer.from('/');
const WALK_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

interface PathDirectory extends DirectoryHandle {
  readonly path: Buffer;
}

interface StagedFile extends PendingFile {
  readonly fd: number;
  readonly staging: Buffer;
}

const directory = (path: Buffer): PathDirectory => ({ kind: 'directory', path });
const pathOf = (dir: DirectoryHandle, name: Uint8Array): Buffer => Buffer.concat([(dir as PathDirectory).path, SLASH, name]);
/** Seconds with microseconds, the best futimes() takes. */
const seconds = (whole: number, nsec: number): number => whole + Math.floor(nsec / 1000) / 1_000_000;

function attempt(action: () => void): number {
  try {
    action();
    return 0;
  } catch (error) {
    return errnoOf(error);
  }
}

/** The pure-Node target filesystem. */
export class FallbackTargetFilesystem implements TargetFilesystem {
  readonly backend = 'fallback';
  readonly root: DirectoryHandle;

  /** Use `targetDir`; an errno when it is not a directory that can be opened. */
  static open(targetDir: string): FallbackTargetFilesystem | number {
    const failed = attempt(() => closeSync(openSync(targetDir, constants.O_RDONLY | constants.O_DIRECTORY)));
    return failed !== 0 ? failed : new FallbackTargetFilesystem(Buffer.from(targetDir));
  }

  private constructor(root: Buffer) {
    this.root = directory(root);
  }

  openDirectory(dir: DirectoryHandle, name: Uint8Array): DirectoryHandle | number {
    const path = pathOf(dir, name);
    const failed = attempt(() => closeSync(openSync(path, WALK_FLAGS)));
    return failed !== 0 ? failed : directory(path);
  }

  closeDirectory(): void {
    // paths hold nothing open
  }

  makeDirectory(dir: DirectoryHandle, name: Uint8Array): number {
    return attempt(() => mkdirSync(pathOf(dir, name), 0o700));
  }

  updateDirectory(dir: DirectoryHandle, name: Uint8Array, metadata: EntryMetadata): number {
    let fd = -1;
    const failed = attempt(() => {
      fd = openSync(pathOf(dir, name), WALK_FLAGS);
      this.#apply(fd, metadata);
    });
    if (fd >= 0) closeSync(fd);
    return failed;
  }

  beginFile(dir: DirectoryHandle): PendingFile | number {
    for (;;) {
      const staging = pathOf(dir, stagingName());
      let fd = -1;
      const failed = attempt(() => {
        fd = openSync(staging, CREATE_FLAGS, 0o600);
      });
      if (failed === 0) return { kind: 'pending-file', fd, staging } as StagedFile;
      if (failed !== EEXIST) return failed;
    }
  }

  writeFile(file: PendingFile, bytes: Uint8Array): number {
    return writeAll((file as StagedFile).fd, bytes);
  }

  publishFile(file: PendingFile, dir: DirectoryHandle, name: Uint8Array, metadata: EntryMetadata): number {
    const { fd, staging } = file as StagedFile;
    const failed = attempt(() => {
      this.#apply(fd, metadata);
      linkSync(staging, pathOf(dir, name));
    });
    this.abandonFile(file);
    return failed;
  }

  abandonFile(file: PendingFile): void {
    const { fd, staging } = file as StagedFile;
    closeSync(fd);
    attempt(() => unlinkSync(staging));
  }

  createSymlink(dir: DirectoryHandle, name: Uint8Array, target: Uint8Array): number {
    return attempt(() => symlinkSync(Buffer.from(target), pathOf(dir, name)));
  }

  flush(): void {
    attempt(() => {
      const fd = openSync((this.root as PathDirectory).path, constants.O_RDONLY | constants.O_DIRECTORY);
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    });
  }

  close(): void {
    // nothing held
  }

  #apply(fd: number, metadata: EntryMetadata): void {
    fchmodSync(fd, metadata.permissions);
    futimesSync(fd, seconds(metadata.atime, metadata.atimeNsec), seconds(metadata.mtime, metadata.mtimeNsec));
  }
}
