/**
 * A campaign: fast-check drives the inputs, `jobs` lanes run them concurrently, every run
 * is judged like a certify case, and a failing input is shrunk before it is reported.
 *
 * Each lane checks batches of inputs, each batch under its own seed derived from the
 * campaign seed, so a finding replays from its batch seed and fast-check path alone
 * (`qfc fuzz --replay seed:path`) whatever the number of lanes. Shrinking only accepts
 * inputs that break the same property with the same first violated clause, so the
 * minimal input still shows the bug that was found rather than another one.
 */
import fc from 'fast-check';
import type { ClauseId } from '../../../spec/clauses.js';
import type { CaseResult, Verdict } from '../../verdicts/case-result.js';
import { fuzzInputArb, type FuzzInput, type FuzzInputShape } from './arbitraries/fuzz-input.js';
import type { PropertyId } from './properties.js';
import { runInput, type EngineRunner, type InputRun } from './run-input.js';

/** Inputs per batch (one fast-check run each). */
export const BATCH_SIZE = 50;

/** A shrunk failing input. */
export interface Finding {
  readonly property: PropertyId;
  /** Seed and fast-check path of the minimal input: `qfc fuzz --replay seed:path`. */
  readonly seed: number;
  readonly path: string;
  readonly input: FuzzInput;
  readonly run: InputRun;
  /** Shrink steps that were accepted, and runs before the first failure. */
  readonly shrinks: number;
  readonly msToFind: number;
  readonly msToShrink: number;
}

/** What the campaign counted. */
export interface CampaignStatistics {
  /** Inputs run (shrink attempts not included). */
  runs: number;
  /** Every execution, shrink attempts included. */
  execs: number;
  ms: number;
  readonly verdicts: Record<Verdict, number>;
  /** Verdict counts per input family. */
  readonly families: Record<string, Record<Verdict, number>>;
  /** How often each clause was exercised. */
  readonly clauses: Partial<Record<ClauseId, number>>;
}

export interface CampaignOptions {
  readonly runner: EngineRunner;
  readonly shape: FuzzInputShape;
  readonly seed: number;
  /** Stop after this many inputs, or this many milliseconds (at least one must be given). */
  readonly runs: number | null;
  readonly ms: number | null;
  readonly jobs: number;
  /** Collect distinct failures (by property and first violated clause) until the budget is spent, instead of stopping at the first. */
  readonly keepGoing: boolean;
  /** Longest time to spend shrinking one failure. */
  readonly shrinkMs: number;
  /** Aborting stops the campaign; findings so far are kept (a shrink in progress keeps its smallest input). */
  readonly signal?: AbortSignal;
  readonly onRun?: (run: InputRun, statistics: CampaignStatistics) => void;
  readonly onFinding?: (finding: Finding) => void | Promise<void>;
}

export interface CampaignResult {
  readonly findings: readonly Finding[];
  /** First example of each kind of non-strict, info and error verdict. */
  readonly samples: readonly CaseResult[];
  readonly statistics: CampaignStatistics;
  readonly interrupted: boolean;
}

const SAMPLES = 20;
const emptyCounts = (): Record<Verdict, number> => ({ pass: 0, fail: 0, 'non-strict': 0, info: 0, error: 0, skipped: 0 });

/** A 31-bit seed for batch `batch` of lane `lane` (a mix of the three, stable across versions). */
export function batchSeed(seed: number, lane: number, batch: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const value of [lane, batch]) {
    h = Math.imul(h ^ (value >>> 0), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h & 0x7fff_ffff;
}

/** What makes two failures the same: the property and the first violated clause. */
function signature(property: PropertyId, run: InputRun): string {
  return `${property}:${run.result.violations[0]?.clause ?? run.result.verdict}`;
}

function family(input: FuzzInput): string {
  return input.kind === 'tree' ? 'round-trip' : input.family;
}

/** Run a campaign. */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  if (options.runs === null && options.ms === null) throw new Error('a campaign needs a run or time budget');
  const started = Date.now();
  const deadline = options.ms === null ? Infinity : started + options.ms;
  const arbitrary = fuzzInputArb(options.shape);
  const statistics: CampaignStatistics = { runs: 0, execs: 0, ms: 0, verdicts: emptyCounts(), families: {}, clauses: {} };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const samples = new Map<string, CaseResult>();
  let begun = 0;
  const aborted = (): boolean => options.signal?.aborted === true;
  const spent = (): boolean => aborted() || Date.now() >= deadline || (options.runs !== null && begun >= options.runs) || (!options.keepGoing && findings.length > 0);

  const count = (input: FuzzInput, run: InputRun): void => {
    statistics.runs += 1;
    statistics.verdicts[run.result.verdict] += 1;
    const row = (statistics.families[family(input)] ??= emptyCounts());
    row[run.result.verdict] += 1;
    for (const clause of new Set(run.exercised)) statistics.clauses[clause] = (statistics.clauses[clause] ?? 0) + 1;
    const { verdict } = run.result;
    if ((verdict === 'non-strict' || verdict === 'info' || verdict === 'error') && samples.size < SAMPLES) {
      const key = `${verdict}:${run.result.violations[0]?.clause ?? run.result.notes[0]?.slice(0, 60) ?? ''}`;
      if (!samples.has(key)) samples.set(key, run.result);
    }
    options.onRun?.(run, statistics);
  };

  const lane = async (index: number): Promise<void> => {
    for (let batch = 0; !spent(); batch++) {
      const seed = batchSeed(options.seed, index, batch);
      // The first failure of the batch fixes what shrinking must keep showing.
      let first: { property: PropertyId; signature: string; at: number } | null = null;
      let smallest: { input: FuzzInput; run: InputRun } | null = null;
      let shrinks = 0;
      let shrinkDeadline = Infinity;
      const property = fc.asyncProperty(arbitrary, async (input) => {
        if (first === null && spent()) return true; // the budget is spent: let the batch run out
        if (first !== null && (aborted() || Date.now() >= shrinkDeadline)) return true; // stop shrinking, keep the smallest
        if (first === null) begun += 1;
        statistics.execs += 1;
        const run = await runInput(input, options.runner);
        if (first === null) count(input, run);
        if (run.property === null) return true;
        if (first === null) {
          // A bug already found and shrunk is counted, not shrunk again.
          if (seen.has(signature(run.property, run))) return true;
          first = { property: run.property, signature: signature(run.property, run), at: Date.now() };
          seen.add(first.signature); // claimed: no other lane shrinks the same bug
          shrinkDeadline = first.at + options.shrinkMs;
        } else if (signature(run.property, run) !== first.signature) return true; // another bug: do not drift to it
        else shrinks += 1;
        smallest = { input, run };
        return false;
      });
      const details = await fc.check(property, { seed, numRuns: BATCH_SIZE });
      if (!details.failed || first === null || smallest === null) continue;
      const found = first as { property: PropertyId; signature: string; at: number };
      const minimal = smallest as { input: FuzzInput; run: InputRun };
      const finding: Finding = {
        property: found.property,
        seed,
        path: details.counterexamplePath ?? '',
        input: minimal.input,
        run: minimal.run,
        shrinks,
        msToFind: found.at - started,
        msToShrink: Date.now() - found.at,
      };
      findings.push(finding);
      await options.onFinding?.(finding);
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, (_, index) => lane(index)));
  statistics.ms = Date.now() - started;
  return { findings, samples: [...samples.values()], statistics, interrupted: aborted() };
}

/** Run the input at `seed:path` once (the replay of a finding); null when the path leads nowhere. */
export async function replayInput(shape: FuzzInputShape, seed: number, path: string, runner: EngineRunner): Promise<{ input: FuzzInput; run: InputRun } | null> {
  let replayed: { input: FuzzInput; run: InputRun } | null = null;
  const property = fc.asyncProperty(fuzzInputArb(shape), async (input) => {
    if (replayed !== null) return true;
    const run = await runInput(input, runner);
    replayed = { input, run };
    return run.property === null;
  });
  await fc.check(property, { seed, path, numRuns: BATCH_SIZE, endOnFailure: true });
  return replayed;
}
