/**
 * A Jazzer.js campaign: `jobs` libFuzzer workers (separate processes sharing one working
 * corpus directory, which libFuzzer reloads every second, so one worker's new inputs reach
 * the others) each run the implementation target (implementation-target.ts) on the inputs
 * libFuzzer makes. When they are done, qfc reads what each kept, runs every finding and
 * sample again in its own process to have their judged runs, minimizes each finding
 * (libFuzzer's -minimize_crash on the judged target, then the part-by-part reducer of the
 * pbt engine) and returns a result shaped as a pbt campaign's, for the same report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sandboxBase, type CampaignSetup } from '../../cli/fuzz-setup.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { removeTree } from '../../sandbox/sandbox-root.js';
import type { Verdict } from '../../verdicts/case-result.js';
import type { EngineReport } from '../../reports/results-document.js';
import type { CampaignOptions, CampaignResult, CampaignStatistics, Finding, Sample } from '../pbt/campaign.js';
import { failureSignature } from '../pbt/failure-signature.js';
import type { PropertyId } from '../pbt/properties.js';
import { reduceInput } from '../pbt/reduce-input.js';
import { runInput, type InputRun } from '../pbt/run-input.js';
import { jazzerNodeLauncher, launcherScript } from './compat-runtime.js';
import { decodeFuzzInput, encodeStreamInput, encodeTreeInput, type InputMode } from './fuzz-input-codec.js';
import { NO_STATUS, readStatusLine, type LibFuzzerStatus } from './libfuzzer-status.js';
import { writeProtocolDictionary } from './protocol-dictionary.js';
import { MAX_INPUT_LENGTH, seedCorpus } from './seed-corpus.js';
import { WORKER_CONFIG_VARIABLE, writeWorkerConfig, type WorkerConfig } from './worker-config.js';
import { emptyStatistics, FINDINGS_DIR, SAMPLES_DIR, TALLY_FILE, type FindingRecord, type SampleRecord } from './worker-tally.js';

const DIST = join(PACKAGE_ROOT, 'dist', 'harness', 'engines', 'jazzer');
const TARGET = join(DIST, 'implementation-target.js');
const PRELOAD = pathToFileURL(join(DIST, 'worker-preload.js')).href;
const PROGRESS_EVERY_MS = 500;
const LOG_LINES = 40;
const MAX_SAMPLES = 20;
const MINIMIZE_ABOVE = 64;

/** A worker that failed for a reason of its own (not a finding): the message is one line for the user. */
export class JazzerEngineError extends Error {
  override readonly name = 'JazzerEngineError';
}

/** A pbt campaign's options (budget, seed, jobs, shrinking, abort, findings) and what libFuzzer needs besides. */
export interface JazzerCampaignOptions extends Omit<CampaignOptions, 'runner' | 'shape' | 'onRun'> {
  /** The campaign's implementation and judges, as in qfc's own process. */
  readonly setup: CampaignSetup;
  /** The `qfc fuzz` options the workers set themselves up from (the same implementation and judges). */
  readonly workerArgs: readonly string[];
  /** libFuzzer's working corpus, kept between campaigns. */
  readonly corpusDir: string;
  /** Where minimized finding inputs and sample inputs are kept for `--replay FILE`. */
  readonly inputsDir: string;
  /** A dictionary to use instead of the protocol's. */
  readonly dictionary: string | null;
  readonly mode: InputMode;
  /** The receiver module the workers run in-process (its setup already uses it here); null for programs. */
  readonly receiverModule: string | null;
  readonly onProgress?: (statistics: CampaignStatistics, status: LibFuzzerStatus) => void;
  readonly log?: (line: string) => void;
}

/** What libFuzzer itself reported, summed over the workers (as the report keeps it). */
export type LibFuzzerSummary = NonNullable<EngineReport['libFuzzer']>;

export interface JazzerCampaignResult extends CampaignResult {
  readonly libFuzzer: LibFuzzerSummary;
}

interface Worker {
  readonly index: number;
  readonly seed: number;
  readonly dir: string;
  readonly base: string;
  readonly child: ChildProcess;
  readonly tail: string[];
  status: LibFuzzerStatus;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** libFuzzer reads seed 0 as "pick one": worker seeds are 1 and up. */
function workerSeed(seed: number, index: number): number {
  return ((seed >>> 0) % 0x7fff_0000) + 1 + index;
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

function addCounts(into: Record<Verdict, number>, from: Readonly<Record<Verdict, number>>): void {
  for (const verdict of Object.keys(into) as Verdict[]) into[verdict] += from[verdict] ?? 0;
}

/** The workers' statistics summed (a worker that left none counts nothing). */
function sumStatistics(workers: readonly Worker[]): CampaignStatistics {
  const total = emptyStatistics();
  for (const worker of workers) {
    const tally = readJson<CampaignStatistics>(join(worker.dir, TALLY_FILE));
    if (tally === null) continue;
    total.runs += tally.runs;
    total.execs += tally.execs;
    addCounts(total.verdicts, tally.verdicts);
    for (const [family, counts] of Object.entries(tally.families)) addCounts((total.families[family] ??= emptyStatistics().verdicts), counts);
    for (const [clause, count] of Object.entries(tally.clauses)) total.clauses[clause as keyof typeof total.clauses] = (total.clauses[clause as keyof typeof total.clauses] ?? 0) + (count ?? 0);
  }
  return total;
}

/** The records (`<n>.json` beside `<n>.input`) a worker kept in `sub`. */
function records<T>(worker: Worker, sub: string): { record: T; input: string }[] {
  const dir = join(worker.dir, sub);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .flatMap((name) => {
      const record = readJson<T>(join(dir, name));
      const input = join(dir, name.replace(/\.json$/, '.input'));
      return record === null || !existsSync(input) ? [] : [{ record, input }];
    });
}

/** Keep `data` in `dir` under its digest (written once, atomically); its path. */
function keepInput(dir: string, data: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${createHash('sha1').update(data).digest('hex')}.input`);
  if (!existsSync(path)) {
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

/** Run a campaign. */
export async function runJazzerCampaign(options: JazzerCampaignOptions): Promise<JazzerCampaignResult> {
  if (options.runs === null && options.ms === null) throw new Error('a campaign needs a run or time budget');
  const log = options.log ?? (() => {});
  const started = Date.now();
  const launcher = jazzerNodeLauncher(undefined, log);
  const script = launcherScript(launcher, PRELOAD);
  const cli = createRequire(import.meta.url).resolve('@jazzer.js/core/dist/cli.js');
  if (!existsSync(TARGET)) throw new JazzerEngineError(`${TARGET} is missing: run npm run build first`);
  const seeded = seedCorpus(options.corpusDir, options.mode);
  const work = mkdtempSync(join(tmpdir(), 'qfc-jazzer-'));
  const dictionary = options.dictionary ?? join(work, 'protocol.dict');
  if (options.dictionary === null) writeProtocolDictionary(dictionary);
  const { setup } = options;
  // What guides libFuzzer: the model always; the receiver's own code when it runs in-process.
  const receiverModule = options.receiverModule;
  const includes = ['dist/spec/', ...(setup.inProcess ? ['dist/implementations/reference/'] : []), ...(receiverModule === null ? [] : [dirname(receiverModule)])];
  const timeLimit = setup.implementation.timeLimitMs;
  const inputTimeoutMs = timeLimit * 3 + 30_000;
  const jobs = Math.max(1, options.jobs);

  const startWorker = (index: number, seed: number, config: Omit<WorkerConfig, 'base' | 'out'>, positional: readonly string[], flags: readonly string[]): Worker => {
    const dir = join(work, `worker-${index}`);
    mkdirSync(dir, { recursive: true });
    const base = sandboxBase(setup.inProcess);
    const configPath = join(dir, 'config.json');
    writeWorkerConfig(configPath, { ...config, base, out: dir });
    const args = [cli, TARGET, ...positional, '--disable_bug_detectors=.*', ...includes.flatMap((include) => ['-i', include]), `--timeout=${inputTimeoutMs}`, '--', ...flags];
    const child = spawn(script, args, {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, [WORKER_CONFIG_VARIABLE]: configPath, QFC_SYSTEM_NODE: process.execPath, QFC_JAZZER_ARGV0: script },
    });
    const worker: Worker = {
      index,
      seed,
      dir,
      base,
      child,
      tail: [],
      status: NO_STATUS,
      exit: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))),
    };
    let pending = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        worker.status = readStatusLine(worker.status, line);
        if (line.trim() === '') continue;
        worker.tail.push(line);
        if (worker.tail.length > LOG_LINES) worker.tail.shift();
      }
    });
    return worker;
  };

  const alive = new Set<ChildProcess>();
  const killAll = (): void => {
    for (const child of alive) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // libFuzzer stops on SIGINT and prints its final statistics.
    for (const child of alive) child.kill('SIGINT');
  };
  const onAbort = (): void => stop();
  options.signal?.addEventListener('abort', onAbort);

  const budget = options.runs === null ? [`-max_total_time=${Math.max(1, Math.ceil(options.ms! / 1000))}`] : [];
  const workers: Worker[] = [];
  try {
    for (let index = 0; index < jobs; index++) {
      const seed = workerSeed(options.seed, index);
      // The run budget split between the workers, the first ones taking the remainder.
      const runs = options.runs === null ? [] : [`-runs=${Math.max(1, Math.floor(options.runs / jobs) + (index < options.runs % jobs ? 1 : 0))}`];
      const worker = startWorker(
        index,
        seed,
        { fuzzArgs: options.workerArgs, mode: options.mode, keepGoing: options.keepGoing, only: null, receiverModule, startedAt: started },
        [options.corpusDir],
        [`-seed=${seed}`, ...budget, ...runs, `-dict=${dictionary}`, `-artifact_prefix=${join(work, `worker-${index}`)}/`, `-max_len=${MAX_INPUT_LENGTH}`, '-print_final_stats=1'],
      );
      workers.push(worker);
      alive.add(worker.child);
      void worker.exit.then(() => alive.delete(worker.child));
    }
    if (options.signal?.aborted) stop();
    const timer = setInterval(() => {
      const statistics = sumStatistics(workers);
      statistics.ms = Date.now() - started;
      options.onProgress?.(statistics, combinedStatus(workers));
      if (!options.keepGoing && workers.some((worker) => records(worker, FINDINGS_DIR).length > 0)) stop();
    }, PROGRESS_EVERY_MS);
    const exits = await Promise.all(workers.map((worker) => worker.exit));
    clearInterval(timer);

    for (const [index, exit] of exits.entries()) {
      const worker = workers[index]!;
      const found = records(worker, FINDINGS_DIR).length > 0;
      if (exit.code === 0 || found || stopping) continue;
      const last = worker.tail.filter((line) => !line.startsWith('#') && !line.startsWith('INFO')).pop() ?? worker.tail.at(-1) ?? 'no output';
      throw new JazzerEngineError(`Jazzer.js worker ${index + 1} stopped (${exit.code === null ? `signal ${exit.signal}` : `exit ${exit.code}`}) without a finding: ${last.trim().slice(0, 300)}`);
    }

    const statistics = sumStatistics(workers);
    const status = combinedStatus(workers);
    const shrinkBudget = (): { deadline: number } => ({ deadline: Date.now() + options.shrinkMs });

    // Findings: one per signature (the earliest), minimized, run again here.
    const bySignature = new Map<string, { record: FindingRecord; input: string; worker: Worker }>();
    for (const worker of workers) {
      for (const { record, input } of records<FindingRecord>(worker, FINDINGS_DIR)) {
        const known = bySignature.get(record.signature);
        if (known === undefined || record.ms < known.record.ms) bySignature.set(record.signature, { record, input, worker });
      }
    }
    const findings: Finding[] = [];
    for (const [signature, { record, input, worker }] of bySignature) {
      const shrinkStarted = Date.now();
      const { deadline } = shrinkBudget();
      let data: Uint8Array = readFileSync(input);
      let shrinks = 0;
      // libFuzzer's minimizer first, on a quarter of the time: it removes and changes bytes, which
      // in a structured input mostly changes what every later part is, so it rarely keeps the
      // failure (measured: none of 300 tries on a 22-entry stream did); the reducers that know
      // the parts and nodes get the rest. It spends its whole time on a tiny input: not tried there.
      if (!options.signal?.aborted && options.shrinkMs >= 4000 && data.length > MINIMIZE_ABOVE) {
        const minimized = await minimizeWithLibFuzzer(data, signature, Math.floor(options.shrinkMs / 4000));
        if (minimized !== null && minimized.length < data.length && (await judged(minimized)).signature === signature) {
          data = minimized;
          shrinks += 1;
        }
      }
      let decoded = decodeFuzzInput(data, setup.shape, options.mode);
      let run = await runInput(decoded, setup.runner);
      if (failureSignature(run) === signature && !options.signal?.aborted) {
        const reduced = await reduceInput(decoded, run, async (smaller) => {
          if (options.signal?.aborted || Date.now() >= deadline) return null;
          const candidate = await runInput(smaller, setup.runner);
          statistics.execs += 1;
          return failureSignature(candidate) === signature ? candidate : null;
        });
        if (reduced.steps > 0) {
          run = reduced.run;
          shrinks += reduced.steps;
          decoded = reduced.input;
          data = decoded.kind === 'tree'
            ? encodeTreeInput(decoded.tree, decoded.ignoreSymlinks, setup.shape)
            : options.mode === 'raw' ? decoded.stream : encodeStreamInput(decoded.stream, decoded.settings);
        }
      }
      if (failureSignature(run) !== signature) {
        run = { ...run, result: { ...run.result, notes: [...run.result.notes, `this input broke ${signature} in the Jazzer.js worker but not when qfc ran it again`] } };
      }
      const finding: Finding = {
        property: record.property as PropertyId,
        seed: worker.seed,
        path: keepInput(options.inputsDir, data),
        input: decoded,
        run,
        shrinks,
        runsToFind: record.runs,
        msToFind: record.ms,
        msToShrink: Date.now() - shrinkStarted,
      };
      findings.push(finding);
      await options.onFinding?.(finding);
    }

    // Samples: the first input of each kind of non-pass verdict, run again here.
    const samples: Sample[] = [];
    const sampleKeys = new Set<string>();
    for (const worker of workers) {
      for (const { record, input } of records<SampleRecord>(worker, SAMPLES_DIR)) {
        if (sampleKeys.has(record.key) || samples.length >= MAX_SAMPLES) continue;
        sampleKeys.add(record.key);
        const data = readFileSync(input);
        const decoded = decodeFuzzInput(data, setup.shape, options.mode);
        const run = await runInput(decoded, setup.runner);
        samples.push({ result: run.result, input: decoded, stream: run.stream, seed: worker.seed, path: keepInput(options.inputsDir, data) });
      }
    }

    statistics.ms = Date.now() - started;
    return {
      findings,
      samples,
      statistics,
      interrupted: options.signal?.aborted === true,
      libFuzzer: {
        workers: jobs,
        runtime: launcher.runtime,
        mode: options.mode,
        execs: status.execs,
        edges: status.edges,
        features: status.features,
        corpusDir: options.corpusDir,
        corpusSize: readdirSync(options.corpusDir).filter((name) => !name.endsWith('.tmp')).length,
        seeded,
        dictionary: options.dictionary ?? 'the protocol dictionary (generated)',
      },
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    killAll();
    process.off('exit', killAll);
    for (const worker of workers) removeTree(worker.base);
    rmSync(work, { recursive: true, force: true });
  }

  /** The signature of `data` run here. */
  async function judged(data: Uint8Array): Promise<{ run: InputRun; signature: string | null }> {
    const run = await runInput(decodeFuzzInput(data, options.setup.shape, options.mode), options.setup.runner);
    return { run, signature: failureSignature(run) };
  }

  /** libFuzzer's -minimize_crash on the judged target, only `signature` counting as a crash; the smallest input, or null. */
  async function minimizeWithLibFuzzer(data: Uint8Array, signature: string, seconds: number): Promise<Uint8Array | null> {
    const dir = join(work, 'minimize');
    mkdirSync(dir, { recursive: true });
    const crash = join(dir, 'crash.input');
    const smallest = join(dir, 'minimized.input');
    writeFileSync(crash, data);
    rmSync(smallest, { force: true });
    const worker = startWorker(
      jobs,
      0,
      { fuzzArgs: options.workerArgs, mode: options.mode, keepGoing: false, only: signature, receiverModule: options.receiverModule, startedAt: started },
      [crash],
      // Without -runs, libFuzzer's minimizing step tries nothing at all.
      ['-minimize_crash=1', `-max_total_time=${Math.max(1, seconds)}`, '-runs=1000000', `-exact_artifact_path=${smallest}`, `-max_len=${MAX_INPUT_LENGTH}`],
    );
    alive.add(worker.child);
    const onStop = (): void => void worker.child.kill('SIGINT');
    options.signal?.addEventListener('abort', onStop);
    // Each minimizing step is a subprocess with that time; the steps together are bounded here
    // (a step left behind stops itself once its parent is gone).
    const overtime = setTimeout(() => worker.child.kill('SIGKILL'), Math.max(1, seconds) * 2000 + 5000);
    await worker.exit;
    clearTimeout(overtime);
    options.signal?.removeEventListener('abort', onStop);
    alive.delete(worker.child);
    removeTree(worker.base);
    return existsSync(smallest) ? readFileSync(smallest) : null;
  }
}

function combinedStatus(workers: readonly Worker[]): LibFuzzerStatus {
  return workers.reduce<LibFuzzerStatus>(
    (total, worker) => ({
      execs: total.execs + worker.status.execs,
      edges: Math.max(total.edges, worker.status.edges),
      features: Math.max(total.features, worker.status.features),
      corpus: Math.max(total.corpus, worker.status.corpus),
    }),
    NO_STATUS,
  );
}
