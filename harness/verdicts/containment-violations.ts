/**
 * What a program's run breaks by how it ran, whatever it wrote: it hung, flooded its output,
 * went over its memory cap, left processes running after it exited, or was killed by the
 * sandbox for a system call that only an escape attempt makes. Shared by every case kind, and
 * named after the program (`the receiver`, `the sender`) so that blame lands on the right side.
 */
import { MAX_PROCESSES, type ContainedResult } from '../sandbox/run-contained.js';
import type { CaseViolation } from './case-result.js';

const MIB = 1024 * 1024;

/** How many leftover processes a violation names before it counts the rest. */
const NAMED_LEFTOVERS = 5;

/** The violations of one run by `who` (a phrase such as "the receiver"). */
export function containmentViolations(run: ContainedResult, who: string, timeLimitMs: number): CaseViolation[] {
  const violations: CaseViolation[] = [];
  const supervision = run.supervision;
  if (run.timedOut) violations.push({ clause: 'inv.bounded', detail: `${who} did not end within ${timeLimitMs} ms (killed)` });
  if (run.flooded !== null) violations.push({ clause: 'inv.bounded', detail: `${who} flooded its ${run.flooded} (killed)` });
  if (supervision === undefined) return violations;
  const peak = supervision.peakRssKiB === null ? null : supervision.peakRssKiB * 1024;
  if (supervision.memoryExceeded || (peak !== null && peak > supervision.memoryLimit)) {
    violations.push({
      clause: 'inv.bounded',
      detail: `${who} used more than its memory cap of ${Math.round(supervision.memoryLimit / MIB)} MiB${peak === null ? '' : ` (peak ${Math.round(peak / MIB)} MiB)`} and was killed`,
    });
  }
  if (supervision.processesExceeded) {
    violations.push({ clause: 'inv.bounded', detail: `${who} ran more than ${MAX_PROCESSES} processes at once (a fork flood) and was killed` });
  }
  if (supervision.leftoverCount > 0) {
    const named = supervision.leftover.slice(0, NAMED_LEFTOVERS).map((process) => `${JSON.stringify(process.cmdline || process.comm)} (pid ${process.pid})`);
    const more = supervision.leftoverCount - named.length;
    violations.push({
      clause: 'inv.bounded',
      detail: `${who} left ${supervision.leftoverCount} process${supervision.leftoverCount === 1 ? '' : 'es'} running after it exited: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''} (killed by qfc)`,
    });
  }
  if (run.signal === 'SIGSYS') {
    violations.push({ clause: 'inv.no-escape', detail: `${who} was killed by the sandbox for a system call no receiver needs (mounts, namespaces, ptrace, kernel modules, …: an attempt to leave the sandbox)` });
  }
  return violations;
}
