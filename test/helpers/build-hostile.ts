/**
 * The hostile program of the containment tests (test/fixtures/hostile-programs/hostile.c),
 * compiled into a fresh directory that a program run as another user can reach.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tempDir } from './temp-dir.js';

const SOURCE = new URL('../fixtures/hostile-programs/hostile.c', import.meta.url).pathname;

/** Compile hostile.c; the binary's path. */
export function buildHostile(): string {
  const dir = tempDir('qfc-hostile-bin-');
  chmodSync(dir, 0o755);
  const binary = join(dir, 'hostile');
  const built = spawnSync('cc', ['-O1', '-Wall', '-o', binary, SOURCE], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  return binary;
}
