/**
 * How a run's end becomes violations, named after the side that ran: a hang, a flood, the
 * memory cap, a fork flood, processes left running, the sandbox's SIGSYS; a clean run none.
 */
import { describe, expect, it } from 'vitest';
import type { ContainedResult } from '../../../harness/sandbox/run-contained.js';
import type { Supervision } from '../../../harness/sandbox/supervision.js';
import { containmentViolations } from '../../../harness/verdicts/containment-violations.js';

const MIB = 1024 * 1024;
const CLEAN: Supervision = { final: true, mode: 'pidns', status: 0, signal: null, execError: null, peakRssKiB: 10_000, memoryExceeded: false, processesExceeded: false, memoryLimit: 512 * MIB, leftover: [], leftoverCount: 0 };

function run(overrides: Partial<ContainedResult> = {}, supervision: Partial<Supervision> = {}): ContainedResult {
  return { status: 0, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false, flooded: null, spawnError: null, ms: 1, supervision: { ...CLEAN, ...supervision }, ...overrides };
}

describe('containmentViolations', () => {
  it('finds nothing in a clean run, or in a run the supervisor did not watch (in-process)', () => {
    expect(containmentViolations(run(), 'the receiver', 1000)).toEqual([]);
    expect(containmentViolations({ ...run(), supervision: undefined }, 'the receiver', 1000)).toEqual([]);
  });

  it.each([
    ['a hang', run({ timedOut: true }), 'inv.bounded', /^the receiver did not end within 1000 ms/],
    ['a flood', run({ flooded: 'stderr' }), 'inv.bounded', /^the receiver flooded its stderr/],
    ['the memory cap', run({}, { memoryExceeded: true, peakRssKiB: 600 * 1024 }), 'inv.bounded', /memory cap of 512 MiB \(peak 600 MiB\)/],
    ['a peak over the cap without the kill flag', run({}, { peakRssKiB: 513 * 1024 }), 'inv.bounded', /memory cap of 512 MiB/],
    ['a fork flood', run({}, { processesExceeded: true }), 'inv.bounded', /more than 512 processes at once/],
    ['the seccomp kill', run({ signal: 'SIGSYS', status: null }), 'inv.no-escape', /system call no receiver needs/],
  ])('%s', (_what, result, clause, detail) => {
    const violations = containmentViolations(result, 'the receiver', 1000);
    expect(violations.map((violation) => violation.clause)).toEqual([clause]);
    expect(violations[0]!.detail).toMatch(detail);
  });

  it('names the processes left running, the first five of them, and counts the rest', () => {
    const leftover = Array.from({ length: 7 }, (_, index) => ({ pid: 10 + index, comm: 'sleep', cmdline: index === 0 ? '' : `sleep ${index}` }));
    const [violation] = containmentViolations(run({}, { leftover, leftoverCount: 200 }), 'the sender (reference)', 1000);
    expect(violation!.detail).toBe('the sender (reference) left 200 processes running after it exited: "sleep" (pid 10), "sleep 1" (pid 11), "sleep 2" (pid 12), "sleep 3" (pid 13), "sleep 4" (pid 14) and 195 more (killed by qfc)');
  });
});
