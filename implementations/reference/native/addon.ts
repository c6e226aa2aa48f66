/**
 * The qfc_fs native addon (qfc_fs.c), typed, and loaded if it was built at install.
 *
 * Every call returns a non-negative value or -errno; see qfc_fs.c.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The functions qfc_fs.c exports. */
export interface NativeFs {
  openDirectoryAt(dirfd: number, name: Uint8Array, noFollow: number): number;
  mkdirAt(dirfd: number, name: Uint8Array, mode: number): number;
  symlinkAt(target: Uint8Array, dirfd: number, name: Uint8Array): number;
  openTmpfileAt(dirfd: number, mode: number): number;
  createExclusiveAt(dirfd: number, name: Uint8Array, mode: number): number;
  linkFdAt(fd: number, dirfd: number, name: Uint8Array): number;
  linkAt(olddirfd: number, oldname: Uint8Array, newdirfd: number, newname: Uint8Array): number;
  unlinkAt(dirfd: number, name: Uint8Array, flags: number): number;
  fchmod(fd: number, mode: number): number;
  futimens(fd: number, atime: number, atimeNsec: number, mtime: number, mtimeNsec: number): number;
  fstat(fd: number): readonly [mode: number, uid: number, gid: number, size: number] | number;
  syncfs(fd: number): number;
  /** F_SETPIPE_SZ: the pipe's new capacity, or -errno (not a pipe, over the system's limit). */
  setPipeSize(fd: number, size: number): number;
  /** mknodat: a FIFO or device node (mode holds the type bits); 0 or -errno. */
  mknodAt(dirfd: number, name: Uint8Array, mode: number, major: number, minor: number): number;
}

/** `AT_FDCWD` of Linux. */
export const AT_FDCWD = -100;

// Built in the source tree by node-gyp at install. This module runs from the source tree
// (tests), from dist/ (tsc output) and from dist/bin/ (the bundled programs).
const CANDIDATES = [
  './build/Release/qfc_fs.node',
  '../../../../implementations/reference/native/build/Release/qfc_fs.node',
  '../../implementations/reference/native/build/Release/qfc_fs.node',
];

/** The addon, or the reason it is not available. */
export function loadNativeFs(): { readonly ok: true; readonly fs: NativeFs } | { readonly ok: false; readonly reason: string } {
  const require = createRequire(import.meta.url);
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (!existsSync(path)) continue;
    try {
      return { ok: true, fs: require(path) as NativeFs };
    } catch (error) {
      return { ok: false, reason: `cannot load ${path}: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  return { ok: false, reason: 'the native addon was not built (node-gyp failed or was skipped at install)' };
}
