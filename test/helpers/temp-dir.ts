/**
 * Fresh temporary directories for tests, removed at the end of the test file.
 */
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made = new Set<string>();

/** Make every directory below `path` writable again so it can be removed (names as raw bytes). */
function unlock(path: Buffer): void {
  if (!lstatSync(path).isDirectory()) return;
  chmodSync(path, 0o700);
  for (const child of readdirSync(path, { encoding: 'buffer' })) unlock(Buffer.concat([path, Buffer.from('/'), child]));
}

/** Remove one directory made by {@link tempDir} now (for loops that make many). */
export function removeDir(dir: string): void {
  made.delete(dir);
  if (!existsSync(dir)) return;
  unlock(Buffer.from(dir));
  rmSync(dir, { recursive: true, force: true });
}

afterAll(() => {
  for (const dir of [...made]) removeDir(dir);
});

/** A new empty directory under the system's temporary directory. */
export function tempDir(prefix = 'qfc-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}
