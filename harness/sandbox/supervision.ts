/**
 * What qfc-init, the supervisor of every program run, reports (native/qfc-init.c): how it
 * confined the program, how the program ended, its peak memory, and what it left running.
 *
 * The report arrives on a descriptor the program never holds; still, it is parsed as
 * untrusted text: a missing or malformed line is "not reported", never an exception.
 */
import { constants } from 'node:os';

/** A process the program left running when it exited (killed by the supervisor). */
export interface LeftoverProcess {
  readonly pid: number;
  readonly comm: string;
  readonly cmdline: string;
}

/** The supervisor's account of one run. */
export interface Supervision {
  /** The final report arrived (a supervisor killed at the time limit sends none). */
  readonly final: boolean;
  /** How the program was isolated: `pidns`, `userns+pidns` or `subreaper`; null if unknown. */
  readonly mode: string | null;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly execError: string | null;
  /** Peak resident memory of the run, KiB; null when not reported. */
  readonly peakRssKiB: number | null;
  /** The run went over its memory cap and was killed. */
  readonly memoryExceeded: boolean;
  /** The run had more processes at once than its cap and was killed (a fork flood). */
  readonly processesExceeded: boolean;
  /** The cap, in bytes. */
  readonly memoryLimit: number;
  readonly leftover: readonly LeftoverProcess[];
  readonly leftoverCount: number;
  /** qfc stopped the run (it was interrupted), so its end says nothing of the program. */
  readonly stopped?: boolean;
}

type Json = Record<string, unknown>;

function lines(text: string): Json[] {
  const parsed: Json[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed.push(value as Json);
    } catch {
      // not a report line
    }
  }
  return parsed;
}

const SIGNALS = new Set(Object.keys(constants.signals));
const count = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Read the supervisor's report lines; `memoryLimit` is the cap the run was given. */
export function parseSupervision(report: string, memoryLimit: number): Supervision {
  const all = lines(report);
  const ready = all.find((line) => line.ready === true);
  const final = all.find((line) => 'status' in line && 'leftover' in line);
  const leftover = Array.isArray(final?.leftover)
    ? (final.leftover as unknown[]).filter((item): item is Json => typeof item === 'object' && item !== null).map((item) => ({ pid: count(item.pid) ?? 0, comm: text(item.comm), cmdline: text(item.cmdline) }))
    : [];
  const signal = typeof final?.signal === 'string' && SIGNALS.has(final.signal) ? (final.signal as NodeJS.Signals) : null;
  return {
    final: final !== undefined,
    mode: typeof ready?.mode === 'string' ? ready.mode : null,
    status: count(final?.status),
    signal,
    execError: typeof final?.execError === 'string' ? final.execError : null,
    peakRssKiB: count(final?.peakRssKiB),
    memoryExceeded: final?.memoryExceeded === true,
    processesExceeded: final?.processesExceeded === true,
    memoryLimit,
    leftover,
    leftoverCount: Math.max(count(final?.leftoverCount) ?? 0, leftover.length),
  };
}
