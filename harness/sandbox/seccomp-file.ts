/**
 * The seccomp filter (seccomp-filter.ts) as a file that bwrap's `--seccomp FD` can read:
 * written once per qfc process into a private directory, opened afresh for every run (bwrap
 * reads it from the descriptor's offset, so runs cannot share one descriptor).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seccompProgram } from './seccomp-filter.js';

let written: string | null | undefined;

/** Path of the compiled filter, or null when there is none for this architecture. */
export function seccompFile(): string | null {
  if (written === undefined) {
    const program = seccompProgram();
    if (program === null) written = null;
    else {
      const dir = mkdtempSync(join(tmpdir(), 'qfc-seccomp-')); // mode 0700: nobody else can swap the filter
      written = join(dir, 'filter.bpf');
      writeFileSync(written, program, { mode: 0o400 });
      // rmSync with force does not throw for a missing directory
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
  }
  return written;
}
