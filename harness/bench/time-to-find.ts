/**
 * Time to first finding, a section of `npm run bench`: a pbt campaign, run through the
 * campaign API in this process, against each flaw of the naive test receiver
 * (test/fixtures/broken-receivers/naive-receiver.mjs) run as a program in the sandbox, as
 * `qfc fuzz --receiver` runs it.
 *
 * One lane and a fixed seed make the inputs, and so the run that finds each flaw, the same
 * on every machine: runs-to-find measures the generators, seconds-to-find the machine (and
 * its load). Tests bound campaigns by runs for that reason and never by time; the seconds
 * are shown here, where nothing passes or fails. Shrinking is cut short: it is not timed.
 *
 * The baseline is the same campaign against the naive receiver with no flaw: its inputs
 * are the same ones up to the finding (they depend on the seed and the run's index only),
 * so the ratio tells whether a flaw is slow to find because the generators reach it late
 * (ratio near 1) or because its runs are slow (`hang`, `flood`).
 */
import { join } from 'node:path';
import { shellCommand } from '../adapters/bundled-implementations.js';
import type { Implementation } from '../adapters/implementation.js';
import { receiverOnly } from '../adapters/receiver-only.js';
import type { PropertyId } from '../engines/pbt/properties.js';
import { runReceiverCampaign } from '../engines/pbt/receiver-campaign.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { bwrapAvailable } from '../sandbox/run-contained.js';

export const NAIVE_RECEIVER = join(PACKAGE_ROOT, 'test', 'fixtures', 'broken-receivers', 'naive-receiver.mjs');

/** Each flaw of the naive receiver with the property it breaks (`hang` costs a time limit per run). */
export const FLAWS: readonly [flaw: string, property: PropertyId][] = [
  ['escape-dotdot', 'invariants'],
  ['absolute-names', 'invariants'],
  ['follow-symlinks', 'invariants'],
  ['make-fifo', 'invariants'],
  ['success-on-truncation', 'invariants'],
  ['flood', 'invariants'],
  ['no-result', 'differential'],
  ['hang', 'invariants'],
];

/** What one campaign against one flaw showed. */
export interface TimeToFind {
  readonly flaw: string;
  readonly property: PropertyId;
  /** The first violated clause of the finding, or null when the budget ran out first. */
  readonly clause: string | null;
  readonly runsToFind: number | null;
  readonly secondsToFind: number | null;
  /** Inputs run, and their rate, over the whole campaign. */
  readonly runs: number;
  readonly runsPerSecond: number;
}

/** The naive receiver with `flaw`, as `--receiver 'node naive-receiver.mjs FLAW'` makes it. */
export function naiveReceiver(flaw: string): Implementation {
  return receiverOnly(`naive-receiver ${flaw}`, shellCommand(`${process.execPath} ${NAIVE_RECEIVER} ${flaw}`, 'qfc-receiver'));
}

/** One campaign (one lane, `seed`, at most `maxRuns` inputs) against `flaw`, checking only `property`; `onRun` sees each run's count and elapsed milliseconds. */
export async function timeToFind(flaw: string, property: PropertyId, seed: number, maxRuns: number, onRun?: (runs: number, ms: number) => void): Promise<TimeToFind> {
  const started = Date.now();
  const { findings, statistics } = await runReceiverCampaign(
    { implementation: naiveReceiver(flaw), properties: new Set([property]) },
    {
      seed,
      runs: maxRuns,
      ms: null,
      jobs: 1,
      keepGoing: false,
      shrinkMs: 1,
      ...(onRun === undefined ? {} : { onRun: (_run: unknown, counted: { runs: number }) => onRun(counted.runs, Date.now() - started) }),
    },
  );
  const finding = findings[0];
  return {
    flaw,
    property,
    clause: finding === undefined ? null : (finding.run.result.violations[0]?.clause ?? finding.run.result.verdict),
    runsToFind: finding?.runsToFind ?? null,
    secondsToFind: finding === undefined ? null : finding.msToFind / 1000,
    runs: statistics.runs,
    runsPerSecond: statistics.ms > 0 ? statistics.runs / (statistics.ms / 1000) : 0,
  };
}

/** Print the section, a line per flaw as its campaign ends, then the ratios to the baseline; returns what each showed. */
export async function timeToFindSection(seed: number, maxRuns: number, print: (line: string) => void, flaws: readonly (readonly [string, PropertyId])[] = FLAWS): Promise<TimeToFind[]> {
  print(`time to first finding: naive-receiver as a program (${bwrapAvailable() ? 'bubblewrap' : 'unconfined'}), 1 lane, seed ${seed}, at most ${maxRuns} runs`);
  const results: TimeToFind[] = [];
  for (const [flaw, property] of flaws) {
    const found = await timeToFind(flaw, property, seed, maxRuns);
    results.push(found);
    const rate = `${found.runsPerSecond.toFixed(1)} runs/s`;
    print(
      found.runsToFind === null
        ? `  ${flaw.padEnd(22)} not found in ${found.runs} runs (${rate})`
        : `  ${flaw.padEnd(22)} ${found.clause} after ${found.runsToFind} ${found.runsToFind === 1 ? 'run' : 'runs'}, ${found.secondsToFind!.toFixed(2)} s (${rate})`,
    );
  }
  const longest = Math.max(0, ...results.map((found) => found.runsToFind ?? 0));
  if (longest === 0) return results;
  // The same inputs against no flaw: elapsed time after each run.
  const elapsed: number[] = [];
  const baseline = await timeToFind('none', 'invariants', seed, longest, (runs, ms) => (elapsed[runs] = ms));
  print(`  baseline: the same inputs against no flaw, ${baseline.runs} runs (${baseline.runsPerSecond.toFixed(1)} runs/s); seconds to find / seconds for as many runs without the flaw:`);
  print(
    `  ${results
      .filter((found) => found.runsToFind !== null && elapsed[found.runsToFind] !== undefined)
      .map((found) => `${found.flaw} ${(found.secondsToFind! / (elapsed[found.runsToFind!]! / 1000)).toFixed(2)}`)
      .join(', ')}`,
  );
  return results;
}
