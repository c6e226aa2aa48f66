/**
 * Choose the receiver's backend: the qfc_fs addon when it was built, else pure Node.
 * `QFC_RECEIVER_BACKEND=native|fallback` (or the `backend` option) forces one.
 */
import { loadNativeFs } from '../native/addon.js';
import { FallbackTargetFilesystem } from './fallback-filesystem.js';
import { NativeTargetFilesystem } from './native-filesystem.js';
import type { TargetFilesystem } from './target-filesystem.js';

/** Which backend to use. */
export type BackendChoice = 'auto' | 'native' | 'fallback';

/** Thrown for a backend that cannot be had (a setup problem, not an answer to the stream). */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

/** The backend choice from the environment (`auto` when unset). */
export function backendFromEnvironment(): BackendChoice {
  const value = process.env.QFC_RECEIVER_BACKEND ?? 'auto';
  if (value !== 'auto' && value !== 'native' && value !== 'fallback') {
    throw new BackendError(`QFC_RECEIVER_BACKEND must be auto, native or fallback, not '${value}'`);
  }
  return value;
}

/** One line naming the backend that `choice` gives on this host (for --version and reports). */
export function describeBackend(choice: BackendChoice = backendFromEnvironment()): string {
  if (choice === 'fallback') return 'pure-Node fallback (forced)';
  const native = loadNativeFs();
  if (native.ok) return 'native addon qfc_fs (openat walk, O_TMPFILE, nanosecond times)';
  if (choice === 'native') throw new BackendError(`native backend forced but ${native.reason}`);
  return `pure-Node fallback (${native.reason}; times to the microsecond)`;
}

/**
 * Open `targetDir` with the chosen backend; an errno when it is not an openable directory.
 * `nativeTmpfile: false` makes the native backend stage files as it does on a filesystem
 * without O_TMPFILE.
 */
export function openTarget(targetDir: string, choice: BackendChoice = backendFromEnvironment(), nativeTmpfile = true): TargetFilesystem | number {
  if (choice !== 'fallback') {
    const native = loadNativeFs();
    if (native.ok) return NativeTargetFilesystem.open(native.fs, targetDir, nativeTmpfile);
    if (choice === 'native') throw new BackendError(`native backend forced but ${native.reason}`);
  }
  return FallbackTargetFilesystem.open(targetDir);
}
