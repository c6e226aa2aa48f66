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
import { failureSignature, familyOf } from './failure-signature.js';
import { reduceStream } from './reduce-stream.js';
import { runInput, type EngineRunner, type InputRun } from './run-input.js';

/** Inputs per batch (one fast-check run each). */
export const BATCH_SIZE = 50;

/** A shrunk failing input. */
export interface Finding {
  readonly property: PropertyId;
  /** Seed and fast-check path of the minimal input: `qfc fuzz --replay seed:path`. */
  readonly seed: number;
  readonly path: string;
  /** fast-check's minimal input (what `--replay seed:path` runs). */
  readonly input: FuzzInput;
  /** The run of the smallest input: for a stream, fast-check's, reduced further part by part (reduce-stream). */
  readonly run: InputRun;
  /** Shrink steps that were accepted (fast-check's, then the part-by-part reduction's). */
  readonly shrinks: number;
  /** Inputs the campaign had run when it found this (all lanes together; with one lane, fixed by the seed). */
  readonly runsToFind: number;
  readonly msToFind: number;
  readonly msToShrink: number;
}

/**
 * One input kept as an example of a non-pass verdict, with where it came from: the
 * `seed:path` of a run that was not shrunk is its batch seed and its index in the batch,
 * so `qfc fuzz --replay seed:path` draws the same input again.
 */
export interface Sample {
  readonly result: CaseResult;
  readonly input: FuzzInput;
  /** The stream the receiver saw (for a tree, the one the sender wrote). */
  readonly stream: Uint8Array;
  readonly seed: number;
  readonly path: string;
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
  readonly samples: readonly Sample[];
  readonly statistics: CampaignStatistics;
  readonly interrupted: boolean;
}

const SAMPLES = 20;
const emptyCounts = (): Record<Verdict, number> => ({ pass: 0, fail: 0, 'non-strict': 0, info: 0, error: 0, skipped: 0 });

/** A 32-bit finalizer (murmur3's): every input bit flips about half the output bits. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 31-bit seed for batch `batch` of lane `lane`. Each value is mixed in after the previous
 * ones are (so that seed 2 lane 0 is not seed 3 lane 1, as a plain xor of the three made it).
 */
export function batchSeed(seed: number, lane: number, batch: number): number {
  let h = mix32(seed ^ 0x9e3779b9);
  for (const value of [lane, batch]) h = mix32(h ^ mix32((value + 0x632be5ab) >>> 0));
  return h & 0x7fff_ffff;
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
  const samples = new Map<string, Sample>();
  let begun = 0;
  // In-process runs can chain promises without ever returning to the event loop, which
  // would hold back signals (Ctrl-C) and output: give it a turn every few milliseconds.
  let lastTurn = Date.now();
  const breathe = async (): Promise<void> => {
    if (Date.now() - lastTurn < 20) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    lastTurn = Date.now();
  };
  const aborted = (): boolean => options.signal?.aborted === true;
  const spent = (): boolean => aborted() || Date.now() >= deadline || (options.runs !== null && begun >= options.runs) || (!options.keepGoing && findings.length > 0);

  const count = (input: FuzzInput, run: InputRun, seed: number, position: number): void => {
    statistics.runs += 1;
    statistics.verdicts[run.result.verdict] += 1;
    const row = (statistics.families[familyOf(input)] ??= emptyCounts());
    row[run.result.verdict] += 1;
    for (const clause of new Set(run.exercised)) statistics.clauses[clause] = (statistics.clauses[clause] ?? 0) + 1;
    const { verdict } = run.result;
    if ((verdict === 'non-strict' || verdict === 'info' || verdict === 'error') && samples.size < SAMPLES) {
      const key = `${verdict}:${run.result.violations[0]?.clause ?? run.result.notes[0]?.slice(0, 60) ?? ''}`;
      if (!samples.has(key)) samples.set(key, { result: run.result, input, stream: run.stream, seed, path: String(position) });
    }
    options.onRun?.(run, statistics);
  };

  const lane = async (index: number): Promise<void> => {
    for (let batch = 0; !spent(); batch++) {
      const seed = batchSeed(options.seed, index, batch);
      // The first failure of the batch fixes what shrinking must keep showing.
      let first: { property: PropertyId; signature: string; at: number; runs: number } | null = null;
      // Index in the batch of the run under way: fast-check's path of an input it did not shrink.
      let position = -1;
      let smallest: { input: FuzzInput; run: InputRun } | null = null;
      let shrinks = 0;
      let shrinkDeadline = Infinity;
      // While shrinking, an input seen before (same stream and settings) is not run again.
      const tried = new Map<string, InputRun>();
      const shrinkRun = async (input: FuzzInput): Promise<InputRun> => {
        const key = input.kind === 'stream' ? `${Buffer.from(input.stream).toString('base64')}|${input.settings.profile}|${input.settings.limits.bytes}|${input.settings.limits.files}` : null;
        const known = key === null ? undefined : tried.get(key);
        if (known !== undefined) return known;
        statistics.execs += 1;
        const run = await runInput(input, options.runner);
        if (key !== null) tried.set(key, run);
        return run;
      };
      const property = fc.asyncProperty(arbitrary, async (input) => {
        if (first === null) position += 1;
        await breathe();
        if (first === null && spent()) return true; // the budget is spent: let the batch run out
        if (first !== null && (aborted() || Date.now() >= shrinkDeadline)) return true; // stop shrinking, keep the smallest
        if (first === null) {
          begun += 1;
          statistics.execs += 1;
        }
        const run = first === null ? await runInput(input, options.runner) : await shrinkRun(input);
        if (first === null) count(input, run, seed, position);
        if (run.property === null) return true;
        if (first === null) {
          // A bug already found and shrunk is counted, not shrunk again.
          if (seen.has(failureSignature(run)!)) return true;
          first = { property: run.property, signature: failureSignature(run)!, at: Date.now(), runs: statistics.runs };
          seen.add(first.signature); // claimed: no other lane shrinks the same bug
          shrinkDeadline = first.at + options.shrinkMs;
        } else if (failureSignature(run)! !== first.signature) return true; // another bug: do not drift to it
        else shrinks += 1;
        smallest = { input, run };
        return false;
      });
      const details = await fc.check(property, { seed, numRuns: BATCH_SIZE });
      if (!details.failed || first === null || smallest === null) continue;
      const found = first as { property: PropertyId; signature: string; at: number; runs: number };
      const minimal = smallest as { input: FuzzInput; run: InputRun };
      let run = minimal.run;
      const fcInput = minimal.input;
      if (fcInput.kind === 'stream') {
        const reduced = await reduceStream(fcInput.stream, run, async (stream) => {
          if (aborted() || Date.now() >= shrinkDeadline) return null;
          const candidate = await shrinkRun({ ...fcInput, stream });
          return candidate.property !== null && failureSignature(candidate) === found.signature ? candidate : null;
        });
        run = reduced.run;
        shrinks += reduced.steps;
      }
      const finding: Finding = {
        property: found.property,
        seed,
        path: details.counterexamplePath ?? '',
        input: minimal.input,
        run,
        shrinks,
        runsToFind: found.runs,
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
