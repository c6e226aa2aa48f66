/**
 * Trees moved out of the way at once (a rename) and removed in the background: on a
 * journalled disk removing even a small tree costs more than the run after it. What the
 * background removal cannot take (a tree deeper than PATH_MAX, a directory without write
 * permission for a qfc that is not root) is removed with every fallback removeTree has when
 * the bin is emptied.
 */
import { mkdtempSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTree } from './sandbox-root.js';

/** Background removals at once; past this a discard removes in the foreground. */
const REMOVALS_IN_FLIGHT = 32;

export class TrashBin {
  private readonly dir: string;
  private readonly removals = new Set<Promise<void>>();
  private discarded = 0;

  /** A bin in `base`, which must be on the filesystem of what it takes (a rename moves it). */
  constructor(base: string) {
    this.dir = mkdtempSync(join(base, '.qfc-trash-'));
  }

  /** Move `path` into the bin and remove it in the background; false when it cannot be moved. */
  discard(path: string | Buffer): boolean {
    const moved = join(this.dir, String(++this.discarded));
    try {
      renameSync(path, moved);
    } catch {
      return false;
    }
    if (this.removals.size >= REMOVALS_IN_FLIGHT) {
      removeTree(moved); // in the foreground this time; what stays goes with the bin
      return true;
    }
    const removal: Promise<void> = rm(moved, { recursive: true, force: true })
      .catch(() => {
        // what resists is removed when the bin is emptied
      })
      .finally(() => this.removals.delete(removal));
    this.removals.add(removal);
    return true;
  }

  /** Remove the bin and everything in it now; null, or what stayed. */
  empty(): string | null {
    return removeTree(this.dir);
  }
}
