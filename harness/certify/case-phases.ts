/**
 * Where a case's time goes (sandbox, predictions, snapshots, the run, judging), for the
 * per-case breakdown of `npm run bench`. Off unless a benchmark turns it on: then every
 * phase adds its wall time to a total, summed over the cases of all lanes.
 */
import { performance } from 'node:perf_hooks';

/** The phases of a case, in the order they happen. */
export type CasePhase = 'sandbox' | 'predict' | 'snapshot-before' | 'run' | 'snapshot-after' | 'judge';

const totals = new Map<CasePhase, number>();
let measuring = false;

/** Start (or stop) measuring, from zero. */
export function measurePhases(on: boolean): void {
  measuring = on;
  totals.clear();
}

/** Milliseconds spent in each phase since measuring started. */
export function phaseTotals(): ReadonlyMap<CasePhase, number> {
  return new Map(totals);
}

function add(name: CasePhase, ms: number): void {
  totals.set(name, (totals.get(name) ?? 0) + ms);
}

/** Run `work` as part of phase `name`. */
export function inPhase<T>(name: CasePhase, work: () => T): T {
  if (!measuring) return work();
  const started = performance.now();
  try {
    return work();
  } finally {
    add(name, performance.now() - started);
  }
}

/** Await `work` as part of phase `name`. */
export async function inPhaseAsync<T>(name: CasePhase, work: () => Promise<T>): Promise<T> {
  if (!measuring) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    add(name, performance.now() - started);
  }
}
