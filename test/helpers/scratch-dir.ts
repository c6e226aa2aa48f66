/**
 * Temporary directories for hostile trees (deeper than PATH_MAX, immutable, mode 000):
 * tempDir's own clean-up walks full paths and stops at the first entry it cannot remove, so
 * these go through removeTree, which copes. A test file calls `afterAll(removeScratch)`
 * (after hooks run last-registered first, so before tempDir's).
 */
import { spawnSync } from 'node:child_process';
import { removeTree } from '../../harness/sandbox/sandbox-root.js';
import { tempDir } from './temp-dir.js';

const scratch: string[] = [];

/** A new temporary directory, removed by {@link removeScratch}. */
export function scratchDir(prefix: string): string {
  const dir = tempDir(prefix);
  scratch.push(dir);
  return dir;
}

/** Remove `dir` (made elsewhere) with the scratch directories. */
export function removeWithScratch(dir: string): void {
  scratch.push(dir);
}

/** Remove every scratch directory made so far. */
export function removeScratch(): void {
  for (const dir of scratch.splice(0)) removeTree(dir);
}

/** The unprivileged user the tests run programs as. */
export const NOBODY = 65534;

/** True when we are root and that user may run node (the bundled test modules sit in /tmp). */
export const nobodyRunsNode = process.getuid?.() === 0 && spawnSync(process.execPath, ['-e', '0'], { uid: NOBODY, gid: NOBODY }).status === 0;
